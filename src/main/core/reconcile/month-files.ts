// The month-end files (「今月の請求データを作成」 and `shikaku export --all`): ONE function builds them, so the app
// and the CLI write the same bytes for the same journal. The set, for a month YYYY-MM:
//   請求データ_YYYY-MM.csv         every visit with its decision, Japanese headings, Shift_JIS (CP932)
//   請求データ_YYYY-MM_UTF8.csv    the same rows, UTF-8 with a BOM (Excel)
//   不詳一覧_YYYY-MM.csv           the ③ visits, Shift_JIS
//   レセコン入力票_YYYY-MM.csv     what to enter in the レセコン per patient, Shift_JIS
// With encoding 'utf8' (chosen when a name holds a character CP932 cannot: 𠮷) every file is UTF-8 with a BOM
// and named *_UTF8.csv. Writing: the whole set is staged in a hidden folder (each file written, fsynced,
// renamed), then moved into place — a failure leaves no file of the set behind. Each export is audited.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TextEncoding } from '../../../claims/export.ts';
import { exportProblems, unencodableProblems } from '../../../claims/export.ts';
import { claimMessages } from '../../../claims/messages.ts';
import { buildMonthExport, itemsForMonth, type ExportFormat, type ExportItem } from '../../../claims/month-export.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { fsyncDir, ok, writeFileDurable, type ClaimReturn, type Store } from '../store/index.ts';
import { collectExportItemsAsync, type CollectProgress } from './export.ts';
import { reconcileMessages as rm } from './messages.ts';

/** A store result, or an export failure with its own code and Japanese message (reconcile/messages.ts). */
export type ExportResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; detail?: string } };

function fail(code: string, message: string, detail?: string): ExportResult<never> {
  return { ok: false, error: detail === undefined ? { code, message } : { code, message, detail } };
}

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export type MonthFileKind = 'claims' | 'claims_utf8' | 'unknown_list' | 'input_sheet';

export interface MonthFile {
  kind: MonthFileKind;
  name: string;
  encoding: TextEncoding;
  bytes: Uint8Array;
  sha256: string;
  /** Rows (visits) in the file. */
  visits: number;
}

/** A visit that keeps the month from being exported: who, which day, and why (Japanese), never by id alone. */
export interface MonthBlocker {
  /** For opening the visit's review; not shown to staff. */
  visitId: string;
  name: string;
  nameKana: string;
  serviceDate: string;
  reasons: string[];
}

export interface MonthCounts {
  visits: number;
  current: number;
  past: number;
  unknown: number;
  reclaims: number;
}

export type MonthFiles =
  | { status: 'empty'; month: string }
  /** Visits need a decision (or carry numbers that cannot be claimed): fix them first. */
  | { status: 'blocked'; month: string; counts: MonthCounts; blockers: MonthBlocker[] }
  /** Shift_JIS cannot hold a character: the reasons name the field; UTF-8 files are the way out. */
  | { status: 'unencodable'; month: string; counts: MonthCounts; blockers: MonthBlocker[] }
  | {
      status: 'ready';
      month: string;
      encoding: TextEncoding;
      counts: MonthCounts;
      files: MonthFile[];
      /** Visits in the files (for the audit) and the re-claims the export carries. */
      visitIds: string[];
      reclaims: ClaimReturn[];
    };

interface Spec {
  kind: MonthFileKind;
  format: ExportFormat;
  encoding: TextEncoding;
  name: (month: string) => string;
}

const SHIFT_JIS_SET: Spec[] = [
  { kind: 'claims', format: 'csv', encoding: 'shift_jis', name: (m) => `請求データ_${m}.csv` },
  { kind: 'claims_utf8', format: 'csv', encoding: 'utf8', name: (m) => `請求データ_${m}_UTF8.csv` },
  { kind: 'unknown_list', format: 'unknown-list', encoding: 'shift_jis', name: (m) => `不詳一覧_${m}.csv` },
  { kind: 'input_sheet', format: 'input-sheet', encoding: 'shift_jis', name: (m) => `レセコン入力票_${m}.csv` },
];
const UTF8_SET: Spec[] = [
  { kind: 'claims_utf8', format: 'csv', encoding: 'utf8', name: (m) => `請求データ_${m}_UTF8.csv` },
  { kind: 'unknown_list', format: 'unknown-list', encoding: 'utf8', name: (m) => `不詳一覧_${m}_UTF8.csv` },
  { kind: 'input_sheet', format: 'input-sheet', encoding: 'utf8', name: (m) => `レセコン入力票_${m}_UTF8.csv` },
];

