// A month's files streamed (issue #19): the month's visits are read as sort keys only (store.monthVisitKeys), put
// in file order, then read again a page at a time with their latest reconciliation; each visit's claim is decided
// once, checked (the blockers, the characters CP932 cannot hold) and its rows are encoded and handed to the
// outputs page by page. The 入力票's rows (another order, and a header that depends on every row) wait in a
// scratch file as JSON and are written last, in their own order. Memory holds the keys and a page, never the month
// or a file. The bytes are those buildMonthExport gives for the same items (the same row, header and order
// functions); a visit found blocking or unencodable midway stops the output (the caller removes what was written).
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ClaimDecision } from '../../../claims/decide.ts';
import {
  csvLine,
  encodeText,
  exportProblems,
  unencodableProblems,
  UTF8_BOM,
  type TextEncoding,
} from '../../../claims/export.ts';
import {
  compareInputSheetOrder,
  inputSheetCells,
  inputSheetHeader,
  inputSheetOrder,
  inputSheetRemarkColumns,
  inputSheetRow,
  type InputSheetOrder,
  type InputSheetRow,
} from '../../../claims/input-sheet.ts';
import { claimMessages } from '../../../claims/messages.ts';
import {
  compareExportOrder,
  exportOrderKey,
  inMonth,
  monthCsvCells,
  monthCsvHeader,
  type ExportFormat,
  type ExportItem,
} from '../../../claims/month-export.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { ok, type ClaimReturn, type Store } from '../store/index.ts';
import { claimFrom } from './claim.ts';
import { parseReconciliationDetail } from './detail.ts';

/** A store result, or an export failure with its own code and Japanese message (reconcile/messages.ts). */
export type ExportResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; detail?: string } };

export function exportFail(code: string, message: string, detail?: string): ExportResult<never> {
  return { ok: false, error: detail === undefined ? { code, message } : { code, message, detail } };
}

export type MonthFileKind = 'claims' | 'claims_utf8' | 'unknown_list' | 'input_sheet';

/** One file of a month's set: what it holds, how it is encoded, its name. */
export interface MonthSpec {
  kind: MonthFileKind;
  format: ExportFormat;
  encoding: TextEncoding;
  name: string;
}

/** A file of the set once written: its sha256, size and rows (visits); `bytes` when it was kept in memory. */
export interface MonthFileInfo {
  kind: MonthFileKind;
  name: string;
  encoding: TextEncoding;
  sha256: string;
  size: number;
  /** Rows (visits) in the file. */
  visits: number;
  bytes?: Uint8Array;
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

/** How far a month is: visits read so far of the month's total. */
export interface MonthProgress {
  done: number;
  total: number;
}

/** Where one file's bytes go (a staged file, memory, nowhere); a throw is a write failure (errno code kept). */
export interface FileOutput {
  write(data: Uint8Array): void;
  finish(): void;
  abort(): void;
}

export type StreamOutcome =
  | { status: 'empty' }
  | { status: 'blocked' | 'unencodable'; counts: MonthCounts; blockers: MonthBlocker[] }
  | { status: 'ready'; counts: MonthCounts; files: MonthFileInfo[]; reclaims: ClaimReturn[] };

export interface StreamArgs {
  month: string;
  settings: ClaimSettings;
  /** The set's encoding: 'shift_jis' refuses characters CP932 cannot hold. */
  encoding: TextEncoding;
  specs: MonthSpec[];
  /** Opens a file's output (called once per spec when there is something to write). */
  open: (spec: MonthSpec) => FileOutput;
  /** A folder for the 入力票's rows while they wait for their order (the caller removes it). */
  scratchDir: string;
  onProgress?: (p: MonthProgress) => void;
  /** An I/O failure (opening, writing, fsyncing an output or the scratch file) as the caller reports it. */
  ioFailure: (e: unknown) => ExportResult<never>;
}

/** Visits read (and rows encoded and written) per page. */
const PAGE = 200;

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

/** One file being written: lines gathered for a page, then encoded at once, hashed, counted and handed on. */
class FileSink {
  private readonly hash: Hash = createHash('sha256');
  private lines: string[] = [];
  size = 0;
  visits = 0;

  constructor(
    readonly spec: MonthSpec,
    private readonly out: FileOutput,
  ) {}

  /** The BOM (UTF-8 files) and the header row. */
  start(header: readonly string[]): void {
    if (this.spec.encoding === 'utf8') this.bytes(UTF8_BOM);
    this.lines.push(csvLine(header) + '\r\n');
  }

  row(cells: readonly string[]): void {
    this.lines.push(csvLine(cells) + '\r\n');
    this.visits++;
  }

  /** Encodes and writes the gathered lines; the encoder's refusal as an error, I/O errors thrown. */
  flush(): ExportResult<void> {
    if (this.lines.length === 0) return ok(undefined);
    const encoded = encodeText(this.lines.join(''), this.spec.encoding);
    this.lines = [];
    if (!encoded.ok) return exportFail('EXPORT_REFUSED', encoded.errors.map((e) => e.message).join(' '));
    this.bytes(encoded.value);
    return ok(undefined);
  }

