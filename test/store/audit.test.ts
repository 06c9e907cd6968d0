// Audit log: append-only (triggers), hash-chained, the verifier names the first broken link.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tempDir();
  store = (await openTestStore(dir)).store;
  for (let i = 0; i < 5; i++) unwrap(store.saveVisit(makeVisit(i)));
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('audit log', () => {
  it('verifies a sound chain', () => {
    // 1 staff-list entry + 5 visits
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true, entries: 6 });
  });

  it('refuses UPDATE and DELETE through the triggers', () => {
    expect(() => store.db.prepare(`UPDATE audit_log SET actor = 'x' WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    expect(unwrap(store.verifyAudit()).ok).toBe(true);
  });

  it('names the first broken link when a row is changed behind the triggers', () => {
    store.close();
    const raw = new Database(`${dir}/journal.sqlite3`);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare(`UPDATE audit_log SET actor = 'suzuki' WHERE seq = 3`).run();
    raw.prepare(`UPDATE audit_log SET detail = '{"x":1}' WHERE seq = 5`).run();
    raw.close();
    return openTestStore(dir).then(({ store: s }) => {
      store = s;
      expect(unwrap(store.verifyAudit())).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash_mismatch' });
    });
  });

  it('detects a deleted row in the middle as a sequence gap', async () => {
    store.close();
    const raw = new Database(`${dir}/journal.sqlite3`);
    raw.exec('DROP TRIGGER audit_log_no_delete');
    raw.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    raw.close();
    store = (await openTestStore(dir)).store;
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: false, brokenAt: 5, reason: 'sequence_gap' });
  });

  it('detects a re-hashed row by the next link', async () => {
    store.close();
    const raw = new Database(`${dir}/journal.sqlite3`);
    raw.exec('DROP TRIGGER audit_log_no_update');
    // Someone rewrites entry 2 and fixes its own hash, but cannot fix what entry 3 points at.
    const { entryHash } = await import('../../src/main/core/store/audit.ts');
    const r = raw.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, string | number>;
    const forged = {
      seq: 2,
      at: String(r.at),
      actor: 'suzuki',
      action: String(r.action),
      entity: String(r.entity),
      entityId: String(r.entity_id),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    };
    raw
      .prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2')
      .run('suzuki', entryHash(String(r.prev_hash), forged));
    raw.close();
    store = (await openTestStore(dir)).store;
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: false, brokenAt: 3, reason: 'prev_hash_mismatch' });
  });

  it('appends entries for others, naming known staff only', () => {
    expect(store.appendAudit({ actor: 'nobody', action: 'export.claims' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STAFF' },
    });
    const e = unwrap(store.appendAudit({ actor: '鈴木 一郎', action: 'export.claims', detail: { month: '2025-03' } }));
    expect(e).toMatchObject({ seq: 7, actor: 'suzuki' });
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true, entries: 7 });
  });
});
