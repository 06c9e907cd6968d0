// The reception draft kept by the core (drafts.ts over the settings table) and the day's visits with their short
// 受付番号: a draft survives closing and reopening the journal, is replaced and cleared, never holds a 個人番号,
// and the 受付番号 counts the 診療日's visits in save order (newest listed first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receptionNumber } from '../../src/main/core/store/drafts.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap, type Store } from './helpers.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = tempDir();
  store = (await openTestStore(dir)).store;
});
afterAll(() => {
  store.close();
  removeDir(dir);
});

describe('reception drafts', () => {
  it('keeps, replaces and clears one draft per slot, across a reopen', async () => {
    expect(unwrap(store.getDraft('reception'))).toBeNull();
    unwrap(store.saveDraft('reception', { staff: 's1', patient: { name: '下書 一郎' } }));
    unwrap(store.saveDraft('reception', { staff: 's1', patient: { name: '下書 二郎' } }));
    store.close();
    store = (await openTestStore(dir)).store;
    const got = unwrap(store.getDraft('reception'));
    expect(got?.draft).toEqual({ staff: 's1', patient: { name: '下書 二郎' } });
    expect(got?.savedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Not a setting: settings.get never lists it, and no audit entry is written for it.
    expect(unwrap(store.listAudit({ entity: 'setting', entityId: 'draft.reception' }))).toEqual([]);
    expect(unwrap(store.clearDraft('reception'))).toBe(true);
    expect(unwrap(store.getDraft('reception'))).toBeNull();
    expect(unwrap(store.clearDraft('reception'))).toBe(false);
  });

  it('refuses a draft holding a 個人番号 and keeps the previous one', () => {
    unwrap(store.saveDraft('reception', { staff: 's1', patient: { name: '安全' } }));
    const r = store.saveDraft('reception', { staff: 's1', patient: { note: '123456789018' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('FORBIDDEN_MY_NUMBER');
    expect(unwrap(store.getDraft('reception'))?.draft).toEqual({ staff: 's1', patient: { name: '安全' } });
  });
});

describe('the day`s visits and their 受付番号', () => {
  it('numbers a 診療日`s visits in save order as MMDD-NNN and lists them newest first', () => {
    const a = makeVisit(0, { serviceDate: '2025-12-07', receivedAt: '2025-12-07T09:00:00+09:00' });
    const b = makeVisit(1, { serviceDate: '2025-12-07', receivedAt: '2025-12-07T09:05:00+09:00' });
    const other = makeVisit(2, { serviceDate: '2025-12-08', receivedAt: '2025-12-08T09:00:00+09:00' });
    for (const v of [a, b, other]) unwrap(store.saveVisit(v));
    expect(unwrap(store.receptionNo(a.id))).toBe('1207-001');
    expect(unwrap(store.receptionNo(b.id))).toBe('1207-002');
    expect(unwrap(store.receptionNo(other.id))).toBe('1208-001');
    expect(unwrap(store.receptionNo('no-such-visit'))).toBe('');
    const day = unwrap(store.dayVisits('2025-12-07'));
    expect(day.map((d) => [d.id, d.receptionNo])).toEqual([
      [b.id, '1207-002'],
      [a.id, '1207-001'],
    ]);
    // A repeated save of the same visit (a retry) keeps its number.
    unwrap(store.saveVisit(a));
    expect(unwrap(store.receptionNo(a.id))).toBe('1207-001');
    expect(receptionNumber('2026-01-05', 12)).toBe('0105-012');
  });
});
