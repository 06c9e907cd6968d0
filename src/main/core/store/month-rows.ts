// The month export's reads (core/reconcile/month-stream.ts), so that it never holds a month of visits: first the
// month's visits as sort keys only (the JSON fields the files are ordered by, read by SQLite, one row at a time),
// then the visits themselves by id, a page at a time, each with its latest reconciliation in the same statement.
// While a reader is open the connection's page cache is SQLite's default 2 MB instead of better-sqlite3's 16 MB: the
// export reads each page of the month once, and a month's pages kept in the cache made its memory grow with the
// month (what the cache held before is read again from the file, the OS's cache, when needed).
import type Database from 'better-sqlite3';
import type { Visit } from '../../../claims/visit.ts';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { fromRow, type Reconciliation, type ReconciliationRow } from './reconciliations.ts';
import { isId } from './tx.ts';
import type { VisitStatus } from './visits.ts';

/** A visit's place in the month files (its JSON's values, as the export compares them) and whether it is a drill. */
export interface MonthVisitKey {
  id: string;
  serviceDate: string;
  nameKana: string;
  birthDate: string;
  drill: boolean;
}

/**
 * Each visit of a service month (its service_date column) that is not void, as its sort key, handed to `each` as
 * it is read (the month's keys are never held together). In no order. Returns how many were read.
 */
function eachMonthKey(db: Database.Database, month: string, each: (key: MonthVisitKey) => void): number {
  const rows = prep(
    db,
    `SELECT id, json_extract(json, '$.serviceDate'), json_extract(json, '$.patient.nameKana'),
            json_extract(json, '$.patient.birthDate'), coalesce(json_extract(json, '$.drill'), 0)
       FROM visits WHERE service_date >= ? AND service_date <= ? AND status <> 'void'`,
  )
    .raw(true)
    .iterate(`${month}-00`, `${month}-99`) as IterableIterator<[string, string, string, string, number]>;
  let n = 0;
  for (const [id, serviceDate, nameKana, birthDate, drill] of rows) {
    each({ id, serviceDate, nameKana, birthDate, drill: drill === 1 });
    n++;
  }
  return n;
}

/**
 * A visit of a page, its JSON parsed only when `read` is called: a page holds the rows' text, and each visit's
 * objects live only while the export handles it (a page of parsed visits outlived V8's young generation).
 */
export interface VisitWithLatest {
  id: string;
  status: VisitStatus;
  /** The visit and its newest reconciliation (what exports use), null when it has none yet. */
  read(): { visit: Visit; latest: Reconciliation | null };
}

/** The visits of these ids (those that exist), each with its latest reconciliation: one statement. In no order. */
function withLatest(db: Database.Database, ids: readonly string[]): VisitWithLatest[] {
  const rows = prep(
    db,
    `SELECT v.id AS v_id, v.status AS v_status, v.json AS v_json, r.id, r.idempotency_key, r.visit_id, r.decision,
            r.json, r.staff, r.created_at
       FROM json_each(?) AS j
       JOIN visits v ON v.id = j.value
       LEFT JOIN reconciliations r ON r.id = (
         SELECT r2.id FROM reconciliations r2 WHERE r2.visit_id = v.id ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)`,
  ).all(JSON.stringify(ids)) as (ReconciliationRow & {
    v_id: string;
    v_status: VisitStatus;
    v_json: string;
    id: number | null;
  })[];
  return rows.map((r) => ({
    id: r.v_id,
    status: r.v_status,
    read: () => ({ visit: JSON.parse(r.v_json) as Visit, latest: r.id === null ? null : fromRow(r) }),
  }));
}

export interface MonthReader {
  /** Each visit of the month that is not void, as its sort key, handed to `each` as it is read; how many. */
  keys(each: (key: MonthVisitKey) => void): Result<number>;
  /** Visits by id (at most 1000), each with its latest reconciliation, in one statement; unknown ids left out. */
  visits(ids: readonly string[]): Result<VisitWithLatest[]>;
  /** Gives the connection its page cache back (once the last open reader of the connection closes). */
  close(): void;
}

/** The page cache (SQLite's cache_size: negative is KiB) while a month is read. */
const READER_CACHE = -2000;
/** Open readers per connection, and the cache size to give back when the last closes. */
const readers = new WeakMap<Database.Database, { open: number; cacheSize: number }>();

/** A month's reader; `read` is the store's wrapper that turns SQLite errors into results. */
export function monthReader(
  db: Database.Database,
  month: string,
  read: <T>(fn: () => Result<T>) => Result<T>,
): MonthReader {
  let state = readers.get(db);
  if (!state) {
    state = { open: 0, cacheSize: db.pragma('cache_size', { simple: true }) as number };
    readers.set(db, state);
    db.pragma(`cache_size = ${READER_CACHE}`);
  }
  state.open++;
  let closed = false;
  return {
    keys: (each) => read(() => ok(eachMonthKey(db, month, each))),
    visits: (ids) => {
      if (!Array.isArray(ids) || ids.length > 1000 || !ids.every(isId)) return fail('INVALID_INPUT', 'visit ids');
      return read(() => ok(withLatest(db, ids)));
    },
    close: () => {
      if (closed) return;
      closed = true;
      const s = readers.get(db);
      if (!s || --s.open > 0) return;
      readers.delete(db);
      if (db.open) db.pragma(`cache_size = ${s.cacheSize}`);
    },
  };
}
