// Saving visits, idempotency, validation, staff, listing, patients, incidents, reconciliations, settings.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeMessages, type Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

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

describe('saveVisit', () => {
  it('saves the visit, one outbox reconcile job and one audit entry in one go', () => {
    const v = makeVisit(1);
    const r = unwrap(store.saveVisit(v));
    expect(r).toMatchObject({ id: v.id, created: true });
    expect(unwrap(store.getVisit(v.id))).toMatchObject({ visit: v, status: 'pending', staff: 'yamada' });
    const { jobs, counts } = unwrap(store.listOutbox());
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      kind: 'reconcile',
      visitId: v.id,
      idempotencyKey: `${v.id}:reconcile`,
      status: 'pending',
    });
    expect(counts).toEqual({ pending: 1, inflight: 0, done: 0, dead: 0 });
    const entries = unwrap(store.listAudit({ entity: 'visit', entityId: v.id }));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([['visit.create', 'yamada']]);
  });

  it('is idempotent: the same id and content saves once', () => {
    const v = makeVisit(2);
    unwrap(store.saveVisit(v));
    const again = unwrap(store.saveVisit(structuredClone(v)));
    expect(again.created).toBe(false);
    expect(unwrap(store.listVisits()).total).toBe(1);
    expect(unwrap(store.listOutbox()).jobs).toHaveLength(1);
    expect(unwrap(store.listAudit({ entityId: v.id }))).toHaveLength(1);
  });

  it('treats defaults as content: omitting a defaulted field is the same visit', () => {
    const v = makeVisit(3);
    unwrap(store.saveVisit(v));
    const { note: _note, ...withoutNote } = v;
    expect(unwrap(store.saveVisit(withoutNote)).created).toBe(false);
  });

  it('refuses the same id with different content with a typed conflict', () => {
    const v = makeVisit(4);
    unwrap(store.saveVisit(v));
    const r = store.saveVisit({ ...v, note: '変更' });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'VISIT_CONFLICT', message: storeMessages.VISIT_CONFLICT }),
    });
    expect(unwrap(store.getVisit(v.id)).visit.note).toBe('');
  });

  it('returns INVALID_VISIT with issues for bad input and never throws', () => {
    for (const bad of [
      null,
      42,
      'x',
      {},
      { ...makeVisit(5), serviceDate: '2025/01/01' },
      { ...makeVisit(5), id: 'not-a-uuid' },
    ]) {
      const r = store.saveVisit(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_VISIT');
        expect(r.error.message).toBe(storeMessages.INVALID_VISIT);
        expect(r.error.issues?.length).toBeGreaterThan(0);
      }
    }
    expect(unwrap(store.listVisits()).total).toBe(0);
  });

  it('refuses unknown or inactive staff with UNKNOWN_STAFF and writes nothing', () => {
    expect(store.saveVisit(makeVisit(6, { staff: 'nobody' }))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STAFF' },
    });
    unwrap(
      store.setStaff(
        [
          { id: 'yamada', name: '山田 花子', active: false },
          { id: 'suzuki', name: '鈴木 一郎' },
        ],
        'suzuki',
      ),
    );
    expect(store.saveVisit(makeVisit(7))).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
    // staff may be given by name too
    expect(unwrap(store.saveVisit(makeVisit(8, { staff: '鈴木 一郎' }))).created).toBe(true);
    expect(unwrap(store.listVisits()).items.map((i) => i.staff)).toEqual(['suzuki']);
  });

  it('refuses a visit carrying a My Number-like value or key', () => {
    // 123456789018 passes the 個人番号 check digit.
    const withField = { ...makeVisit(9), myNumber: '123456789018' };
    expect(store.saveVisit(withField)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_MY_NUMBER' } });
    const inNote = makeVisit(10, { note: '番号 1234 5678 9018 を控えた' });
    expect(store.saveVisit(inNote)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_MY_NUMBER' } });
    // a 12-digit number failing the check digit is not a My Number
    expect(unwrap(store.saveVisit(makeVisit(11, { note: '123456789012' }))).created).toBe(true);
    expect(unwrap(store.listVisits()).total).toBe(1);
  });

  it('stores the 申立書 of a declaration visit in declarations', () => {
    const v = makeVisit(12, {
      evidence: {
        kind: 'declaration',
        declaration: {
          declaredOn: '2025-03-10',
          name: '患者 12',
          nameKana: 'カンジャ',
          birthDate: '1960-05-01',
          postalCode: '',
          address: '東京都',
          phone: '03-0000-0000',
          insuranceType: 'kyokai',
          relationship: 'self',
          insuredPersonName: '',
          insurerName: '',
          employerName: '株式会社テスト',
          employerAddress: '',
          signedBy: '',
        },
      },
    });
    unwrap(store.saveVisit(v));
    const row = store.db.prepare('SELECT visit_id, insurance_type FROM declarations').get();
    expect(row).toEqual({ visit_id: v.id, insurance_type: 'kyokai' });
  });
});

