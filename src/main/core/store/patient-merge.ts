// Patients known from two sources: the レセコン's CSV ('import') and the visits saved in this app ('app'). One record
// per person: matched by カルテ番号 when the incoming record has one, else by kana (the name when there is no kana)
// and birth date. The import wins: a field the import set is never overwritten by a visit, and where the two
// disagree the difference is listed (the import preview/result; `differences` on screen) instead of being
// silently replaced. `source` says which sources a record has: 'import', 'app' or 'import+app'.
//
// planMerge only reads (the import preview runs it over every row before anything is written); applyMerge writes
// what it planned.
import type Database from 'better-sqlite3';
import type { Visit } from '../../../claims/visit.ts';
import { newId } from './ids.ts';
import { kanaKey } from './kana.ts';
import { prep } from './prep.ts';

export type PatientOrigin = 'import' | 'app';

/** A patient as the store takes it and the merge compares it (patients.ts's PatientInput is this type). */
export interface MergeInput {
  patientId: string;
  name: string;
  nameKana: string;
  birthDate: string;
  sex: 'male' | 'female' | null;
  postalCode: string;
  address: string;
  phone: string;
  insurance: { insurerNumber: string; symbol: string; number: string; branch: string };
  lastVisitDate: string | null;
  source?: string;
}

/** The fields two sources can disagree on, as columns. */
export const MERGED_FIELDS = {
  patientId: 'patient_id',
  name: 'name',
  nameKana: 'name_kana',
  sex: 'sex',
  postalCode: 'postal_code',
  address: 'address',
  phone: 'phone',
  insurerNumber: 'insurer_number',
  symbol: 'insurance_symbol',
  number: 'insurance_number',
  branch: 'insurance_branch',
} as const;
export type MergedField = keyof typeof MERGED_FIELDS;
type Column = (typeof MERGED_FIELDS)[MergedField];
type Values = Record<Column, string>;

/** A field where the import and a visit saved in the app disagree (the import's value is kept). */
export interface PatientDifference {
  /** The record (empty in a preview when the record does not exist yet). */
  id: string;
  name: string;
  birthDate: string;
  field: MergedField;
  imported: string;
  app: string;
  /** CSV row of the import (import preview/result only). */
  row?: number;
}

interface Row extends Values {
  id: string;
  name_key: string;
  kana_key: string;
  birth_date: string;
  last_visit_date: string | null;
  source: string;
}

export interface MergePlan {
  action: 'insert' | 'update' | 'skip';
  id: string;
  values: Values & { birth_date: string; last_visit_date: string | null; source: string };
  differences: PatientDifference[];
  /** The record as it stands (an update): applyMerge writes only what differs from it. */
  before?: Row;
}

function valuesOf(p: MergeInput): Values {
  const t = (s: string) => s.normalize('NFKC').trim();
  return {
    patient_id: t(p.patientId),
    name: p.name.trim(),
    name_kana: p.nameKana.trim(),
    sex: p.sex ?? '',
    postal_code: t(p.postalCode),
    address: p.address.trim(),
    phone: t(p.phone),
    insurer_number: t(p.insurance.insurerNumber),
    insurance_symbol: t(p.insurance.symbol),
    insurance_number: t(p.insurance.number),
    insurance_branch: t(p.insurance.branch),
  };
}

/** The record this person already has: one, none, or several that cannot be told apart. */
export function findMatch(db: Database.Database, v: Values, birthDate: string): Row | 'none' | 'ambiguous' {
  if (v.patient_id !== '') {
    // `patient_id <> ''` lets SQLite use the partial index patients_patient_id (without it: a scan of the whole
    // table on every saved visit, quadratic when a year of visits is loaded).
    const byId = prep(db, "SELECT * FROM patients WHERE patient_id = ? AND patient_id <> ''").get(v.patient_id) as
      Row | undefined;
    if (byId) return byId;
  }
  const kana = kanaKey(v.name_kana);
  let rows = (
    kana !== ''
      ? prep(db, 'SELECT * FROM patients WHERE kana_key = ? AND birth_date = ?').all(kana, birthDate)
      : prep(db, 'SELECT * FROM patients WHERE name_key = ? AND birth_date = ?').all(kanaKey(v.name), birthDate)
  ) as Row[];
  // A record with another カルテ番号 is another person.
  if (v.patient_id !== '') rows = rows.filter((r) => r.patient_id === '');
  if (rows.length === 0) return 'none';
  return rows.length === 1 ? rows[0]! : 'ambiguous';
}