/** The file names of a month's set (what a folder holds after the export). */
export function monthFileNames(month: string, encoding: TextEncoding): string[] {
  return (encoding === 'utf8' ? UTF8_SET : SHIFT_JIS_SET).map((s) => s.name(month));
}

function countsOf(items: ExportItem[], reclaims: number): MonthCounts {
  const by = (b: string) => items.filter((i) => i.decision.basis === b).length;
  return { visits: items.length, current: by('current'), past: by('past'), unknown: by('unknown'), reclaims };
}

/** Why a visit cannot be claimed, as staff read it: the decision's own reasons rather than codes or ids. */
function reasonsOf(item: ExportItem, settings: ClaimSettings): string[] {
  const reasons = exportProblems(item.visit, item.decision, settings).flatMap((p) => {
    if (p.code === 'EXPORT_NEEDS_DECISION') return item.decision.needsDecision.map((n) => n.message);
    if (p.code === 'EXPORT_BAD_NUMBER') return [claimMessages.exportBadNumberReason()];
    if (p.code === 'EXPORT_UNKNOWN_NO_CONTACT') return [claimMessages.unknownNeedsContact()];
    return [p.message];
  });
  return [...new Set(reasons)];
}

function blocker(item: ExportItem, reasons: string[]): MonthBlocker {
  const p = item.visit.patient;
  return { visitId: item.visit.id, name: p.name, nameKana: p.nameKana, serviceDate: item.visit.serviceDate, reasons };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Builds a month's files from the journal (nothing written). `onProgress` reports the visits read so far, page by
 * page (the event loop runs between pages, so a core can push the progress while a long month is read).
 */
export async function buildMonthFiles(
  store: Store,
  month: string,
  settings: ClaimSettings,
  encoding: TextEncoding,
  onProgress: (p: CollectProgress) => void = () => undefined,
): Promise<ExportResult<MonthFiles>> {
  if (!MONTH_PATTERN.test(month)) return fail('INVALID_INPUT', claimMessages.exportMonth(month), month);
  const c = await collectExportItemsAsync(store, month, settings, onProgress);
  if (!c.ok) return c;
  const selected = itemsForMonth(c.value.items, month);
  if (selected.length === 0) return ok({ status: 'empty', month });
  const counts = countsOf(selected, c.value.reclaims.length);

  const blockers = selected.flatMap((i) => {
    const reasons = reasonsOf(i, settings);
    return reasons.length > 0 ? [blocker(i, reasons)] : [];
  });
  if (blockers.length > 0) return ok({ status: 'blocked', month, counts, blockers });
  if (encoding === 'shift_jis') {
    const unencodable = selected.flatMap((i) => {
      const reasons = unencodableProblems(i.visit, i.decision).map((p) => p.message);
      return reasons.length > 0 ? [blocker(i, reasons)] : [];
    });
    if (unencodable.length > 0) return ok({ status: 'unencodable', month, counts, blockers: unencodable });
  }

  const files: MonthFile[] = [];
  let visitIds: string[] = [];
  for (const spec of encoding === 'utf8' ? UTF8_SET : SHIFT_JIS_SET) {
    const built = buildMonthExport(c.value.items, month, spec.format, settings, spec.encoding, {
      header: 'japanese',
      bom: spec.encoding === 'utf8',
    });
    if (!built.ok) return fail('EXPORT_REFUSED', built.errors.map((e) => e.message).join(' '));
    if (spec.format === 'csv') visitIds = built.value.visitIds;
    files.push({
      kind: spec.kind,
      name: spec.name(month),
      encoding: spec.encoding,
      bytes: built.value.bytes,
      sha256: sha256(built.value.bytes),
      visits: built.value.visitIds.length,
    });
  }
  const reclaims = c.value.reclaims.filter((r) => visitIds.includes(r.visitId));
  return ok({ status: 'ready', month, encoding, counts, files, visitIds, reclaims });
}

/** An errno from a write, as the Japanese message staff read (and its code). */
function writeFailure(e: unknown): ExportResult<never> {
  const code = (e as { code?: unknown } | null)?.code;
  const detail = (e as Error).message;
  if (code === 'ENOENT' || code === 'ENOTDIR') return fail('EXPORT_DIR_MISSING', rm.EXPORT_DIR_MISSING, detail);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return fail('EXPORT_DIR_UNWRITABLE', rm.EXPORT_DIR_UNWRITABLE, detail);
  if (code === 'ENOSPC' || code === 'EDQUOT') return fail('EXPORT_DISK_FULL', rm.EXPORT_DISK_FULL, detail);
  return fail('EXPORT_WRITE_FAILED', rm.EXPORT_WRITE_FAILED, detail);
}

/**
 * Writes the files into `dir` (an existing folder): staged in a hidden folder inside it (each file durable: temporary
 * name, fsync, rename), then each moved into place. On failure the staging folder is removed and no file of the
 * set appears. Returns the paths written. A file of the same name is replaced.
 */
export function writeMonthFiles(dir: string, files: MonthFile[]): ExportResult<string[]> {
  const target = path.resolve(dir);
  try {
    if (!statSync(target).isDirectory()) return fail('EXPORT_DIR_MISSING', rm.EXPORT_DIR_MISSING, target);
  } catch (e) {
    return writeFailure(e);
  }
  const staging = path.join(target, `.partial-export-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(staging);
    for (const f of files) writeFileDurable(path.join(staging, f.name), f.bytes);
    const written: string[] = [];
    for (const f of files) {
      const to = path.join(target, f.name);
      renameSync(path.join(staging, f.name), to);
      written.push(to);
    }
    fsyncDir(target);
    return ok(written);
  } catch (e) {
    return writeFailure(e);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The audit entry of an export (who, which month, where, each file's sha256) and the re-claims it carries marked
 * reclaimed. `destination` is the folder, or 'download' on the web host.
 */
export function recordMonthExport(
  store: Store,
  actor: string,
  ready: Extract<MonthFiles, { status: 'ready' }>,
  destination: string,
): ExportResult<void> {
  const reclaimed = ready.reclaims.map((r) => r.id);
  if (reclaimed.length > 0) {
    const r = store.markReturnsReclaimed(reclaimed, actor);
    if (!r.ok) return r;
  }
  const a = store.appendAudit({
    actor,
    action: 'claims.export',
    entity: 'export',
    entityId: `${ready.month}:month`,
    detail: {
      month: ready.month,
      encoding: ready.encoding,
      destination,
      files: ready.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.bytes.length, visits: f.visits })),
      visits: ready.visitIds.length,
      reclaims: reclaimed.length,
    },
  });
  return a.ok ? ok(undefined) : a;
}

/**
 * 「今月の請求データを作成」 and `shikaku export --all`: builds the month's files, writes them into `dir` (when
 * given; the web host downloads them instead) and audits the export by `actor`. Anything but a written (or, with
 * no dir, built) set is returned as it is and audits nothing.
 */
export async function exportMonthFiles(
  store: Store,
  args: {
    month: string;
    settings: ClaimSettings;
    encoding: TextEncoding;
    actor: string;
    dir?: string;
    onProgress?: (p: CollectProgress) => void;
  },
): Promise<ExportResult<MonthFiles & { written: string[] }>> {
  const built = await buildMonthFiles(store, args.month, args.settings, args.encoding, args.onProgress);
  if (!built.ok) return built;
  if (built.value.status !== 'ready') return ok({ ...built.value, written: [] });
  let written: string[] = [];
  if (args.dir !== undefined) {
    const w = writeMonthFiles(args.dir, built.value.files);
    if (!w.ok) return w;
    written = w.value;
  }
  const audit = recordMonthExport(store, args.actor, built.value, args.dir ?? 'download');
  if (!audit.ok) return audit;
  return ok({ ...built.value, written });
}
