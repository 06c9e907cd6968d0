// The outbox: durable jobs written in the same transaction as the data they are about (a visit's
// 'reconcile' job). Consumers claim jobs with a lease; an expired lease is reclaimable, so delivery is
// at-least-once and consumers must be idempotent on `idempotencyKey` (visit id + kind).
// Times are epoch milliseconds in SQL.
import { OutboxStatus } from '../../concepts.ts';
import { redactMyNumbers } from './forbidden.ts';
import { prep } from './prep.ts';
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { fail, ok, type Result } from './result.ts';
import { auditTx, type Tx } from './tx.ts';

export { enqueue, idempotencyKey } from './outbox-enqueue.ts';

export { OutboxStatus };
export const OUTBOX_STATUSES: readonly OutboxStatus[] = OutboxStatus.options;

/** Store.claimOutbox's options. */
export const ClaimOptions = z.object({
  limit: z.number().int().min(1).max(1000).optional(),
  kinds: z.array(z.string()).max(50).optional(),
  leaseMs: z.number().int().min(1).optional(),
});

/** A consumer's failed attempt (Store.failOutbox). */
export const Failure = z.object({ permanent: z.boolean(), code: z.string(), message: z.string() });

/** Store.listOutbox's query. */
export const OutboxQuery = z.object({
  status: OutboxStatus.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  offset: z.number().int().min(0).optional(),
});

export interface OutboxPolicy {
  /** First retry delay. */
  baseDelayMs: number;
  /** Ceiling of the (pre-jitter) delay. */
  maxDelayMs: number;
  /** After this many failed attempts the job is 'dead' (shown to staff, retried only by hand). */
  maxAttempts: number;
  /** How long a claim is exclusive. */
  leaseMs: number;
}

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = {
  baseDelayMs: 5_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 12,
  leaseMs: 2 * 60_000,
};

export interface OutboxJob {
  id: number;
  idempotencyKey: string;
  kind: string;
  visitId: string | null;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number | null;
  /** Present on a claimed job: proves the caller still holds the lease when it completes or fails. */
  leaseToken: string | null;
  lastErrorCode: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
}

