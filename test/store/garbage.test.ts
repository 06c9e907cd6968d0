// "Never throws on bad user input": every public method, fed garbage, answers with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/main/core/store/index.ts';
import { openTestStore, removeDir, tempDir } from './helpers.ts';

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

const GARBAGE: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  NaN,
  '',
  'x',
  [],
  {},
  { a: { b: [1, 2] } },
  true,
  Symbol('s'),
  () => 1,
  10n,
  'x'.repeat(5000),
];

describe('garbage in, typed error out', () => {
  const calls: Record<string, (s: Store, g: unknown) => unknown> = {
    saveVisit: (s, g) => s.saveVisit(g),
    getVisit: (s, g) => s.getVisit(g as never),
    listVisits: (s, g) => s.listVisits(g as never),
    setVisitStatus: (s, g) => s.setVisitStatus(g as never, g as never, g as never),
    claimOutbox: (s, g) => s.claimOutbox(g as never),
    completeOutbox: (s, g) => s.completeOutbox(g as never, g as never),
    failOutbox: (s, g) => s.failOutbox(g as never, g as never, g as never),
    requeueOutbox: (s, g) => s.requeueOutbox(g as never, g as never),
    listOutbox: (s, g) => s.listOutbox(g as never),
    recordReconciliation: (s, g) => s.recordReconciliation(g as never),
    listReconciliations: (s, g) => s.listReconciliations(g as never),
    openIncident: (s, g) => s.openIncident(g as never),
    closeIncident: (s, g) => s.closeIncident(g as never, g as never, g as never),
    listIncidents: (s, g) => s.listIncidents(g as never),
    searchPatients: (s, g) => s.searchPatients(g as never),
    getPatient: (s, g) => s.getPatient(g as never),
    upsertPatient: (s, g) => s.upsertPatient(g as never, g as never),
    importPatientsCsv: (s, g) => s.importPatientsCsv(g as never),
    appendAudit: (s, g) => s.appendAudit(g as never),
    listAudit: (s, g) => s.listAudit(g as never),
    getSetting: (s, g) => s.getSetting(g as never),
    setSetting: (s, g) => s.setSetting(g as never, g, g as never),
    setStaff: (s, g) => s.setStaff(g, g as never),
    resolveStaff: (s, g) => s.resolveStaff(g as never),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(name, () => {
      for (const g of GARBAGE) {
        let r: unknown;
        expect(() => (r = call(store, g)), `${name}(${String(g)})`).not.toThrow();
        // Optional arguments may turn garbage like `undefined` into a valid empty query: then ok, else a typed error.
        const res = r as { ok: boolean; error?: { code: string; message: string } };
        if (!res.ok) {
          expect(typeof res.error?.code).toBe('string');
          expect(res.error?.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
        }
      }
    });
  }

  it('left no rows behind', () => {
    expect(store.db.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(0);
  });
});
