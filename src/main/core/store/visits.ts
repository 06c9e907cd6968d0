// Visits: one reception each (the visit row, its 申立書, its outbox 'reconcile' job, the audit entry), the
// 事後確認 states, and the queue listing. Functions over the connection; Store opens the transactions.
import type Database from 'better-sqlite3';
import { validate as uuidValidate } from 'uuid';
import { Visit, type EvidenceKind, type FailureCause } from '../../../claims/visit.ts';
import { appendAudit } from './audit.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { findForbidden } from './forbidden.ts';
import { newId } from './ids.ts';
import { kanaKey } from './kana.ts';
import * as outbox from './outbox.ts';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { auditTx, isoOf, zodIssues, type Tx } from './tx.ts';

import { VisitStatus } from '../../concepts.ts';
export { VisitStatus };

export interface SavedVisit {
  id: string;
  /** false when the same visit had already been saved (a double click, a retried request). */
  created: boolean;
  createdAt: number;
}

export interface StoredVisit {
  visit: Visit;
  status: VisitStatus;
  /** Staff id resolved from the staff list at save time. */
  staff: string;
  createdAt: number;
  updatedAt: number;
}

export interface VisitRow {
  id: string;
  service_date: string;
  received_at: string;
  patient_name: string;
  patient_kana: string;
  patient_birth: string;
  cause: FailureCause;
  evidence_kind: EvidenceKind;
  status: VisitStatus;
  staff: string;
  json: string;
  json_sha256: string;
  created_at: number;
  updated_at: number;
}

function storedFromRow(r: VisitRow): StoredVisit {
  return {
    visit: JSON.parse(r.json) as Visit,
    status: r.status,
    staff: r.staff,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A visit as received: no My Number anywhere, the Visit schema, a client-generated UUID. */
export function check(input: unknown): Result<Visit> {
  const forbidden = findForbidden(input);
  if (forbidden !== undefined)
    return fail('FORBIDDEN_MY_NUMBER', `field ${forbidden}`, [
      { path: forbidden, message: 'My Number or PIN-like value' },
    ]);
  const parsed = Visit.safeParse(input);
  if (!parsed.success) return fail('INVALID_VISIT', 'visit does not match the Visit schema', zodIssues(parsed.error));
  if (!uuidValidate(parsed.data.id))
    return fail('INVALID_VISIT', 'id must be a UUID (client-generated UUIDv7)', [
      { path: 'id', message: 'UUID expected' },
    ]);
  return ok(parsed.data);
}

/**
 * Inserts a visit with its 申立書, its outbox 'reconcile' job and an audit entry (inside a transaction).
 * Idempotent on the id: the same content returns the existing visit, different content is VISIT_CONFLICT.
 */
export function insertVisit(
  db: Database.Database,
  visit: Visit,
  staffId: string,
  action: string,
  clock: () => number,
): Result<SavedVisit> {
  const json = canonicalJson(visit);
  const sha = sha256Hex(json);
  const existing = prep(db, 'SELECT json_sha256, created_at FROM visits WHERE id = ?').get(visit.id) as
    { json_sha256: string; created_at: number } | undefined;
  if (existing) {
    return existing.json_sha256 === sha
      ? ok({ id: visit.id, created: false, createdAt: existing.created_at })
      : fail('VISIT_CONFLICT', `visit ${visit.id} exists with different content`);
  }
  const now = clock();
  prep(
    db,
    `INSERT INTO visits (id, service_date, received_at, patient_name, patient_kana, patient_kana_key, patient_birth, cause,
         evidence_kind, status, staff, json, json_sha256, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
  ).run(
    visit.id,
    visit.serviceDate,
    visit.receivedAt,
    visit.patient.name,
    visit.patient.nameKana,
    kanaKey(visit.patient.nameKana || visit.patient.name),
    visit.patient.birthDate,
    visit.cause,
    visit.evidence.kind,
    staffId,
    json,
    sha,
    now,
    now,
  );
  const decl = visit.evidence.declaration;
  if (decl) {
    prep(
      db,
      'INSERT INTO declarations (id, visit_id, declared_on, insurance_type, json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(newId(), visit.id, decl.declaredOn, decl.insuranceType, canonicalJson(decl), now);
  }
  outbox.enqueue(db, { kind: 'reconcile', visitId: visit.id, payload: { visitId: visit.id } }, now);
  appendAudit(db, {
    actor: staffId,
    action,
    entity: 'visit',
    entityId: visit.id,
    detail: { sha256: sha, serviceDate: visit.serviceDate, cause: visit.cause, evidenceKind: visit.evidence.kind },
    at: isoOf(now),
  });
  return ok({ id: visit.id, created: true, createdAt: now });
}

/** Re-saves visits read from a damaged file (inside a transaction); skips ids already present. */
export function salvage(db: Database.Database, visits: unknown[], clock: () => number): number {
  let n = 0;
  for (const v of visits) {
    const p = Visit.safeParse(v);
    if (!p.success || findForbidden(v) !== undefined) continue;
    if (prep(db, 'SELECT 1 FROM visits WHERE id = ?').get(p.data.id)) continue;
    const r = insertVisit(db, p.data, p.data.staff, 'visit.salvage', clock);
    if (r.ok && r.value.created) n++;
  }
  return n;
}

export function get(db: Database.Database, id: string): StoredVisit | undefined {
  const r = prep(db, 'SELECT * FROM visits WHERE id = ?').get(id) as VisitRow | undefined;
  return r ? storedFromRow(r) : undefined;
}

export function statusOf(db: Database.Database, id: string): VisitStatus | undefined {
  return prep(db, 'SELECT status FROM visits WHERE id = ?').pluck().get(id) as VisitStatus | undefined;
}

export function exists(db: Database.Database, id: string): boolean {
  return prep(db, 'SELECT 1 FROM visits WHERE id = ?').get(id) !== undefined;
}

/** Moves a visit to a status (no audit: the caller records why). */
export function updateStatus(db: Database.Database, id: string, status: VisitStatus, now: number): void {
  prep(db, 'UPDATE visits SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id);
}

/** Moves a visit along the 事後確認 states, with an audit entry naming who and why. */
export function setStatus(tx: Tx, id: string, status: VisitStatus, reason: string): Result<VisitStatus> {
  const prev = statusOf(tx.db, id);
  if (prev === undefined) return fail('NOT_FOUND', `visit ${id}`);
  if (prev === status) return ok(prev);
  updateStatus(tx.db, id, status, tx.now);
  auditTx(tx, {
    action: 'visit.status',
    entity: 'visit',
    entityId: id,
    detail: { from: prev, to: status, reason },
  });
  return ok(status);
}