interface OutboxRow {
  id: number;
  idempotency_key: string;
  kind: string;
  visit_id: string | null;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  lease_token: string | null;
  last_error_code: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export function rowToJob(r: OutboxRow): OutboxJob {
  return {
    id: r.id,
    idempotencyKey: r.idempotency_key,
    kind: r.kind,
    visitId: r.visit_id,
    payload: JSON.parse(r.payload) as unknown,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    leaseUntil: r.lease_until,
    leaseToken: r.lease_token,
    lastErrorCode: r.last_error_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    doneAt: r.done_at,
  };
}

/**
 * Delay before retry number `attempts` (1 = after the first failure): exponential, capped, with "equal
 * jitter" — uniformly in [d/2, d] where d = min(max, base·2^(attempts−1)) — so retries spread out but
 * never come sooner than half the nominal delay.
 */
export function backoffDelay(attempts: number, policy: OutboxPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Claims up to `limit` due jobs (pending and due, or inflight with an expired lease) in one transaction. */
export function claim(
  db: Database.Database,
  opts: { now: number; limit?: number; kinds?: string[]; leaseMs: number },
): OutboxJob[] {
  const kinds = opts.kinds ?? [];
  const limit = opts.limit ?? 10;
  const kindFilter = kinds.length ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  // Two index-ordered range scans (outbox_due, outbox_lease) merged here: one query with an OR sorted every
  // pending row on each claim (a temp B-tree), which made a large backlog quadratic.
  const due = prep(
    db,
    `SELECT id, next_attempt_at AS at FROM outbox
     WHERE status = 'pending' AND next_attempt_at <= ? ${kindFilter}
     ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const expired = prep(
    db,
    `SELECT id, next_attempt_at AS at FROM outbox
     WHERE status = 'inflight' AND lease_until <= ? ${kindFilter}
     ORDER BY lease_until, id LIMIT ?`,
  );
  const take = prep(
    db,
    `UPDATE outbox SET status = 'inflight', attempts = attempts + 1, lease_until = ?, lease_token = ?, updated_at = ?
     WHERE id = ? RETURNING *`,
  );
  return db
    .transaction(() => {
      const rows = [
        ...(due.all(opts.now, ...kinds, limit) as { id: number; at: number }[]),
        ...(expired.all(opts.now, ...kinds, limit) as { id: number; at: number }[]),
      ]
        .sort((a, b) => a.at - b.at || a.id - b.id)
        .slice(0, limit);
      return rows.map((r) => rowToJob(take.get(opts.now + opts.leaseMs, randomUUID(), opts.now, r.id) as OutboxRow));
    })
    .immediate();
}

/**
 * Claimable jobs (pending and due, or inflight with an expired lease), counted up to `cap`: two bounded index
 * range scans, whatever the backlog's size.
 */
export function dueCount(db: Database.Database, opts: { now: number; kinds?: string[]; cap: number }): number {
  const kinds = opts.kinds ?? [];
  const kindFilter = kinds.length ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
  const count = (where: string, cap: number) =>
    prep(db, `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE ${where} ${kindFilter} LIMIT ?)`)
      .pluck()
      .get(opts.now, ...kinds, cap) as number;
  const due = count(`status = 'pending' AND next_attempt_at <= ?`, opts.cap);
  return due >= opts.cap ? due : due + count(`status = 'inflight' AND lease_until <= ?`, opts.cap - due);
}

export type LeaseCheck = { ok: true; row: OutboxRow } | { ok: false; reason: 'not_found' | 'lease_lost' };

export function checkLease(db: Database.Database, id: number, token: string): LeaseCheck {
  const row = prep(db, 'SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status !== 'inflight' || row.lease_token !== token) return { ok: false, reason: 'lease_lost' };
  return { ok: true, row };
}

export function get(db: Database.Database, id: number): OutboxJob | undefined {
  const row = prep(db, 'SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  return row ? rowToJob(row) : undefined;
}

export function markDone(db: Database.Database, id: number, now: number): OutboxJob {
  return rowToJob(
    prep(
      db,
      `UPDATE outbox SET status = 'done', lease_until = NULL, lease_token = NULL, done_at = ?, updated_at = ?, last_error_code = NULL, last_error = NULL
         WHERE id = ? RETURNING *`,
    ).get(now, now, id) as OutboxRow,
  );
}

/** Records a failed attempt; the error text is kept with any My Number in it replaced by a marker. */
export function markFailed(
  db: Database.Database,
  row: OutboxRow,
  failure: { permanent: boolean; code: string; message: string },
  policy: OutboxPolicy,
  now: number,
  random: () => number,
): OutboxJob {
  const dead = failure.permanent || row.attempts >= policy.maxAttempts;
  const next = dead ? row.next_attempt_at : now + backoffDelay(row.attempts, policy, random);
  return rowToJob(
    prep(
      db,
      `UPDATE outbox SET status = ?, next_attempt_at = ?, lease_until = NULL, lease_token = NULL,
           last_error_code = ?, last_error = ?, updated_at = ? WHERE id = ? RETURNING *`,
    ).get(
      dead ? 'dead' : 'pending',
      next,
      failure.code,
      redactMyNumbers(failure.message).slice(0, 2000),
      now,
      row.id,
    ) as OutboxRow,
  );
}

/**
 * Gives a claimed job back unworked (the consumer stopped before working it): pending, due now, the claim's
 * attempt not counted, lease cleared. The caller has checked the lease.
 */
export function release(db: Database.Database, id: number, now: number): OutboxJob {
  return rowToJob(
    prep(
      db,
      `UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0), next_attempt_at = ?, lease_until = NULL,
           lease_token = NULL, updated_at = ? WHERE id = ? RETURNING *`,
    ).get(now, now, id) as OutboxRow,
  );
}

export function requeue(db: Database.Database, id: number, now: number): OutboxJob | undefined {
  const row = prep(
    db,
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL, lease_token = NULL, updated_at = ?
       WHERE id = ? AND status = 'dead' RETURNING *`,
  ).get(now, now, id) as OutboxRow | undefined;
  return row ? rowToJob(row) : undefined;
}

