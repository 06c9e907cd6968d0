// The web host with its core: starts the core client (a forked Node core process) and the HTTP/WebSocket
// server in front of it. Used by `npm start` where Electron is not installed, by the e2e tests and the bench.
import { join } from 'node:path';
import { CoreClient, forkCoreSpawner, type CoreClientOptions } from '../host/core-client.ts';
import { coreEnv, type LaunchOptions } from '../host/options.ts';
import { startWebHost, type WebHost } from './server.ts';

export const DEFAULT_RENDERER_DIR = join(import.meta.dirname, '..', '..', '..', 'dist', 'renderer');

export interface WebAppOptions {
  launch: LaunchOptions;
  rendererDir?: string;
  /** The core's entry: default the sources through tsx; `npm start` passes the built dist/web/core.cjs. */
  coreEntry?: string;
  port?: number;
  /** Overrides for the core client (backoff, give-up window, timeouts) — tests. */
  client?: Omit<CoreClientOptions, 'spawn'>;
  /** Extra environment for the core process. */
  env?: NodeJS.ProcessEnv;
  /**
   * Resolve once the core is ready (default), or as soon as the page is served: the core starts alongside, the
   * page shows 起動中 until it is ready, as in the Electron app (whose window loads while its core starts).
   */
  waitForCore?: boolean;
}

export interface WebApp {
  host: WebHost;
  core: CoreClient;
  /** Resolves when the core is ready the first time; rejects when it cannot be started. */
  coreReady: Promise<void>;
  /** Closes the server, then stops the core and waits for its process to exit. */
  close(): Promise<void>;
}

export async function startWebApp(options: WebAppOptions): Promise<WebApp> {
  const core = new CoreClient({
    ...options.client,
    spawn: forkCoreSpawner({
      env: coreEnv(options.launch, { ...process.env, ...options.env }),
      ...(options.coreEntry === undefined ? {} : { entry: options.coreEntry }),
    }),
  });
  // The core process first: it loads and opens the journal while this process starts serving the page.
  const coreReady = core.start();
  coreReady.catch(() => undefined); // handled below, or by the caller through `coreReady`
  let host: WebHost;
  try {
    host = await startWebHost({
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      core,
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  } catch (err) {
    await core.stop();
    throw err;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= host.close().then(() => core.stop());
    return closing;
  };
  if (options.waitForCore !== false) {
    try {
      await coreReady;
    } catch (err) {
      await close();
      throw err;
    }
  }
  return { host, core, coreReady, close };
}
