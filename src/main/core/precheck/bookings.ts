// The bookings CSV from the clinic's 予約システム (docs/precheck.md): read like the patients import (Shift_JIS or
// UTF-8, the same CSV reader), its columns mapped once on the 設定 screen and remembered (setting
// 'precheck.bookingColumns', by header text), every row checked with its problem listed; the good rows replace the
// bookings of their days. A booking without numbers takes the patient record's (by カルテ番号, else name and
// birth date). A row carrying something that looks like a 個人番号 is refused, never stored.
import { createHash } from 'node:crypto';
import { findForbidden } from '../../../claims/mynumber.ts';
import { normalizeInsuranceNumbers } from '../../../claims/numbers.ts';
import { nfkc } from '../../../claims/normalize.ts';
import {
  PATIENT_CSV_COLUMNS,
  decodeCsv,
  parseFlexibleDate,
  readCsvRecords,
  type CsvEncoding,
  type ExpectedPerson,
  type Store,
} from '../store/index.ts';
import { precheckMessages } from './messages.ts';

const m = precheckMessages.bookings;

/** Header names recognised for each field when no mapping was saved yet. */
export const BOOKING_COLUMNS = {
  day: ['予約日', '来院予定日', '予約日付', '日付', 'date'],
  time: ['予約時刻', '予約時間', '時刻', '時間', 'time'],
  patientId: PATIENT_CSV_COLUMNS.patientId,
  name: PATIENT_CSV_COLUMNS.name,
  nameKana: PATIENT_CSV_COLUMNS.nameKana,
  birthDate: PATIENT_CSV_COLUMNS.birthDate,
  insurerNumber: PATIENT_CSV_COLUMNS.insurerNumber,
  symbol: PATIENT_CSV_COLUMNS.symbol,
  number: PATIENT_CSV_COLUMNS.number,
  branch: PATIENT_CSV_COLUMNS.branch,
} as const;
export type BookingField = keyof typeof BOOKING_COLUMNS;
export const BOOKING_FIELDS = Object.keys(BOOKING_COLUMNS) as BookingField[];
const REQUIRED: BookingField[] = ['day', 'name', 'birthDate'];

/** Field → the header text of its column ('' or absent: not used). */
export type BookingColumns = Partial<Record<BookingField, string>>;

export interface BookingRow {
  /** Spreadsheet row number: the header is row 1. */
  row: number;
  ok: boolean;
  day: string;
  time: string;
  name: string;
  problems: string[];
  /** Numbers came from the patient record (the row had none). */
  fromRecord: boolean;
}

export interface BookingsPreview {
  encoding: CsvEncoding;
  header: string[];
  columns: BookingColumns;
  /** Whether the saved mapping was used (the file has the same headers as last time). */
  remembered: boolean;
  /** Problems of the file as a whole (unreadable, a required column not mapped): nothing can be imported. */
  fileProblems: string[];
  rows: BookingRow[];
  okRows: number;
  badRows: number;
}

interface Parsed {
  preview: BookingsPreview;
  good: { day: string; person: ExpectedPerson }[];
}

const norm = (h: string) => h.normalize('NFKC').trim();

/** The columns to use: those given, else the saved mapping when the file has all its headers, else by name. */
function resolveColumns(
  header: string[],
  given: BookingColumns | undefined,
  saved: BookingColumns,
): { columns: BookingColumns; remembered: boolean } {
  const has = new Set(header.map(norm));
  if (given) return { columns: given, remembered: false };
  const savedUsed = Object.values(saved).filter((h): h is string => !!h);
  if (savedUsed.length > 0 && savedUsed.every((h) => has.has(norm(h)))) return { columns: saved, remembered: true };
  const columns: BookingColumns = {};
  for (const f of BOOKING_FIELDS) {
    const hit = header.find((h) => (BOOKING_COLUMNS[f] as readonly string[]).some((a) => norm(a) === norm(h)));
    if (hit !== undefined) columns[f] = hit;
  }
  return { columns, remembered: false };
}

