// 事前確認 (migration 5, docs/precheck.md): who is expected on a day (bookings imported from the 予約システム's
// CSV; regulars = patients seen in the last N months, read from the patient import and the journal), the answers
// fetched for them ahead of opening hours (the raw answer archived in answer_blobs like any other evidence) and the
// runs. No 個人番号 anywhere: the rows hold what a patient record holds.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { normalizeInsuranceNumbers, sameNumbers } from '../../../claims/numbers.ts';
import { nfkc } from '../../../claims/normalize.ts';
import { TerminalFinding, type InsuranceNumbers } from '../../../claims/visit.ts';
import { storeBlob } from './evidence.ts';
import { kanaKey } from './kana.ts';
import { prep } from './prep.ts';
import { auditTx, type Tx } from './tx.ts';

/** One patient the fetch asks about: who, and the numbers on file. */
export const ExpectedPerson = z.object({
  patientRef: z.string().nullable(),
  name: z.string(),
  nameKana: z.string(),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  insurance: z.object({ insurerNumber: z.string(), symbol: z.string(), number: z.string(), branch: z.string() }),
  bookedTime: z.string(),
});
export type ExpectedPerson = z.infer<typeof ExpectedPerson>;

export type RunTrigger = 'schedule' | 'catchup' | 'manual' | 'retry';
export type RunStatus = 'running' | 'done' | 'partial' | 'failed';

export interface PrecheckRun {
  id: number;
  day: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  total: number;
  fetched: number;
  changed: number;
  failed: number;
  error: string;
}

export interface PrecheckAnswer {
  id: number;
  runId: number;
  patientRef: string | null;
  birthDate: string;
  query: InsuranceNumbers;
  validity: string | null;
  validityCode: string | null;
  finding: TerminalFinding | null;
  /** The answer is about the numbers asked and has a finding: it may stand as ① evidence while fresh. */
  usable: boolean;
  /** The 資格 is not the one on file (other numbers, lost, not found). */
  changed: boolean;
  file: string;
  sha256: string;
  rowId: string;
  fetchedAt: number;
}

/** A person's identity across lists: birth date and the numbers, normalised (hyphens, full width). */
export function personKey(birthDate: string, n: InsuranceNumbers): string {
  const r = normalizeInsuranceNumbers(n);
  const v = r.ok ? r.value : { ...n, insurerNumber: nfkc(n.insurerNumber), number: nfkc(n.number) };
  return [birthDate, v.insurerNumber, v.symbol, v.number, v.branch].join('|');
}

/** The numbers of a finding that stand as current: valid → its 資格, 無効(新しい資格あり) → the newer one. */
export function currentNumbers(f: TerminalFinding | null): InsuranceNumbers | null {
  if (!f) return null;
  if (f.validity === 'valid') return f.insurance ?? null;
  if (f.validity === 'invalid_newer') return f.newerInsurance ?? null;
  return null;
}

/** Whether an answer says the 資格 differs from the numbers on file. */
export function isChanged(query: InsuranceNumbers, f: TerminalFinding | null): boolean {
  const cur = currentNumbers(f);
  return cur === null || !sameNumbers(cur, query);
}

// ------------------------------------------------------------------------------------------ expected

interface ExpectedRow {
  patient_ref: string | null;
  name: string;
  name_kana: string;
  birth_date: string;
  insurer_number: string;
  insurance_symbol: string;
  insurance_number: string;
  insurance_branch: string;
  booked_time: string;
}

const personOf = (r: ExpectedRow): ExpectedPerson => ({
  patientRef: r.patient_ref,
  name: r.name,
  nameKana: r.name_kana,
  birthDate: r.birth_date,
  insurance: {
    insurerNumber: r.insurer_number,
    symbol: r.insurance_symbol,
    number: r.insurance_number,
    branch: r.insurance_branch,
  },
  bookedTime: r.booked_time,
});

