// The clinic server's push jobs (docs/clinic-server.md): when a server is configured (setting 'server', enabled),
// every audit entry — and every write of the journal appends one in its own transaction — enqueues an outbox job
// 'server.push' keyed by its sequence number, in the same transaction. The job is the durable "still to send"
// mark; the pusher sends the journal's entries in sequence order from the server's head and closes the jobs it
// covered (closePushJobs). With no server configured nothing is enqueued: the journal works exactly as before.
import type Database from 'better-sqlite3';
import { enqueue } from './outbox-enqueue.ts';
import { prep } from './prep.ts';

export const PUSH_KIND = 'server.push';

/** Whether the setting 'server' is stored and enabled (read raw: audit.ts cannot import the settings module). */
export function pushEnabled(db: Database.Database): boolean {
  const raw = prep(db, "SELECT value FROM settings WHERE key = 'server'").pluck().get() as string | undefined;
  if (raw === undefined) return false;
  try {
    return (JSON.parse(raw) as { enabled?: unknown }).enabled === true;
  } catch {
    return false;
  }
}

/** Enqueues the push job of audit entry `seq` when a server is configured (inside the entry's transaction). */
export function enqueuePush(db: Database.Database, seq: number, now: number): void {
  if (!pushEnabled(db)) return;
  enqueue(db, { kind: PUSH_KIND, key: `${PUSH_KIND}:${seq}`, payload: { seq } }, now);
}

/** Marks the push jobs of entries up to `seq` done (the server holds them); returns how many. */
export function closePushJobs(db: Database.Database, seq: number, now: number): number {
  return prep(
    db,
    `UPDATE outbox SET status = 'done', done_at = ?, updated_at = ?, lease_until = NULL, lease_token = NULL
      WHERE kind = '${PUSH_KIND}' AND status <> 'done' AND json_extract(payload, '$.seq') <= ?`,
  ).run(now, now, seq).changes;
}