function parse(store: Store, data: Buffer, opts: { encoding?: CsvEncoding; columns?: BookingColumns }): Parsed {
  const { text, encoding } = decodeCsv(data, opts.encoding);
  const empty = (problem: string, header: string[] = [], columns: BookingColumns = {}): Parsed => ({
    preview: { encoding, header, columns, remembered: false, fileProblems: [problem], rows: [], okRows: 0, badRows: 0 },
    good: [],
  });
  const read = readCsvRecords(text);
  if (!read.ok) return empty(read.error);
  const header = read.records[0] ?? [];
  if (read.records.length < 2) return empty(m.noRows, header);
  const savedR = store.getSetting('precheck.bookingColumns');
  const { columns, remembered } = resolveColumns(
    header,
    opts.columns,
    savedR.ok ? (savedR.value as BookingColumns) : {},
  );
  const index = new Map<BookingField, number>();
  for (const f of BOOKING_FIELDS) {
    const h = columns[f];
    const i = h ? header.findIndex((x) => norm(x) === norm(h)) : -1;
    if (i >= 0) index.set(f, i);
  }
  const missing = REQUIRED.filter((f) => !index.has(f));
  if (missing.length > 0) {
    const p = empty(missing.map((f) => m.missingField(BOOKING_COLUMNS[f][0])).join(' '), header, columns);
    return p;
  }
  const rows: BookingRow[] = [];
  const good: Parsed['good'] = [];
  for (let r = 1; r < read.records.length; r++) {
    const cells = read.records[r]!;
    const get = (f: BookingField) => nfkc(cells[index.get(f) ?? -1] ?? '').trim();
    const out: BookingRow = {
      row: r + 1,
      ok: false,
      day: '',
      time: get('time'),
      name: get('name'),
      problems: [],
      fromRecord: false,
    };
    rows.push(out);
    if (cells.length !== header.length) {
      out.problems.push(m.columnCount);
      continue;
    }
    if (findForbidden(cells) !== undefined) {
      out.problems.push(m.myNumber);
      continue;
    }
    const day = parseFlexibleDate(get('day'));
    if (!day) out.problems.push(m.badDay(get('day')));
    const birthDate = parseFlexibleDate(get('birthDate'));
    if (!birthDate) out.problems.push(m.badBirth(get('birthDate')));
    if (!out.name) out.problems.push(m.noName);
    if (!day || !birthDate || !out.name) continue;
    out.day = day;
    let person: ExpectedPerson | null = null;
    if (get('insurerNumber') !== '' || get('number') !== '') {
      const n = normalizeInsuranceNumbers({
        insurerNumber: get('insurerNumber'),
        symbol: get('symbol'),
        number: get('number'),
        branch: get('branch'),
      });
      if (!n.ok) {
        out.problems.push(m.badNumbers(n.errors.map((e) => e.message).join(' ')));
        continue;
      }
      person = {
        patientRef: null,
        name: out.name,
        nameKana: get('nameKana'),
        birthDate,
        insurance: n.value,
        bookedTime: out.time,
      };
    } else {
      const rec = store.findPatientNumbers({ patientId: get('patientId'), name: out.name, birthDate });
      if (rec.ok && rec.value) {
        person = {
          ...rec.value,
          name: out.name,
          nameKana: get('nameKana') || rec.value.nameKana,
          bookedTime: out.time,
        };
        out.fromRecord = true;
      }
    }
    if (!person) {
      out.problems.push(m.noNumbers);
      continue;
    }
    out.ok = true;
    good.push({ day, person });
  }
  const okRows = rows.filter((x) => x.ok).length;
  return {
    preview: { encoding, header, columns, remembered, fileProblems: [], rows, okRows, badRows: rows.length - okRows },
    good,
  };
}

/** What an import would do: the mapping used, each row with its problems. Changes nothing. */
export function previewBookings(
  store: Store,
  data: Buffer,
  opts: { encoding?: CsvEncoding; columns?: BookingColumns } = {},
): BookingsPreview {
  return parse(store, data, opts).preview;
}

/** Imports the good rows (replacing the bookings of their days) and remembers the mapping. */
export function importBookingsCsv(
  store: Store,
  data: Buffer,
  opts: { encoding?: CsvEncoding; columns?: BookingColumns; actor: string },
): { ok: true; imported: number; preview: BookingsPreview } | { ok: false; error: { code: string; message: string } } {
  const { preview, good } = parse(store, data, opts);
  if (preview.fileProblems.length > 0)
    return { ok: false, error: { code: 'CSV_UNREADABLE', message: preview.fileProblems.join(' ') } };
  const sha = createHash('sha256').update(data).digest('hex');
  const r = store.importBookings(good, sha, opts.actor);
  if (!r.ok) return r;
  const saved = store.setSetting('precheck.bookingColumns', preview.columns, opts.actor);
  if (!saved.ok) return saved;
  return { ok: true, imported: r.value, preview };
}