  private bytes(b: Uint8Array): void {
    this.hash.update(b);
    this.size += b.length;
    this.out.write(b);
  }

  abort(): void {
    this.out.abort();
  }

  finish(): MonthFileInfo {
    this.out.finish();
    const { kind, name, encoding } = this.spec;
    return { kind, name, encoding, sha256: this.hash.digest('hex'), size: this.size, visits: this.visits };
  }
}

/** The 入力票's rows in claims order, as JSON lines in a scratch file, read back by offset in the sheet's order. */
class RowSpill {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private end = 0;
  private buf = Buffer.alloc(4096);

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w+');
  }

  put(row: InputSheetRow): { at: number; length: number } {
    const b = Buffer.from(JSON.stringify(row), 'utf8');
    this.pending.push(b);
    this.pendingBytes += b.length;
    const at = this.end;
    this.end += b.length;
    if (this.pendingBytes >= 256 * 1024) this.flush();
    return { at, length: b.length };
  }

  flush(): void {
    const all = Buffer.concat(this.pending);
    for (let at = 0; at < all.length;) at += writeSync(this.fd, all, at, all.length - at);
    this.pending = [];
    this.pendingBytes = 0;
  }

  get(at: number, length: number): InputSheetRow {
    if (this.buf.length < length) this.buf = Buffer.alloc(Math.max(length, this.buf.length * 2));
    for (let got = 0; got < length;) {
      const n = readSync(this.fd, this.buf, got, length - got, at + got);
      if (n === 0) throw Object.assign(new Error(`short read ${this.file}`), { code: 'EIO' });
      got += n;
    }
    return JSON.parse(this.buf.toString('utf8', 0, length)) as InputSheetRow;
  }

  close(): void {
    closeSync(this.fd);
  }
}

interface Entry {
  id: string;
  key: string[];
  reclaim?: ClaimReturn;
}

