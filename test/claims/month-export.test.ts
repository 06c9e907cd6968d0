import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { decodeText, parseCsv } from '../../src/claims/export.ts';
import { buildMonthExport, itemsForMonth, type ExportItem } from '../../src/claims/month-export.ts';
import { defaultClaimSettings as S } from '../../src/claims/settings.ts';
import { exampleNames, loadExample } from './helpers.ts';

function items(): ExportItem[] {
  return exampleNames().map((f, i) => {
    const visit = loadExample(f);
    visit.serviceDate = `2026-11-${String(10 + (i % 5)).padStart(2, '0')}`;
    return { visit, decision: decideClaim(visit, S) };
  });
}

describe('monthly export', () => {
  it('is byte-identical whatever order the visits arrive in', () => {
    const base = items();
    const first = buildMonthExport(base, '2026-11', 'csv', S);
    expect(first.ok).toBe(true);
    fc.assert(
      fc.property(fc.shuffledSubarray(base, { minLength: base.length, maxLength: base.length }), (shuffled) => {
        const again = buildMonthExport(shuffled, '2026-11', 'csv', S);
        expect(again.ok && first.ok && Buffer.from(again.value.bytes).equals(Buffer.from(first.value.bytes))).toBe(
          true,
        );
      }),
      { numRuns: 20 },
    );
  });

  it('takes only the month`s visits, plus re-claims assigned to it', () => {
    const all = items();
    all[0]!.visit.serviceDate = '2026-10-31';
    all[1]!.visit.serviceDate = '2026-10-15';
    all[1]!.reclaimOf = { returnId: 'R-1', originalMonth: '2026-10' };
    const selected = itemsForMonth(all, '2026-11').map((i) => i.visit.id);
    expect(selected).not.toContain(all[0]!.visit.id);
    expect(selected).toContain(all[1]!.visit.id);
    const r = buildMonthExport(all, '2026-11', 'csv', S, 'utf8');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rows = parseCsv(r.value.text);
    const header = rows[0]!;
    const reclaim = rows.find((row) => row[0] === all[1]!.visit.id)!;
    expect(reclaim[header.indexOf('reclaim_of_month')]).toBe('2026-10');
    expect(reclaim[header.indexOf('return_id')]).toBe('R-1');
  });

  it('writes the レセコン入力票 in Shift_JIS, one row per visit, sorted by カルテ番号', () => {
    const r = buildMonthExport(items(), '2026-11', 'input-sheet', S);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rows = parseCsv(decodeText(r.value.bytes, 'shift_jis'));
    expect(rows[0]!.slice(0, 3)).toEqual(['カルテ番号', '氏名', 'カナ氏名']);
    expect(rows.length - 1).toBe(r.value.visitIds.length);
    const ids = rows.slice(1).map((row) => row[0]!);
    expect(ids).toEqual([...ids].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0)));
  });

  it('lists only 不詳 visits, with their 摘要, in the 不詳 list', () => {
    const r = buildMonthExport(items(), '2026-11', 'unknown-list', S, 'utf8');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const rows = parseCsv(r.value.text).slice(1);
    expect(rows.length).toBe(1);
    expect(rows[0]!.join(',')).toContain('住所：');
  });

  it('refuses, listing every visit and why, when a visit needs a decision or a number fails', () => {
    const all = items();
    all[2]!.decision = decideClaim(all[2]!.visit, S, { validity: 'multiple' });
    all[3]!.decision = { ...all[3]!.decision, ho: { insurerNumber: '06132014', symbol: '', number: '1' } };
    const r = buildMonthExport(all, '2026-11', 'csv', S);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.code, e.field]).sort()).toEqual(
        [
          ['EXPORT_NEEDS_DECISION', all[2]!.visit.id],
          ['EXPORT_BAD_NUMBER', all[3]!.visit.id],
        ].sort(),
      );
    }
    const bad = buildMonthExport(all, '2026-13', 'csv', S);
    expect(!bad.ok && bad.errors[0]!.code).toBe('EXPORT_MONTH');
  });
});
