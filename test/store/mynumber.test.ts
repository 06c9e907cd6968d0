// The 個人番号 guard through the store, on a real SQLite file: every free-text field a visit, patient,
// incident, review, return or setting can carry refuses a My Number however it was typed, and nothing is written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MY_NUMBER_MARKER } from '../../src/claims/mynumber.ts';
import { storeMessages } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, STAFF, tempDir, unwrap, type Store } from './helpers.ts';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tempDir();
  store = (await openTestStore(dir)).store;
});

afterEach(() => {
  store.close();
  removeDir(dir);
});

/** 123456789018 passes the check digit; these are how staff typed it. */
const TYPED = ['1234ー5678ー9018', '１２３４−５６７８−９０１８', '一二三四・五六七八・九〇一八', '123-456-789-018'];

/** Every byte SQLite holds for the journal (main file, WAL, SHM). */
function journalBytes(): Buffer {
  return Buffer.concat(
    readdirSync(dir)
      .filter((n) => n.startsWith('journal.sqlite3'))
      .map((n) => readFileSync(join(dir, n))),
  );
}

function expectNothingOnDisk(): void {
  const bytes = journalBytes();
  for (const t of TYPED) expect(bytes.includes(Buffer.from(t, 'utf8'))).toBe(false);
  expect(bytes.includes(Buffer.from('123456789018'))).toBe(false);
}

const refused = { ok: false, error: { code: 'FORBIDDEN_MY_NUMBER', message: storeMessages.FORBIDDEN_MY_NUMBER } };

describe('visits', () => {
  it.each(TYPED)('refuses %s in note, address and 記号, and writes nothing', (typed) => {
    const before = unwrap(store.check());
    const visits = [
      makeVisit(1, { note: `本人申告 ${typed}` }),
      (() => {
        const v = makeVisit(2);
        return { ...v, patient: { ...v.patient, address: `東京都港区1-1 ${typed}` } };
      })(),
      makeVisit(3, {
        evidence: {
          kind: 'insurance_card',
          insurance: { insurerNumber: '06130012', symbol: typed, number: '1234', branch: '00' },
        },
      }),
    ];
    const paths = ['note', 'patient.address', 'evidence.insurance.symbol'];
    visits.forEach((v, i) => {
      const r = store.saveVisit(v);
      expect(r).toMatchObject(refused);
      expect(r.ok ? '' : r.error.message).toMatch(/個人番号/);
      expect(r.ok ? [] : r.error.issues).toEqual([{ path: paths[i], message: expect.any(String) }]);
    });
    const after = unwrap(store.check());
    expect(after.tables).toEqual(before.tables);
    expect(unwrap(store.listVisits()).total).toBe(0);
    expectNothingOnDisk();
  });

  it('still saves a visit with phone numbers, postal codes and dates in its text', () => {
    const v = makeVisit(4, { note: '〒123-4567 03-1006-5678 03-1006-5678 2026/12/01 - 2026/12/02 記号 ア12-3456' });
    expect(unwrap(store.saveVisit(v)).created).toBe(true);
  });

  it('refuses a status change whose reason carries the number', () => {
    const v = makeVisit(5);
    unwrap(store.saveVisit(v));
    expect(store.setVisitStatus(v.id, 'void', 'yamada', `取消 ${TYPED[0]}`)).toMatchObject(refused);
    expect(unwrap(store.getVisit(v.id)).status).toBe('pending');
    expectNothingOnDisk();
  });
});

