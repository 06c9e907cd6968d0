// Backups (online, rotated, daily when due), checkpoints, and settings changed by another connection.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let store: Store;
let now = Date.parse('2025-03-10T00:00:00Z');

beforeEach(async () => {
  dir = tempDir();
  now = Date.parse('2025-03-10T00:00:00Z');
  store = (await openTestStore(dir, { clock: () => now })).store;
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('backups', () => {
  it('takes a consistent online backup and keeps only the newest N', async () => {
    unwrap(store.setSetting('backup.keep', 3, 'yamada'));
    const taken: string[] = [];
    for (let i = 0; i < 5; i++) {
      unwrap(store.saveVisit(makeVisit(i)));
      now += 60_000;
      taken.push(unwrap(await store.backup('manual')).file);
    }
    const kept = store.listBackups();
    expect(kept.map((b) => b.file)).toEqual(taken.slice(2).reverse());
    expect(taken.slice(0, 2).every((f) => !existsSync(f))).toBe(true);
    // The newest backup is a sound database with everything saved before it.
    const b = new Database(kept[0]!.file, { readonly: true });
    expect(b.pragma('quick_check', { simple: true })).toBe('ok');
    expect(b.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(5);
    b.close();
  });

  it('takes the daily backup only when the newest one is older than the interval', async () => {
    expect(unwrap(await store.backupIfDue())?.reason).toBe('daily');
    now += 23 * 3_600_000;
    expect(unwrap(await store.backupIfDue())).toBeNull();
    now += 1 * 3_600_000;
    expect(unwrap(await store.backupIfDue())?.reason).toBe('daily');
    expect(store.listBackups()).toHaveLength(2);
  });

  it('takes the daily backup at startup when due', async () => {
    store.close();
    const again = await openTestStore(dir, { clock: () => now });
    store = again.store;
    expect(again.report.backupsTaken).toHaveLength(1);
    expect(store.listBackups()[0]?.reason).toBe('daily');
  });
});

describe('checkpoint', () => {
  it('folds the WAL into the main file on demand', () => {
    for (let i = 0; i < 50; i++) unwrap(store.saveVisit(makeVisit(i)));
    expect(statSync(`${store.file}-wal`).size).toBeGreaterThan(0);
    const r = unwrap(store.checkpoint('TRUNCATE'));
    expect(r.busy).toBe(false);
    expect(statSync(`${store.file}-wal`).size).toBe(0);
    const raw = new Database(store.file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(50);
    raw.close();
  });
});

describe('settings written by another connection', () => {
  it('sees a staff member the CLI added while the app was running', () => {
    expect(store.saveVisit(makeVisit(1, { staff: 'tanaka' }))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STAFF' },
    });
    const cli = new Database(store.file);
    const list = [...store.listStaff(), { id: 'tanaka', name: '田中', active: true }];
    cli.prepare(`UPDATE settings SET value = ? WHERE key = 'staff'`).run(JSON.stringify(list));
    cli.close();
    expect(unwrap(store.saveVisit(makeVisit(1, { staff: 'tanaka' }))).created).toBe(true);
    expect(store.resolveStaff(SYSTEM_ACTOR)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
  });
});
