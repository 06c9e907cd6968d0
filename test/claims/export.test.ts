import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import {
  CSV_COLUMNS,
  csvRow,
  decodeText,
  encodeText,
  exportProblems,
  parseCsv,
  parseUke,
  toCsv,
  ukeLines,
} from '../../src/claims/export.ts';
import { ClaimSettings, defaultClaimSettings } from '../../src/claims/settings.ts';
import { exampleNames, loadExample } from './helpers.ts';

const S = defaultClaimSettings;

describe('UKE lines', () => {
  it('writes HO, SN and one CO per 摘要 line for a 不詳 visit', () => {
    const d = decideClaim(loadExample('declaration-unknown.json'), S);
    const lines = ukeLines(d);
    expect(lines[0]).toBe('HO,77777777,,７７７７７７７７,,,,,,,,,,,');
    expect(lines[1]).toBe('SN,1,01,,,,,,');
    expect(lines.slice(2)).toEqual([
      'CO,99,1,810000001,住所：東京都中野区中野１－１－１　コーポ中野１０１',
      'CO,99,1,810000001,事業所名：株式会社なかの商事',
      'CO,99,1,810000001,連絡先：０９０－１２３４－５６７８',
    ]);
  });

  it('has the field counts of the UKE layout and carries 枝番 in SN', () => {
    const records = parseUke(ukeLines(decideClaim(loadExample('portal.json'), S)).join('\r\n') + '\r\n');
    expect(records.map((r) => r.type)).toEqual(['HO', 'SN']);
    expect(records[0]!.fields.length).toBe(14);
    expect(records[1]!.fields.length).toBe(8);
    expect(records[0]!.fields.slice(0, 3)).toEqual(['06132013', '１２３４', '５６７']);
    expect(records[1]!.fields[5]).toBe('01');
  });

  it('marks 旧資格 with a CO line', () => {
    const lines = ukeLines(decideClaim(loadExample('invalid-past.json'), S));
    expect(lines).toContain('CO,99,1,810000001,旧資格情報');
  });

  it('never lets a comma from user text split a record', () => {
    const v = loadExample('declaration-unknown.json');
    v.evidence.declaration!.address = '東京都中野区中野1-1-1, 2F';
    const records = parseUke(ukeLines(decideClaim(v, S)).join('\r\n'));
    for (const r of records.filter((x) => x.type === 'CO')) expect(r.fields.length).toBe(4);
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

  it('labels the basis ①②③ and keeps numbers as strings', () => {
    const v = loadExample('insurance-card.json');
    const row = csvRow(v, decideClaim(v, S));
    const get = (c: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(c)];
    expect(get('basis_label')).toBe('①現資格');
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
  it('passes valid numbers and the configured fills, refuses others', () => {
    expect(exportProblems('v1', decideClaim(loadExample('portal.json'), S), S)).toEqual([]);
    expect(exportProblems('v2', decideClaim(loadExample('declaration-unknown.json'), S), S)).toEqual([]);
    const d = decideClaim(loadExample('declaration-unknown.json'), S);
    const other = ClaimSettings.parse({ unknownInsurerNumber: '77777779' });
    expect(exportProblems('v2', d, other).map((p) => p.code)).toEqual(['EXPORT_BAD_NUMBER']);
    const disaster = ClaimSettings.parse({ mode: 'disaster' });
    expect(exportProblems('v3', decideClaim(loadExample('declaration-unknown.json'), disaster), disaster)).toEqual([]);
    const tampered = {
      ...decideClaim(loadExample('portal.json'), S),
      ho: { insurerNumber: '06132014', symbol: '', number: '1' },
    };
    expect(exportProblems('v4', tampered, S).map((p) => p.code)).toEqual(['EXPORT_BAD_NUMBER']);
  });

  it('refuses a visit that still needs a staff decision', () => {
    const d = decideClaim(loadExample('portal.json'), S, { validity: 'multiple' });
    expect(exportProblems('v5', d, S).map((p) => p.code)).toEqual(['EXPORT_NEEDS_DECISION']);
  });
});
