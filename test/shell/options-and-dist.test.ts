// Launch options (demo data folder, SHIKAKU_DATA_DIR) and the offline packaging check (npm run dist:check).
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/main/core/store/paths.ts';
import { coreEnv, resolveLaunchOptions } from '../../src/main/host/options.ts';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

describe('launch options', () => {
  it('uses SHIKAKU_DATA_DIR, and <data>/demo in demo mode', () => {
    const env = { SHIKAKU_DATA_DIR: '/srv/shikaku' };
    expect(resolveLaunchOptions([], env, { version: '1' }).dataDir).toBe('/srv/shikaku');
    const demo = resolveLaunchOptions(['--demo'], env, { version: '1' });
    expect(demo).toMatchObject({ demo: true, dataDir: join('/srv/shikaku', 'demo') });
  });

  it('prefers SHIKAKU_DATA_DIR over the host default (Electron userData)', () => {
    expect(resolveLaunchOptions([], { SHIKAKU_DATA_DIR: '/x' }, { dataDir: '/user', version: '1' }).dataDir).toBe('/x');
    expect(resolveLaunchOptions([], {}, { dataDir: '/user', version: '1' }).dataDir).toBe('/user');
  });

  it('passes the options to the core through its environment', () => {
    const env = coreEnv({ demo: true, dataDir: '/d/demo', testHooks: false, version: '2.0.0' }, { PATH: '/bin' });
    expect(env).toMatchObject({
      PATH: '/bin',
      SHIKAKU_DATA_DIR: '/d/demo',
      SHIKAKU_DEMO: '1',
      SHIKAKU_TEST_HOOKS: '0',
      SHIKAKU_APP_VERSION: '2.0.0',
    });
  });
});

describe("the core's code cache folder", () => {
  it("is the user's own cache folder, never the data folder", () => {
    expect(
      defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\uketsuke\\AppData\\Local' }, 'win32', 'C:\\Users\\uketsuke'),
    ).toBe(join('C:\\Users\\uketsuke\\AppData\\Local', 'shikaku-fallback', 'cache'));
    expect(defaultCacheDir({}, 'linux', '/home/uketsuke')).toBe('/home/uketsuke/.cache/shikaku-fallback');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/uketsuke')).toBe('/c/shikaku-fallback');
    expect(defaultCacheDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Caches/shikaku-fallback');
    const launch = resolveLaunchOptions(
      [],
      { SHIKAKU_DATA_DIR: '/srv/shikaku', XDG_CACHE_HOME: '/c' },
      { version: '1' },
    );
    expect(launch.cacheDir).toBe(defaultCacheDir({ XDG_CACHE_HOME: '/c' }));
    expect(launch.cacheDir?.startsWith('/srv/shikaku')).toBe(false);
  });

  it('SHIKAKU_CACHE_DIR chooses another; the core gets it in its environment, or none', () => {
    const launch = resolveLaunchOptions([], { SHIKAKU_CACHE_DIR: '/tmp/cc' }, { dataDir: '/d', version: '1' });
    expect(coreEnv(launch, {})).toMatchObject({ SHIKAKU_CACHE_DIR: '/tmp/cc' });
    // Options without a cache folder: the core compiles its code (an inherited SHIKAKU_CACHE_DIR is not passed on).
    const none = coreEnv({ demo: false, dataDir: '/d', testHooks: false, version: '1' }, { SHIKAKU_CACHE_DIR: '/x' });
    expect(none).not.toHaveProperty('SHIKAKU_CACHE_DIR');
  });
});

describe('dist:check (electron-builder config, offline)', () => {
  const dir = tempDir('shikaku-dist-');
  afterAll(() => dir.remove());
  const check = (config?: string) =>
    run(process.execPath, [join(root, 'scripts/dist-check.mjs'), ...(config ? [config] : [])], { cwd: root }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('accepts the repository electron-builder.yml', async () => {
    const r = await check();
    expect(r.out).toContain('is valid');
    expect(r.code).toBe(0);
  });

  it('rejects an option electron-builder does not know (schema validation)', async () => {
    const bad = join(dir.path, 'unknown-option.yml');
    writeFileSync(
      bad,
      readFileSync(join(root, 'electron-builder.yml'), 'utf8').replace(
        'perMachine: true',
        'perMachine: true\n  perMachin: true',
      ),
    );
    const r = await check(bad);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/invalid/i);
  });

  it('rejects a valid config that breaks the project requirements (per-user install, no deb)', async () => {
    const bad = join(dir.path, 'per-user.yml');
    writeFileSync(
      bad,
      readFileSync(join(root, 'electron-builder.yml'), 'utf8')
        .replace('perMachine: true', 'perMachine: false')
        .replace('[AppImage, deb]', '[AppImage]'),
    );
    const r = await check(bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain('nsis.perMachine must be true');
    expect(r.out).toContain('linux.target must include deb');
  });
});