/** The month's visits and re-claims in file order (keys only), and the re-claims, as collectExportItems picks them. */
function monthEntries(store: Store, month: string): ExportResult<{ entries: Entry[]; reclaims: ClaimReturn[] }> {
  const keys = store.monthVisitKeys(month);
  if (!keys.ok) return keys;
  const returns = store.listReturns({ reclaimMonth: month });
  if (!returns.ok) return returns;
  const wanted = new Set(returns.value.map((r) => r.visitId));
  const listed = new Set<string>();
  const entries: Entry[] = [];
  for (const k of keys.value) {
    if (k.drill) continue;
    if (wanted.has(k.id)) listed.add(k.id);
    if (!inMonth(k.serviceDate, month)) continue;
    entries.push({ id: k.id, key: exportOrderKey({ id: k.id, serviceDate: k.serviceDate, patient: k }) });
  }
  const reclaims: ClaimReturn[] = [];
  for (const r of returns.value) {
    if (listed.has(r.visitId)) continue;
    const v = store.getVisit(r.visitId);
    if (!v.ok) return v;
    if (v.value.status === 'void' || v.value.visit.drill) continue;
    entries.push({ id: r.visitId, key: exportOrderKey(v.value.visit), reclaim: r });
    listed.add(r.visitId);
    reclaims.push(r);
  }
  entries.sort((a, b) => compareExportOrder(a.key, b.key));
  return ok({ entries, reclaims });
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Streams a month's files into the outputs `open` gives. Anything but 'ready' leaves every output aborted; so does
 * an error (the encoder's refusal, an I/O failure). A blocking or unencodable visit is reported as buildMonthFiles
 * always did, even when an I/O failure came first.
 */
export async function streamMonthFiles(store: Store, a: StreamArgs): Promise<ExportResult<StreamOutcome>> {
  const listed = monthEntries(store, a.month);
  if (!listed.ok) return listed;
  const { entries, reclaims } = listed.value;
  if (entries.length === 0) return ok({ status: 'empty' });

  const counts: MonthCounts = { visits: 0, current: 0, past: 0, unknown: 0, reclaims: reclaims.length };
  const blockers: MonthBlocker[] = [];
  const unencodable: MonthBlocker[] = [];
  const claimed = new Set<string>();
  let failure: ExportResult<never> | null = null;
  const sinks: FileSink[] = [];
  let spill: RowSpill | null = null;
  const sheet: { order: InputSheetOrder; at: number; length: number }[] = [];
  let maxRemarks = 0;
  /** Stops writing (the files are aborted): a blocker, an unencodable character, an error. */
  const stop = (f: ExportResult<never> | null = null): void => {
    if (failure === null && f !== null) failure = f;
    for (const s of sinks.splice(0)) s.abort();
  };
  const writing = () => failure === null && blockers.length === 0 && unencodable.length === 0;
  const csvSinks = (format: ExportFormat) => sinks.filter((s) => s.spec.format === format);
  try {
    try {
      for (const spec of a.specs) {
        const sink = new FileSink(spec, a.open(spec));
        sinks.push(sink);
        if (spec.format !== 'input-sheet') sink.start(monthCsvHeader('japanese'));
      }
      spill = new RowSpill(path.join(a.scratchDir, '.input-sheet-rows'));
    } catch (e) {
      stop(a.ioFailure(e));
    }

    for (let at = 0; at < entries.length; at += PAGE) {
      const page = entries.slice(at, at + PAGE);
      const read = store.visitsWithLatest(page.map((e) => e.id));
      if (!read.ok) {
        stop();
        return read;
      }
      const byId = new Map(read.value.map((r) => [r.visit.id, r]));
      for (const e of page) {
        const r = byId.get(e.id);
        if (!r || r.status === 'void' || r.visit.drill) continue;
        const decision: ClaimDecision = claimFrom(r.visit, a.settings, parseReconciliationDetail(r.latest?.detail));
        const item: ExportItem = e.reclaim
          ? { visit: r.visit, decision, reclaimOf: { returnId: e.reclaim.id, originalMonth: e.reclaim.claimMonth } }
          : { visit: r.visit, decision };
        counts.visits++;
        if (decision.basis === 'current' || decision.basis === 'past' || decision.basis === 'unknown')
          counts[decision.basis]++;
        if (e.reclaim) claimed.add(e.reclaim.id);
        const reasons = reasonsOf(item, a.settings);
        if (reasons.length > 0) {
          blockers.push(blocker(item, reasons));
          stop();
          continue;
        }
        if (blockers.length > 0) continue;
        const cells = monthCsvCells(item);
        if (a.encoding === 'shift_jis') {
          const bad = unencodableProblems(item.visit, item.decision, cells).map((p) => p.message);
          if (bad.length > 0) {
            unencodable.push(blocker(item, bad));
            stop();
            continue;
          }
        }
        if (!writing()) continue;
        for (const s of csvSinks('csv')) s.row(cells);
        if (decision.basis === 'unknown') for (const s of csvSinks('unknown-list')) s.row(cells);
        if (csvSinks('input-sheet').length > 0 && spill) {
          const row = inputSheetRow(item);
          maxRemarks = Math.max(maxRemarks, row.remarks.length);
          sheet.push({ order: inputSheetOrder(row), ...putRow(spill, row, stop, a) });
        }
      }
      if (writing()) {
        try {
          for (const s of sinks) {
            const f = s.flush();
            if (!f.ok) stop(f);
          }
        } catch (e) {
          stop(a.ioFailure(e));
        }
      }
      a.onProgress?.({ done: Math.min(entries.length, at + PAGE), total: entries.length });
      await tick();
    }

    if (counts.visits === 0) {
      stop();
      return ok({ status: 'empty' });
    }
    if (blockers.length > 0) return ok({ status: 'blocked', counts, blockers });
    if (unencodable.length > 0) return ok({ status: 'unencodable', counts, blockers: unencodable });
    if (failure !== null) return failure;

    const files = await finishFiles(sinks, sheet, maxRemarks, spill, a);
    if (!files.ok) {
      stop();
      return files;
    }
    return ok({ status: 'ready', counts, files: files.value, reclaims: reclaims.filter((r) => claimed.has(r.id)) });
  } finally {
    spill?.close();
  }
}

/** A sheet row into the scratch file; an I/O failure stops the output (the row's place is then unused). */
function putRow(
  spill: RowSpill,
  row: InputSheetRow,
  stop: (f: ExportResult<never>) => void,
  a: StreamArgs,
): { at: number; length: number } {
  try {
    return spill.put(row);
  } catch (e) {
    stop(a.ioFailure(e));
    return { at: 0, length: 0 };
  }
}

/** The 入力票 from the scratch file in its own order, then every file finished (fsynced by its output). */
async function finishFiles(
  sinks: FileSink[],
  sheet: { order: InputSheetOrder; at: number; length: number }[],
  maxRemarks: number,
  spill: RowSpill | null,
  a: StreamArgs,
): Promise<ExportResult<MonthFileInfo[]>> {
  try {
    const sheets = sinks.filter((s) => s.spec.format === 'input-sheet');
    if (sheets.length > 0 && spill) {
      spill.flush();
      sheet.sort((x, y) => compareInputSheetOrder(x.order, y.order));
      const columns = inputSheetRemarkColumns(maxRemarks);
      for (const s of sheets) s.start(inputSheetHeader(columns));
      for (let at = 0; at < sheet.length; at += PAGE) {
        for (const r of sheet.slice(at, at + PAGE)) {
          const cells = inputSheetCells(spill.get(r.at, r.length), columns);
          for (const s of sheets) s.row(cells);
        }
        for (const s of sheets) {
          const f = s.flush();
          if (!f.ok) return f;
        }
        await tick();
      }
      for (const s of sheets) {
        const f = s.flush();
        if (!f.ok) return f;
      }
    }
    return ok(sinks.map((s) => s.finish()));
  } catch (e) {
    return a.ioFailure(e);
  }
}
