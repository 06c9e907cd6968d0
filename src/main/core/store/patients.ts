// Patients: the past-visit data that verbal confirmation (口頭確認) relies on, imported from a レセコン CSV
// export and searched at reception by kana prefix and birth date. Column layout: docs/store.md.
import { prep } from './prep.ts';
import type Database from 'better-sqlite3';
import { PatientShape } from '../../concepts.ts';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findForbidden } from './forbidden.ts';
import { isKanaOnly, kanaKey, prefixUpperBound } from './kana.ts';
import { importMessages, storeMessages } from './messages.ts';
import { fail, ok, storageFailure, type Result } from './result.ts';
import { auditTx, parseInput, type Tx } from './tx.ts';
import type { Visit } from '../../../claims/visit.ts';
import { applyMerge, patientOfVisit, planMerge, type MergeInput, type PatientDifference } from './patient-merge.ts';

/** A patient as given to the store (the merge's input shape, defined once in patient-merge.ts). */
export type PatientInput = MergeInput;

export interface PatientRecord extends Omit<MergeInput, 'source'> {
  id: string;
  source: string;
  updatedAt: number;
}

/** The shape Store.upsertPatient checks before the values (PatientInput as a schema). */
export const PatientInputShape = PatientShape.extend({ source: z.string().optional() });

interface PatientRow {
  id: string;
  patient_id: string;
  name: string;
  name_kana: string;
  birth_date: string;
  sex: 'male' | 'female' | null;
  postal_code: string;
  address: string;
  phone: string;
  insurer_number: string;
  insurance_symbol: string;
  insurance_number: string;
  insurance_branch: string;
  last_visit_date: string | null;
  source: string;
  updated_at: number;
}

function rowToPatient(r: PatientRow): PatientRecord {
  return {
    id: r.id,
    patientId: r.patient_id,
    name: r.name,
    nameKana: r.name_kana,
    birthDate: r.birth_date,
    sex: r.sex,
    postalCode: r.postal_code,
    address: r.address,
    phone: r.phone,
    insurance: {
      insurerNumber: r.insurer_number,
      symbol: r.insurance_symbol,
      number: r.insurance_number,
      branch: r.insurance_branch,
    },
    lastVisitDate: r.last_visit_date,
    source: r.source,
    updatedAt: r.updated_at,
  };
}

// ---------------------------------------------------------------------------------------------- dates

const ERAS: Record<string, number> = {
  M: 1867,
  T: 1911,
  S: 1925,
  H: 1988,
  R: 2018,
  明治: 1867,
  大正: 1911,
  昭和: 1925,
  平成: 1988,
  令和: 2018,
};