describe('schema', () => {
  it('has no column for the 個人番号 or a PIN in any table', () => {
    const tables = store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    expect(tables.length).toBeGreaterThan(8);
    const columns = tables.flatMap((t) =>
      (store.db.pragma(`table_info(${t})`) as { name: string }[]).map((c) => `${t}.${c.name}`),
    );
    expect(columns).toContain('visits.json');
    expect(columns.filter((c) => /my_?number|kojin|individual|pin|暗証|個人番号/i.test(c))).toEqual([]);
  });

  it('uses WAL, synchronous=FULL and foreign keys', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });
});

describe('listVisits (事後確認 queue)', () => {
  it('filters by status, month and cause and pages with a cursor', () => {
    const saved = Array.from({ length: 60 }, (_, i) => makeVisit(i));
    for (const v of saved) unwrap(store.saveVisit(v));
    unwrap(store.setVisitStatus(saved[0]!.id, 'reconciled', 'yamada', 'test'));

    const jan = unwrap(store.listVisits({ month: '2025-01', status: 'pending' }));
    expect(jan.total).toBe(27); // 28 January visits, one reconciled
    expect(jan.items.every((i) => i.serviceDate.startsWith('2025-01-') && i.status === 'pending')).toBe(true);

    const cause = unwrap(store.listVisits({ cause: 'power_outage' }));
    expect(cause.total).toBe(saved.filter((v) => v.cause === 'power_outage').length);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(store.listVisits({ limit: 7, ...(cursor ? { cursor } : {}) }));
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    const sorted = [...saved].sort((a, b) => (a.serviceDate + a.id < b.serviceDate + b.id ? -1 : 1)).map((v) => v.id);
    expect(seen).toEqual(sorted);
  });

  it('rejects a malformed filter with INVALID_INPUT', () => {
    expect(store.listVisits({ month: '2025-13' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(store.listVisits({ status: 'nope' as never })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('answers the queue query from an index', () => {
    const plan = store.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM visits WHERE status IN ('pending') AND service_date >= ? AND service_date <= ? ORDER BY service_date, id LIMIT 101`,
      )
      .all('2025-01-00', '2025-01-99') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX visits_status_date/);
  });
});

describe('patients', () => {
  beforeEach(() => {
    const csv = [
      '患者番号,氏名,カナ氏名,生年月日,性別,住所,電話番号,保険者番号,記号,番号,枝番,最終来院日',
      'P1,山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,S35.5.1,男,東京都,03-1111-2222,06130012,12,345,00,2025/02/01',
      'P2,山本 花子,やまもと はなこ,1972-11-03,女,大阪府,06-1111-2222,01130012,1,2,01,',
      'P3,佐藤 一,サトウ ハジメ,20010401,1,,,,,,,',
    ].join('\n');
    const r = unwrap(store.importPatientsCsv(Buffer.from(csv, 'utf8')));
    expect(r).toMatchObject({ rows: 3, inserted: 3, failed: 0 });
  });

  it('finds by kana prefix regardless of width, hiragana/katakana and spaces', () => {
    for (const q of ['ヤマ', 'やま', 'ﾔﾏ', 'ﾔ ﾏ']) {
      expect(unwrap(store.searchPatients({ name: q })).map((p) => p.patientId)).toEqual(['P1', 'P2']);
    }
    expect(unwrap(store.searchPatients({ name: 'やまだ た' })).map((p) => p.patientId)).toEqual(['P1']);
    expect(unwrap(store.searchPatients({ name: 'ヤマ', birthDate: '1972/11/3' })).map((p) => p.patientId)).toEqual([
      'P2',
    ]);
    expect(unwrap(store.searchPatients({ birthDate: '昭和35年5月1日' })).map((p) => p.patientId)).toEqual(['P1']);
    expect(unwrap(store.searchPatients({ name: '山田' })).map((p) => p.patientId)).toEqual(['P1']);
  });

  it('keeps the last insurance numbers and last visit date as strings', () => {
    const [p] = unwrap(store.searchPatients({ name: 'ヤマダ' }));
    expect(p).toMatchObject({
      birthDate: '1960-05-01',
      sex: 'male',
      insurance: { insurerNumber: '06130012', symbol: '12', number: '345', branch: '00' },
      lastVisitDate: '2025-02-01',
    });
  });

  it('rejects an empty query with INVALID_INPUT', () => {
    expect(store.searchPatients({})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(store.searchPatients({ birthDate: 'きのう' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });
});

describe('incidents, reconciliations, settings', () => {
  it('records a システム障害時モード activation and its end', () => {
    const i = unwrap(
      store.openIncident({
        kind: 'emergency_mode',
        cause: 'wide_area_network',
        startedAt: '2025-03-10T09:00:00+09:00',
        referenceNumber: 'R-123',
        calledBy: '山田',
        staff: 'yamada',
      }),
    );
    const closed = unwrap(store.closeIncident(i.id, '2025-03-10T11:30:00+09:00', 'suzuki'));
    expect(closed).toMatchObject({
      referenceNumber: 'R-123',
      calledBy: '山田',
      endedAt: '2025-03-10T11:30:00+09:00',
      staff: 'yamada',
    });
    expect(unwrap(store.listIncidents())).toHaveLength(1);
    expect(store.openIncident({ kind: 'outage', startedAt: 'yesterday', staff: 'yamada' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(store.closeIncident('missing', '2025-03-10T11:30:00+09:00', 'suzuki')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('records a reconciliation once per key and moves the visit on', () => {
    const v = makeVisit(20);
    unwrap(store.saveVisit(v));
    const first = unwrap(
      store.recordReconciliation({ visitId: v.id, decision: 'current', detail: { validity: 'valid' } }),
    );
    const again = unwrap(
      store.recordReconciliation({ visitId: v.id, decision: 'current', detail: { validity: 'valid' } }),
    );
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, id: first.id });
    expect(unwrap(store.getVisit(v.id)).status).toBe('reconciled');
    expect(unwrap(store.listReconciliations(v.id))).toHaveLength(1);
  });

  it('validates known settings and keeps the staff list', () => {
    expect(store.setSetting('backup.keep', 0, 'yamada')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    unwrap(store.setSetting('backup.keep', 3, 'yamada'));
    expect(unwrap(store.getSetting('backup.keep'))).toBe(3);
    expect(store.setSetting('backup.keep', 5, 'nobody')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
    expect(
      store.setStaff(
        [
          { id: 'a', name: 'A' },
          { id: 'a', name: 'B' },
        ],
        'yamada',
      ),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(store.listStaff().map((s) => s.id)).toEqual(['yamada', 'suzuki']);
  });

  it('survives close and reopen with everything in place', async () => {
    const v = makeVisit(30);
    unwrap(store.saveVisit(v));
    store.close();
    const again = await openTestStore(dir);
    store = again.store;
    expect(again.report.outcome).toBe('opened');
    expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
    // Closed cleanly: the WAL was folded into the main file.
    const raw = new Database(store.file, { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(1);
    raw.close();
  });
});
