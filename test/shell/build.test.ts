// The Electron bundles (what `npm start` / `npm run dist` run under Electron), checked without Electron:
// the preload is CommonJS requiring nothing but `electron`, the core bundle has no `electron` in it, and the
// bundled core answers the contract when forked under plain Node (utilityProcess runs the same file), loading its
// code through V8's code cache kept in the data folder.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreClient, forkCoreSpawner } from '../../src/main/host/core-client.ts';
import { coreEnv, resolveLaunchOptions } from '../../src/main/host/options.ts';
import { isAlive, launchOptions, tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = tempDir('shikaku-build-');
const requires = (source: string): string[] =>
  [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1] ?? '');

beforeAll(async () => {
  // Only the Electron bundles: the renderer build is left alone (the e2e project may be using it).
  await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('./scripts/build.mjs'); await m.buildElectron();"],
    { cwd: root },
  );
});

afterAll(() => dir.remove());

describe('Electron bundles', () => {
  it('the preload is CommonJS and requires only electron (sandboxed preloads cannot load anything else)', () => {
    const preload = readFileSync(join(root, 'dist/electron/preload.cjs'), 'utf8');
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(new Set(requires(preload))).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("shikaku"');
  });

  it('the main bundle is an ES module importing electron; the core bundle never mentions electron', () => {
    expect(readFileSync(join(root, 'dist/electron/main.mjs'), 'utf8')).toMatch(/from "electron"/);
    for (const file of ['dist/core/process.cjs', 'dist/core/core-body.cjs']) {
      expect(requires(readFileSync(join(root, file), 'utf8'))).not.toContain('electron');
    }
  });

  it('the core bundle has no dynamic import() (a script run from a code cache cannot load one)', () => {
    const body = readFileSync(join(root, 'dist/core/core-body.cjs'), 'utf8');
    expect(body.length).toBeGreaterThan(100_000);
    expect(body).not.toMatch(/\bimport\(/);
  });

  it('the bundled core answers the contract when forked', async () => {
    const client = new CoreClient({
      spawn: forkCoreSpawner({ entry: join(root, 'dist/core/process.cjs'), env: coreEnv(launchOptions(dir.path)) }),
      log: () => undefined,
    });
    try {
      await client.start();
      const info = await client.request('app.info', {});
      expect(info).toMatchObject({ dataDir: dir.path, testHooks: true, pid: client.pid() });
    } finally {
      const pid = client.pid();
      await client.stop();
      expect(isAlive(pid)).toBe(false);
    }
  });

  describe('the code cache', () => {
    const data = tempDir('shikaku-code-cache-data-');
    const cache = tempDir('shikaku-code-cache-');
    afterAll(() => {
      data.remove();
      cache.remove();
    });
    const cacheDir = join(cache.path, 'shikaku-fallback');
    const cacheFiles = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);
    /** The code cache state of each start so far, from the core's log. */
    const states = (): string[] =>
      readdirSync(join(data.path, 'logs'))
        .filter((f) => f.startsWith('core'))
        .flatMap((f) => [...readFileSync(join(data.path, 'logs', f), 'utf8').matchAll(/code cache (\w+)/g)])
        .map((m) => m[1] ?? '');

    /** Starts the built core as a host does, asks it something, optionally waits for a cache file, stops it. */
    async function start(waitForCache: (files: string[]) => boolean = () => true): Promise<void> {
      const launch = resolveLaunchOptions(
        [],
        { SHIKAKU_DATA_DIR: data.path, XDG_CACHE_HOME: cache.path },
        {
          version: '0.0.0-test',
        },
      );
      const client = new CoreClient({
        spawn: forkCoreSpawner({ entry: join(root, 'dist/core/process.cjs'), env: coreEnv(launch) }),
        log: () => undefined,
      });
      try {
        await client.start();
        expect(await client.request('app.info', {})).toMatchObject({ dataDir: data.path });
        await expect.poll(() => waitForCache(cacheFiles()), { timeout: 20_000, interval: 100 }).toBe(true);
      } finally {
        await client.stop();
      }
    }

    it("is written to the user's cache folder by the first start, used by the next, made again when damaged", async () => {
      await start((files) => files.length === 1);
      const [name] = cacheFiles();
      expect(name).toMatch(
        new RegExp(`^core-[0-9a-f]{16}-${process.versions.v8.replace(/\./g, '\\.')}-${process.arch}\\.v8$`),
      );
      // Not in the data folder, which every account of a Windows PC may write.
      expect(readdirSync(data.path)).not.toContain('cache');
      await start();
      expect(states()).toEqual(['none', 'used']);

      // A torn write (a power cut): the file's own checksum fails, the core compiles its code and writes it again.
      const file = join(cacheDir, name!);
      const damaged = readFileSync(file);
      const at = damaged.length >> 1;
      damaged[at] = damaged[at]! ^ 0xff;
      writeFileSync(file, damaged);
      await start((files) => files.length === 1 && !readFileSync(join(cacheDir, files[0]!)).equals(damaged));
      await start();
      expect(states()).toEqual(['none', 'used', 'none', 'used']);
    });
  });
});
