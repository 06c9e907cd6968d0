// Numbered migrations (after Actual Budget's loot-core: an ordered, append-only list; a database that has
// applied a migration this build does not know is from a newer app and is refused, never "repaired").
// Each migration runs in one transaction together with its bookkeeping row and PRAGMA user_version, so a
// power cut leaves the database either before or after it, never in between.
// Rules: never edit or reorder a shipped migration; add a new one. Never add a column for the 個人番号 or a PIN.
import type Database from 'better-sqlite3';
import { upgradeClaimsFillLengths } from './settings.ts';

export interface Migration {
  id: number;
  name: string;
  up(db: Database.Database): void;
}

const v1 = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE patients (
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  name_kana TEXT NOT NULL DEFAULT '',
  name_key TEXT NOT NULL DEFAULT '',
  kana_key TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL,
  sex TEXT CHECK (sex IN ('male', 'female')),
  postal_code TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  insurer_number TEXT NOT NULL DEFAULT '',
  insurance_symbol TEXT NOT NULL DEFAULT '',
  insurance_number TEXT NOT NULL DEFAULT '',
  insurance_branch TEXT NOT NULL DEFAULT '',
  last_visit_date TEXT,
  source TEXT NOT NULL DEFAULT 'import',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX patients_patient_id ON patients (patient_id) WHERE patient_id <> '';
CREATE INDEX patients_kana ON patients (kana_key, birth_date);
CREATE INDEX patients_name ON patients (name_key, birth_date);
CREATE INDEX patients_birth ON patients (birth_date);

CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  service_date TEXT NOT NULL,
  received_at TEXT NOT NULL,
  patient_name TEXT NOT NULL,
  patient_kana TEXT NOT NULL DEFAULT '',
  patient_kana_key TEXT NOT NULL DEFAULT '',
  patient_birth TEXT NOT NULL,
  cause TEXT NOT NULL,
  evidence_kind TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'needs_review', 'reconciled', 'claimed', 'returned', 'void')),
  staff TEXT NOT NULL,
  json TEXT NOT NULL CHECK (json_valid(json)),
  json_sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX visits_status_date ON visits (status, service_date, id);
CREATE INDEX visits_date ON visits (service_date, id);
CREATE INDEX visits_cause_date ON visits (cause, service_date, id);
CREATE INDEX visits_patient ON visits (patient_kana_key, patient_birth);

CREATE TABLE declarations (
  id TEXT PRIMARY KEY,
  visit_id TEXT NOT NULL UNIQUE REFERENCES visits (id),
  declared_on TEXT NOT NULL,
  insurance_type TEXT NOT NULL,
  json TEXT NOT NULL CHECK (json_valid(json)),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  visit_id TEXT REFERENCES visits (id),
  payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'inflight', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until INTEGER,
  lease_token TEXT,
  last_error_code TEXT,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  done_at INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (status, lease_until);
CREATE INDEX outbox_visit ON outbox (visit_id);

CREATE TABLE reconciliations (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  visit_id TEXT NOT NULL REFERENCES visits (id),
  decision TEXT NOT NULL CHECK (decision IN ('current', 'past', 'unknown', 'none')),
  json TEXT NOT NULL CHECK (json_valid(json)),
  staff TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reconciliations_visit ON reconciliations (visit_id, created_at);

CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('outage', 'emergency_mode')),
  cause TEXT NOT NULL DEFAULT '',
  started_at TEXT NOT NULL,
  ended_at TEXT,
  reference_number TEXT NOT NULL DEFAULT '',
  called_by TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  staff TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX incidents_started ON incidents (started_at);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL CHECK (json_valid(detail)),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL,
  at INTEGER NOT NULL
) STRICT;
INSERT INTO health_probe (id, n, at) VALUES (1, 0, 0);
`;

// Returns (返戻): a claim the 審査支払機関 sent back. The visit is reopened for reconciliation (a new outbox job,
// `outbox_key`) and re-claimed in `reclaim_month`'s export.
const v2 = `
CREATE TABLE returns (
  id TEXT PRIMARY KEY,
  visit_id TEXT NOT NULL REFERENCES visits (id),
  seq INTEGER NOT NULL,
  claim_month TEXT NOT NULL,
  reclaim_month TEXT NOT NULL,
  reason TEXT NOT NULL,
  outbox_key TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reclaimed')),
  staff TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (visit_id, seq)
) STRICT;
CREATE INDEX returns_reclaim ON returns (reclaim_month, status);
`;

// Answer evidence (事後確認): the terminal's raw answers, kept after the decision is stored and the file leaves
// res/. A blob is stored once by the sha256 of its raw bytes (a 一括照会 answer serves every visit of its batch),
// deflate-compressed; answer_evidence links a visit's reconciliation key to the blob it was decided on.
const v3 = `
CREATE TABLE answer_blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  compression TEXT NOT NULL CHECK (compression IN ('deflate', 'none')),
  bytes BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE answer_evidence (
  id INTEGER PRIMARY KEY,
  visit_id TEXT NOT NULL REFERENCES visits (id),
  idempotency_key TEXT NOT NULL,
  request TEXT NOT NULL CHECK (request IN ('qualification', 'bulk_fetch')),
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES answer_blobs (sha256),
  row_id TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (idempotency_key, sha256)
) STRICT;
CREATE INDEX answer_evidence_visit ON answer_evidence (visit_id, id);
`;

// 事前確認 (migration 5, docs/precheck.md): the patients expected on a day (bookings CSV, regulars), the answers fetched for
// them ahead of opening hours (the raw answer in answer_blobs, like any other evidence) and one row per fetch run.
// No 個人番号: the rows hold what a patient record holds (name, birth date, insurance numbers).
const v5 = `
CREATE TABLE precheck_expected (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('booking', 'regular')),
  person_key TEXT NOT NULL,
  patient_ref TEXT,
  name TEXT NOT NULL,
  name_kana TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL,
  insurer_number TEXT NOT NULL,
  insurance_symbol TEXT NOT NULL DEFAULT '',
  insurance_number TEXT NOT NULL,
  insurance_branch TEXT NOT NULL DEFAULT '',
  booked_time TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  UNIQUE (day, person_key)
) STRICT;
CREATE TABLE precheck_runs (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'catchup', 'manual', 'retry')),
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'partial', 'failed')),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  total INTEGER NOT NULL DEFAULT 0,
  fetched INTEGER NOT NULL DEFAULT 0,
  changed INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX precheck_runs_day ON precheck_runs (day, id);
