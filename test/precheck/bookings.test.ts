// The bookings CSV of a 予約システム against a real store: Shift_JIS and UTF-8, the columns found by name the first
// time and then remembered, each bad row's problem listed (unknown date, no name, no numbers and no patient record,
// a 個人番号) while the good rows are imported, a booking without numbers taking the patient record's.
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBookingsCsv, previewBookings } from '../../src/main/core/precheck/bookings.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { openTestStore, removeDir, tempDir, unwrap } from '../reconcile/helpers.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = tempDir('shikaku-bookings-');
  store = await openTestStore(dir);
  unwrap(
    store.upsertPatient(
      {
        patientId: 'K-1',
        name: '記録 一郎',
        nameKana: 'キロク イチロウ',
        birthDate: '1960-05-20',
        sex: 'male',
        postalCode: '',
        address: '',
        phone: '',
        insurance: { insurerNumber: '06132013', symbol: '12', number: '34', branch: '00' },
        lastVisitDate: null,
      },
      'system',
    ),
  );
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

const CSV = [
  '来院予定日,時間,カルテ番号,患者氏名,フリガナ,生年月日,保険者番号,記号,番号,枝番,備考',
  '2026/12/6,09:00,K-1,記録 一郎,キロク イチロウ,S35.5.20,,,,,',
  '2026/12/6,09:15,,番号 花子,バンゴウ ハナコ,1980-01-02,06132013,1,200,01,',
  '2026/13/1,09:30,,日付 誤り,ヒヅケ,1980-01-02,06132013,1,201,01,',
  '2026/12/6,09:45,,,,1980-01-02,06132013,1,202,01,',
  '2026/12/6,10:00,K-9,初診 次郎,ショシン,1990-03-04,,,,,',
  '2026/12/6,10:15,,番号 三郎,バンゴウ,1980-01-02,06132013,1,203,01,123456789018',
].join('\r\n');

describe('bookings CSV', () => {
  it('lists each bad row, imports the good ones (Shift_JIS), and takes a record’s numbers when the row has none', () => {
    const data = iconv.encode(CSV, 'cp932');
    const p = previewBookings(store, data);
    expect(p.encoding).toBe('shift_jis');
    expect(p.columns).toMatchObject({ day: '来院予定日', time: '時間', patientId: 'カルテ番号', name: '患者氏名' });
    expect(p.rows.map((r) => [r.row, r.ok])).toEqual([
      [2, true],
      [3, true],
      [4, false],
      [5, false],
      [6, false],
      [7, false],
    ]);
    expect(p.rows[2]!.problems.join()).toContain('予約日「2026/13/1」');
    expect(p.rows[3]!.problems.join()).toContain('氏名がありません');
    expect(p.rows[4]!.problems.join()).toContain('保険の番号がなく');
    expect(p.rows[5]!.problems.join()).toContain('個人番号');
    expect(p.rows[0]!.fromRecord).toBe(true);
    expect(unwrap(store.precheckExpected('2026-12-06', null))).toEqual([]); // a preview changes nothing

    const r = importBookingsCsv(store, data, { actor: 'system' });
    expect(r.ok && r.imported).toBe(2);
    const expected = unwrap(store.precheckExpected('2026-12-06', null));
    expect(expected.map((e) => [e.name, e.insurance.number, e.bookedTime])).toEqual([
      ['記録 一郎', '34', '09:00'],
      ['番号 花子', '200', '09:15'],
    ]);
    expect(JSON.stringify(expected)).not.toContain('123456789018');
  });

  it('remembers the columns chosen once (UTF-8 file with other headers)', () => {
    const csv = ['日,名前,誕生日,保険者,番号', '2026-12-07,番号 花子,1980-01-02,06132013,300'].join('\n');
    const data = Buffer.from(csv, 'utf8');
    expect(previewBookings(store, data).fileProblems.join()).toContain('「予約日」の列を選んでください');
    const columns = { day: '日', name: '名前', birthDate: '誕生日', insurerNumber: '保険者', number: '番号' };
    const r = importBookingsCsv(store, data, { columns, actor: 'system' });
    expect(r.ok && r.imported).toBe(1);
    const again = previewBookings(store, data);
    expect(again).toMatchObject({ encoding: 'utf8', remembered: true, columns, okRows: 1, badRows: 0 });
  });
});
