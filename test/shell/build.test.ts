// The Electron bundles (what `npm start` / `npm run dist` run under Electron), checked without Electron:
// the preload is CommonJS requiring nothing but `electron`, the core bundle has no `electron` in it, and the
// bundled core answers the contract when forked under plain Node (utilityProcess runs the same file).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreClient, forkCoreSpawner } from '../../src/main/host/core-client.ts';
import { coreEnv } from '../../src/main/host/options.ts';
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
    const core = readFileSync(join(root, 'dist/core/process.cjs'), 'utf8');
    expect(requires(core)).not.toContain('electron');
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
});