const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b);

/** What merging `p` from `origin` would do; reads only. */
export function planMerge(db: Database.Database, p: MergeInput, origin: PatientOrigin): MergePlan {
  const incoming = valuesOf(p);
  const found = findMatch(db, incoming, p.birthDate);
  if (found === 'none' || found === 'ambiguous') {
    // Several people share the kana and birth date: an import adds its own record, a visit adds nothing.
    const skip = found === 'ambiguous' && origin === 'app';
    return {
      action: skip ? 'skip' : 'insert',
      id: '',
      values: { ...incoming, birth_date: p.birthDate, last_visit_date: p.lastVisitDate, source: origin },
      differences: [],
    };
  }
  const hasImport = found.source.includes('import');
  const hasApp = found.source.includes('app');
  const values = { ...incoming };
  const differences: PatientDifference[] = [];
  for (const [field, col] of Object.entries(MERGED_FIELDS) as [MergedField, Column][]) {
    const was = found[col] ?? '';
    const now = incoming[col];
    if (origin === 'import') {
      // A record only ever imported mirrors the レセコン; a visit's values are kept where the import is silent.
      if (hasApp && now === '') values[col] = was;
      if (hasApp && now !== '' && was !== '' && now !== was)
        differences.push({
          id: found.id,
          name: found.name,
          birthDate: found.birth_date,
          field,
          imported: now,
          app: was,
        });
    } else {
      // The import wins: a visit only fills what the import left empty.
      if (now === '' || (hasImport && was !== '')) values[col] = was;
      if (hasImport && was !== '' && now !== '' && now !== was)
        differences.push({
          id: found.id,
          name: found.name,
          birthDate: found.birth_date,
          field,
          imported: was,
          app: now,
        });
    }
  }
  const source = (hasImport || origin === 'import') && (hasApp || origin === 'app') ? 'import+app' : origin;
  return {
    action: 'update',
    id: found.id,
    values: {
      ...values,
      birth_date: found.birth_date,
      last_visit_date: later(found.last_visit_date, p.lastVisitDate),
      source,
    },
    differences,
    before: found,
  };
}

/** Columns no index of `patients` holds: an update that sets only these writes the row's page and no index page. */
const UNINDEXED = [
  'name',
  'name_kana',
  'sex',
  'postal_code',
  'address',
  'phone',
  'insurer_number',
  'insurance_symbol',
  'insurance_number',
  'insurance_branch',
  'last_visit_date',
  'source',
] as const;
const INDEXED = ['patient_id', 'name_key', 'kana_key', 'birth_date'] as const;

/**
 * Writes a plan; returns the record's id (none for a skipped visit). An update writes only when a value differs
 * from the record (a returning patient's visit usually changes only the last visit date), and leaves the indexes
 * alone when their columns keep their values: each index SQLite rewrites is one more page in the save's commit.
 */
