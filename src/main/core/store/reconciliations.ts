// Reconciliations: the terminal's answers and the ①②③ decision taken on them (by the reconciler or by staff),
// one row each, idempotent on a key. Recording one moves its visit on. Functions over the connection.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ReconcileDecision } from '../../concepts.ts';
import { canonicalJson } from './canonical.ts';
import * as outbox from './outbox.ts';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { SYSTEM_ACTOR } from './settings.ts';
import { auditTx, type Tx } from './tx.ts';
import * as visits from './visits.ts';

export interface Reconciliation {
  id: number;
  key: string;
  visitId: string;
  decision: 'current' | 'past' | 'unknown' | 'none';
  detail: Record<string, unknown>;
  staff: string;
  createdAt: number;
}

export const ReconciliationInput = z.object({
  visitId: z.string().min(1),
  /** Idempotency key; default `<visitId>:reconcile`, the outbox job's key. */
  key: z.string().min(1).optional(),
  /** ① current / ② past / ③ unknown, or none (needs staff review). */
  decision: ReconcileDecision,
  /** Terminal answers, the decision's reasons: kept as JSON. */
  detail: z.record(z.string(), z.unknown()).default({}),
  staff: z.string().min(1).default(SYSTEM_ACTOR),
});
export type ReconciliationInput = z.input<typeof ReconciliationInput>;

export interface ReconciliationRow {
  id: number;
  idempotency_key: string;
  visit_id: string;
  decision: Reconciliation['decision'];
  json: string;
  staff: string;
  created_at: number;
}

export function fromRow(x: ReconciliationRow): Reconciliation {
  return {
    id: x.id,
    key: x.idempotency_key,
    visitId: x.visit_id,
    decision: x.decision,
    detail: JSON.parse(x.json) as Record<string, unknown>,
    staff: x.staff,
    createdAt: x.created_at,
  };
}

/** Inserts a reconciliation row by the transaction's actor at its time; returns what was recorded. */
export function insert(
  tx: Tx,
  r: { key: string; visitId: string; decision: Reconciliation['decision']; detail: Record<string, unknown> },
): Reconciliation {
  const info = prep(
    tx.db,
    'INSERT INTO reconciliations (idempotency_key, visit_id, decision, json, staff, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(r.key, r.visitId, r.decision, canonicalJson(r.detail), tx.actor, tx.now);
  return { id: Number(info.lastInsertRowid), ...r, staff: tx.actor, createdAt: tx.now };
}

/** Records a reconciliation answer and moves the visit on ('none': needs_review). Idempotent on the key. */
export function record(tx: Tx, r: z.output<typeof ReconciliationInput>): Result<Reconciliation & { created: boolean }> {
  const key = r.key ?? outbox.idempotencyKey(r.visitId, 'reconcile');
  const existing = byKey(tx.db, key);
  if (existing) return ok({ ...existing, created: false });
  if (!visits.exists(tx.db, r.visitId)) return fail('NOT_FOUND', `visit ${r.visitId}`);
  const rec = insert(tx, { key, visitId: r.visitId, decision: r.decision, detail: r.detail });
  visits.updateStatus(tx.db, r.visitId, r.decision === 'none' ? 'needs_review' : 'reconciled', tx.now);
  auditTx(tx, {
    action: 'visit.reconcile',
    entity: 'visit',
    entityId: r.visitId,
    detail: { decision: r.decision, key },
  });
  return ok({ ...rec, created: true });
}

export function list(db: Database.Database, visitId: string): Reconciliation[] {
  return (
    prep(db, 'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY created_at, id').all(
      visitId,
    ) as ReconciliationRow[]
  ).map(fromRow);
}

/** The newest reconciliation of a visit (what exports use), or null when it has none yet. */
export function latest(db: Database.Database, visitId: string): Reconciliation | null {
  const x = prep(db, 'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY created_at DESC, id DESC LIMIT 1').get(
    visitId,
  ) as ReconciliationRow | undefined;
  return x ? fromRow(x) : null;
}

/** The reconciliation recorded under an idempotency key (an outbox job's key), or null. */
export function byKey(db: Database.Database, key: string): Reconciliation | null {
  const x = prep(db, 'SELECT * FROM reconciliations WHERE idempotency_key = ?').get(key) as
    ReconciliationRow | undefined;
  return x ? fromRow(x) : null;
}
