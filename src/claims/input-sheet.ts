// レセコン入力票: per patient exactly what staff enter in the レセコン for each outage visit — the basis, 保険者番号,
// 記号・番号・枝番 (or the fill), 本人/家族, 負担割合 and each 摘要 line as one CO record holds it — sorted by
// カルテ番号. The UKE HO/SN/CO lines this replaces had no RE record, so no レセコン could match them to a patient.
// Pure: text out; the caller encodes (Shift_JIS by default) and writes.
import { z } from 'zod';
import { BASIS_LABEL, type ClaimDecision } from './decide.ts';
import { toCsv } from './export.ts';
import { claimMessages as m } from './messages.ts';
import { kanaKey } from './normalize.ts';
import type { Visit } from './visit.ts';

export interface InputSheetItem {
  visit: Visit;
  decision: ClaimDecision;
  reclaimOf?: { returnId: string; originalMonth: string };
}

/** One row of the 入力票 (one visit): the CSV's columns, the printed sheet's cells, the contract's answer. */
export const InputSheetRow = z.object({
  visitId: z.string(),
  patientId: z.string(),
  name: z.string(),
  nameKana: z.string(),
  birthDate: z.string(),
  /** 本人 / 家族 / '' (not known: the レセコン's own record decides). */
  relationship: z.string(),
  serviceDate: z.string(),
  basisLabel: z.string(),
  insurerNumber: z.string(),
  symbol: z.string(),
  number: z.string(),
  branch: z.string(),
  /** 「3割」. */
  copay: z.string(),
  /** 摘要: the text of each CO record, in order (a long line already continued on the next). */
  remarks: z.array(z.string()),
  /** 再請求: the month first claimed, when this is a re-claim. */
  reclaimOf: z.string(),
});
export type InputSheetRow = z.infer<typeof InputSheetRow>;

const INPUT_SHEET_COLUMNS = [
  'カルテ番号',
  '氏名',
  'カナ氏名',
  '生年月日',
  '本人家族',
  '診療日',
  '請求区分',
  '保険者番号',
  '記号',
  '番号',
  '枝番',
  '負担割合',
] as const;
const TRAILING_COLUMNS = ['再請求元', '受付ID'] as const;
/** At least this many 摘要 columns (「不詳」, 住所, 事業所名, 連絡先), more when a visit has more lines. */
const MIN_REMARK_COLUMNS = 4;

/** カルテ番号 order: all-digit numbers by value (12 before 100), then others as text; none last. */
export function comparePatientId(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const da = allDigits(a);
  const db = allDigits(b);
  if (da && db) {
    // By value: without their leading zeros, the shorter number first, then digit by digit (no strings made:
    // a month's 入力票 compares many times per row).
    const za = leadingZeros(a);
    const zb = leadingZeros(b);
    const lengths = a.length - za - (b.length - zb);
    if (lengths !== 0) return lengths;
    for (let k = 0; k < a.length - za; k++) {
      const x = a.charCodeAt(za + k);
      const y = b.charCodeAt(zb + k);
      if (x !== y) return x < y ? -1 : 1;
    }
  }
  if (da !== db) return da ? -1 : 1;
  return a < b ? -1 : 1;
}

/** Whether a non-empty text is ASCII digits only (/^\d+$/). */
function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return s.length > 0;
}

function leadingZeros(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 0x30) i++;
  return i;
}

/** What the 入力票 sorts by: カルテ番号, then カナ氏名 (氏名 when none), 生年月日, 診療日, 受付ID. */
export interface InputSheetOrder {
  patientId: string;
  rest: [string, string, string, string];
}

export function inputSheetOrder(
  r: Pick<InputSheetRow, 'patientId' | 'nameKana' | 'name' | 'birthDate' | 'serviceDate' | 'visitId'>,
): InputSheetOrder {
  return { patientId: r.patientId, rest: [kanaKey(r.nameKana || r.name), r.birthDate, r.serviceDate, r.visitId] };
}

export function compareInputSheetOrder(a: InputSheetOrder, b: InputSheetOrder): number {
  const byId = comparePatientId(a.patientId, b.patientId);
  if (byId !== 0) return byId;
  for (let k = 0; k < a.rest.length; k++) {
    const x = a.rest[k]!;
    const y = b.rest[k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function inputSheetRow(item: InputSheetItem): InputSheetRow {
  const { visit, decision } = item;
  return {
    visitId: visit.id,
    patientId: visit.patient.patientId,
    name: visit.patient.name,
    nameKana: visit.patient.nameKana,
    birthDate: visit.patient.birthDate,
    relationship: m.relationshipLabel(decision.personalFamily),
    serviceDate: visit.serviceDate,
    basisLabel: BASIS_LABEL[decision.basis],
    insurerNumber: decision.ho.insurerNumber,
    symbol: decision.ho.symbol,
    number: decision.ho.number,
    branch: decision.sn.branch,
    copay: `${visit.copay.percent / 10}割`,
    remarks: decision.comments.map((c) => c.text),
    reclaimOf: item.reclaimOf?.originalMonth ?? '',
  };
}

/** Rows of the 入力票, sorted by カルテ番号 (then カナ氏名, 生年月日, 診療日). */
export function inputSheetRows(items: InputSheetItem[]): InputSheetRow[] {
  return items
    .map((i) => {
      const row = inputSheetRow(i);
      return { row, key: inputSheetOrder(row) };
    })
    .sort((a, b) => compareInputSheetOrder(a.key, b.key))
    .map((x) => x.row);
}

/** 摘要 columns of a sheet whose rows have at most `maxRemarks` CO lines. */
export function inputSheetRemarkColumns(maxRemarks: number): number {
  return Math.max(MIN_REMARK_COLUMNS, maxRemarks);
}

export function inputSheetHeader(remarkColumns: number): string[] {
  return [
    ...INPUT_SHEET_COLUMNS,
    ...Array.from({ length: remarkColumns }, (_, i) => `摘要${i + 1}`),
    ...TRAILING_COLUMNS,
  ];
}

/** A row's cells, 摘要 one column per CO line, padded to `remarkColumns`. */
export function inputSheetCells(r: InputSheetRow, remarkColumns: number): string[] {
  return [
    r.patientId,
    r.name,
    r.nameKana,
    r.birthDate,
    r.relationship,
    r.serviceDate,
    r.basisLabel,
    r.insurerNumber,
    r.symbol,
    r.number,
    r.branch,
    r.copay,
    ...Array.from({ length: remarkColumns }, (_, i) => r.remarks[i] ?? ''),
    r.reclaimOf,
    r.visitId,
  ];
}

/** The 入力票 as CSV (RFC 4180, CRLF): one row per visit, 摘要 one column per CO line. */
export function inputSheetCsv(items: InputSheetItem[]): { text: string; visitIds: string[] } {
  const rows = inputSheetRows(items);
  const remarkColumns = inputSheetRemarkColumns(Math.max(0, ...rows.map((r) => r.remarks.length)));
  const body = rows.map((r) => inputSheetCells(r, remarkColumns));
  return { text: toCsv(body, inputSheetHeader(remarkColumns)), visitIds: rows.map((r) => r.visitId) };
}
