// 'print.inputSheet' (the printed レセコン入力票, issue #12) through the real dispatcher and a real journal: the
// same rows as `shikaku export --format input-sheet` writes to CSV, refused the same way (every visit that cannot
// be claimed yet named with its patient), and read only.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/claims/export.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { claimSettingsOf } from '../../src/main/core/reconcile/claim.ts';
import { exportMonth } from '../../src/main/core/reconcile/export.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { ROOT, example, openTestStore, removeDir, tempDir, unwrap } from '../reconcile/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = tempDir('shikaku-input-sheet-');
  store = await openTestStore(dataDir);
  for (const f of readdirSync(path.join(ROOT, 'docs', 'examples')).filter((x) => x.endsWith('.json')))
    unwrap(store.saveVisit(example(f.replace(/\.json$/, ''))));
});

afterEach(() => {
  store.close();
  removeDir(dataDir);
});

const call = (name: string, input: unknown) => testDispatcher(testCoreDeps(store, dataDir))(name, input);

function csvOfMonth(month: string): Record<string, string>[] {
  const r = unwrap(exportMonth(store, month, 'input-sheet', claimSettingsOf(store), 'utf8'));
  if (!r.file.ok) throw new Error(JSON.stringify(r.file.errors));
  const [header, ...rows] = parseCsv(r.file.value.text);
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i] ?? ''])));
}

describe("'print.inputSheet'", () => {
  it('gives the rows the CSV holds, in the CSV’s order (カルテ番号), each 摘要 line separately', async () => {
    const r = await call('print.inputSheet', { month: '2026-11' });
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    const { rows, problems } = r.value as { rows: Record<string, unknown>[]; problems: unknown[] };
    expect(problems).toEqual([]);
    const csv = csvOfMonth('2026-11');
    expect(rows).toHaveLength(csv.length);
    expect(rows.length).toBeGreaterThanOrEqual(9);
    rows.forEach((row, i) => {
      const c = csv[i]!;
      expect([
        row.patientId,
        row.name,
        row.nameKana,
        row.birthDate,
        row.relationship,
        row.serviceDate,
        row.basisLabel,
        row.insurerNumber,
        row.symbol,
        row.number,
        row.branch,
        row.copay,
        row.visitId,
      ]).toEqual([
        c['カルテ番号'],
        c['氏名'],
        c['カナ氏名'],
        c['生年月日'],
        c['本人家族'],
        c['診療日'],
        c['請求区分'],
        c['保険者番号'],
        c['記号'],
        c['番号'],
        c['枝番'],
        c['負担割合'],
        c['受付ID'],
      ]);
      const remarks = Object.keys(c)
        .filter((h) => h.startsWith('摘要'))
        .map((h) => c[h]!)
        .filter((x) => x !== '');
      expect(row.remarks).toEqual(remarks);
    });
    // The ③ row starts its 摘要 with 「不詳」 and carries the published 9-digit fill [S1b].
    const unknown = rows.find((x) => x.basisLabel === '③不詳')!;
    expect(unknown).toMatchObject({ insurerNumber: '77777777', number: '777777777' });
    expect((unknown.remarks as string[])[0]).toBe('不詳');
  });

  it('refuses a month with a ③ that has no 住所・連絡先, naming the patient, as the export does', async () => {
    const v: Visit = example('declaration-unknown');
    const bare: Visit = {
      ...v,
      id: '0193a0c0-0000-7000-8000-0000000000aa',
      patient: {
        ...v.patient,
        patientId: 'K-77',
        name: '高橋 三郎',
        nameKana: 'タカハシ サブロウ',
        address: '',
        phone: '',
      },
      evidence: {
        ...v.evidence,
        declaration: {
          ...v.evidence.declaration!,
          name: '高橋 三郎',
          address: '',
          phone: '',
          employerName: '',
          employerAddress: '',
        },
      },
    };
    unwrap(store.saveVisit(bare));
    const r = await call('print.inputSheet', { month: '2026-11' });
    expect(r?.ok).toBe(true);
    if (!r?.ok) return;
    const out = r.value as { rows: unknown[]; problems: Record<string, string>[] };
    expect(out.rows).toEqual([]);
    // Each reason of that one visit, with who it is (a reason's own text may only name the 受付).
    expect(out.problems.map((p) => p.code)).toEqual(['EXPORT_UNKNOWN_NO_CONTACT', 'EXPORT_NEEDS_DECISION']);
    for (const p of out.problems)
      expect(p).toMatchObject({ visitId: bare.id, patientId: 'K-77', name: '高橋 三郎', serviceDate: '2026-11-20' });
    expect(out.problems[0]!.message).toContain('高橋 三郎');
    const file = unwrap(exportMonth(store, '2026-11', 'input-sheet', claimSettingsOf(store), 'utf8')).file;
    expect(file.ok).toBe(false);
  });

  it('is empty for a month without outage visits, refuses a malformed month, and writes nothing', async () => {
    const before = unwrap(store.verifyAudit());
    const r = await call('print.inputSheet', { month: '2026-10' });
    expect(r).toMatchObject({ ok: true, value: { month: '2026-10', rows: [], problems: [] } });
    const bad = await call('print.inputSheet', { month: '2026-13' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'CONTRACT_INVALID_REQUEST' } });
    expect(unwrap(store.verifyAudit())).toEqual(before);
  });
});
