// The monthly export for the レセコン: every visit of a 診療年月 (plus re-claims of returned claims) with its
// claim basis, as CSV or UKE lines, and the 不詳 list for checking. Deterministic: the same visits and decisions
// give byte-identical output, whatever order they arrive in.
import { claimMessages as m } from './messages.ts';
import { kanaKey } from './normalize.ts';
import type { ClaimDecision } from './decide.ts';
import {
  CSV_COLUMN_LABELS,
  CSV_COLUMNS,
  csvRow,
  encodeText,
  exportProblems,
  toCsv,
  unencodableProblems,
  UTF8_BOM,
  type TextEncoding,
} from './export.ts';
import { inputSheetCsv, inputSheetRows, type InputSheetRow } from './input-sheet.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';
import type { ClaimSettings } from './settings.ts';
import type { Visit } from './visit.ts';

export interface ExportItem {
  visit: Visit;
  decision: ClaimDecision;
  /** Set when this is the re-claim of a returned (返戻) claim: the month it was first claimed in. */
  reclaimOf?: { returnId: string; originalMonth: string };
}

/**
 * 'csv': every visit with its decision; 'input-sheet': the レセコン入力票 (what to enter per patient, by カルテ番号);
 * 'unknown-list': the ③ visits. (The former 'uke' HO/SN/CO lines had no RE record, so no レセコン could match
 * them to a patient: the 入力票 and the 請求前点検 of the レセコン's own UKE file replace them.)
 */
export type ExportFormat = 'csv' | 'input-sheet' | 'unknown-list';

export interface MonthExport {
  month: string;
  format: ExportFormat;
  encoding: TextEncoding;
  /** Visit ids in file order. */
  visitIds: string[];
  text: string;
  bytes: Uint8Array;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The file order of a month's rows: 診療日, カナ氏名 (kanaKey), 生年月日, 受付ID. Computed once per visit and
 * compared with compareExportOrder (a streamed export sorts these keys alone, not the visits).
 */
export function exportOrderKey(v: {
  id: string;
  serviceDate: string;
  patient: { nameKana: string; birthDate: string };
}): string[] {
  return [v.serviceDate, kanaKey(v.patient.nameKana), v.patient.birthDate, v.id];
}

export function compareExportOrder(ka: readonly string[], kb: readonly string[]): number {
  for (let k = 0; k < ka.length; k++) {
    if (ka[k]! < kb[k]!) return -1;
    if (ka[k]! > kb[k]!) return 1;
  }
  return 0;
}

/**
 * Items that belong to a month: visits served in it that are not re-claims, and re-claims assigned to it by the
 * caller (a re-claim carries its original service date, so it is selected by `reclaimOf`, not by date).
 */
export function itemsForMonth(items: ExportItem[], month: string): ExportItem[] {
  return items
    .filter((i) => (i.reclaimOf ? true : inMonth(i.visit.serviceDate, month)))
    .map((i) => ({ i, key: exportOrderKey(i.visit) }))
    .sort((a, b) => compareExportOrder(a.key, b.key))
    .map((x) => x.i);
}

/** A visit served in the month (a re-claim is in the month it is assigned to, whatever its date). */
export function inMonth(serviceDate: string, month: string): boolean {
  return serviceDate.startsWith(`${month}-`);
}

const RECLAIM_COLUMNS = [...CSV_COLUMNS, 'reclaim_of_month', 'return_id'] as const;
const RECLAIM_LABELS = [...CSV_COLUMNS.map((c) => CSV_COLUMN_LABELS[c]), '再請求元', '返戻ID'] as const;

/** The month CSV's header row: machine column names or Japanese headings. */
export function monthCsvHeader(header: ExportLayout['header']): readonly string[] {
  return header === 'japanese' ? RECLAIM_LABELS : RECLAIM_COLUMNS;
}

/** An item's row in the month CSV (and the 不詳一覧): csvRow and the re-claim columns. */
export function monthCsvCells(i: ExportItem): string[] {
  return [...csvRow(i.visit, i.decision), i.reclaimOf?.originalMonth ?? '', i.reclaimOf?.returnId ?? ''];
}

/** How a file is laid out: the machine column names (the CLI's `--format csv`) or Japanese headings, and a BOM. */
export interface ExportLayout {
  /** 'machine' (default): CSV_COLUMNS; 'japanese': CSV_COLUMN_LABELS (the 入力票 always has Japanese headings). */
  header?: 'machine' | 'japanese';
  /** UTF-8 only: begin with a byte order mark (for Excel). */
  bom?: boolean;
}

/**
 * A month's items (itemsForMonth) once every one of them can be claimed; else every visit that cannot and why
 * (a staff decision pending, a number failing its check digit — the configured fills excepted —, a ③ without
 * 住所・連絡先, a field over its byte limit), each error's `field` naming the visit id.
 */
export function claimableItems(items: ExportItem[], month: string, settings: ClaimSettings): Result<ExportItem[]> {
  if (!MONTH.test(month)) return fail({ code: 'EXPORT_MONTH', message: m.exportMonth(month) });
  const selected = itemsForMonth(items, month);
  const problems: ClaimError[] = selected.flatMap((i) => exportProblems(i.visit, i.decision, settings));
  return problems.length > 0 ? fail(...problems) : ok(selected);
}

/** The レセコン入力票's rows of a month (what the CSV and the printed sheet show), refused as the export is. */
export function monthInputSheet(items: ExportItem[], month: string, settings: ClaimSettings): Result<InputSheetRow[]> {
  const claimable = claimableItems(items, month, settings);
  return claimable.ok ? ok(inputSheetRows(claimable.value)) : claimable;
}

/**
 * Build one month's file. Refuses — listing every visit and why — when any visit still needs a staff decision
 * or carries a number that fails its check digit (the configured 不詳 and disaster fills excepted).
 */
export function buildMonthExport(
  items: ExportItem[],
  month: string,
  format: ExportFormat,
  settings: ClaimSettings,
  encoding: TextEncoding = 'shift_jis',
  layout: ExportLayout = {},
): Result<MonthExport> {
  const claimable = claimableItems(items, month, settings);
  if (!claimable.ok) return claimable;
  const selected = claimable.value;
  if (encoding === 'shift_jis') {
    const written = format === 'unknown-list' ? selected.filter((i) => i.decision.basis === 'unknown') : selected;
    const unencodable = written.flatMap((i) => unencodableProblems(i.visit, i.decision));
    if (unencodable.length > 0) return fail(...unencodable);
  }

  let text: string;
  let visitIds: string[];
  if (format === 'input-sheet') {
    const sheet = inputSheetCsv(selected);
    text = sheet.text;
    visitIds = sheet.visitIds;
  } else {
    const rows = format === 'unknown-list' ? selected.filter((i) => i.decision.basis === 'unknown') : selected;
    visitIds = rows.map((i) => i.visit.id);
    text = toCsv(rows.map(monthCsvCells), monthCsvHeader(layout.header));
  }
  const encoded = encodeText(text, encoding);
  if (!encoded.ok) return fail(...encoded.errors);
  const bytes = encoding === 'utf8' && layout.bom ? new Uint8Array([...UTF8_BOM, ...encoded.value]) : encoded.value;
  return ok({ month, format, encoding, visitIds, text, bytes });
}
