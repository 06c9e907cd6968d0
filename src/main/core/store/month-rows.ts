// The month export's reads (core/reconcile/month-stream.ts), so that it never holds a month of visits: first the
// month's visits as sort keys only (the JSON fields the files are ordered by, read by SQLite), then the visits
// themselves by id, a page at a time, each with its latest reconciliation in the same statement.
import type Database from 'better-sqlite3';
import type { Visit } from '../../../claims/visit.ts';
import { prep } from './prep.ts';
import { fromRow, type Reconciliation, type ReconciliationRow } from './reconciliations.ts';
import type { VisitStatus } from './visits.ts';

/** A visit's place in the month files (its JSON's values, as the export compares them) and whether it is a drill. */
export interface MonthVisitKey {
  id: string;
  serviceDate: string;
  nameKana: string;
  birthDate: string;
  drill: boolean;
}

/** Each visit of a service month (its service_date column) that is not void, as its sort key. In no order. */
export function monthKeys(db: Database.Database, month: string): MonthVisitKey[] {
  const rows = prep(
    db,
    `SELECT id, json_extract(json, '$.serviceDate'), json_extract(json, '$.patient.nameKana'),
            json_extract(json, '$.patient.birthDate'), coalesce(json_extract(json, '$.drill'), 0)
       FROM visits WHERE service_date >= ? AND service_date <= ? AND status <> 'void'`,
  )
    .raw(true)
    .all(`${month}-00`, `${month}-99`) as [string, string, string, string, number][];
  return rows.map(([id, serviceDate, nameKana, birthDate, drill]) => ({
    id,
    serviceDate,
    nameKana,
    birthDate,
    drill: drill === 1,
  }));
}

export interface VisitWithLatest {
  visit: Visit;
  status: VisitStatus;
  /** The newest reconciliation (what exports use), or null when it has none yet. */
  latest: Reconciliation | null;
}

/** The visits of these ids (those that exist), each with its latest reconciliation: one statement. In no order. */
export function withLatest(db: Database.Database, ids: readonly string[]): VisitWithLatest[] {
  const rows = prep(
    db,
    `SELECT v.status AS v_status, v.json AS v_json, r.id, r.idempotency_key, r.visit_id, r.decision, r.json,
            r.staff, r.created_at
       FROM json_each(?) AS j
       JOIN visits v ON v.id = j.value
       LEFT JOIN reconciliations r ON r.id = (
         SELECT r2.id FROM reconciliations r2 WHERE r2.visit_id = v.id ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)`,
  ).all(JSON.stringify(ids)) as (ReconciliationRow & { v_status: VisitStatus; v_json: string; id: number | null })[];
  return rows.map((r) => ({
    visit: JSON.parse(r.v_json) as Visit,
    status: r.v_status,
    latest: r.id === null ? null : fromRow(r),
  }));
}
