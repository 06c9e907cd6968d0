// The checkpoint schedule: with it on, a save never folds the WAL (SQLite's checkpoint inside a commit is off);
// the store folds it when writes rest and enough wait, or when they have waited the interval whatever comes.
// Ordering only: the timers are set far out and the test calls the scheduled step itself.
import Database from 'better-sqlite3';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

const HOUR = 3_600_000;
let dir: string;
let store: Store;
let now = Date.parse('2025-03-10T00:00:00Z');

/** Visits in the main database file alone (a copy without its WAL): what a checkpoint has folded. */
function visitsInMainFile(): number {
  const copy = join(dir, 'main-only.sqlite');
  copyFileSync(store.file, copy);
  const raw = new Database(copy, { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM visits').pluck().get() as number;
  } finally {
    raw.close();
  }
}

beforeEach(async () => {
  dir = tempDir();
  now = Date.parse('2025-03-10T00:00:00Z');
  store = (
    await openTestStore(dir, {
      clock: () => now,
      checkpointIntervalMs: HOUR,
      checkpointIdleMs: HOUR,
      checkpointIdleMinChanges: 20,
    })
  ).store;
  unwrap(store.checkpoint('TRUNCATE'));
  store.checkpointIfDue(); // the first look only takes note of the connection's changes so far
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('checkpoint schedule', () => {
  it('never checkpoints inside a save, even past SQLite’s 1000-page threshold', () => {
    const pageSize = store.db.pragma('page_size', { simple: true }) as number;
    for (let i = 0; i < 600; i++) unwrap(store.saveVisit(makeVisit(i)));
    // With SQLite's own checkpoint a commit past 1000 WAL pages folds them and the WAL starts over.
    expect(statSync(`${store.file}-wal`).size).toBeGreaterThan(1100 * (pageSize + 24));
    expect(visitsInMainFile()).toBe(0);
  });

  it('folds the WAL once writes rest, not while they keep coming', () => {
    for (let i = 0; i < 20; i++) unwrap(store.saveVisit(makeVisit(i)));
    expect(store.checkpointIfDue()).toBe(false); // writes since the previous look
    unwrap(store.saveVisit(makeVisit(20)));
    expect(store.checkpointIfDue()).toBe(false);
    expect(visitsInMainFile()).toBe(0);
    expect(store.checkpointIfDue()).toBe(true); // nothing written since: idle
    expect(visitsInMainFile()).toBe(21);
    expect(store.checkpointIfDue()).toBe(false); // nothing left to fold
  });

  it('leaves a few writes for later when idle, and folds them once they have waited the interval', () => {
    unwrap(store.saveVisit(makeVisit(0)));
    expect(store.checkpointIfDue()).toBe(false);
    expect(store.checkpointIfDue()).toBe(false); // idle, but one visit's rows are below the threshold
    expect(visitsInMainFile()).toBe(0);
    now += HOUR;
    expect(store.checkpointIfDue()).toBe(true);
    expect(visitsInMainFile()).toBe(1);
  });

  it('folds at the latest after the interval while writes keep coming', () => {
    unwrap(store.saveVisit(makeVisit(0)));
    expect(store.checkpointIfDue()).toBe(false);
    now += HOUR / 2;
    unwrap(store.saveVisit(makeVisit(1)));
    expect(store.checkpointIfDue()).toBe(false);
    now += HOUR / 2;
    unwrap(store.saveVisit(makeVisit(2)));
    expect(store.checkpointIfDue()).toBe(true);
    expect(visitsInMainFile()).toBe(3);
  });
});
