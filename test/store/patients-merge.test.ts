// Patients known from the app itself and from the レセコン's CSV, on a real store: a saved visit makes its patient's
// record (found by the returning-patient search with no import), records merge by カルテ番号 else kana + birth date,
// the import wins and the differences are listed; and the import's dry run (preview) shows the encoding, the first
// rows and every refused row before anything is written.
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importMessages, type Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tempDir();
  store = (await openTestStore(dir, { backupOnOpen: false })).store;
});

afterEach(() => {
  store.close();
  removeDir(dir);
});

const HEADER = '患者番号,氏名,カナ氏名,生年月日,性別,住所,電話番号,保険者番号,記号,番号';
const csv = (...rows: string[]): Buffer => Buffer.from([HEADER, ...rows].join('\r\n') + '\r\n', 'utf8');
const countPatients = (): number => store.db.prepare('SELECT count(*) FROM patients').pluck().get() as number;

describe('patients from visits saved in the app', () => {
  it('a saved visit makes a record the returning-patient search finds, with the insurance the evidence showed', () => {
    const v = makeVisit(3, { serviceDate: '2026-12-01', receivedAt: '2026-12-01T09:00:00+09:00' });
    unwrap(store.saveVisit(v));
    const found = unwrap(store.searchPatients({ name: 'さとう' }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      patientId: v.patient.patientId,
      name: v.patient.name,
      birthDate: v.patient.birthDate,
      insurance: { insurerNumber: '06130012', symbol: '12', number: '1003', branch: '00' },
      lastVisitDate: '2026-12-01',
      source: 'app',
    });
    // saving the same visit again (idempotent) changes nothing; a later visit updates the same record
    unwrap(store.saveVisit(v));
    const again = makeVisit(3, { serviceDate: '2026-12-08', receivedAt: '2026-12-08T09:00:00+09:00' });
    unwrap(store.saveVisit({ ...again, patient: { ...v.patient, phone: '090-1111-2222' } }));
    expect(countPatients()).toBe(1);
    expect(unwrap(store.searchPatients({ name: 'サトウ' }))[0]).toMatchObject({
      phone: '090-1111-2222',
      lastVisitDate: '2026-12-08',
    });
  });

  it("a returning patient's visit writes only what changed: nothing on the same day, the new values after", async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const timedDir = tempDir();
    const timed = (await openTestStore(timedDir, { backupOnOpen: false, clock: () => now })).store;
    const record = () => unwrap(timed.searchPatients({ name: 'サトウ' }))[0]!;
    const first = makeVisit(3, { serviceDate: '2026-12-01', receivedAt: '2026-12-01T09:00:00+09:00' });
    unwrap(timed.saveVisit(first));
    const made = record();
    // a second visit of the same day telling the same: the record stays as it was, written at the first visit
    now += 60_000;
    unwrap(timed.saveVisit({ ...first, id: makeVisit(3).id }));
    expect(record()).toEqual(made);
    // a later day: the visit date moves on; a new kana (an indexed column) is found by the search
    now += 86_400_000;
    const later = makeVisit(3, { serviceDate: '2026-12-08', receivedAt: '2026-12-08T09:00:00+09:00' });
    unwrap(timed.saveVisit(later));
    expect(record()).toEqual({ ...made, lastVisitDate: '2026-12-08', updatedAt: now });
    now += 86_400_000;
    const renamed = makeVisit(3, { serviceDate: '2026-12-09', receivedAt: '2026-12-09T09:00:00+09:00' });
    unwrap(timed.saveVisit({ ...renamed, patient: { ...renamed.patient, nameKana: 'サイトウ タロウ' } }));
    expect(unwrap(timed.searchPatients({ name: 'サイトウ' }))).toMatchObject([
      { id: made.id, nameKana: 'サイトウ タロウ', lastVisitDate: '2026-12-09', updatedAt: now },
    ]);
    expect(timed.db.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(1);
    timed.close();
    removeDir(timedDir);
  });

  it('merges with an imported record by kana + birth date when the visit has no カルテ番号; the import wins', () => {
    unwrap(
      store.importPatientsCsv(
        csv('K-7,佐藤 二郎,サトウ ジロウ,1960-05-01,男,東京都港区1-1,03-0000-0000,06130012,12,1003'),
      ),
    );
    const v = makeVisit(3);
    v.patient = { ...v.patient, name: '佐藤 二郎', sex: 'male', patientId: '', address: '東京都新宿区2-2', phone: '' };
    unwrap(store.saveVisit(v));
    expect(countPatients()).toBe(1);
    const [p] = unwrap(store.searchPatients({ name: 'サトウ' }));
    expect(p).toMatchObject({
      patientId: 'K-7',
      address: '東京都港区1-1',
      phone: '03-0000-0000',
      source: 'import+app',
    });
    // the difference is listed, not silently applied
    expect(unwrap(store.patientDifferences())).toEqual([
      expect.objectContaining({
        field: 'address',
        imported: '東京都港区1-1',
        app: '東京都新宿区2-2',
        name: '佐藤 二郎',
      }),
    ]);
  });

  it('an import over an app-made record keeps its カルテ番号 match, wins, and lists what it changed', () => {
    const v = makeVisit(3);
    v.patient = { ...v.patient, sex: 'male', patientId: '', phone: '090-1234-5678' };
    unwrap(store.saveVisit(v));
    const file = csv(`K-9,${v.patient.name},サトウ ジロウ,1960-05-01,男,東京都港区1-1,,06130012,12,1003`);
    const preview = unwrap(store.previewPatientsCsv(file));
    expect(preview).toMatchObject({ inserts: 0, updates: 1, accepted: 1, refused: [] });
    expect(preview.differences).toEqual([
      expect.objectContaining({ row: 2, field: 'address', imported: '東京都港区1-1', app: '東京都千代田区千代田1-1' }),
    ]);
    const r = unwrap(store.importPatientsCsv(file));
    expect(r).toMatchObject({ inserted: 0, updated: 1 });
    expect(r.differences).toEqual(preview.differences);
    const [p] = unwrap(store.searchPatients({ name: 'サトウ' }));
    // the import's address; the app's phone stays where the import is silent
    expect(p).toMatchObject({ patientId: 'K-9', address: '東京都港区1-1', phone: '090-1234-5678' });
    expect(countPatients()).toBe(1);
  });

  it('two records with the same kana and birth date and different カルテ番号: a visit without one adds nothing', () => {
    unwrap(
      store.importPatientsCsv(
        csv('K-1,佐藤 二郎,サトウ ジロウ,1960-05-01,男,,,,,', 'K-2,佐藤 次郎,サトウ ジロウ,1960-05-01,男,,,,,'),
      ),
    );
    const v = makeVisit(3);
    v.patient = { ...v.patient, patientId: '' };
    unwrap(store.saveVisit(v));
    expect(countPatients()).toBe(2);
  });
});

