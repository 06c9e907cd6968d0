// Helpers for the browser end-to-end tests: build the renderer when missing or stale (vite build API),
// Debian's Chromium, and the web host with the REAL core child process.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import type { LaunchOptions } from '../../src/main/host/options.ts';
import { DEFAULT_RENDERER_DIR, startWebApp, type WebApp, type WebAppOptions } from '../../src/main/web/app.ts';

const root = join(import.meta.dirname, '..', '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Where the specs' renderer is built: dist/renderer, or SHIKAKU_E2E_RENDERER_DIR when set (so that two
 * people editing the renderer side by side do not rebuild the same folder under each other).
 */
export const E2E_RENDERER_DIR = process.env.SHIKAKU_E2E_RENDERER_DIR || DEFAULT_RENDERER_DIR;

export async function ensureRendererBuilt(): Promise<void> {
  const index = join(E2E_RENDERER_DIR, 'index.html');
  const sources = Math.max(
    newest(join(root, 'src/renderer')),
    statSync(join(root, 'src/main/host/csp.ts')).mtimeMs,
    statSync(join(root, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  await build({
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    ...(E2E_RENDERER_DIR === DEFAULT_RENDERER_DIR ? {} : { build: { outDir: E2E_RENDERER_DIR, emptyOutDir: true } }),
  });
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export interface E2eApp extends WebApp {
  dataRoot: string;
  /** Every core pid this app has had (to prove none is left running). */
  pids: Set<number>;
  dispose(): Promise<void>;
}

/**
 * `env`: extra environment for the core process (e.g. SHIKAKU_TERMINAL_DIR for a terminal simulator's share);
 * `start`: another core entry, or not waiting for the core (the page served while it starts, as `npm start` does).
 */
export async function startE2eApp(
  overrides: Partial<LaunchOptions> = {},
  env?: NodeJS.ProcessEnv,
  start: Pick<WebAppOptions, 'coreEntry' | 'waitForCore'> = {},
): Promise<E2eApp> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'shikaku-e2e-'));
  const launch: LaunchOptions = { demo: false, dataDir: dataRoot, testHooks: true, version: '0.0.0-e2e', ...overrides };
  if (launch.demo) launch.dataDir = join(dataRoot, 'demo');
  const app = await startWebApp({
    launch,
    rendererDir: E2E_RENDERER_DIR,
    ...(env ? { env } : {}),
    client: { backoff: { initialMs: 100, maxMs: 1_000, factor: 2 }, log: () => undefined },
    ...start,
  });
  const pids = new Set<number>();
  const note = (): void => {
    const pid = app.core.pid();
    if (pid !== undefined) pids.add(pid);
  };
  note();
  app.core.on('core.status', note);
  return {
    ...app,
    dataRoot,
    pids,
    dispose: async () => {
      await app.close();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