function validYmd(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Reads the date forms レセコン exports use: 1980-04-01, 1980/4/1, 19800401, S55.4.1, 昭和55年4月1日. */
export function parseFlexibleDate(text: string): string | undefined {
  const t = text.normalize('NFKC').trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^([MTSHR]|明治|大正|昭和|平成|令和)\s*(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/i.exec(t);
  if (m) {
    const base = ERAS[m[1]!.toUpperCase()] ?? ERAS[m[1]!];
    if (base === undefined) return undefined;
    return validYmd(base + (m[2] === '元' ? 1 : Number(m[2])), Number(m[3]), Number(m[4]));
  }
  return undefined;
}

function parseSex(text: string): 'male' | 'female' | null | undefined {
  const t = text.normalize('NFKC').trim().toLowerCase();
  if (t === '') return null;
  if (['男', '男性', '1', 'm', 'male'].includes(t)) return 'male';
  if (['女', '女性', '2', 'f', 'female'].includes(t)) return 'female';
  return undefined;
}

// ----------------------------------------------------------------------------------------- upsert/search

/**
 * Inserts or updates a patient as the import does (patient-merge.ts: matched by カルテ番号, else kana + birth date;
 * the import wins; where a visit saved in the app said otherwise, the difference is returned).
 */
export function upsertPatient(
  db: Database.Database,
  p: PatientInput,
  now: number,
): { id: string; action: 'inserted' | 'updated'; differences: PatientDifference[] } {
  const plan = planMerge(db, p, 'import');
  const id = applyMerge(db, plan, now) ?? '';
  return { id, action: plan.action === 'insert' ? 'inserted' : 'updated', differences: plan.differences };
}

/**
 * Makes or updates the patient record of a visit saved in the app (inside its transaction). The import's values
 * stay (patient-merge.ts); several records with the visit's kana and birth date and no カルテ番号 to tell them
 * apart: nothing is written. No audit entry of its own: the record is derived from the visit, whose 'visit.create'
 * entry is in the same transaction.
 */
export function recordFromVisit(tx: Tx, visit: Visit): void {
  applyMerge(tx.db, planMerge(tx.db, patientOfVisit(visit), 'app'), tx.now);
}

/** Inserts or updates a patient (inside the transaction) with an audit entry 'patient.create' / 'patient.update'. */
export function upsertAudited(tx: Tx, p: PatientInput): { id: string; action: 'inserted' | 'updated' } {
  const r = upsertPatient(tx.db, p, tx.now);
  auditTx(tx, {
    action: `patient.${r.action === 'inserted' ? 'create' : 'update'}`,
    entity: 'patient',
    entityId: r.id,
  });
  return { id: r.id, action: r.action };
}

export interface PatientQuery {
  /** Kana (any width, hiragana or katakana) or kanji name prefix. */
  name?: string;
  /** Birth date in any form parseFlexibleDate reads. */
  birthDate?: string;
  limit?: number;
}

/** Store.searchPatients's query, as received. */
export const PatientQueryShape = z.object({
  name: z.string().max(200).optional(),
  birthDate: z.string().max(40).optional(),
  limit: z.number().optional(),
});

/** A search as received, to what searchPatients takes: a name key and/or a birth date, a bounded limit. */
export function checkQuery(input: PatientQuery): Result<{ key?: string; birthDate?: string; limit: number }> {
  const o = parseInput(PatientQueryShape, input ?? {}, 'patient query');
  if (!o.ok) return o;
  const q = o.value;
  const key = typeof q.name === 'string' ? kanaKey(q.name) : '';
  let birth: string | undefined;
  if (q.birthDate !== undefined && q.birthDate.trim() !== '') {
    birth = parseFlexibleDate(q.birthDate);
    if (!birth) return fail('INVALID_INPUT', 'birthDate', [{ path: 'birthDate', message: 'unreadable date' }]);
  }
  if (!key && !birth) return fail('INVALID_INPUT', 'name or birthDate required');
  const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 50)), 500);
  return ok({ limit, ...(key ? { key } : {}), ...(birth ? { birthDate: birth } : {}) });
}

/** A patient as received (Store.upsertPatient): its shape, no My Number, a name, a readable birth date (to ISO). */
export function checkInput(p: PatientInput): Result<PatientInput> {
  const shape = parseInput(PatientInputShape, p, 'patient');
  if (!shape.ok) return shape;
  if (findForbidden(p) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'patient');
  const birthDate = parseFlexibleDate(String(p.birthDate));
  if (!p.name.trim() || !birthDate) return fail('INVALID_INPUT', 'patient name/birthDate');
  return ok({ ...p, birthDate });
}

export function searchPatients(
  db: Database.Database,
  q: { key?: string; birthDate?: string; limit: number },
): PatientRecord[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.key) {
    const col = isKanaOnly(q.key) ? 'kana_key' : 'name_key';
    where.push(`${col} >= ? AND ${col} < ?`);
    params.push(q.key, prefixUpperBound(q.key));
  }
  if (q.birthDate) {
    where.push('birth_date = ?');
    params.push(q.birthDate);
  }
  const sql = `SELECT * FROM patients ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY kana_key, birth_date, id LIMIT ?`;
  return (prep(db, sql).all(...params, q.limit) as PatientRow[]).map(rowToPatient);
}

export function getPatient(db: Database.Database, id: string): PatientRecord | undefined {
  const r = prep(db, 'SELECT * FROM patients WHERE id = ?').get(id) as PatientRow | undefined;
  return r ? rowToPatient(r) : undefined;
}

// ---------------------------------------------------------------------------------------------- CSV

/** Header names accepted for each field (Japanese as レセコン exports print them, and English). */
export const PATIENT_CSV_COLUMNS = {
  patientId: ['患者番号', 'カルテ番号', '患者ID', 'patient_id'],
  name: ['氏名', '患者氏名', '名前', 'name'],
  nameKana: ['カナ氏名', 'フリガナ', 'ふりがな', 'カナ', 'name_kana'],
  birthDate: ['生年月日', 'birth_date'],
  sex: ['性別', 'sex'],
  postalCode: ['郵便番号', 'postal_code'],
  address: ['住所', 'address'],
  phone: ['電話番号', '電話', 'phone'],
  insurerNumber: ['保険者番号', 'insurer_number'],
  symbol: ['記号', '被保険者記号', 'insurance_symbol'],
  number: ['番号', '被保険者番号', 'insurance_number'],
  branch: ['枝番', 'insurance_branch'],
  lastVisitDate: ['最終来院日', '最終受診日', 'last_visit_date'],
} as const;
type CsvField = keyof typeof PATIENT_CSV_COLUMNS;
const REQUIRED: CsvField[] = ['name', 'birthDate'];

