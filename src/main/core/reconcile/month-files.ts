// The month-end files (「今月の請求データを作成」 and `shikaku export --all`): ONE function builds them, so the app
// and the CLI write the same bytes for the same journal. The set, for a month YYYY-MM:
//   請求データ_YYYY-MM.csv         every visit with its decision, Japanese headings, Shift_JIS (CP932)
//   請求データ_YYYY-MM_UTF8.csv    the same rows, UTF-8 with a BOM (Excel)
//   不詳一覧_YYYY-MM.csv           the ③ visits, Shift_JIS
//   レセコン入力票_YYYY-MM.csv     what to enter in the レセコン per patient, Shift_JIS
// With encoding 'utf8' (chosen when a name holds a character CP932 cannot: 𠮷) every file is UTF-8 with a BOM
// and named *_UTF8.csv. The files are streamed (month-stream.ts: a page of visits at a time, never the month in
// memory). Writing: each file is written into a hidden staging folder as it is built and fsynced, then all are
// moved into place and the folder fsynced — a failure, a blocking visit or a character CP932 cannot hold found
// midway leaves no file of the set behind. Each export is audited.
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TextEncoding } from '../../../claims/export.ts';
import { claimMessages } from '../../../claims/messages.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { fsyncDir, ok, openStreamedFile, type ClaimReturn, type Store } from '../store/index.ts';
import {
  exportFail as fail,
  streamMonthFiles,
  type ExportResult,
  type FileOutput,
  type MonthBlocker,
  type MonthCounts,
  type MonthFileInfo,
  type MonthProgress,
  type MonthSpec,
} from './month-stream.ts';
import { reconcileMessages as rm } from './messages.ts';

export type {
  ExportResult,
  MonthBlocker,
  MonthCounts,
  MonthFileInfo,
  MonthFileKind,
  MonthProgress,
} from './month-stream.ts';

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A file of the set with its bytes (built in memory: the check, the web host's download). */
export interface MonthFile extends MonthFileInfo {
  bytes: Uint8Array;
}

export type MonthFiles<F extends MonthFileInfo = MonthFile> =
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
      files: F[];
      /** The re-claims the export carries. */
      reclaims: ClaimReturn[];
    };

type Spec = Omit<MonthSpec, 'name'> & { name: (month: string) => string };

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

function specsOf(month: string, encoding: TextEncoding): MonthSpec[] {
  return (encoding === 'utf8' ? UTF8_SET : SHIFT_JIS_SET).map((s) => ({ ...s, name: s.name(month) }));
}

