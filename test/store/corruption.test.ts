// A damaged file: quick_check fails at startup → the damaged file is kept aside, the newest sound backup
// is restored, readable visits are salvaged, and the startup report says so.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync, readdirSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/core/store/index.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { makeVisit, openTestStore, quiet, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

const PAGE = 4096;

/** Overwrites pages in the middle of the file with random bytes (page 1, the header, is left alone). */
function garbleMiddle(file: string): void {
  const pages = statSync(file).size / PAGE;
  const fd = openSync(file, 'r+');
  for (let p = Math.floor(pages * 0.3); p < Math.floor(pages * 0.7); p++)
    writeSync(fd, randomBytes(PAGE), 0, PAGE, p * PAGE);
  closeSync(fd);
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function seed(n: number): Promise<{ before: Visit[]; after: Visit[] }> {
  const { store } = await openTestStore(dir);
  const before = Array.from({ length: n }, (_, i) => makeVisit(i, { note: 'x'.repeat(400) }));
  for (const v of before) unwrap(store.saveVisit(v));
  unwrap(await store.backup('daily'));
  const after = Array.from({ length: 5 }, (_, i) => makeVisit(1000 + i));
  for (const v of after) unwrap(store.saveVisit(v));
  store.close();
  return { before, after };
}

describe('damaged database', () => {
  it('keeps the damaged file, restores the newest backup and reports it', async () => {
    const { before } = await seed(300);
    const file = join(dir, 'journal.sqlite3');
    garbleMiddle(file);
    const damagedSha = sha(file);

    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
    expect(report.outcome).toBe('restored');
    expect(report.damage?.problems.length).toBeGreaterThan(0);
    expect(report.damage?.restoredFrom?.file).toMatch(/daily\.sqlite3$/);
    expect(report.notices[0]).toContain('バックアップ');
    expect(report.notices[0]).toContain('から復元しました');
    // The damaged file is kept, unchanged, beside the new one.
    const keptAs = report.damage!.keptAs;
    expect(existsSync(keptAs)).toBe(true);
    expect(sha(keptAs)).toBe(damagedSha);
    expect(readdirSync(dir).filter((f) => f.includes('.damaged-'))).toContain(keptAs.split('/').pop());
    // Everything the backup held is back, sound.
    for (const v of before) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
    const check = unwrap(store.check({ full: true }));
    expect(check.integrity).toBe('ok');
    expect(check.audit.ok).toBe(true);
    expect(check.tables.visits).toBe(check.tables.outbox);
    store.close();
  });

  it('salvages visits saved after the backup when their pages are still readable', async () => {
    const { before, after } = await seed(300);
    const file = join(dir, 'journal.sqlite3');
    // Damage an index page only (the visits_patient index), leaving the table itself readable.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    const root = db.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'visits_patient'`).pluck().get() as number;
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(PAGE), 0, PAGE, (root - 1) * PAGE);
    closeSync(fd);

    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
    expect(report.outcome).toBe('restored');
    expect(report.damage?.salvagedVisits).toBe(after.length);
    for (const v of [...before, ...after]) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
    expect(unwrap(store.listAudit({ entityId: after[0]!.id })).map((e) => [e.action, e.actor])).toEqual([
      ['visit.salvage', 'yamada'],
    ]);
    expect(unwrap(store.verifyAudit()).ok).toBe(true);
    store.close();
  });

  it('with no backup: keeps the damaged file, starts a new journal and says so', async () => {
    const { store: s } = await openTestStore(dir);
    for (let i = 0; i < 200; i++) unwrap(s.saveVisit(makeVisit(i, { note: 'y'.repeat(400) })));
    s.close();
    garbleMiddle(join(dir, 'journal.sqlite3'));
    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet, salvage: false }));
    expect(report.outcome).toBe('damaged_no_backup');
    expect(report.damage?.restoredFrom).toBeNull();
    expect(existsSync(report.damage!.keptAs)).toBe(true);
    expect(report.notices[0]).toContain('バックアップがありません');
    expect(unwrap(store.listVisits()).total).toBe(0);
    store.close();
  });

  it('treats a garbled header as damage too', async () => {
    await seed(10);
    const fd = openSync(join(dir, 'journal.sqlite3'), 'r+');
    writeSync(fd, Buffer.from('this is not sqlite'), 0, 18, 0);
    closeSync(fd);
    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
    expect(report.outcome).toBe('restored');
    expect(report.damage?.problems[0]).toMatch(/header/);
    expect(unwrap(store.listVisits()).total).toBe(10); // the backup; a header-less file yields nothing to salvage
    store.close();
  });
});

describe('interrupted restore', () => {
  it('finishes a restore cut off after the damaged file was moved aside', async () => {
    const { before } = await seed(20);
    const { copyFileSync, renameSync } = await import('node:fs');
    const file = join(dir, 'journal.sqlite3');
    // State after a power cut mid-restore: the damaged file renamed aside, the complete copy not yet in place.
    renameSync(file, join(dir, 'journal.damaged-20250101T000000000Z.sqlite3'));
    const { listBackups } = await import('../../src/main/core/store/backup.ts');
    const newest = listBackups(join(dir, 'backups'))[0]!;
    copyFileSync(newest.file, `${file}.restoring`);
    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
    expect(report.outcome).toBe('opened');
    expect(report.notices).toContain('前回中断されたバックアップからの復元を完了しました。');
    for (const v of before) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
    expect(existsSync(`${file}.restoring`)).toBe(false);
    store.close();
  });
});
