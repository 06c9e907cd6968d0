// `npm start` without Electron: serve the app on the loopback web host until Ctrl-C.
import { packageVersion, resolveLaunchOptions } from '../host/options.ts';
import { startWebApp } from './app.ts';

/** Where the built files are, when this runs from a bundle (dist/web/host.mjs) rather than the sources. */
export interface WebHostFiles {
  coreEntry?: string;
  rendererDir?: string;
  version?: string;
}

export async function runWebHost(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  files: WebHostFiles = {},
): Promise<void> {
  const launch = resolveLaunchOptions(argv, env, { version: files.version ?? packageVersion() });
  const portArg = argv.find((a) => a.startsWith('--port='));
  const app = await startWebApp({
    launch,
    ...(portArg ? { port: Number(portArg.slice(7)) } : {}),
    ...(files.coreEntry === undefined ? {} : { coreEntry: files.coreEntry }),
    ...(files.rendererDir === undefined ? {} : { rendererDir: files.rendererDir }),
    // The page is served while the core starts (it shows 起動中 until then).
    waitForCore: false,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    void app.close().then(() => process.exit(0));
  };
  // Before the URL is out: whoever acts on it (a script, the bench) may stop the app at once.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A core that cannot be started at all ends the app, as before the page was served early (not a stop meanwhile).
  app.coreReady.catch((err: unknown) => {
    if (stopping) return;
    stopping = true;
    console.error('shikaku-fallback: the core could not be started:', err);
    void app.close().then(() => process.exit(1));
  });
  console.log(`shikaku-fallback: ${app.host.url}  (data: ${launch.dataDir}${launch.demo ? ', 訓練モード' : ''})`);
  console.log('Open the URL above in a browser on this PC. Ctrl-C stops the app.');
}