/** The file names of a month's set (what a folder holds after the export). */
export function monthFileNames(month: string, encoding: TextEncoding): string[] {
  return specsOf(month, encoding).map((s) => s.name);
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

/** Outputs that keep each file's bytes in memory. */
function inMemory(): { open: (spec: MonthSpec) => FileOutput; bytes: Map<string, Uint8Array> } {
  const bytes = new Map<string, Uint8Array>();
  return {
    bytes,
    open: (spec) => {
      const parts: Uint8Array[] = [];
      return {
        write: (d) => void parts.push(Uint8Array.from(d)),
        finish: () => void bytes.set(spec.name, Buffer.concat(parts)),
        abort: () => void (parts.length = 0),
      };
    },
  };
}

/** Outputs that only count and hash (a folder that cannot take the files: what would the set have been?). */
const nowhere = (): FileOutput => ({ write: () => undefined, finish: () => undefined, abort: () => undefined });

interface Run {
  month: string;
  settings: ClaimSettings;
  encoding: TextEncoding;
  onProgress?: (p: MonthProgress) => void;
}

/** streamMonthFiles with a scratch folder of its own (under the OS temp folder) when none is given. */
async function stream(
  store: Store,
  r: Run,
  open: (spec: MonthSpec) => FileOutput,
  scratchDir?: string,
): Promise<ExportResult<MonthFiles<MonthFileInfo>>> {
  const { month } = r;
  if (!MONTH_PATTERN.test(month)) return fail('INVALID_INPUT', claimMessages.exportMonth(month), month);
  let scratch = scratchDir;
  try {
    scratch ??= mkdtempSync(path.join(tmpdir(), 'shikaku-export-'));
  } catch (e) {
    return writeFailure(e);
  }
  try {
    const s = await streamMonthFiles(store, {
      month,
      settings: r.settings,
      encoding: r.encoding,
      specs: specsOf(month, r.encoding),
      open,
      scratchDir: scratch,
      ioFailure: writeFailure,
      ...(r.onProgress ? { onProgress: r.onProgress } : {}),
    });
    if (!s.ok) return s;
    const v = s.value;
    if (v.status === 'empty') return ok({ status: 'empty', month });
    if (v.status !== 'ready') return ok({ ...v, month });
    return ok({ ...v, month, encoding: r.encoding });
  } finally {
    if (scratchDir === undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds a month's files from the journal, their bytes in memory (nothing written). `onProgress` reports the
 * visits read so far, page by page (the event loop runs between pages, so a core can push the progress while a
 * long month is read).
 */
export async function buildMonthFiles(
  store: Store,
  month: string,
  settings: ClaimSettings,
  encoding: TextEncoding,
  onProgress: (p: MonthProgress) => void = () => undefined,
): Promise<ExportResult<MonthFiles>> {
  const memory = inMemory();
  const r = await stream(store, { month, settings, encoding, onProgress }, memory.open);
  if (!r.ok || r.value.status !== 'ready') return r as ExportResult<MonthFiles>;
  const files = r.value.files.map((f) => ({ ...f, bytes: memory.bytes.get(f.name)! }));
  return ok({ ...r.value, files });
}

/** What exporting a month would give (the month-end screen's check): the files counted and hashed, not kept. */
export function checkMonthFiles(store: Store, run: Run): Promise<ExportResult<MonthFiles<MonthFileInfo>>> {
  return stream(store, run, nowhere);
}

/**
 * Streams the set into `dir` (an existing folder): each file into a hidden staging folder inside it as it is
 * built, fsynced; once all are complete each is moved into place and the folder fsynced. Anything but a complete
 * set removes the staging folder and leaves no file of the set. A file of the same name is replaced. When the
 * folder cannot take files, the month is still read (a blocked month says so first) and the folder's error
 * returned.
 */
async function writeMonthFiles(
  store: Store,
  run: Run,
  dir: string,
): Promise<ExportResult<MonthFiles<MonthFileInfo> & { written: string[] }>> {
  const target = path.resolve(dir);
  const staging = path.join(target, `.partial-export-${process.pid}-${Date.now()}`);
  let unusable: ExportResult<never> | null = null;
  try {
    if (!statSync(target).isDirectory()) unusable = fail('EXPORT_DIR_MISSING', rm.EXPORT_DIR_MISSING, target);
    else mkdirSync(staging);
  } catch (e) {
    unusable = writeFailure(e);
  }
  if (unusable !== null) {
    const r = await stream(store, run, nowhere);
    if (!r.ok || r.value.status === 'ready') return r.ok ? unusable : r;
    return ok({ ...r.value, written: [] });
  }
  try {
    const r = await stream(store, run, (spec) => openStreamedFile(path.join(staging, spec.name)), staging);
    if (!r.ok) return r;
    if (r.value.status !== 'ready') return ok({ ...r.value, written: [] });
    const written: string[] = [];
    for (const f of r.value.files) {
      const to = path.join(target, f.name);
      renameSync(path.join(staging, f.name), to);
      written.push(to);
    }
    fsyncDir(target);
    return ok({ ...r.value, written });
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
  ready: Extract<MonthFiles<MonthFileInfo>, { status: 'ready' }>,
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
      files: ready.files.map((f) => ({ name: f.name, sha256: f.sha256, bytes: f.size, visits: f.visits })),
      visits: ready.counts.visits,
      reclaims: reclaimed.length,
    },
  });
  return a.ok ? ok(undefined) : a;
}

/**
 * 「今月の請求データを作成」 and `shikaku export --all`: streams the month's files into `dir` (when given; the web host
 * downloads them instead: their bytes in memory) and audits the export by `actor`. Anything but a written (or,
 * with no dir, built) set is returned as it is and audits nothing. `journal`: the PC's own journal, where the
 * export is audited and its re-claims marked, when the files are made from other data (the clinic mirror).
 */
export async function exportMonthFiles(
  store: Store,
  args: Run & { actor: string; dir?: string; journal?: Store },
): Promise<ExportResult<MonthFiles<MonthFileInfo> & { written: string[] }>> {
  const { actor, dir, journal, ...run } = args;
  let done: ExportResult<MonthFiles<MonthFileInfo> & { written: string[] }>;
  if (dir !== undefined) done = await writeMonthFiles(store, run, dir);
  else {
    const built = await buildMonthFiles(store, run.month, run.settings, run.encoding, run.onProgress);
    done = built.ok ? ok({ ...built.value, written: [] }) : built;
  }
  if (!done.ok || done.value.status !== 'ready') return done;
  const audit = recordMonthExport(journal ?? store, actor, done.value, dir ?? 'download');
  if (!audit.ok) return audit;
  return done;
}