/** A visit's latest job of a kind ('reconcile': attempts, last error), or undefined. */
export function latestForVisit(db: Database.Database, visitId: string, kind: string): OutboxJob | undefined {
  const row = prep(db, 'SELECT * FROM outbox WHERE visit_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(
    visitId,
    kind,
  ) as OutboxRow | undefined;
  return row ? rowToJob(row) : undefined;
}

/** Closes a visit's jobs of a kind still waiting (pending or dead) as done; returns their keys. */
export function closeWaiting(db: Database.Database, visitId: string, kind: string, now: number): string[] {
  return prep(
    db,
    `UPDATE outbox SET status = 'done', done_at = ?, updated_at = ?, lease_until = NULL, lease_token = NULL
      WHERE visit_id = ? AND kind = ? AND status IN ('pending', 'dead') RETURNING idempotency_key`,
  )
    .pluck()
    .all(now, now, visitId, kind) as string[];
}

export function counts(db: Database.Database): Record<OutboxStatus, number> {
  const out: Record<OutboxStatus, number> = { pending: 0, inflight: 0, done: 0, dead: 0 };
  for (const r of prep(db, 'SELECT status, count(*) AS n FROM outbox GROUP BY status').all() as {
    status: OutboxStatus;
    n: number;
  }[]) {
    out[r.status] = r.n;
  }
  return out;
}

export function list(
  db: Database.Database,
  opts: { status?: OutboxStatus; limit?: number; offset?: number },
): OutboxJob[] {
  const rows = (
    opts.status
      ? prep(db, 'SELECT * FROM outbox WHERE status = ? ORDER BY id LIMIT ? OFFSET ?').all(
          opts.status,
          opts.limit ?? 100,
          opts.offset ?? 0,
        )
      : prep(db, 'SELECT * FROM outbox ORDER BY id LIMIT ? OFFSET ?').all(opts.limit ?? 100, opts.offset ?? 0)
  ) as OutboxRow[];
  return rows.map(rowToJob);
}

/** A lease check that failed, as the store reports it. */
export function leaseFailure(c: { reason: 'not_found' | 'lease_lost' }, id: number): Result<never> {
  return fail(c.reason === 'not_found' ? 'NOT_FOUND' : 'LEASE_LOST', `outbox ${id}`);
}

/**
 * Records a failed attempt of a leased job (inside the transaction, by the system actor): retried later, or dead
 * (permanent, or past the attempt cap) with an audit entry 'outbox.dead'.
 */
export function failAudited(
  tx: Tx,
  row: OutboxRow,
  failure: { permanent: boolean; code: string; message: string },
  policy: OutboxPolicy,
  random: () => number,
): OutboxJob {
  const job = markFailed(tx.db, row, failure, policy, tx.now, random);
  if (job.status === 'dead') {
    auditTx(tx, {
      action: 'outbox.dead',
      entity: 'outbox',
      entityId: String(job.id),
      detail: { key: job.idempotencyKey, attempts: job.attempts, code: failure.code, permanent: failure.permanent },
    });
  }
  return job;
}

/**
 * Gives back a claimed job unworked when the lease is still held; releasing a job already pending again changes
 * nothing (ok); else NOT_FOUND / LEASE_LOST.
 */
export function releaseLeased(db: Database.Database, id: number, token: string, now: number): Result<OutboxJob> {
  const c = checkLease(db, id, token);
  if (c.ok) return ok(release(db, id, now));
  if (c.reason === 'not_found') return leaseFailure(c, id);
  const job = get(db, id);
  return job?.status === 'pending' ? ok(job) : leaseFailure(c, id);
}

/** Staff put a dead job back in the queue (inside the transaction), with an audit entry 'outbox.requeue'. */
export function requeueAudited(tx: Tx, id: number): Result<OutboxJob> {
  const job = requeue(tx.db, id, tx.now);
  if (!job) return fail('NOT_FOUND', `dead outbox job ${id}`);
  auditTx(tx, {
    action: 'outbox.requeue',
    entity: 'outbox',
    entityId: String(id),
    detail: { key: job.idempotencyKey },
  });
  return ok(job);
}
