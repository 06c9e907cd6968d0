// countVisitsByIncident: the visits taken under each incident (for the 利用報告書), counted by evidence kind:
// received while it was open, compared as instants whatever the offsets, or recorded under it by incidentRef;
// void visits left out; bad input answered with a typed error. Then incidents.report, print.clinic and
// print.savePdf through the real dispatcher on a real journal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/main/core/journal.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { makeVisit, openTestStore, removeDir, STAFF, tempDir, unwrap, type Store } from './helpers.ts';

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

describe('countVisitsByIncident', () => {
  it('counts visits received while each incident was open, by evidence kind, across offsets', () => {
    const mode = unwrap(
      store.openIncident({
        kind: 'emergency_mode',
        cause: 'emergency_mode',
        startedAt: '2026-03-02T09:00:00+09:00',
        referenceNumber: 'R-1',
        calledBy: '院長',
        note: '',
        staff: 'yamada',
      }),
    );
    unwrap(store.closeIncident(mode.id, '2026-03-02T12:00:00+09:00', 'yamada'));
    const outage = unwrap(
      store.openIncident({
        kind: 'outage',
        cause: 'wide_area_network_down',
        startedAt: '2026-03-02T02:30:00Z', // 11:30 in Japan: overlaps the end of the activation
        referenceNumber: '',
        calledBy: '',
        note: '',
        staff: 'system',
      }),
    ); // still open
    const at = (receivedAt: string, kind: 'portal' | 'insurance_card', i: number) =>
      makeVisit(i, {
        serviceDate: receivedAt.slice(0, 10),
        receivedAt,
        evidence:
          kind === 'portal'
            ? { kind, insurance: { insurerNumber: '06130012', symbol: '1', number: '2', branch: '00' } }
            : { kind, insurance: { insurerNumber: '06130012', symbol: '1', number: String(10 + i), branch: '00' } },
      });
    const inside1 = at('2026-03-02T09:00:00+09:00', 'portal', 1); // at the start: counted
    const inside2 = at('2026-03-02T01:30:00Z', 'insurance_card', 2); // 10:30 JST, written in UTC
    const both = at('2026-03-02T11:45:00+09:00', 'portal', 3); // under both
    const after = at('2026-03-02T15:00:00+09:00', 'portal', 4); // after the activation, in the outage
    const before = at('2026-03-02T08:59:59+09:00', 'portal', 5); // before both
    const voided = at('2026-03-02T10:00:00+09:00', 'portal', 6);
    for (const v of [inside1, inside2, both, after, before, voided]) unwrap(store.saveVisit(v));
    unwrap(store.setVisitStatus(voided.id, 'void', 'yamada'));

    const counts = unwrap(store.countVisitsByIncident([mode.id, outage.id]));
    expect(counts[mode.id]).toEqual({ portal: 2, insurance_card: 1 });
    expect(counts[outage.id]).toEqual({ portal: 2 });
    // Only the incidents asked for.
    expect(unwrap(store.countVisitsByIncident([outage.id]))).toEqual({ [outage.id]: { portal: 2 } });
    expect(unwrap(store.countVisitsByIncident([]))).toEqual({});
  });

  it('counts a visit recorded under an activation by its incidentRef, even outside its times', () => {
    const mode = unwrap(
      store.openIncident({
        kind: 'emergency_mode',
        cause: 'emergency_mode',
        startedAt: '2026-04-01T09:00:00+09:00',
        referenceNumber: 'R-2',
        calledBy: '事務長',
        note: '',
        staff: 'yamada',
      }),
    );
    unwrap(store.closeIncident(mode.id, '2026-04-01T10:00:00+09:00', 'yamada'));
    const late = makeVisit(7, {
      serviceDate: '2026-04-01',
      receivedAt: '2026-04-01T17:00:00+09:00',
      evidence: {
        kind: 'emergency_mode',
        fourItems: { name: '患者 7', birthDate: '1960-05-01', sex: 'male', address: '東京都' },
        incidentRef: mode.id,
      },
    });
    unwrap(store.saveVisit(late));
    expect(unwrap(store.countVisitsByIncident([mode.id]))).toEqual({ [mode.id]: { emergency_mode: 1 } });
  });

  it('answers garbage with a typed error in Japanese', () => {
    for (const g of [undefined, null, 'x', [1], [''], ['x'.repeat(65)], { a: 1 }, Array(1001).fill('a')]) {
      const r = store.countVisitsByIncident(g as never);
      expect(r.ok, String(g)).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
    }
  });
});

describe('printing requests through the dispatcher', () => {
  it('incidents.report gives the clinic and each incident with its counts; print.savePdf is refused by the core', async () => {
    const jdir = tempDir('shikaku-report-');
    const journal = await openJournal(jdir, 'test');
    try {
      const js = journal.store!;
      unwrap(js.setStaff(STAFF, 'system'));
      const call = testDispatcher(testCoreDeps(journal, jdir));

      expect(await call('print.clinic', {})).toEqual({ id: 1, ok: true, value: { name: '', institutionCode: '' } });
      unwrap(js.setSetting('clinic.name', 'テスト医院', 'yamada'));
      unwrap(js.setSetting('clinic.institutionCode', '1312345679', 'yamada'));

      const opened = await call('incidents.openEmergency', {
        startedAt: '2026-05-10T09:00:00+09:00',
        referenceNumber: 'R-77',
        calledBy: '院長',
        staff: 'yamada',
      });
      if (!opened?.ok) throw new Error(JSON.stringify(opened));
      const id = (opened.value as { id: string }).id;
      unwrap(
        js.saveVisit(
          makeVisit(1, {
            serviceDate: '2026-05-10',
            receivedAt: '2026-05-10T09:30:00+09:00',
            evidence: {
              kind: 'emergency_mode',
              fourItems: { name: '患者 1', birthDate: '1960-05-01', sex: 'female', address: '東京都' },
              incidentRef: id,
            },
          }),
        ),
      );
      const r = await call('incidents.report', { from: '2026-05-01T00:00:00+09:00', to: '2026-05-31T23:59:59+09:00' });
      if (!r?.ok) throw new Error(JSON.stringify(r));
      expect(r.value).toMatchObject({
        clinic: { name: 'テスト医院', institutionCode: '1312345679' },
        incidents: [
          { id, kind: 'emergency_mode', referenceNumber: 'R-77', endedAt: null, visits: { emergency_mode: 1 } },
        ],
      });
      const outside = await call('incidents.report', {
        from: '2026-06-01T00:00:00+09:00',
        to: '2026-06-30T23:59:59+09:00',
      });
      expect(outside).toMatchObject({ ok: true, value: { incidents: [] } });
      expect(await call('incidents.report', { from: 'yesterday', to: '2026-06-30T23:59:59+09:00' })).toMatchObject({
        ok: false,
        error: { code: 'CONTRACT_INVALID_REQUEST' },
      });

      const pdf = await call('print.savePdf', { fileName: 'a.pdf' });
      expect(pdf).toMatchObject({ ok: false, error: { code: 'PRINT_PDF_UNAVAILABLE' } });
      if (pdf && !pdf.ok) expect(pdf.error.message).toMatch(/PDF/);
    } finally {
      journal.store?.close();
      removeDir(jdir);
    }
  });
});
