// The journal as the clinic server sees it (docs/clinic-server.md): what a PC pushes and how a PC keeps its copy
// of the clinic's consolidated data (the mirror, a second journal file the pull writes into).
// Push: the audit entries after the server's head, in sequence order, each with the current rows of what it is
// about (a visit with its 申立書, reconciliations and returns; a patient, or the patients of an import; an
// incident). Sending a row's current state makes a redelivery harmless: the server upserts by key.
// Mirror: rows from the server applied by key, inside one transaction with the pull cursor. A reconciliation's
// created_at there is the server's receive time, so "latest" never depends on a PC's clock.
import type Database from 'better-sqlite3';
import type { AuditRow } from './audit.ts';
import { prep } from './prep.ts';

/** Journal tables the server consolidates, with their key column. Answer evidence (raw terminal files) stays. */
export const FEED_TABLES = {
  patients: 'id',
  visits: 'id',
  declarations: 'id',
  reconciliations: 'idempotency_key',
  returns: 'id',
  incidents: 'id',
} as const;
export type FeedTable = keyof typeof FEED_TABLES;

/** An audit entry as pushed: the row as stored, so the server can verify its hash. */
export type FeedEntry = AuditRow;

export interface FeedRecord {
  tbl: FeedTable;
  key: string;
  row: Record<string, unknown>;
}

export interface Feed {
  entries: FeedEntry[];
  records: FeedRecord[];
  /** The journal's newest sequence number (to tell whether more is to come). */
  lastSeq: number;
}

function rows(db: Database.Database, sql: string, ...args: unknown[]): Record<string, unknown>[] {
  return prep(db, sql).all(...args) as Record<string, unknown>[];
}

function snapshot(db: Database.Database, e: FeedEntry): [FeedTable, Record<string, unknown>][] {
  const out: [FeedTable, Record<string, unknown>][] = [];
  const add = (t: FeedTable, list: Record<string, unknown>[]) => list.forEach((r) => out.push([t, r]));
  if (e.entity === 'visit' && e.entity_id) {
    add('visits', rows(db, 'SELECT * FROM visits WHERE id = ?', e.entity_id));
    add('declarations', rows(db, 'SELECT * FROM declarations WHERE visit_id = ?', e.entity_id));
    add('reconciliations', rows(db, 'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY id', e.entity_id));
    add('returns', rows(db, 'SELECT * FROM returns WHERE visit_id = ?', e.entity_id));
  } else if (e.entity === 'patient') {
    add(
      'patients',
      e.entity_id
        ? rows(db, 'SELECT * FROM patients WHERE id = ?', e.entity_id)
        : rows(db, 'SELECT * FROM patients WHERE updated_at = ?', Date.parse(e.at)),
    );
  } else if (e.entity === 'incident' && e.entity_id) {
    add('incidents', rows(db, 'SELECT * FROM incidents WHERE id = ?', e.entity_id));
  }
  return out;
}

/** Up to `limit` audit entries after `afterSeq`, with the current rows they are about (each row once). */
export function readFeed(db: Database.Database, afterSeq: number, limit: number): Feed {
  return db.transaction(() => {
    const entries = prep(db, 'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(
      afterSeq,
      limit,
    ) as FeedEntry[];
    const byKey = new Map<string, FeedRecord>();
    for (const e of entries) {
      for (const [tbl, row] of snapshot(db, e)) {
        const key = String(row[FEED_TABLES[tbl]]);
        if (tbl === 'reconciliations') delete row.id; // a local rowid: another PC has its own
        byKey.set(`${tbl}\u0000${key}`, { tbl, key, row });
      }
    }
    const lastSeq = (prep(db, 'SELECT max(seq) FROM audit_log').pluck().get() as number | null) ?? 0;
    return { entries, records: [...byKey.values()], lastSeq };
  })();
}

/** A row pulled from the server: its table, its row, the server's receive time (epoch ms). */
export interface PulledRecord extends FeedRecord {
  serverMs: number;
}

// Parents before children (foreign keys: declarations, reconciliations and returns refer to visits).
const APPLY_ORDER: FeedTable[] = ['patients', 'visits', 'declarations', 'reconciliations', 'returns', 'incidents'];

const columnsCache = new WeakMap<Database.Database, Map<string, string[]>>();
function columns(db: Database.Database, tbl: FeedTable): string[] {
  let m = columnsCache.get(db);
  if (!m) columnsCache.set(db, (m = new Map()));
  let cols = m.get(tbl);
  if (!cols) {
    cols = (db.pragma(`table_info(${tbl})`) as { name: string }[]).map((c) => c.name);
    m.set(tbl, cols);
  }
  return cols;
}

function upsert(db: Database.Database, r: PulledRecord): void {
  const keyCol = FEED_TABLES[r.tbl];
  const row = { ...r.row };
  if (r.tbl === 'reconciliations') row.created_at = r.serverMs;
  if (r.tbl === 'patients' && row.patient_id)
    prep(db, `DELETE FROM patients WHERE patient_id = ? AND patient_id <> '' AND id <> ?`).run(row.patient_id, row.id);
  const cols = columns(db, r.tbl).filter((c) => c in row && !(r.tbl === 'reconciliations' && c === 'id'));
  const set = cols.filter((c) => c !== keyCol).map((c) => `${c} = excluded.${c}`);
  prep(
    db,
    `INSERT INTO ${r.tbl} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
       ON CONFLICT (${keyCol}) DO ${set.length ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`,
  ).run(...cols.map((c) => row[c] ?? null));
}

/** Applies pulled rows (in their server order within each table) and moves the cursor, in one transaction. */
export function applyPulled(db: Database.Database, records: PulledRecord[], cursor: number, now: number): void {
  db.transaction(() => {
    for (const t of APPLY_ORDER) for (const r of records) if (r.tbl === t) upsert(db, r);
    prep(
      db,
      `INSERT INTO settings (key, value, updated_at) VALUES ('mirror.cursor', ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(JSON.stringify(cursor), now);
  }).immediate();
}

/** The mirror's pull cursor (the last server revision applied), 0 for a new mirror. */
export function pullCursor(db: Database.Database): number {
  const raw = prep(db, "SELECT value FROM settings WHERE key = 'mirror.cursor'").pluck().get() as string | undefined;
  return raw === undefined ? 0 : Number(JSON.parse(raw));
}