/** Replaces the bookings of the days the file names (a re-import of the same file changes nothing). */
export function replaceBookings(tx: Tx, rows: { day: string; person: ExpectedPerson }[], sha256: string): number {
  const days = [...new Set(rows.map((r) => r.day))];
  const del = prep(tx.db, `DELETE FROM precheck_expected WHERE day = ? AND source = 'booking'`);
  for (const d of days) del.run(d);
  const ins = prep(
    tx.db,
    `INSERT OR REPLACE INTO precheck_expected (day, source, person_key, patient_ref, name, name_kana, birth_date,
       insurer_number, insurance_symbol, insurance_number, insurance_branch, booked_time, created_at)
     VALUES (?, 'booking', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const { day, person: p } of rows) {
    const n = p.insurance;
    ins.run(
      day,
      personKey(p.birthDate, n),
      p.patientRef,
      p.name,
      p.nameKana,
      p.birthDate,
      n.insurerNumber,
      n.symbol,
      n.number,
      n.branch,
      p.bookedTime,
      tx.now,
    );
  }
  auditTx(tx, { action: 'precheck.bookings', entity: 'precheck', detail: { sha256, rows: rows.length, days } });
  return rows.length;
}

/** A patient record with numbers, found by カルテ番号 or by name and birth date (bookings without numbers). */
export function findPatientNumbers(
  db: Database.Database,
  q: { patientId: string; name: string; birthDate: string },
): ExpectedPerson | null {
  const r = (
    q.patientId
      ? prep(
          db,
          `SELECT * FROM patients WHERE patient_id = ? AND patient_id <> '' AND insurer_number <> '' AND insurance_number <> ''`,
        ).get(q.patientId)
      : prep(
          db,
          `SELECT * FROM patients WHERE birth_date = ? AND name_key = ? AND insurer_number <> '' AND insurance_number <> ''`,
        ).get(q.birthDate, kanaKey(q.name))
  ) as (ExpectedRow & { id: string }) | undefined;
  if (!r || (q.birthDate && r.birth_date !== q.birthDate)) return null;
  return personOf({ ...r, patient_ref: r.id, booked_time: '' });
}

/**
 * Who is expected on `day`: its bookings, then the regulars (patients seen since `regularsSince`, from the patient
 * import and the journal's visits with numbers), each person once.
 */
export function expectedOn(db: Database.Database, day: string, regularsSince: string | null): ExpectedPerson[] {
  const seen = new Set<string>();
  const out: ExpectedPerson[] = [];
  const add = (p: ExpectedPerson) => {
    const k = personKey(p.birthDate, p.insurance);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(p);
  };
  const bookings = prep(
    db,
    `SELECT * FROM precheck_expected WHERE day = ? AND source = 'booking' ORDER BY booked_time, id`,
  ).all(day) as ExpectedRow[];
  bookings.map(personOf).forEach(add);
  if (regularsSince === null) return out;
  const patients = prep(
    db,
    `SELECT id AS patient_ref, name, name_kana, birth_date, insurer_number, insurance_symbol, insurance_number,
       insurance_branch, '' AS booked_time
     FROM patients WHERE last_visit_date >= ? AND insurer_number <> '' AND insurance_number <> ''
     ORDER BY last_visit_date DESC`,
  ).all(regularsSince) as ExpectedRow[];
  patients.map(personOf).forEach(add);
  // Visits in the journal: the numbers the evidence showed (or the past ones), newest first.
  const visits = prep(
    db,
    `SELECT NULL AS patient_ref, patient_name AS name, patient_kana AS name_kana, patient_birth AS birth_date,
       coalesce(json_extract(json, '$.evidence.insurance.insurerNumber'), json_extract(json, '$.pastInsurance.insurerNumber')) AS insurer_number,
       coalesce(json_extract(json, '$.evidence.insurance.symbol'), json_extract(json, '$.pastInsurance.symbol'), '') AS insurance_symbol,
       coalesce(json_extract(json, '$.evidence.insurance.number'), json_extract(json, '$.pastInsurance.number')) AS insurance_number,
       coalesce(json_extract(json, '$.evidence.insurance.branch'), json_extract(json, '$.pastInsurance.branch'), '') AS insurance_branch,
       '' AS booked_time
     FROM visits WHERE service_date >= ? AND status <> 'void' ORDER BY service_date DESC, id DESC`,
  ).all(regularsSince) as ExpectedRow[];
  visits
    .filter((r) => r.insurer_number && r.insurance_number)
    .map(personOf)
    .forEach(add);
  return out;
}

/** Patients with numbers, for the 訓練モード terminal's registry (at most `limit`). */
export function patientsWithNumbers(db: Database.Database, limit: number): (ExpectedPerson & { sex: string | null })[] {
  const rows = prep(
    db,
    `SELECT id AS patient_ref, name, name_kana, birth_date, insurer_number, insurance_symbol, insurance_number,
       insurance_branch, '' AS booked_time, sex
     FROM patients WHERE insurer_number <> '' AND insurance_number <> '' LIMIT ?`,
  ).all(limit) as (ExpectedRow & { sex: string | null })[];
  return rows.map((r) => ({ ...personOf(r), sex: r.sex }));
}

/** Persons among `list` with an answer fetched at or after `sinceMs` (already asked this morning). */
export function answeredSince(db: Database.Database, list: ExpectedPerson[], sinceMs: number): Set<string> {
  const q = prep(db, 'SELECT 1 FROM precheck_answers WHERE person_key = ? AND fetched_at >= ? LIMIT 1');
  const done = new Set<string>();
  for (const p of list) {
    const k = personKey(p.birthDate, p.insurance);
    if (q.get(k, sinceMs)) done.add(k);
  }
  return done;
}

// ----------------------------------------------------------------------------------------------- runs

interface RunRow {
  id: number;
  day: string;
  trigger: RunTrigger;
  status: RunStatus;
  started_at: number;
  finished_at: number | null;
  total: number;
  fetched: number;
  changed: number;
  failed: number;
  error: string;
}

const runOf = (r: RunRow): PrecheckRun => ({
  id: r.id,
  day: r.day,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  total: r.total,
  fetched: r.fetched,
  changed: r.changed,
  failed: r.failed,
  error: r.error,
});

export function startRun(tx: Tx, day: string, trigger: RunTrigger, total: number): PrecheckRun {
  const id = Number(
    prep(
      tx.db,
      `INSERT INTO precheck_runs (day, trigger, status, started_at, total) VALUES (?, ?, 'running', ?, ?)`,
    ).run(day, trigger, tx.now, total).lastInsertRowid,
  );
  return getRun(tx.db, id)!;
}

export function finishRun(
  tx: Tx,
  id: number,
  r: { status: RunStatus; fetched: number; changed: number; failed: number; error: string },
): PrecheckRun {
  prep(
    tx.db,
    `UPDATE precheck_runs SET status = ?, finished_at = ?, fetched = ?, changed = ?, failed = ?, error = ? WHERE id = ?`,
  ).run(r.status, tx.now, r.fetched, r.changed, r.failed, r.error, id);
  const run = getRun(tx.db, id)!;
  auditTx(tx, {
    action: 'precheck.run',
    entity: 'precheck',
    entityId: String(id),
    detail: {
      day: run.day,
      trigger: run.trigger,
      status: run.status,
      total: run.total,
      fetched: run.fetched,
      changed: run.changed,
      failed: run.failed,
      error: run.error,
    },
  });
  return run;
}

export function getRun(db: Database.Database, id: number): PrecheckRun | undefined {
  const r = prep(db, 'SELECT * FROM precheck_runs WHERE id = ?').get(id) as RunRow | undefined;
  return r && runOf(r);
}

/** The newest runs first. */
export function listRuns(db: Database.Database, opts: { day?: string; limit?: number } = {}): PrecheckRun[] {
  const rows = (
    opts.day
      ? prep(db, 'SELECT * FROM precheck_runs WHERE day = ? ORDER BY id DESC LIMIT ?').all(opts.day, opts.limit ?? 50)
      : prep(db, 'SELECT * FROM precheck_runs ORDER BY id DESC LIMIT ?').all(opts.limit ?? 50)
  ) as RunRow[];
  return rows.map(runOf);
}

/** A run left 'running' by a crash or a shutdown is closed as failed (its answers stay: they are usable). */
export function closeStaleRuns(tx: Tx, error: string): number {
  return prep(
    tx.db,
    `UPDATE precheck_runs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running'`,
  ).run(tx.now, error).changes;
}

