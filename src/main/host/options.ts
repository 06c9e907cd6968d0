// Launch options shared by both hosts: demo mode, the data folder, test hooks, and the core's environment.
// An installed (packaged) app refuses the switches meant for tests and development: only 訓練モード's own
// switch (--demo / SHIKAKU_DEMO) remains.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCacheDir, resolveDataDir } from '../core/store/paths.ts';
import { CORE_ENV, DEMO_SUBDIR } from '../core/protocol.ts';

export { DEMO_SUBDIR };

export interface LaunchOptions {
  demo: boolean;
  /** Resolved data folder for this launch (already <data>/demo in demo mode). */
  dataDir: string;
  testHooks: boolean;
  version: string;
  /** Installed app (Electron's app.isPackaged): the development switches are refused. */
  packaged?: boolean;
  /** Development switches that were set but refused because the app is installed (logged by the host). */
  refused?: string[];
  /** The per-user folder of the core's code cache (SHIKAKU_CACHE_DIR, else the OS's); absent: no cache. */
  cacheDir?: string;
}

/** Environment switches for tests and development only, refused by an installed app. */
export const DEV_ONLY_SWITCHES = ['SHIKAKU_TEST_HOOKS', 'SHIKAKU_DEVICES'] as const;

/**
 * `--demo` (or SHIKAKU_DEMO=1) selects demo mode: a separate data folder, <data>/demo, so a drill never
 * touches the real journal. SHIKAKU_DATA_DIR overrides the default data folder.
 */
export function resolveLaunchOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaults: { dataDir?: string; version: string; packaged?: boolean },
): LaunchOptions {
  const demo = argv.includes('--demo') || env[CORE_ENV.demo] === '1';
  const base = resolveDataDir(env.SHIKAKU_DATA_DIR ? undefined : defaults.dataDir, env);
  const packaged = defaults.packaged === true;
  return {
    demo,
    dataDir: demo ? join(base, DEMO_SUBDIR) : base,
    testHooks: !packaged && env[CORE_ENV.testHooks] === '1',
    version: defaults.version,
    packaged,
    refused: packaged ? DEV_ONLY_SWITCHES.filter((k) => env[k] !== undefined && env[k] !== '' && env[k] !== '0') : [],
    cacheDir: env[CORE_ENV.cacheDir] || defaultCacheDir(env),
  };
}

/** The environment the core process gets (inherits the host's, plus the launch options). */
export function coreEnv(options: LaunchOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (options.packaged === true) for (const k of DEV_ONLY_SWITCHES) delete env[k];
  env[CORE_ENV.dataDir] = options.dataDir;
  env[CORE_ENV.demo] = options.demo ? '1' : '0';
  env[CORE_ENV.testHooks] = options.testHooks ? '1' : '0';
  env[CORE_ENV.version] = options.version;
  if (options.cacheDir === undefined) delete env[CORE_ENV.cacheDir];
  else env[CORE_ENV.cacheDir] = options.cacheDir;
  return env;
}

/** Version from the repository's package.json (the web host; Electron uses app.getVersion()). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0-dev';
  } catch {
    return '0.0.0-dev';
  }
}
