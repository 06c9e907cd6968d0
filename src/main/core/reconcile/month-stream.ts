// A month's files streamed (issue #19): the month's visits are read as sort keys only (store.monthReader, a row
// at a time), put in file order (spill-sort.ts: sorted runs in a scratch file, merged), then read again a page at a
// time with their latest reconciliation; each visit's claim is decided once, checked (the blockers, the characters
// CP932 cannot hold) and its rows are encoded and handed to the outputs page by page. The 入力票's rows (another
// order, and a header that depends on every row) are put in their own order the same way and written last. Memory
// holds a run of keys or rows and a page, never the month or a file: it does not grow with the month. The bytes are
// those buildMonthExport gives for the same items (the same row, header and order functions); a visit found
// blocking or unencodable midway stops the output (the caller removes what was written).
import { createHash, type Hash } from 'node:crypto';
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
import { ok, type ClaimReturn, type MonthReader, type Store } from '../store/index.ts';
import { claimFrom } from './claim.ts';
import { parseReconciliationDetail } from './detail.ts';
import { SpillSort, type SpillCodec } from './spill-sort.ts';

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

/**
 * Visits read (and rows encoded and written) per page. Small: a page's visits must die young (a page of 200 outlived
 * V8's young generation, and each export of a long month left old-generation garbage that grew with the month).
 */
const PAGE = 50;
/** Visits between progress reports. */
const PROGRESS_EVERY = 200;

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