// -------------------------------------------------------------------------------------------- answers

export interface AnswerInput {
  person: ExpectedPerson;
  validity: string | null;
  validityCode: string | null;
  finding: TerminalFinding | null;
  usable: boolean;
  rowId: string;
}

/** Keeps a batch's answers, the raw answer file stored once. Returns how many say the 資格 changed. */
export function recordAnswers(
  tx: Tx,
  runId: number,
  answer: { file: string; bytes: Uint8Array },
  items: AnswerInput[],
): number {
  const sha = storeBlob(tx.db, answer.bytes, tx.now);
  const ins = prep(
    tx.db,
    `INSERT INTO precheck_answers (run_id, person_key, patient_ref, name_key, kana_key, birth_date, query, validity,
       validity_code, finding, usable, changed, file, sha256, row_id, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let changed = 0;
  for (const i of items) {
    const p = i.person;
    const ch = isChanged(p.insurance, i.finding);
    if (ch) changed += 1;
    ins.run(
      runId,
      personKey(p.birthDate, p.insurance),
      p.patientRef,
      kanaKey(p.name),
      kanaKey(p.nameKana),
      p.birthDate,
      JSON.stringify(p.insurance),
      i.validity,
      i.validityCode,
      i.finding ? JSON.stringify(i.finding) : null,
      i.usable ? 1 : 0,
      ch ? 1 : 0,
      answer.file,
      sha,
      i.rowId,
      tx.now,
    );
  }
  return changed;
}

interface AnswerRow {
  id: number;
  run_id: number;
  patient_ref: string | null;
  birth_date: string;
  query: string;
  validity: string | null;
  validity_code: string | null;
  finding: string | null;
  usable: number;
  changed: number;
  file: string;
  sha256: string;
  row_id: string;
  fetched_at: number;
}

const answerOf = (r: AnswerRow): PrecheckAnswer => ({
  id: r.id,
  runId: r.run_id,
  patientRef: r.patient_ref,
  birthDate: r.birth_date,
  query: JSON.parse(r.query) as InsuranceNumbers,
  validity: r.validity,
  validityCode: r.validity_code,
  finding: r.finding === null ? null : TerminalFinding.parse(JSON.parse(r.finding)),
  usable: r.usable === 1,
  changed: r.changed === 1,
  file: r.file,
  sha256: r.sha256,
  rowId: r.row_id,
  fetchedAt: r.fetched_at,
});

export const LookupQuery = z.object({
  patientRef: z.string().max(200).optional(),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  name: z.string().max(200).default(''),
  nameKana: z.string().max(200).default(''),
});
export type LookupQuery = z.input<typeof LookupQuery>;

/** The newest answer about this patient: by the patient record, else by birth date and name (kana or kanji). */
export function latestAnswer(db: Database.Database, q: z.output<typeof LookupQuery>): PrecheckAnswer | null {
  if (q.patientRef) {
    const r = prep(
      db,
      'SELECT * FROM precheck_answers WHERE patient_ref = ? ORDER BY fetched_at DESC, id DESC LIMIT 1',
    ).get(q.patientRef) as AnswerRow | undefined;
    if (r && r.birth_date === q.birthDate) return answerOf(r);
  }
  const keys = [kanaKey(q.nameKana), kanaKey(q.name)].filter((k) => k !== '');
  if (keys.length === 0) return null;
  const rows = prep(
    db,
    'SELECT * FROM precheck_answers WHERE birth_date = ? ORDER BY fetched_at DESC, id DESC LIMIT 50',
  ).all(q.birthDate) as (AnswerRow & { name_key: string; kana_key: string })[];
  const r = rows.find((x) => keys.includes(x.kana_key) || keys.includes(x.name_key));
  return r ? answerOf(r) : null;
}

export function countAnswers(db: Database.Database): number {
  return prep(db, 'SELECT count(*) FROM precheck_answers').pluck().get() as number;
}

/**
 * Retention: answers fetched before `beforeMs`, bookings of days before `beforeDay` and runs started before
 * `beforeMs` are deleted; so are the answer files only those answers referred to (a visit's evidence stays).
 */
export function purge(
  tx: Tx,
  beforeMs: number,
  beforeDay: string,
): { answers: number; bookings: number; blobs: number } {
  const db = tx.db;
  const shas = prep(db, 'SELECT DISTINCT sha256 FROM precheck_answers WHERE fetched_at < ?')
    .pluck()
    .all(beforeMs) as string[];
  const answers = prep(db, 'DELETE FROM precheck_answers WHERE fetched_at < ?').run(beforeMs).changes;
  const bookings = prep(db, 'DELETE FROM precheck_expected WHERE day < ?').run(beforeDay).changes;
  prep(
    db,
    `DELETE FROM precheck_runs WHERE started_at < ? AND status <> 'running'
    AND id NOT IN (SELECT run_id FROM precheck_answers)`,
  ).run(beforeMs);
  const delBlob = prep(
    db,
    `DELETE FROM answer_blobs WHERE sha256 = ?
       AND NOT EXISTS (SELECT 1 FROM answer_evidence WHERE sha256 = ?)
       AND NOT EXISTS (SELECT 1 FROM precheck_answers WHERE sha256 = ?)`,
  );
  let blobs = 0;
  for (const s of shas) blobs += delBlob.run(s, s, s).changes;
  if (answers + bookings + blobs > 0) {
    auditTx(tx, { action: 'precheck.purge', entity: 'precheck', detail: { answers, bookings, blobs, beforeDay } });
  }
  return { answers, bookings, blobs };
}
