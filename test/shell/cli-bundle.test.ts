// The built CLI (dist/cli/shikaku.cjs, what the installed app's shikaku.cmd / `--cli` run and what
// bin/shikaku.js prefers once built): every command's --help from the bundle, a real command with the native
// SQLite module loaded from it, and nothing of the development tool chain inside.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/main/cli/main.ts';
import { tempDir } from './helpers.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const bundle = join(root, 'dist/cli/shikaku.cjs');
const dir = tempDir('shikaku-cli-bundle-');

beforeAll(async () => {
  await run(
    process.execPath,
    ['--input-type=module', '-e', "await (await import('./scripts/build.mjs')).buildCli();"],
    {
      cwd: root,
    },
  );
});
afterAll(() => dir.remove());

async function shikaku(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [bundle, ...args], { cwd: dir.path, encoding: 'utf8' }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('the CLI bundle', () => {
  it('answers --help with every command', async () => {
    const r = await shikaku(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(`shikaku ${c.usage}`);
  });

  it("answers every command's --help", async () => {
    // Four at a time: the machine has two cores and other tests run beside this one.
    const runs: Array<{ c: (typeof commands)[number]; r: Awaited<ReturnType<typeof shikaku>> }> = [];
    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4);
      runs.push(...(await Promise.all(batch.map(async (c) => ({ c, r: await shikaku([...c.path, '--help']) })))));
    }
    for (const { c, r } of runs) {
      expect(r.code, c.path.join(' ')).toBe(0);
      expect(r.stdout, c.path.join(' ')).toContain(`使い方: shikaku ${c.usage}`);
    }
  });

  it('runs a command that opens the journal (better-sqlite3 loaded from node_modules)', async () => {
    const r = await shikaku(['staff', 'list', '--json', '--data-dir', join(dir.path, 'data')]);
    expect(r.stderr).not.toMatch(/Error|Cannot find module/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('is one file: no tsx, no renderer library; native modules and iconv-lite stay outside', () => {
    const source = readFileSync(bundle, 'utf8');
    const required = new Set([...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    for (const name of ['tsx', 'react', 'zustand', 'zod', 'electron']) expect(required).not.toContain(name);
    expect(required).toContain('better-sqlite3');
    expect(required).toContain('iconv-lite');
  });
});