/** A row as the files hold it: RFC 4180 quoting and its CRLF. */
const csvRecord = (cells: readonly string[]): string => csvLine(cells) + '\r\n';

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
    this.lines.push(csvRecord(header));
  }

  /** A visit's row, as csvRecord gives it (computed once for the files that share it). */
  row(record: string): void {
    this.lines.push(record);
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

interface Entry {
  id: string;
  key: string[];
  /** A re-claim: its index in the re-claims. */
  reclaim?: number;
}

type MonthOrder = SpillSort<Entry, string[]>;

const ENTRY_CODEC: SpillCodec<Entry> = {
  encode: (e) => [e.id, e.reclaim === undefined ? '' : String(e.reclaim), ...e.key],
  decode: ([id, reclaim, ...key]) => (reclaim ? { id: id!, key, reclaim: Number(reclaim) } : { id: id!, key }),
};

/** An 入力票 row's text fields as they are written (its 摘要 lines follow); every field but the 摘要 (checked below). */
const SHEET_FIELDS = [
  'visitId',
  'patientId',
  'name',
  'nameKana',
  'birthDate',
  'relationship',
  'serviceDate',
  'basisLabel',
  'insurerNumber',
  'symbol',
  'number',
  'branch',
  'copay',
  'reclaimOf',
] as const;
type SheetField = Exclude<keyof InputSheetRow, 'remarks'>;
/** A compile error when InputSheetRow gains a field SHEET_FIELDS does not write. */
const _sheetFieldsComplete: [Exclude<SheetField, (typeof SHEET_FIELDS)[number]>] extends [never] ? true : never = true;

const SHEET_CODEC: SpillCodec<InputSheetRow> = {
  encode: (r) => [...SHEET_FIELDS.map((k) => r[k]), ...r.remarks],
  decode: (f) => {
    const row = { remarks: f.slice(SHEET_FIELDS.length) } as InputSheetRow;
    SHEET_FIELDS.forEach((k, i) => (row[k] = f[i]!));
    return row;
  },
};

/** The 入力票's rows, put in the sheet's order. */
type SheetOrder = SpillSort<InputSheetRow, InputSheetOrder>;

/**
 * The month's visits and re-claims in file order (keys only, sorted with bounded memory into `file`), and the
 * re-claims, as collectExportItems picks them. A scratch file that cannot be written keeps the keys in memory.
 */
function monthEntries(
  store: Store,
  reader: MonthReader,
  month: string,
  file: string,
): ExportResult<{ order: MonthOrder; reclaims: ClaimReturn[] }> {
  const returns = store.listReturns({ reclaimMonth: month });
  if (!returns.ok) return returns;
  const wanted = new Set(returns.value.map((r) => r.visitId));
  const listed = new Set<string>();
  const order: MonthOrder = new SpillSort(file, ENTRY_CODEC, (e: Entry) => e.key, compareExportOrder);
  const keys = reader.keys((k) => {
    if (k.drill) return;
    if (wanted.has(k.id)) listed.add(k.id);
    if (!inMonth(k.serviceDate, month)) return;
    order.add({ id: k.id, key: exportOrderKey({ id: k.id, serviceDate: k.serviceDate, patient: k }) }, 'memory');
  });
  const reclaims: ClaimReturn[] = [];
  const done = (r: ExportResult<never>) => (order.close(), r);
  if (!keys.ok) return done(keys);
  for (const r of returns.value) {
    if (listed.has(r.visitId)) continue;
    const v = store.getVisit(r.visitId);
    if (!v.ok) return done(v);
    if (v.value.status === 'void' || v.value.visit.drill) continue;
    order.add({ id: r.visitId, key: exportOrderKey(v.value.visit), reclaim: reclaims.length }, 'memory');
    listed.add(r.visitId);
    reclaims.push(r);
  }
  return ok({ order, reclaims });
}

/** The next `size` records of `it` (fewer at its end). */
function take<T>(it: Iterator<T>, size: number): T[] {
  const out: T[] = [];
  for (let n = it.next(); !n.done; n = it.next()) {
    out.push(n.value);
    if (out.length >= size) break;
  }
  return out;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Streams a month's files into the outputs `open` gives. Anything but 'ready' leaves every output aborted; so does
 * an error (the encoder's refusal, an I/O failure). A blocking or unencodable visit is reported as buildMonthFiles
 * always did, even when an I/O failure came first.
 */
export async function streamMonthFiles(store: Store, a: StreamArgs): Promise<ExportResult<StreamOutcome>> {
  const reader = store.monthReader(a.month);
  if (!reader.ok) return reader;
  try {
    return await streamMonth(store, reader.value, a);
  } finally {
    reader.value.close();
  }
}

async function streamMonth(store: Store, reader: MonthReader, a: StreamArgs): Promise<ExportResult<StreamOutcome>> {
  const listed = monthEntries(store, reader, a.month, path.join(a.scratchDir, '.month-order'));
  if (!listed.ok) return listed;
  const { order, reclaims } = listed.value;
  const total = order.size;

  const counts: MonthCounts = { visits: 0, current: 0, past: 0, unknown: 0, reclaims: reclaims.length };
  const blockers: MonthBlocker[] = [];
  const unencodable: MonthBlocker[] = [];
  const claimed = new Set<string>();
  let failure: ExportResult<never> | null = null;
  const sinks: FileSink[] = [];
  let sheet: SheetOrder | null = null;
  let maxRemarks = 0;
  /** Stops writing (the files are aborted): a blocker, an unencodable character, an error. */
  /** The files of each format being written (none once writing stops). */
  const outputs = () => {
    const of = (format: ExportFormat) => sinks.filter((s) => s.spec.format === format);
    return { claims: of('csv'), unknown: of('unknown-list'), sheet: of('input-sheet').length > 0 };
  };
  let out = outputs();
  const stop = (f: ExportResult<never> | null = null): void => {
    if (failure === null && f !== null) failure = f;
    for (const s of sinks.splice(0)) s.abort();
    out = outputs();
  };
  const writing = () => failure === null && blockers.length === 0 && unencodable.length === 0;
  try {
    if (total === 0) return ok({ status: 'empty' });
    try {
      for (const spec of a.specs) {
        const sink = new FileSink(spec, a.open(spec));
        sinks.push(sink);
        if (spec.format !== 'input-sheet') sink.start(monthCsvHeader('japanese'));
      }
      out = outputs();
      const file = path.join(a.scratchDir, '.input-sheet-rows');
      sheet = new SpillSort<InputSheetRow, InputSheetOrder>(file, SHEET_CODEC, inputSheetOrder, compareInputSheetOrder);
    } catch (e) {
      stop(a.ioFailure(e));
    }

    const entries = order.sorted();
    let reported = 0;
    for (let done = 0; done < total;) {
      let page: Entry[];
      try {
        page = take(entries, PAGE);
      } catch (e) {
        stop();
        return a.ioFailure(e);
      }
      if (page.length === 0) break;
      done += page.length;
      const read = reader.visits(page.map((e) => e.id));
      if (!read.ok) {
        stop();
        return read;
      }
      const byId = new Map(read.value.map((r) => [r.id, r]));
      for (const e of page) {
        const row = byId.get(e.id);
        if (!row || row.status === 'void') continue;
        const r = row.read();
        if (r.visit.drill) continue;
        const decision: ClaimDecision = claimFrom(r.visit, a.settings, parseReconciliationDetail(r.latest?.detail));
        const reclaim = e.reclaim === undefined ? undefined : reclaims[e.reclaim]!;
        const item: ExportItem = reclaim
          ? { visit: r.visit, decision, reclaimOf: { returnId: reclaim.id, originalMonth: reclaim.claimMonth } }
          : { visit: r.visit, decision };
        counts.visits++;
        if (decision.basis === 'current' || decision.basis === 'past' || decision.basis === 'unknown')
          counts[decision.basis]++;
        if (reclaim) claimed.add(reclaim.id);
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
        const record = csvRecord(cells);
        for (const s of out.claims) s.row(record);
        if (decision.basis === 'unknown') for (const s of out.unknown) s.row(record);
        if (out.sheet && sheet) {
          const row = inputSheetRow(item);
          maxRemarks = Math.max(maxRemarks, row.remarks.length);
          try {
            sheet.add(row);
          } catch (e) {
            stop(a.ioFailure(e));
          }
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
      if (done >= reported + PROGRESS_EVERY || done >= total) {
        reported = done;
        a.onProgress?.({ done, total });
      }
      await tick();
    }

    if (counts.visits === 0) {
      stop();
      return ok({ status: 'empty' });
    }
    if (blockers.length > 0) return ok({ status: 'blocked', counts, blockers });
    if (unencodable.length > 0) return ok({ status: 'unencodable', counts, blockers: unencodable });
    if (failure !== null) return failure;

    const files = await finishFiles(sinks, sheet, maxRemarks, a);
    if (!files.ok) {
      stop();
      return files;
    }
    return ok({ status: 'ready', counts, files: files.value, reclaims: reclaims.filter((r) => claimed.has(r.id)) });
  } finally {
    order.close();
    sheet?.close();
  }
}

/** The 入力票 in its own order, then every file finished (fsynced by its output). */
async function finishFiles(
  sinks: FileSink[],
  sheet: SheetOrder | null,
  maxRemarks: number,
  a: StreamArgs,
): Promise<ExportResult<MonthFileInfo[]>> {
  try {
    const sheets = sinks.filter((s) => s.spec.format === 'input-sheet');
    if (sheets.length > 0 && sheet) {
      const columns = inputSheetRemarkColumns(maxRemarks);
      for (const s of sheets) s.start(inputSheetHeader(columns));
      const rows = sheet.sorted();
      for (let page = take(rows, PAGE); page.length > 0; page = take(rows, PAGE)) {
        for (const row of page) {
          const record = csvRecord(inputSheetCells(row, columns));
          for (const s of sheets) s.row(record);
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
