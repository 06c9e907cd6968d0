// The clinic server's schema (PostgreSQL), with its own numbered migrations — append-only like the journal's
// (store/migrations.ts): a server that has applied a migration this build does not know was set up by a newer
// app and is refused (SERVER_SCHEMA_NEWER), never changed. Migrations run under a transaction-level advisory lock,
// so PCs starting together apply each one once.
import type { ClientBase } from 'pg';
import { ServerError } from './messages.ts';

export interface ServerMigration {
  id: number;
  name: string;
  sql: string;
}

/** Advisory lock keys (one namespace: 0x5348_4b00 = "SHK\0"). */
export const LOCK_MIGRATE = 0x53484b01;
export const LOCK_PUSH = 0x53484b02;
export const LOCK_RECONCILER = 0x53484b03;

const v1 = `
CREATE TABLE pcs (
  pc TEXT PRIMARY KEY,
  head_seq BIGINT NOT NULL DEFAULT 0,
  head_hash TEXT NOT NULL DEFAULT '${'0'.repeat(64)}',
  first_seen TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  last_push_at TIMESTAMPTZ
);
CREATE TABLE audit_log (
  pc TEXT NOT NULL REFERENCES pcs (pc),
  seq BIGINT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (pc, seq)
);
CREATE SEQUENCE record_rev;
CREATE TABLE records (
  tbl TEXT NOT NULL,
  key TEXT NOT NULL,
  pc TEXT NOT NULL REFERENCES pcs (pc),
  row JSONB NOT NULL,
  rev BIGINT NOT NULL,
  server_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tbl, key)
);
CREATE UNIQUE INDEX records_rev ON records (rev);
CREATE TABLE reconcile_claims (
  visit_id TEXT PRIMARY KEY,
  pc TEXT NOT NULL,
  claimed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
`;

// 事後確認 for the whole clinic (server/relay.ts): a PC that is not the reconciler hands its terminal requests to the
// one that is, and reads the answer back (the raw answer file's bytes travel with it); the leader's claim on a
// request key is in reconcile_claims. What a PC does to a record another PC holds (a review of its visit, its
// 返戻 re-claimed in a month export) waits here until the owning PC records it in its journal (server/forward.ts).
const v2 = `
CREATE TABLE relay_requests (
  key TEXT PRIMARY KEY,
  pc TEXT NOT NULL,
  query JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  answer JSONB,
  answered_by TEXT,
  answered_at TIMESTAMPTZ
);
CREATE INDEX relay_requests_open ON relay_requests (created_at) WHERE answer IS NULL;
CREATE TABLE forwarded_actions (
  id BIGSERIAL PRIMARY KEY,
  owner_pc TEXT NOT NULL,
  from_pc TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('review', 'reclaimed')),
  visit_id TEXT NOT NULL,
  input JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  applied_at TIMESTAMPTZ,
  outcome JSONB
);
CREATE INDEX forwarded_actions_open ON forwarded_actions (owner_pc, id) WHERE applied_at IS NULL;
`;

export const serverMigrations: readonly ServerMigration[] = [
  { id: 1, name: 'consolidated journal', sql: v1 },
  { id: 2, name: 'clinic reconciler relay and forwarded actions', sql: v2 },
];
export const SERVER_SCHEMA_VERSION = serverMigrations[serverMigrations.length - 1]!.id;

/** Brings the server's schema up to this build's (refusing a newer one); returns the ids applied. */
export async function migrateServer(
  c: ClientBase,
  list: readonly ServerMigration[] = serverMigrations,
  appVersion = '',
): Promise<number[]> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_MIGRATE]);
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      app_version TEXT NOT NULL DEFAULT '')`);
    const applied = new Set(
      (await c.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => Number(r.id)),
    );
    const known = new Set(list.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length) throw new ServerError('SERVER_SCHEMA_NEWER', `server migrations ${unknown.join(', ')}`);
    const done: number[] = [];
    for (const m of list) {
      if (applied.has(m.id)) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO schema_migrations (id, name, app_version) VALUES ($1, $2, $3)', [
        m.id,
        m.name,
        appVersion,
      ]);
      done.push(m.id);
    }
    await c.query('COMMIT');
    return done;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
