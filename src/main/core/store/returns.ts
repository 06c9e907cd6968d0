// Returned claims (返戻): a return reopens its visit for reconciliation (a new outbox job) and is re-claimed in a
// later month's export. Functions over the connection; Store opens the transactions.
import type Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { jstMonth, nextMonth } from '../../../claims/dates.ts';
import * as outbox from './outbox.ts';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { SYSTEM_ACTOR } from './settings.ts';
import { auditTx, Month, type Tx } from './tx.ts';
import * as visits from './visits.ts';

export const ReturnInput = z.object({
  visitId: z.string().min(1).max(200),
  /** The month the returned claim was made for (診療年月), YYYY-MM. */
  claimMonth: Month,
  /** The month whose export carries the re-claim; default: now, at least the month after claimMonth. */
  reclaimMonth: Month.optional(),
  reason: z.string().trim().min(1).max(2000),
  staff: z.string().min(1).default(SYSTEM_ACTOR),
});
export type ReturnInput = z.input<typeof ReturnInput>;

/** Store.listReturns's query: all, only open ones (not yet in a re-claim export), one re-claim month's, one visit's. */
export const ReturnQuery = z.object({
  open: z.boolean().optional(),
  reclaimMonth: Month.optional(),
  visitId: z.string().min(1).max(200).optional(),
});

export interface ClaimReturn {
  id: string;
  visitId: string;
  /** 1, 2 … per visit. */
  seq: number;
  claimMonth: string;
  reclaimMonth: string;
  reason: string;
  /** The outbox job that reopens the visit for reconciliation. */
  outboxKey: string;
  status: 'open' | 'reclaimed';
  staff: string;
  createdAt: number;
}

interface ReturnRow {
  id: string;
  visit_id: string;
  seq: number;
  claim_month: string;
  reclaim_month: string;
  reason: string;
  outbox_key: string;
  status: 'open' | 'reclaimed';
  staff: string;
  created_at: number;
}

function fromRow(r: ReturnRow): ClaimReturn {
  return {
    id: r.id,
    visitId: r.visit_id,
    seq: r.seq,
    claimMonth: r.claim_month,
    reclaimMonth: r.reclaim_month,
    reason: r.reason,
    outboxKey: r.outbox_key,
    status: r.status,
    staff: r.staff,
    createdAt: r.created_at,
  };
}

/** The re-claim month of a return made at `now`: the one asked for, else now (JST), at least the month after. */
export function reclaimMonthOf(r: { claimMonth: string; reclaimMonth?: string | undefined }, now: number): string {
  if (r.reclaimMonth) return r.reclaimMonth;
  const [a, b] = [jstMonth(now), nextMonth(r.claimMonth)];
  return a > b ? a : b;
}

/**
 * Records a returned claim (inside the transaction): the visit goes to 'returned', a new 'reconcile' outbox job
 * (`<visit id>:reconcile:r<n>`) reopens it, and an audit entry 'visit.return'.
 */
export function add(tx: Tx, r: z.output<typeof ReturnInput>, reclaimMonth: string): Result<ClaimReturn> {
  const prev = visits.statusOf(tx.db, r.visitId);
  if (prev === undefined) return fail('NOT_FOUND', `visit ${r.visitId}`);
  const seq =
    ((prep(tx.db, 'SELECT max(seq) FROM returns WHERE visit_id = ?').pluck().get(r.visitId) as number | null) ?? 0) + 1;
  const id = uuidv7();
  const key = `${outbox.idempotencyKey(r.visitId, 'reconcile')}:r${seq}`;
  prep(
    tx.db,
    `INSERT INTO returns (id, visit_id, seq, claim_month, reclaim_month, reason, outbox_key, status, staff, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
  ).run(id, r.visitId, seq, r.claimMonth, reclaimMonth, r.reason, key, tx.actor, tx.now, tx.now);
  visits.updateStatus(tx.db, r.visitId, 'returned', tx.now);
  outbox.enqueue(
    tx.db,
    { kind: 'reconcile', visitId: r.visitId, key, payload: { visitId: r.visitId, returnId: id } },
    tx.now,
  );
  auditTx(tx, {
    action: 'visit.return',
    entity: 'visit',
    entityId: r.visitId,
    detail: { returnId: id, seq, claimMonth: r.claimMonth, reclaimMonth, from: prev, key },
  });
  return ok(fromRow(prep(tx.db, 'SELECT * FROM returns WHERE id = ?').get(id) as ReturnRow));
}

/** Returns, oldest first. */
export function list(db: Database.Database, q: z.output<typeof ReturnQuery>): ClaimReturn[] {
  const where: string[] = [];
  const params: string[] = [];
  if (q.open) where.push(`status = 'open'`);
  if (q.reclaimMonth) {
    where.push('reclaim_month = ?');
    params.push(q.reclaimMonth);
  }
  if (q.visitId) {
    where.push('visit_id = ?');
    params.push(q.visitId);
  }
  const rows = prep(
    db,
    `SELECT * FROM returns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
  ).all(...params) as ReturnRow[];
  return rows.map(fromRow);
}

/** Marks returns as re-claimed (their re-claim export was written), each with an audit entry. Idempotent. */
export function markReclaimed(tx: Tx, ids: string[]): number {
  let n = 0;
  for (const id of ids) {
    const row = prep(
      tx.db,
      `UPDATE returns SET status = 'reclaimed', updated_at = ? WHERE id = ? AND status = 'open' RETURNING visit_id, reclaim_month`,
    ).get(tx.now, id) as { visit_id: string; reclaim_month: string } | undefined;
    if (!row) continue;
    n++;
    auditTx(tx, {
      action: 'return.reclaimed',
      entity: 'visit',
      entityId: row.visit_id,
      detail: { returnId: id, reclaimMonth: row.reclaim_month },
    });
  }
  return n;
}
