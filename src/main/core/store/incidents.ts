// Incidents: outage periods and システム障害時モード activations (time, reference number, who called), and the
// visits taken under each (for the 利用報告書). Functions over the connection; Store opens the transactions.
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { auditTx, type Tx } from './tx.ts';

export const IncidentInput = z.object({
  kind: z.enum(['outage', 'emergency_mode']),
  cause: z.string().default(''),
  startedAt: z.string().datetime({ offset: true }),
  /** システム障害時モード: the reference number the call centre gave. */
  referenceNumber: z.string().default(''),
  /** Who called the オンライン資格確認等コールセンター. */
  calledBy: z.string().default(''),
  note: z.string().default(''),
  staff: z.string().min(1),
});
export type IncidentInput = z.input<typeof IncidentInput>;

/** Store.listIncidents's range (started_at, as ISO strings). */
export const IncidentRange = z.object({ from: z.string().optional(), to: z.string().optional() });

/** Store.countVisitsByIncident's ids. */
export const IncidentIds = z.array(z.string().min(1).max(64)).max(1000);

export interface Incident {
  id: string;
  kind: 'outage' | 'emergency_mode';
  cause: string;
  startedAt: string;
  endedAt: string | null;
  referenceNumber: string;
  calledBy: string;
  note: string;
  staff: string;
}

interface IncidentRow {
  id: string;
  kind: 'outage' | 'emergency_mode';
  cause: string;
  started_at: string;
  ended_at: string | null;
  reference_number: string;
  called_by: string;
  note: string;
  staff: string;
}

function fromRow(r: IncidentRow): Incident {
  return {
    id: r.id,
    kind: r.kind,
    cause: r.cause,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    referenceNumber: r.reference_number,
    calledBy: r.called_by,
    note: r.note,
    staff: r.staff,
  };
}

/** Opens an incident (inside the transaction), with an audit entry 'incident.open'. */
export function open(tx: Tx, i: z.output<typeof IncidentInput>): Incident {
  const id = uuidv7();
  prep(
    tx.db,
    `INSERT INTO incidents (id, kind, cause, started_at, ended_at, reference_number, called_by, note, staff, created_at, updated_at)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
  ).run(id, i.kind, i.cause, i.startedAt, i.referenceNumber, i.calledBy, i.note, tx.actor, tx.now, tx.now);
  auditTx(tx, { action: 'incident.open', entity: 'incident', entityId: id, detail: { kind: i.kind, cause: i.cause } });
  return {
    id,
    kind: i.kind,
    cause: i.cause,
    startedAt: i.startedAt,
    endedAt: null,
    referenceNumber: i.referenceNumber,
    calledBy: i.calledBy,
    note: i.note,
    staff: tx.actor,
  };
}

/** Ends an incident (and sets its cause when given), with an audit entry 'incident.close'. */
export function close(tx: Tx, id: string, endedAt: string, cause: string | undefined): Result<Incident> {
  const row = prep(
    tx.db,
    `UPDATE incidents SET ended_at = ?, cause = coalesce(?, cause), updated_at = ? WHERE id = ? RETURNING *`,
  ).get(endedAt, cause ?? null, tx.now, id) as IncidentRow | undefined;
  if (!row) return fail('NOT_FOUND', `incident ${id}`);
  auditTx(tx, { action: 'incident.close', entity: 'incident', entityId: id, detail: { endedAt } });
  return ok(fromRow(row));
}

export function list(db: Database.Database, range: z.output<typeof IncidentRange>): Incident[] {
  const rows = prep(db, `SELECT * FROM incidents WHERE started_at >= ? AND started_at <= ? ORDER BY started_at`).all(
    range.from ?? '',
    range.to ?? '\u{10FFFF}',
  ) as IncidentRow[];
  return rows.map(fromRow);
}

/**
 * The visits taken under each incident (for the 利用報告書): received while it was open (instants compared as
 * instants, whatever the offsets) or recorded with evidence.incidentRef = its id; void visits left out.
 * Counts by evidence kind, per incident id; incidents without visits are absent.
 */
export function countVisits(db: Database.Database, ids: readonly string[]): Record<string, Record<string, number>> {
  const rows = prep(
    db,
    `SELECT i.id AS incident, v.evidence_kind AS kind, count(*) AS n
       FROM incidents i
       JOIN visits v
         ON json_extract(v.json, '$.evidence.incidentRef') = i.id
         OR (julianday(v.received_at) >= julianday(i.started_at)
             AND (i.ended_at IS NULL OR julianday(v.received_at) <= julianday(i.ended_at)))
      WHERE i.id IN (SELECT value FROM json_each(?)) AND v.status <> 'void'
      GROUP BY i.id, v.evidence_kind`,
  ).all(JSON.stringify(ids)) as { incident: string; kind: string; n: number }[];
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) (out[r.incident] ??= {})[r.kind] = r.n;
  return out;
}
