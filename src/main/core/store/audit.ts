// Append-only, hash-chained audit log. Triggers forbid UPDATE and DELETE; each entry's hash is
// sha256(prev_hash + canonical JSON of the entry), so a row changed behind the triggers' back (a raw
// connection that drops them) breaks the chain at that row, and the verifier names it.
// Limit: removing the newest rows leaves a shorter valid chain; an outside anchor (the printed 利用報告書,
// the server copy) is what detects that.
import { prep } from './prep.ts';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { enqueuePush } from './push-queue.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryInput {
  actor: string;
  action: string;
  entity?: string;
  entityId?: string;
  detail?: Record<string, unknown>;
  at?: string;
}

/** An entry from outside the store (Store.appendAudit), as received. */
export const AuditInput = z.object({
  actor: z.string().min(1),
  action: z.string().min(1).max(100),
  entity: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
  at: z.string().datetime({ offset: true }).optional(),
});

/** Store.listAudit's query. */
export const AuditQuery = z.object({
  entity: z.string().optional(),
  entityId: z.string().optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
});

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export function entryHash(prevHash: string, e: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  return sha256Hex(
    prevHash +
      canonicalJson({
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        entity: e.entity,
        entityId: e.entityId,
        detail: e.detail,
      }),
  );
}

/** Appends one entry. Call inside the caller's transaction so the entry commits with the change it records. */
export function appendAudit(db: Database.Database, input: AuditEntryInput): AuditEntry {
  const last = prep(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const base = {
    seq: (last?.seq ?? 0) + 1,
    at: input.at ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    entity: input.entity ?? '',
    entityId: input.entityId ?? '',
    detail: input.detail ?? {},
  };
  const hash = entryHash(prevHash, base);
  prep(
    db,
    'INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    base.seq,
    base.at,
    base.actor,
    base.action,
    base.entity,
    base.entityId,
    canonicalJson(base.detail),
    prevHash,
    hash,
  );
  enqueuePush(db, base.seq, Date.parse(base.at) || Date.now());
  return { ...base, prevHash, hash };
}

export type AuditVerdict =
  | { ok: true; entries: number; head: string }
  | {
      ok: false;
      entries: number;
      /** The first entry whose link is broken. */
      brokenAt: number;
      reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'unreadable';
      detail: string;
    };

/** An audit_log row as stored (also what the clinic server receives: feed.ts). */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

export function verifyAudit(db: Database.Database): AuditVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let n = 0;
  for (const r of prep(db, 'SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    n++;
    if (r.seq !== expectedSeq) {
      return {
        ok: false,
        entries: n,
        brokenAt: r.seq,
        reason: 'sequence_gap',
        detail: `expected seq ${expectedSeq}, found ${r.seq}`,
      };
    }
    if (r.prev_hash !== prev) {
      return {
        ok: false,
        entries: n,
        brokenAt: r.seq,
        reason: 'prev_hash_mismatch',
        detail: `prev_hash does not match entry ${r.seq - 1}`,
      };
    }
    let detail: Record<string, unknown>;
    try {
      detail = JSON.parse(r.detail) as Record<string, unknown>;
    } catch {
      return { ok: false, entries: n, brokenAt: r.seq, reason: 'unreadable', detail: 'detail is not JSON' };
    }
    const h = entryHash(prev, {
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      detail,
    });
    if (h !== r.hash) {
      return {
        ok: false,
        entries: n,
        brokenAt: r.seq,
        reason: 'hash_mismatch',
        detail: `entry ${r.seq} content does not match its hash`,
      };
    }
    prev = r.hash;
    expectedSeq++;
  }
  return { ok: true, entries: n, head: prev };
}

export function listAudit(
  db: Database.Database,
  opts: { entity?: string; entityId?: string; limit?: number } = {},
): AuditEntry[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.entity !== undefined) {
    where.push('entity = ?');
    params.push(opts.entity);
  }
  if (opts.entityId !== undefined) {
    where.push('entity_id = ?');
    params.push(opts.entityId);
  }
  const sql = `SELECT * FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
  const rows = prep(db, sql).all(...params, opts.limit ?? 100) as AuditRow[];
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}