describe('the import preview (dry run)', () => {
  const rows = [
    'K-1,山田 花子,ヤマダ ハナコ,S35.5.20,女,,,,,',
    'K-2,,スズキ,1970-01-01,男,,,,,',
    'K-3,田中 一郎,タナカ イチロウ,1970-13-01,男,,,,,',
    'K-4,伊藤 桜,イトウ サクラ,1980-04-01,不明,,,,,',
    'K-5,番号 入り,バンゴウ,1980-04-01,男,123456789018,,,,',
  ];

  it('shows the encoding, the first rows and each refused row with its reason, writing nothing', () => {
    const sjis = iconv.encode([HEADER, ...rows].join('\r\n'), 'cp932');
    const p = unwrap(store.previewPatientsCsv(sjis));
    expect(p).toMatchObject({ encoding: 'shift_jis', bom: false, rows: 5, accepted: 1, inserts: 1, updates: 0 });
    expect(p.header[1]).toBe('氏名');
    expect(p.sample[0]).toEqual(['K-1', '山田 花子', 'ヤマダ ハナコ', 'S35.5.20', '女', '', '', '', '', '']);
    expect(p.sample[4]![5]).toBe(importMessages.hiddenMyNumber); // never shown, even in the preview
    expect(p.refused.map((e) => [e.row, e.message])).toEqual([
      [3, importMessages.missingName],
      [4, importMessages.badBirthDate],
      [5, importMessages.badSex],
      [6, importMessages.myNumber],
    ]);
    expect(countPatients()).toBe(0);
    expect(unwrap(store.listAudit({ entity: 'patient' }))).toEqual([]);
  });

  it('tells UTF-8 with a BOM from UTF-8 without', () => {
    const plain = csv(rows[0]!);
    expect(unwrap(store.previewPatientsCsv(plain))).toMatchObject({ encoding: 'utf8', bom: false });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    const p = unwrap(store.previewPatientsCsv(withBom));
    expect(p).toMatchObject({ encoding: 'utf8', bom: true, accepted: 1 });
    expect(p.header[0]).toBe('患者番号');
  });

  it('a file without the required columns is refused with the columns named', () => {
    const r = store.previewPatientsCsv(Buffer.from('患者番号,カナ\nK-1,ヤマダ\n', 'utf8'));
    expect(r).toMatchObject({ ok: false, error: { code: 'CSV_UNREADABLE' } });
    expect(r.ok ? '' : r.error.detail).toBe(importMessages.missingColumns(['氏名', '生年月日']));
  });
});
