import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import {
  CSV_COLUMNS,
  csvRow,
  decodeText,
  encodeText,
  exportProblems,
  parseCsv,
  toCsv,
} from '../../src/claims/export.ts';
import { sjisByteLength } from '../../src/claims/bytes.ts';
import { toFullWidth } from '../../src/claims/normalize.ts';
import { ClaimSettings, defaultClaimSettings } from '../../src/claims/settings.ts';
import { exampleNames, loadExample } from './helpers.ts';

const S = defaultClaimSettings;

describe('CO lines of the decision (what the 入力票 shows and the 請求前点検 expects)', () => {
  it('one CO per 摘要 line, full-width (UKE 漢字 field); ③ begins with 「不詳」 (2023-07-19 事務連絡 [S1b])', () => {
    const d = decideClaim(loadExample('declaration-unknown.json'), S);
    expect(d.comments.map((c) => [c.shinryoShikibetsu, c.futanKubun, c.code, c.text])).toEqual([
      ['99', '1', '810000001', '不詳'],
      ['99', '1', '810000001', '住所：東京都中野区中野１－１－１　コーポ中野１０１'],
      ['99', '1', '810000001', '事業所名：株式会社なかの商事'],
      ['99', '1', '810000001', '連絡先：０９０－１２３４－５６７８'],
    ]);
  });

  it('marks 旧資格 with a CO line', () => {
    expect(decideClaim(loadExample('invalid-past.json'), S).comments.map((c) => c.text)).toEqual(['旧資格情報']);
  });

  it('continues a 摘要 line longer than the CO 文字データ (bytes, not characters) on the next CO', () => {
    const v = loadExample('declaration-unknown.json');
    v.evidence.declaration!.address =
      '北海道札幌市中央区北一条西二丁目一番地 札幌市役所本庁舎内 架空ビルディング第三十三号室';
    const d = decideClaim(v, S);
    const address = d.comments.slice(1, -2).map((c) => c.text);
    expect(address.length).toBe(2);
    for (const t of address) expect(sjisByteLength(t)).toBeLessThanOrEqual(S.commentMaxBytes);
    expect(sjisByteLength(address[0]!)).toBe(76);
    expect(address.join('')).toBe(`住所：${toFullWidth(v.evidence.declaration!.address)}`);
  });
});

describe('CSV', () => {
  it('round-trips every example through CSV text and Shift_JIS bytes', () => {
    const rows = exampleNames().map((f) => {
      const v = loadExample(f);
      return csvRow(v, decideClaim(v, S));
    });
    const csv = toCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
    const bytes = encodeText(csv, 'shift_jis');
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    expect(bytes.value.length).toBeLessThan(new TextEncoder().encode(csv).length); // 2 bytes per kanji, not 3
    expect(parseCsv(decodeText(bytes.value, 'shift_jis'))).toEqual([[...CSV_COLUMNS], ...rows]);
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    const rows = [['a,b', 'say "hi"', 'two\r\nlines', '']];
    expect(toCsv(rows, ['x', 'y', 'z', 'w'])).toBe('x,y,z,w\r\n"a,b","say ""hi""","two\r\nlines",\r\n');
    expect(parseCsv(toCsv(rows, ['x', 'y', 'z', 'w']))).toEqual([['x', 'y', 'z', 'w'], ...rows]);
  });

  it('labels the basis ①②③, keeps numbers as strings and carries 本人/家族', () => {
    const v = loadExample('qualification-certificate.json');
    v.evidence.insurance!.number = '0012345';
    const row = csvRow(v, decideClaim(v, S));
    const get = (c: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(c)];
    expect(get('basis_label')).toBe('①現資格');
    expect(get('relationship')).toBe('');
    const answered = csvRow(
      v,
      decideClaim(v, S, { validity: 'valid', insurance: { ...v.evidence.insurance! }, personalFamily: '2' }),
    );
    expect(answered[CSV_COLUMNS.indexOf('relationship')]).toBe('2');
    expect(get('number')).toBe('0012345');
    expect(get('service_date_wareki')).toBe('令和8年11月20日');
  });
});

describe('encoding', () => {
  it('refuses, naming the character, what Shift_JIS cannot hold — never a silent ?', () => {
    const r = encodeText('𠮷野家', 'shift_jis');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'ENCODING_UNREPRESENTABLE' });
    if (!r.ok) expect(r.errors[0]!.message).toContain('𠮷');
    const u = encodeText('𠮷野家', 'utf8');
    expect(u.ok && decodeText(u.value, 'utf8')).toBe('𠮷野家');
  });

  it('writes ●, ①, 髙 and 﨑 in Windows-31J', () => {
    const r = encodeText('●①髙﨑', 'shift_jis');
    expect(r.ok && decodeText(r.value, 'shift_jis')).toBe('●①髙﨑');
  });
});

describe('export checks', () => {
  const portal = loadExample('portal.json');
  const unknown = loadExample('declaration-unknown.json');
  it('passes valid numbers and the configured fills, refuses others', () => {
    expect(exportProblems(portal, decideClaim(portal, S), S)).toEqual([]);
    expect(exportProblems(unknown, decideClaim(unknown, S), S)).toEqual([]);
    const d = decideClaim(unknown, S);
    const other = ClaimSettings.parse({ unknownInsurerNumber: '77777779' });
    expect(exportProblems(unknown, d, other).map((p) => p.code)).toEqual(['EXPORT_BAD_NUMBER']);
    const disaster = ClaimSettings.parse({ mode: 'disaster' });
    expect(exportProblems(unknown, decideClaim(unknown, disaster), disaster)).toEqual([]);
    const tampered = { ...decideClaim(portal, S), ho: { insurerNumber: '06132014', symbol: '', number: '1' } };
    expect(exportProblems(portal, tampered, S).map((p) => p.code)).toEqual(['EXPORT_BAD_NUMBER']);
  });

  it('refuses a visit that still needs a staff decision', () => {
    const d = decideClaim(portal, S, { validity: 'multiple' });
    expect(exportProblems(portal, d, S).map((p) => p.code)).toEqual(['EXPORT_NEEDS_DECISION']);
  });

  it('refuses a ③ without 住所 and 連絡先, naming the patient, even after staff chose ③ (2023-07-19 事務連絡 [S1b])', () => {
    const v = {
      ...portal,
      patient: { ...portal.patient, address: '', phone: '' },
      evidence: { kind: 'verbal' as const, confirmedUnchanged: true },
    };
    const d = decideClaim(v, S, undefined, { basis: 'unknown', numbers: null });
    expect(d.needsDecision).toEqual([]);
    const problems = exportProblems(v, d, S);
    expect(problems.map((p) => p.code)).toEqual(['EXPORT_UNKNOWN_NO_CONTACT']);
    expect(problems[0]!.message).toContain('山田 花子（カルテ番号 P000123）');
  });

  it('checks 記号・番号 in bytes: 19 full-width characters fit the 38-byte UKE field, 20 do not', () => {
    const d = decideClaim(portal, S);
    const fits = { ...d, ho: { ...d.ho, number: '1'.repeat(19) } };
    const over = { ...d, ho: { ...d.ho, symbol: 'あ'.repeat(20) } };
    expect(exportProblems(portal, fits, S)).toEqual([]);
    expect(exportProblems(portal, over, S).map((p) => p.code)).toEqual(['EXPORT_FIELD_TOO_LONG']);
  });
});