describe('incidents, returns, reviews', () => {
  it('refuses the number in an incident note, reference, caller or closing cause', () => {
    const base = { kind: 'emergency_mode' as const, startedAt: '2026-12-06T09:00:00+09:00', staff: 'yamada' };
    for (const field of ['note', 'referenceNumber', 'calledBy', 'cause']) {
      expect(store.openIncident({ ...base, [field]: TYPED[1] })).toMatchObject(refused);
    }
    const i = unwrap(store.openIncident({ ...base, note: 'コールセンター 0120-123-456 に連絡' }));
    expect(store.closeIncident(i.id, '2026-12-06T11:00:00+09:00', 'yamada', TYPED[2])).toMatchObject(refused);
    expect(unwrap(store.listIncidents())).toMatchObject([{ id: i.id, endedAt: null }]);
    expectNothingOnDisk();
  });

  it('refuses the number in a return reason and a review reason', () => {
    const v = makeVisit(6, { serviceDate: '2026-11-05', receivedAt: '2026-11-05T09:00:00+09:00' });
    unwrap(store.saveVisit(v));
    unwrap(store.recordReconciliation({ visitId: v.id, decision: 'past', detail: { rule: 'terminal_invalid_past' } }));
    expect(
      store.addReturn({ visitId: v.id, claimMonth: '2026-11', reason: `資格喪失 ${TYPED[0]}`, staff: 'yamada' }),
    ).toMatchObject(refused);
    expect(
      store.reviewVisit({
        visitId: v.id,
        action: 'choose_basis',
        basis: 'past',
        reason: `電話で確認 ${TYPED[3]}`,
        staff: 'yamada',
      }),
    ).toMatchObject(refused);
    expect(unwrap(store.listReturns())).toEqual([]);
    expect(unwrap(store.listReconciliations(v.id))).toHaveLength(1);
    expectNothingOnDisk();
  });
});

describe('patients, settings, staff, outbox', () => {
  it('refuses the number in a patient (upsert and CSV import)', () => {
    const p = {
      patientId: 'P1',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      birthDate: '1960-05-01',
      sex: 'male' as const,
      postalCode: '100-0001',
      address: `東京都 ${TYPED[0]}`,
      phone: '03-1111-2222',
      insurance: { insurerNumber: '06130012', symbol: '12', number: '345', branch: '00' },
      lastVisitDate: null,
    };
    expect(store.upsertPatient(p, 'yamada')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_MY_NUMBER' } });
    const csv = [
      '患者番号,氏名,カナ氏名,生年月日,性別,住所,電話番号,保険者番号,記号,番号,枝番,最終来院日',
      `P1,山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,S35.5.1,男,東京都,03-1111-2222,06130012,${TYPED[1]},345,00,`,
      'P2,山本 花子,やまもと はなこ,1972-11-03,女,大阪府,06-1111-2222,01130012,1,2,01,',
    ].join('\n');
    const r = unwrap(store.importPatientsCsv(Buffer.from(csv, 'utf8')));
    expect(r).toMatchObject({ rows: 2, inserted: 1, failed: 1 });
    expect(r.errors).toEqual([expect.objectContaining({ row: 2, code: 'FORBIDDEN_MY_NUMBER', column: '記号' })]);
    expectNothingOnDisk();
  });

  it('refuses the number in a setting value and a staff name', () => {
    expect(store.setSetting('clinic.memo', { text: TYPED[2] }, 'system')).toMatchObject(refused);
    expect(store.setStaff([...STAFF, { id: 'x', name: TYPED[0], active: true }], 'system')).toMatchObject(refused);
    expect(store.listStaff()).toEqual(STAFF);
    expectNothingOnDisk();
  });

  it('keeps an outbox failure message with the number replaced by the marker', () => {
    unwrap(store.saveVisit(makeVisit(7)));
    const [job] = unwrap(store.claimOutbox());
    unwrap(
      store.failOutbox(job!.id, job!.leaseToken!, {
        permanent: false,
        code: 'TERMINAL_ERROR',
        message: `answer for ${TYPED[0]} unreadable`,
      }),
    );
    const [kept] = unwrap(store.listOutbox({ status: 'pending' })).jobs;
    expect(kept!.lastError).toBe(`answer for ${MY_NUMBER_MARKER} unreadable`);
    expectNothingOnDisk();
  });
});
