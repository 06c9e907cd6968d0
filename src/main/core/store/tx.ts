// What the aggregate modules (visits, reconciliations, returns, incidents, staff, …) share: the context of a write
// transaction that Store opens for them, and the small input checks every public method makes.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { appendAudit, type AuditEntryInput } from './audit.ts';
import { fail, type Result } from './result.ts';

/** Inside Store's write transaction: the connection, who acts (a resolved staff id or the system actor), when. */
export interface Tx {
  db: Database.Database;
  actor: string;
  now: number;
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Appends the audit entry of what the transaction does, by its actor at its time. */
export function auditTx(tx: Tx, entry: Omit<AuditEntryInput, 'actor' | 'at'>): void {
  appendAudit(tx.db, { ...entry, actor: tx.actor, at: isoOf(tx.now) });
}

export function zodIssues(e: z.ZodError): { path: string; message: string }[] {
  return e.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Parses input with its schema: INVALID_INPUT naming `what`, with the issues, when it does not match. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): Result<z.output<S>> {
  const p = schema.safeParse(input);
  return p.success ? { ok: true, value: p.data } : fail('INVALID_INPUT', what, zodIssues(p.error));
}

export function isId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= 200;
}

/** A month, YYYY-MM (診療年月, re-claim month, a filter). */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
