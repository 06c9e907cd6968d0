// 請求前点検 (issue #12): UKE files written here the way a レセコン writes them (Shift_JIS, RE/HO/SN/CO … per the
// 記録条件仕様 医科; field positions as in hangilc/myclinic-ts packages/rezept/records/), checked against the
// month's outage visits. Reports are compared exactly.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkUke, formatUkeReport } from '../../src/claims/uke-check.ts';
import { decodeUke, readUke, ukeDate, ukeMonth } from '../../src/claims/uke-read.ts';
import type { ExportItem } from '../../src/claims/month-export.ts';
import { sheetItems, ukeText, type Receipt } from './helpers.ts';

const UNKNOWN_REMARKS = [
  '不詳',
  '住所：北海道札幌市中央区北一条西二丁目一番地 札幌市役所本庁舎内 架空ビルデ',
  'ィング第三十三号室',
  '事業所名：株式会社なかの商事',
  '連絡先：090-1234-5678',
];

/** The receipts that match sheetItems() exactly, plus a patient with no outage visit. */
function cleanReceipts(): Receipt[] {
  return [
    {
      patientId: '9',
      name: '山田 花子',
      birth: '19800515',
      ho: ['01130012', '12-34', '5678'],
      branch: '00',
      comments: ['旧資格情報'],
    },
    {
      patientId: '12',
      name: '佐藤 一郎',
      birth: '19480301',
      ho: ['77777777', '', '77777777'],
      comments: ['不詳', '住所：東京都中野区中野1-1-1 コーポ中野101', '連絡先：090-1234-5678'],
    },
    { patientId: '100', name: '山田 花子', birth: '19800515', ho: ['06132013', '1234', '567'], branch: '01' },
    { patientId: '555', name: '高橋 三郎', birth: '19700101', ho: ['06132013', '9', '1'] },
    {
      name: '鈴木 次郎',
      kana: 'ｽｽﾞｷ ｼﾞﾛｳ',
      birth: '19900707',
      ho: ['77777777', '', '777777777'],
      comments: UNKNOWN_REMARKS,
    },
  ];
}

const check = (text: string, items: ExportItem[] = sheetItems()) => formatUkeReport(checkUke(text, items, '2026-11'));

describe('reading UKE', () => {
  it('reads 西暦 and 和暦 (元号 code) dates', () => {
    expect([ukeMonth('202611'), ukeMonth('50811'), ukeMonth('202613')]).toEqual(['2026-11', '2026-11', '']);
    expect([ukeDate('19800515'), ukeDate('3550515'), ukeDate('x')]).toEqual(['1980-05-15', '1980-05-15', '']);
  });

  it('decodes Shift_JIS and skips record types it does not need (IR, SY, SI, unknown ZZ)', () => {
    const text = ukeText(cleanReceipts()).replace('GO,', 'ZZ,1,2\r\nGO,');
    const file = readUke(decodeUke(iconv.encode(text, 'cp932')));
    expect(file.problems).toEqual([]);
    expect(file.receipts.map((r) => [r.re.patientId, r.re.month, r.ho[0]!.number, r.comments.length])).toEqual([
      ['9', '2026-11', '５６７８', 1],
      ['12', '2026-11', '７７７７７７７７', 3],
      ['100', '2026-11', '５６７', 0],
      ['555', '2026-11', '１', 0],
      ['', '2026-11', '７７７７７７７７７', 5],
    ]);
  });
});