CREATE TABLE precheck_answers (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES precheck_runs (id),
  person_key TEXT NOT NULL,
  patient_ref TEXT,
  name_key TEXT NOT NULL,
  kana_key TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  query TEXT NOT NULL CHECK (json_valid(query)),
  validity TEXT,
  validity_code TEXT,
  finding TEXT CHECK (finding IS NULL OR json_valid(finding)),
  usable INTEGER NOT NULL,
  changed INTEGER NOT NULL,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES answer_blobs (sha256),
  row_id TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
) STRICT;
CREATE INDEX precheck_answers_person ON precheck_answers (person_key, fetched_at);
CREATE INDEX precheck_answers_birth ON precheck_answers (birth_date, fetched_at);
CREATE INDEX precheck_answers_patient ON precheck_answers (patient_ref, fetched_at) WHERE patient_ref IS NOT NULL;
CREATE INDEX precheck_answers_fetched ON precheck_answers (fetched_at);
`;

// A save's outbox job is inserted 'pending' with no lease: an index over (status, lease_until) took an entry (and a
// page written to the WAL, fsynced with the save) for every job of every status, while only the expired-lease scan
// (status = 'inflight' AND lease_until <= ?) reads it. Partial, it holds the leased jobs only.
const v6 = `
DROP INDEX outbox_lease;
CREATE INDEX outbox_lease ON outbox (status, lease_until) WHERE status = 'inflight';
`;

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'initial schema',
    up: (db) => db.exec(v1),
  },
  {
    id: 2,
    name: 'returns (henrei)',
    up: (db) => db.exec(v2),
  },
  {
    id: 3,
    name: 'answer evidence',
    up: (db) => db.exec(v3),
  },
  {
    // Data only: a stored ③ 不詳 番号 length of the old default 8 becomes the published 9 (後期 8), audited.
    id: 4,
    name: 'claims: published unknown-number fill lengths',
    up: (db) => {
      upgradeClaimsFillLengths(db);
    },
  },
  {
    id: 5,
    name: 'precheck (jizen kakunin)',
    up: (db) => db.exec(v5),
  },
  {
    id: 6,
    name: 'outbox: lease index over leased jobs only',
    up: (db) => db.exec(v6),
  },
];

export const LATEST_VERSION = migrations[migrations.length - 1]!.id;

const bookkeeping = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  app_version TEXT NOT NULL DEFAULT ''
) STRICT`;

export interface SchemaState {
  /** PRAGMA user_version, kept equal to the highest applied migration id. */
  userVersion: number;
  /** Ids recorded in schema_migrations (empty when the table does not exist). */
  applied: number[];
}

export function readSchemaState(db: Database.Database): SchemaState {
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
  const applied = hasTable
    ? (db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all() as number[])
    : [];
  return { userVersion, applied };
}

/** The highest version this database claims, by either record. */
export function schemaVersion(s: SchemaState): number {
  return Math.max(s.userVersion, ...s.applied, 0);
}

/** Migrations this build knows but the database has not applied, in order. */
export function pendingMigrations(s: SchemaState, list: readonly Migration[] = migrations): Migration[] {
  const done = new Set(s.applied);
  return list.filter((m) => !done.has(m.id));
}

/** True when the database has something this build does not know (a newer app wrote it). */
export function isFromNewerApp(s: SchemaState, list: readonly Migration[] = migrations): boolean {
  const known = new Set(list.map((m) => m.id));
  const latest = list[list.length - 1]?.id ?? 0;
  return s.userVersion > latest || s.applied.some((id) => !known.has(id));
}

/** Applies one migration and its bookkeeping in a single transaction. */
export function applyMigration(db: Database.Database, m: Migration, appVersion = ''): void {
  db.transaction(() => {
    db.exec(bookkeeping);
    m.up(db);
    db.prepare('INSERT INTO schema_migrations (id, name, applied_at, app_version) VALUES (?, ?, ?, ?)').run(
      m.id,
      m.name,
      new Date().toISOString(),
      appVersion,
    );
    db.pragma(`user_version = ${m.id}`);
  }).immediate();
}

/** Applies migrations up to and including `target` (tests and fixture generation use a lower target). */
export function migrateTo(db: Database.Database, target = LATEST_VERSION, appVersion = ''): number[] {
  const done: number[] = [];
  for (const m of pendingMigrations(readSchemaState(db))) {
    if (m.id > target) break;
    applyMigration(db, m, appVersion);
    done.push(m.id);
  }
  return done;
}