export type CsvEncoding = 'utf8' | 'shift_jis';

export interface ImportRowError {
  /** Spreadsheet row number: the header is row 1, the first patient row 2. */
  row: number;
  code: 'CSV_INVALID_ROW' | 'FORBIDDEN_MY_NUMBER';
  message: string;
  /** The column at fault, when one is. */
  column?: string;
}

export interface ImportReport {
  encoding: CsvEncoding;
  rows: number;
  inserted: number;
  updated: number;
  failed: number;
  errors: ImportRowError[];
  /** Header cells that matched no field (not imported). */
  ignoredColumns: string[];
  /** Fields where the import and a visit saved in the app disagree (the import's value is kept). */
  differences: PatientDifference[];
}

/** What an import would do, before anything is written (設定 → データ shows it; 「取り込む」 then imports). */
export interface ImportPreview {
  encoding: CsvEncoding;
  /** UTF-8 with a byte-order mark. */
  bom: boolean;
  sha256: string;
  header: string[];
  /** The first data rows as read (cells), for the preview table. */
  sample: string[][];
  rows: number;
  accepted: number;
  /** Each refused row with its row number and reason: none of these would be imported. */
  refused: ImportRowError[];
  ignoredColumns: string[];
  inserts: number;
  updates: number;
  differences: PatientDifference[];
}

const SAMPLE_ROWS = 5;

/** The preview of an import (reads only): the same parse and the same merge plan as the import itself. */
export function previewRows(
  db: Database.Database,
  data: Buffer,
  bom: boolean,
  encoding: CsvEncoding,
  parsed: ParsedCsv,
): ImportPreview {
  const out: ImportPreview = {
    encoding,
    bom,
    sha256: createHash('sha256').update(data).digest('hex'),
    header: parsed.header,
    sample: parsed.sample,
    rows: parsed.rows.length,
    accepted: 0,
    refused: [],
    ignoredColumns: parsed.ignoredColumns,
    inserts: 0,
    updates: 0,
    differences: [],
  };
  for (const row of parsed.rows) {
    if (!row.ok) {
      out.refused.push(row.error);
      continue;
    }
    out.accepted++;
    const plan = planMerge(db, row.value, 'import');
    if (plan.action === 'insert') out.inserts++;
    else out.updates++;
    out.differences.push(...plan.differences.map((d) => ({ ...d, row: row.row })));
  }
  return out;
}

/**
 * Imports parsed CSV rows (inside the transaction): each row its own savepoint, so a bad row is reported (row
 * number, code, Japanese message) and never half-imported; good rows are kept. One audit entry with the file's hash.
 */
export function importRows(tx: Tx, data: Buffer, encoding: CsvEncoding, parsed: ParsedCsv): ImportReport {
  const report: ImportReport = {
    encoding,
    rows: parsed.rows.length,
    inserted: 0,
    updated: 0,
    failed: 0,
    errors: [],
    ignoredColumns: parsed.ignoredColumns,
    differences: [],
  };
  const one = tx.db.transaction((p: PatientInput) => upsertPatient(tx.db, p, tx.now));
  for (const row of parsed.rows) {
    if (!row.ok) {
      report.failed++;
      report.errors.push(row.error);
      continue;
    }
    try {
      const r = one(row.value);
      if (r.action === 'inserted') report.inserted++;
      else report.updated++;
      report.differences.push(...r.differences.map((d) => ({ ...d, row: row.row })));
    } catch (e) {
      if (storageFailure(e)) throw e;
      report.failed++;
      report.errors.push({
        row: row.row,
        code: 'CSV_INVALID_ROW',
        message: `${storeMessages.CSV_INVALID_ROW} (${(e as Error).message})`,
      });
    }
  }
  auditTx(tx, {
    action: 'patients.import',
    entity: 'patient',
    detail: {
      sha256: createHash('sha256').update(data).digest('hex'),
      rows: report.rows,
      inserted: report.inserted,
      updated: report.updated,
      failed: report.failed,
    },
  });
  return report;
}

/** Decodes the file: the encoding given, else UTF-8 when it is valid UTF-8, else Shift_JIS (CP932). */
export function decodeCsv(buf: Buffer, encoding?: CsvEncoding): { text: string; encoding: CsvEncoding; bom: boolean } {
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  if (encoding === 'shift_jis') return { text: iconv.decode(buf, 'cp932'), encoding, bom: false };
  if (encoding === 'utf8') return { text: buf.toString('utf8'), encoding, bom };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf8', bom };
  } catch {
    return { text: iconv.decode(buf, 'cp932'), encoding: 'shift_jis', bom: false };
  }
}

