// Adding an outbox job (outbox.ts has the rest): apart so that the audit log can enqueue the clinic server's push
// job in the transaction of every entry (audit.ts) without importing the outbox's audited operations.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { prep } from './prep.ts';

export function idempotencyKey(visitId: string, kind: string): string {
  return `${visitId}:${kind}`;
}

export function enqueue(
  db: Database.Database,
  job: { kind: string; visitId?: string; key?: string; payload?: unknown },
  now: number,
): { id: number; created: boolean } {
  const key = job.key ?? idempotencyKey(job.visitId ?? randomUUID(), job.kind);
  // Insert first, look up only on a conflict: a new job (every saved visit's) costs one probe of the key index.
  const info = prep(
    db,
    `INSERT INTO outbox (idempotency_key, kind, visit_id, payload, status, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
  ).run(key, job.kind, job.visitId ?? null, JSON.stringify(job.payload ?? {}), now, now, now);
  if (info.changes > 0) return { id: Number(info.lastInsertRowid), created: true };
  const existing = prep(db, 'SELECT id FROM outbox WHERE idempotency_key = ?').get(key) as { id: number };
  return { id: existing.id, created: false };
}
