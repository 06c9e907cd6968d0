// レセコン入力票 (issue #12): what staff enter in the レセコン per patient, sorted by カルテ番号; golden CSV.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText, parseCsv } from '../../src/claims/export.ts';
import { comparePatientId, inputSheetRows } from '../../src/claims/input-sheet.ts';
import { buildMonthExport } from '../../src/claims/month-export.ts';
import { defaultClaimSettings as S } from '../../src/claims/settings.ts';
import { sheetItems } from './helpers.ts';

const GOLDEN = path.join(import.meta.dirname, '..', 'fixtures', 'claims', 'input-sheet-2026-11.csv');

describe('レセコン入力票', () => {
  it('matches the golden CSV (UTF-8 shown; the Shift_JIS file decodes to the same text)', () => {
    const utf8 = buildMonthExport(sheetItems(), '2026-11', 'input-sheet', S, 'utf8');
    const sjis = buildMonthExport(sheetItems().reverse(), '2026-11', 'input-sheet', S);
    expect(utf8.ok && sjis.ok).toBe(true);
    if (!utf8.ok || !sjis.ok) return;
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, utf8.value.text);
    }
    expect(utf8.value.text).toBe(readFileSync(GOLDEN, 'utf8'));
    expect(decodeText(sjis.value.bytes, 'shift_jis')).toBe(utf8.value.text);
  });

  it('gives per patient the basis, numbers or fill, 本人/家族, 負担割合 and each 摘要 line', () => {
    const rows = inputSheetRows(sheetItems());
    expect(rows.map((r) => [r.patientId, r.basisLabel, r.insurerNumber, r.number, r.relationship, r.copay])).toEqual([
      ['9', '②旧資格', '01130012', '5678', '本人', '3割'], // the 申立書 says 本人
      ['12', '③不詳', '77777777', '77777777', '本人', '1割'], // 後期: 8 digits [S1b]
      ['100', '①現資格', '06132013', '567', '家族', '3割'],
      ['', '③不詳', '77777777', '777777777', '本人', '3割'], // 9 digits [S1b]
    ]);
    expect(rows[3]!.remarks[0]).toBe('不詳');
    expect(rows[3]!.remarks).toHaveLength(5); // 不詳, 住所 (two CO records), 事業所名, 連絡先
    const csv = parseCsv(
      (buildMonthExport(sheetItems(), '2026-11', 'input-sheet', S, 'utf8') as { value: { text: string } }).value.text,
    );
    expect(csv[0]!.filter((h) => h.startsWith('摘要'))).toHaveLength(5);
  });

  it('orders カルテ番号 by number when all digits, text otherwise, none last', () => {
    const ids = ['A-2', '', '100', '12', '0012', 'A-10', '9'];
    expect([...ids].sort(comparePatientId)).toEqual(['9', '0012', '12', '100', 'A-10', 'A-2', '']);
  });
});