export type ParsedCsvRow =
  { row: number; ok: true; value: PatientInput } | { row: number; ok: false; error: ImportRowError };

export interface ParsedCsv {
  ok: boolean;
  /** File-level problem (unreadable, missing required columns). */
  fileError?: string;
  rows: ParsedCsvRow[];
  ignoredColumns: string[];
  /** The header cells and the first data rows as read (the import preview). */
  header: string[];
  sample: string[][];
}

/** A CSV file's records (header first), as the patients import reads them; the Japanese reason when unreadable. */
export function readCsvRecords(text: string): { ok: true; records: string[][] } | { ok: false; error: string } {
  try {
    const records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
    return { ok: true, records: records as string[][] };
  } catch (e) {
    return { ok: false, error: `${storeMessages.CSV_UNREADABLE} (${(e as Error).message})` };
  }
}

export function parsePatientsCsv(text: string): ParsedCsv {
  const read = readCsvRecords(text);
  if (!read.ok) return { ok: false, fileError: read.error, rows: [], ignoredColumns: [], header: [], sample: [] };
  const records = read.records;
  const header = records[0] ?? [];
  // The preview never shows what looks like a 個人番号 (such a row is refused anyway).
  const sample = records
    .slice(1, 1 + SAMPLE_ROWS)
    .map((cells) => cells.map((c) => (findForbidden([c]) === undefined ? c : importMessages.hiddenMyNumber)));
  const index = new Map<CsvField, number>();
  const ignoredColumns: string[] = [];
  header.forEach((h, i) => {
    const name = h.normalize('NFKC').trim();
    const field = (Object.keys(PATIENT_CSV_COLUMNS) as CsvField[]).find((f) =>
      (PATIENT_CSV_COLUMNS[f] as readonly string[]).some((alias) => alias.normalize('NFKC') === name),
    );
    if (field && !index.has(field)) index.set(field, i);
    else ignoredColumns.push(h);
  });
  const missing = REQUIRED.filter((f) => !index.has(f));
  if (missing.length) {
    return {
      ok: false,
      fileError: importMessages.missingColumns(missing.map((f) => PATIENT_CSV_COLUMNS[f][0])),
      rows: [],
      ignoredColumns,
      header,
      sample,
    };
  }
  const rows: ParsedCsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!;
    const row = r + 1;
    const get = (f: CsvField) => {
      const i = index.get(f);
      return i === undefined ? '' : (cells[i] ?? '');
    };
    const bad = (
      message: string,
      column?: CsvField,
      code: ImportRowError['code'] = 'CSV_INVALID_ROW',
    ): ParsedCsvRow => ({
      row,
      ok: false,
      error: column ? { row, code, message, column: PATIENT_CSV_COLUMNS[column][0] } : { row, code, message },
    });
    if (cells.length !== header.length) {
      rows.push(bad(importMessages.columnCount));
      continue;
    }
    const mn = findForbidden(cells);
    if (mn !== undefined) {
      const col = Number(/\[(\d+)\]/.exec(mn)?.[1] ?? -1);
      const field = [...index.entries()].find(([, i]) => i === col)?.[0];
      rows.push(bad(importMessages.myNumber, field, 'FORBIDDEN_MY_NUMBER'));
      continue;
    }
    const name = get('name');
    if (!name) {
      rows.push(bad(importMessages.missingName, 'name'));
      continue;
    }
    const birthDate = parseFlexibleDate(get('birthDate'));
    if (!birthDate) {
      rows.push(bad(importMessages.badBirthDate, 'birthDate'));
      continue;
    }
    const sex = parseSex(get('sex'));
    if (sex === undefined) {
      rows.push(bad(importMessages.badSex, 'sex'));
      continue;
    }
    const lv = get('lastVisitDate');
    const lastVisitDate = lv ? parseFlexibleDate(lv) : null;
    if (lastVisitDate === undefined) {
      rows.push(bad(importMessages.badLastVisit, 'lastVisitDate'));
      continue;
    }
    rows.push({
      row,
      ok: true,
      value: {
        patientId: get('patientId'),
        name,
        nameKana: get('nameKana'),
        birthDate,
        sex,
        postalCode: get('postalCode'),
        address: get('address'),
        phone: get('phone'),
        insurance: {
          insurerNumber: get('insurerNumber'),
          symbol: get('symbol'),
          number: get('number'),
          branch: get('branch'),
        },
        lastVisitDate,
        source: 'import',
      },
    });
  }
  return { ok: true, rows, ignoredColumns, header, sample };
}
