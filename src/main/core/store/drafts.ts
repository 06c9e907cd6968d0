// The reception desk's own short-lived records, over the journal's connection: the wizard draft (one per slot,
// kept in the settings table under `draft.<slot>`, no audit entry: it is not a decision) and the day's visits with
// their short human 受付番号 (MMDD-NNN, the visit's place among that 診療日's visits in the order they were saved;
// a void visit keeps its number, so numbers never move).
import type Database from 'better-sqlite3';
import { prep } from './prep.ts';

const keyOf = (slot: string): string => `draft.${slot}`;

export interface StoredDraft {
  draft: Record<string, unknown>;
  savedAt: string;
}

export function readDraft(db: Database.Database, slot: string): StoredDraft | null {
  const row = prep(db, 'SELECT value, updated_at FROM settings WHERE key = ?').get(keyOf(slot)) as
    { value: string; updated_at: number } | undefined;
  if (!row) return null;
  const draft = JSON.parse(row.value) as unknown;
  if (draft === null || typeof draft !== 'object' || Array.isArray(draft)) return null;
  return { draft: draft as Record<string, unknown>, savedAt: new Date(row.updated_at).toISOString() };
}

export function writeDraft(db: Database.Database, slot: string, draft: Record<string, unknown>, now: number): void {
  prep(
    db,
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(keyOf(slot), JSON.stringify(draft), now);
}

export function deleteDraft(db: Database.Database, slot: string): boolean {
  return prep(db, 'DELETE FROM settings WHERE key = ?').run(keyOf(slot)).changes > 0;
}

export interface DayVisit {
  id: string;
  receptionNo: string;
  receivedAt: string;
  status: string;
  json: string;
}

/** 受付番号 for the n-th (1-based) visit of a 診療日: 「1207-003」. */
export function receptionNumber(serviceDate: string, n: number): string {
  return `${serviceDate.slice(5, 7)}${serviceDate.slice(8, 10)}-${String(n).padStart(3, '0')}`;
}

/** The visits of one 診療日, newest first, each with its 受付番号. */
export function dayVisits(db: Database.Database, serviceDate: string): DayVisit[] {
  const rows = prep(
    db,
    'SELECT id, received_at, status, json FROM visits WHERE service_date = ? ORDER BY created_at, rowid',
  ).all(serviceDate) as { id: string; received_at: string; status: string; json: string }[];
  return rows
    .map((r, i) => ({
      id: r.id,
      receptionNo: receptionNumber(serviceDate, i + 1),
      receivedAt: r.received_at,
      status: r.status,
      json: r.json,
    }))
    .reverse();
}

/** The 受付番号 of one visit ('' when there is no such visit). */
export function receptionNoOf(db: Database.Database, id: string): string {
  const row = prep(
    db,
    `SELECT v.service_date AS d, (SELECT count(*) FROM visits o WHERE o.service_date = v.service_date
       AND (o.created_at < v.created_at OR (o.created_at = v.created_at AND o.rowid <= v.rowid))) AS n
     FROM visits v WHERE v.id = ?`,
  ).get(id) as { d: string; n: number } | undefined;
  return row ? receptionNumber(row.d, row.n) : '';
}