export function applyMerge(db: Database.Database, plan: MergePlan, now: number): string | null {
  if (plan.action === 'skip') return null;
  const v = plan.values;
  const cols = {
    ...v,
    sex: v.sex === '' ? null : v.sex,
    name_key: kanaKey(v.name),
    kana_key: kanaKey(v.name_kana),
  };
  if (plan.action === 'update') {
    const before = plan.before;
    const differs = (c: (typeof UNINDEXED)[number] | (typeof INDEXED)[number]) =>
      before === undefined || (before[c] ?? null) !== (cols[c] ?? null);
    if (INDEXED.some(differs)) {
      prep(
        db,
        `UPDATE patients SET patient_id = @patient_id, name = @name, name_kana = @name_kana, name_key = @name_key, kana_key = @kana_key,
           birth_date = @birth_date, sex = @sex, postal_code = @postal_code, address = @address, phone = @phone,
           insurer_number = @insurer_number, insurance_symbol = @insurance_symbol, insurance_number = @insurance_number,
           insurance_branch = @insurance_branch, last_visit_date = @last_visit_date, source = @source, updated_at = @now
         WHERE id = @id`,
      ).run({ ...cols, id: plan.id, now });
    } else if (UNINDEXED.some(differs)) {
      prep(
        db,
        `UPDATE patients SET name = @name, name_kana = @name_kana, sex = @sex, postal_code = @postal_code, address = @address,
           phone = @phone, insurer_number = @insurer_number, insurance_symbol = @insurance_symbol,
           insurance_number = @insurance_number, insurance_branch = @insurance_branch, last_visit_date = @last_visit_date,
           source = @source, updated_at = @now
         WHERE id = @id`,
      ).run({ ...cols, id: plan.id, now });
    }
    return plan.id;
  }
  const id = newId();
  prep(
    db,
    `INSERT INTO patients (id, patient_id, name, name_kana, name_key, kana_key, birth_date, sex, postal_code, address, phone,
       insurer_number, insurance_symbol, insurance_number, insurance_branch, last_visit_date, source, created_at, updated_at)
     VALUES (@id, @patient_id, @name, @name_kana, @name_key, @kana_key, @birth_date, @sex, @postal_code, @address, @phone,
       @insurer_number, @insurance_symbol, @insurance_number, @insurance_branch, @last_visit_date, @source, @now, @now)`,
  ).run({ ...cols, id, now });
  return id;
}

/** The patient a saved visit tells about: who, where, and the insurance the evidence showed. */
export function patientOfVisit(visit: Visit): MergeInput {
  const p = visit.patient;
  const decl = visit.evidence.declaration;
  const four = visit.evidence.fourItems;
  const ins = visit.evidence.insurance;
  return {
    patientId: p.patientId,
    name: p.name,
    nameKana: p.nameKana,
    birthDate: p.birthDate,
    sex: p.sex,
    postalCode: p.postalCode || decl?.postalCode || '',
    address: p.address || decl?.address || four?.address || '',
    phone: p.phone || decl?.phone || '',
    insurance: {
      insurerNumber: ins?.insurerNumber ?? '',
      symbol: ins?.symbol ?? '',
      number: ins?.number ?? '',
      branch: ins?.branch ?? '',
    },
    lastVisitDate: visit.serviceDate,
    source: 'app',
  };
}

/**
 * Records known from both sources whose latest visit disagrees with what the import set (the import's values are
 * kept; these are for staff to check against the レセコン). Newest visits first.
 */
export function listDifferences(db: Database.Database, limit: number): PatientDifference[] {
  const rows = prep(
    db,
    `SELECT p.*, (SELECT v.json FROM visits v WHERE v.patient_kana_key = p.kana_key AND v.patient_birth = p.birth_date
                  ORDER BY v.received_at DESC LIMIT 1) AS visit_json
       FROM patients p WHERE p.source = 'import+app' ORDER BY p.updated_at DESC LIMIT ?`,
  ).all(limit) as (Row & { visit_json: string | null })[];
  const out: PatientDifference[] = [];
  for (const r of rows) {
    if (r.visit_json === null) continue;
    const app = valuesOf(patientOfVisit(JSON.parse(r.visit_json) as Visit));
    for (const [field, col] of Object.entries(MERGED_FIELDS) as [MergedField, Column][]) {
      const was = r[col] ?? '';
      if (was !== '' && app[col] !== '' && app[col] !== was)
        out.push({ id: r.id, name: r.name, birthDate: r.birth_date, field, imported: was, app: app[col] });
    }
  }
  return out;
}
