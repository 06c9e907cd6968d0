// A journal in rollback-journal mode (the v1 fixture, like any file from before WAL) killed in the middle of
// a transaction leaves a hot `-journal`. The power-cut harness found that startup then failed: the read-only
// inspection cannot roll a hot journal back (SQLITE_READONLY_ROLLBACK), so a writable folder was taken for a
// read-only one and the in-memory snapshot of the half-written file threw SQLITE_CORRUPT.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/main/core/store/index.ts';
import { V1_VISITS } from './fixture-data.ts';
import { quiet, removeDir, tempDir } from './helpers.ts';

const V1 = fileURLToPath(new URL('../fixtures/store/v1.sqlite3', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

/** Starts a big transaction whose pages spill into the main file, then SIGKILLs the process. */
async function crashMidTransaction(file: string): Promise<void> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('cache_size = 1');
    db.exec('BEGIN IMMEDIATE; CREATE TABLE junk (x)');
    const ins = db.prepare('INSERT INTO junk VALUES (?)');
    for (let i = 0; i < 2000; i++) ins.run('x'.repeat(500));
    process.stdout.write('SPILLED\\n');
    setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('SPILLED')) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
}

it('opens a rollback-mode journal left with a hot journal by a crash: rolled back, then migrated', async () => {
  const dir = tempDir('shikaku-hot-journal-');
  dirs.push(dir);
  const file = join(dir, 'journal.sqlite3');
  copyFileSync(V1, file);
  await crashMidTransaction(file);
  // The precondition: a hot journal that a read-only connection refuses to roll back.
  expect(existsSync(`${file}-journal`)).toBe(true);
  const ro = new Database(file, { readonly: true, fileMustExist: true });
  expect(() => ro.pragma('schema_version')).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY_ROLLBACK' }));
  ro.close();

  const o = await openStore({ dataDir: dir, ...quiet });
  if (!o.ok) throw new Error(`${o.error.code} ${o.error.detail ?? ''}`);
  const { store, report } = o.value;
  try {
    expect(report).toMatchObject({ outcome: 'migrated', readOnly: false });
    expect(report.damage).toBeUndefined();
    // The uncommitted transaction is gone; the committed visits are all there.
    expect(store.db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'junk'`).pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(V1_VISITS.length);
    const check = store.check({ full: true });
    expect(check.ok && check.value.integrity).toBe('ok');
    expect(check.ok && check.value.audit.ok).toBe(true);
  } finally {
    store.close();
  }
});
