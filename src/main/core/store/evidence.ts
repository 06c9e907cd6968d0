// Answer evidence (migration 3): the terminal's raw answer files, kept in the journal after the reconciler has
// stored its decision and removed the file from res/. Blobs are content-addressed (sha256 of the raw bytes, so a
// 一括照会 answer shared by a whole batch is stored once) and deflate-compressed; answer_evidence links a visit's
// reconciliation key to the blob. Bytes come back out byte-identical (checked against the sha256 on read).
// The blobs are opaque: the store's My Number guard applies to JSON details, not to these bytes (docs/reconcile.md
// says what an answer may contain).
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { prep } from './prep.ts';
import type { StoreError } from './result.ts';

/** One item's outcome in Store.reconcileBatch. */
export type BatchItemResult =
  { ok: true; key: string; created: boolean; completed: boolean } | { ok: false; error: StoreError };

export type EvidenceRequest = 'qualification' | 'bulk_fetch';

export interface AnswerEvidenceInput {
  /** Answer file name as found in res/ (OQSsiquc01res_<key>.xml, OQSmuquc02res_<key>.zip, …). */
  file: string;
  /** The raw file bytes (XML or zip), exactly as read. */
  bytes: Uint8Array;
  request: EvidenceRequest;
  /** 一括照会: the row's ArbitraryIdentifier within the answer. */
  rowId?: string;
}

export interface AnswerEvidence {
  id: number;
  visitId: string;
  key: string;
  request: EvidenceRequest;
  file: string;
  sha256: string;
  rowId: string | null;
  /** Raw size in bytes. */
  size: number;
  createdAt: number;
}

interface EvidenceRow {
  id: number;
  visit_id: string;
  idempotency_key: string;
  request: EvidenceRequest;
  file: string;
  sha256: string;
  row_id: string | null;
  size: number;
  created_at: number;
}

// A 一括照会 answer is archived once per row of its batch: hash its bytes once (answers are never mutated).
const hashed = new WeakMap<Uint8Array, string>();

export function sha256Of(bytes: Uint8Array): string {
  let h = hashed.get(bytes);
  if (h === undefined) {
    h = createHash('sha256').update(bytes).digest('hex');
    hashed.set(bytes, h);
  }
  return h;
}

/** Stores the raw answer once (by sha256, deflated when that is smaller). Returns the sha256. */
export function storeBlob(db: Database.Database, bytes: Uint8Array, now: number): string {
  const sha = sha256Of(bytes);
  if (!prep(db, 'SELECT 1 FROM answer_blobs WHERE sha256 = ?').get(sha)) {
    const packed = deflateRawSync(bytes);
    const smaller = packed.length < bytes.length;
    prep(db, 'INSERT INTO answer_blobs (sha256, size, compression, bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(
      sha,
      bytes.length,
      smaller ? 'deflate' : 'none',
      smaller ? packed : Buffer.from(bytes),
      now,
    );
  }
  return sha;
}

/** Stores the blob once (by sha256) and links it to the visit's reconciliation key. Returns the sha256. */
export function archive(
  db: Database.Database,
  link: { visitId: string; key: string },
  e: AnswerEvidenceInput,
  now: number,
): string {
  const sha = storeBlob(db, e.bytes, now);
  prep(
    db,
    `INSERT OR IGNORE INTO answer_evidence (visit_id, idempotency_key, request, file, sha256, row_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(link.visitId, link.key, e.request, e.file, sha, e.rowId ?? null, now);
  return sha;
}

export function list(db: Database.Database, visitId: string): AnswerEvidence[] {
  const rows = prep(
    db,
    `SELECT e.*, b.size FROM answer_evidence e JOIN answer_blobs b ON b.sha256 = e.sha256
     WHERE e.visit_id = ? ORDER BY e.id`,
  ).all(visitId) as EvidenceRow[];
  return rows.map((r) => ({
    id: r.id,
    visitId: r.visit_id,
    key: r.idempotency_key,
    request: r.request,
    file: r.file,
    sha256: r.sha256,
    rowId: r.row_id,
    size: r.size,
    createdAt: r.created_at,
  }));
}

/** The raw bytes of a blob; 'corrupt' when they no longer hash to their name. */
export function read(db: Database.Database, sha256: string): Buffer | 'missing' | 'corrupt' {
  const row = prep(db, 'SELECT compression, bytes FROM answer_blobs WHERE sha256 = ?').get(sha256) as
    { compression: 'deflate' | 'none'; bytes: Buffer } | undefined;
  if (!row) return 'missing';
  let bytes: Buffer;
  try {
    bytes = row.compression === 'deflate' ? inflateRawSync(row.bytes) : Buffer.from(row.bytes);
  } catch {
    return 'corrupt';
  }
  return createHash('sha256').update(bytes).digest('hex') === sha256 ? bytes : 'corrupt';
}