describe('請求前点検', () => {
  it('a clean month: nothing to report', () => {
    expect(check(ukeText(cleanReceipts()))).toBe(
      '請求前点検 2026-11: レセプト 5 件、障害時の受付 4 件、相違 0 件、ファイルの問題 0 件\n',
    );
  });

  it('CRLF and LF files give the same report', () => {
    const broken = cleanReceipts().slice(1);
    expect(check(ukeText(broken, '\n'))).toBe(check(ukeText(broken, '\r\n')));
    expect(check(ukeText(broken, '\n'))).toContain('相違 1 件');
  });

  it('lists each kind of difference: old numbers while ① is known, other numbers, 枝番, ③ without 「不詳」, 摘要 missing, a missing visit', () => {
    const items = sheetItems();
    items[0]!.visit.pastInsurance = { insurerNumber: '01130012', symbol: '12-34', number: '5678', branch: '00' };
    const r = cleanReceipts();
    r[0]!.ho = ['01130012', '12-34', '5679']; // ② typed with a slip
    r.splice(1, 1); // the 後期 ③ visit was never entered
    r[1]!.ho = ['01130012', '12-34', '5678']; // ① known, the old numbers claimed
    r[1]!.branch = '02';
    r[3]!.comments = UNKNOWN_REMARKS.slice(1, 4); // ③ without 「不詳」 and without 連絡先
    expect(check(ukeText(r), items)).toBe(
      [
        '請求前点検 2026-11: レセプト 4 件、障害時の受付 4 件、相違 6 件、ファイルの問題 0 件',
        '行 3: 山田 花子（カルテ番号 9） 2026-11-20 ②旧資格: 保険者番号・記号・番号が判定と違います（UKE: 01130012 １２－３４ ５６７９、判定: 01130012 12-34 5678）。',
        '行 9: 山田 花子（カルテ番号 100） 2026-11-20 ①現資格: 現資格が分かっているのに古い番号で請求しています（UKE: 01130012 １２－３４ ５６７８、判定: 06132013 1234 567）。',
        '行 11: 山田 花子（カルテ番号 100） 2026-11-20 ①現資格: 枝番が判定と違います（UKE: 02、判定: 01）。',
        '行 18: 鈴木 次郎（生年月日 1990-07-07、カルテ番号なし） 2026-11-20 ③不詳: 摘要が「不詳」で始まっていません。',
        '行 18: 鈴木 次郎（生年月日 1990-07-07、カルテ番号なし） 2026-11-20 ③不詳: 摘要に「連絡先：090-1234-5678」がありません。',
        '佐藤 一郎（カルテ番号 12） 2026-11-20: UKE ファイルにこの患者のレセプト（RE）がありません。',
        '',
      ].join('\n'),
    );
  });

  it('a visit matching two receipts is reported with both lines', () => {
    const r = cleanReceipts();
    r.push({ ...r[0]! });
    expect(check(ukeText(r))).toBe(
      [
        '請求前点検 2026-11: レセプト 6 件、障害時の受付 4 件、相違 1 件、ファイルの問題 0 件',
        '行 2: 山田 花子（カルテ番号 9） 2026-11-20: UKE ファイルのレセプト 2 件（行 2・36）に当てはまります。どちらで請求するか確認してください。',
        '',
      ].join('\n'),
    );
  });

  it('an RE without カルテ番号 is matched by カナ氏名 (or 氏名) + 生年月日 + 診療年月', () => {
    const r = cleanReceipts();
    r[1] = { ...r[1]!, patientId: '', kana: 'ｻﾄｳ ｲﾁﾛｳ' };
    r[2] = { ...r[2]!, patientId: '' };
    expect(check(ukeText(r))).toContain('相違 0 件');
    r[2] = { ...r[2]!, birth: '19800516' };
    expect(check(ukeText(r))).toContain(
      'カルテ番号 100） 2026-11-20: UKE ファイルにこの患者のレセプト（RE）がありません。',
    );
    r[2] = { ...r[2]!, birth: '19800515', month: '202610' };
    expect(check(ukeText(r))).toContain('相違 1 件');
  });

  it('a truncated file: the cut line and the missing trailer are reported, the rest still checked', () => {
    const text = ukeText(cleanReceipts());
    const cut = text.slice(0, text.indexOf('RE,4,') + 12); // inside the 4th RE
    expect(check(cut)).toBe(
      [
        '請求前点検 2026-11: レセプト 3 件、障害時の受付 4 件、相違 1 件、ファイルの問題 2 件',
        '鈴木 次郎（生年月日 1990-07-07、カルテ番号なし） 2026-11-20: UKE ファイルにこの患者のレセプト（RE）がありません。',
        '行 21: RE レコードの項目が足りません（4 項目、7 項目以上必要）。途中で切れていないか確認してください。',
        'ファイルの終わりのレコード（GO）がありません。ファイルが途中で切れていないか確認してください。',
        '',
      ].join('\n'),
    );
  });

  it('a malformed line in the middle is reported with its number; HO/SN/CO after a broken RE are not misattributed', () => {
    const lines = ukeText(cleanReceipts()).split('\r\n');
    lines.splice(5, 0, 'この行は壊れています');
    const report = check(lines.join('\r\n'));
    expect(report).toContain('行 6: レコード識別情報（先頭の英字2文字）がありません。');
    expect(report).toContain('相違 0 件');
  });
});
