// 訓練モード visits never mix with real ones: the core running in 訓練モード marks every visit it saves (`drill` in
// the journal's JSON), a real core refuses a visit so marked, and the month export leaves drill visits out.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import { collectExportItems, exportMonth } from '../../src/main/core/reconcile/export.ts';
import { dbPath, type Store } from '../../src/main/core/store/index.ts';
import { openTestStore, removeDir, tempDir, unwrap, visitWith } from '../reconcile/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = tempDir('shikaku-drill-visits-');
  store = await openTestStore(dataDir);
});

afterEach(() => {
  store.close();
  removeDir(dataDir);
});

const NUMBERS = { insurerNumber: '06132013', symbol: '1234', number: '567', branch: '01' };

/** The visit's JSON as the journal file holds it, read beside the open store. */
function storedJson(id: string): Record<string, unknown> {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT json FROM visits WHERE id = ?').get(id) as { json: string };
    return JSON.parse(row.json) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('訓練モード visits', () => {
  it('are marked in the journal by a core in 訓練モード, the same visit saved twice stays one', async () => {
    const deps = testCoreDeps(store, dataDir);
    const call = testDispatcher({ ...deps, info: { ...deps.info, demo: true } });
    const visit = visitWith(NUMBERS);
    const first = await call('visits.save', visit);
    expect(first).toMatchObject({ ok: true, value: { id: visit.id, created: true } });
    expect(storedJson(visit.id).drill).toBe(true);
    expect(unwrap(store.getVisit(visit.id)).visit.drill).toBe(true);
    // A retried save (the renderer never sends the mark) is the same visit, not a conflict.
    expect(await call('visits.save', visit)).toMatchObject({ ok: true, value: { created: false } });
  });

  it('are refused by a real core, in Japanese, and nothing is saved', async () => {
    const call = testDispatcher(testCoreDeps(store, dataDir));
    const visit = { ...visitWith(NUMBERS), drill: true };
    const r = await call('visits.save', visit);
    expect(r).toMatchObject({ ok: false, error: { code: 'DRILL_VISIT_REFUSED' } });
    expect(JSON.stringify(r)).toMatch(/訓練モード/);
    expect(store.getVisit(visit.id).ok).toBe(false);
    // A real core saves real visits unmarked.
    const real = visitWith(NUMBERS);
    expect(await call('visits.save', real)).toMatchObject({ ok: true });
    expect(storedJson(real.id).drill).toBeUndefined();
  });

  it('are left out of the month export', () => {
    const real = visitWith(NUMBERS, { patient: { ...visitWith(NUMBERS).patient, name: '本番 太郎' } });
    const drill = visitWith(NUMBERS, {
      drill: true,
      patient: { ...visitWith(NUMBERS).patient, name: '訓練 花子' },
    });
    unwrap(store.saveVisit(real));
    unwrap(store.saveVisit(drill));
    const month = real.serviceDate.slice(0, 7);
    expect(drill.serviceDate.slice(0, 7)).toBe(month);
    const items = unwrap(collectExportItems(store, month, defaultClaimSettings));
    expect(items.items.map((i) => i.visit.id)).toEqual([real.id]);
    const exported = unwrap(exportMonth(store, month, 'csv', defaultClaimSettings, 'utf8'));
    expect(exported.file.ok).toBe(true);
    if (!exported.file.ok) return;
    expect(exported.file.value.visitIds).toEqual([real.id]);
    expect(exported.file.value.text).toContain('本番 太郎');
    expect(exported.file.value.text).not.toContain('訓練 花子');
  });
});
