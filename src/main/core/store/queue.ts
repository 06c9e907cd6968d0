// The 事後確認 queue: visits with their latest reconciliation and reconcile job, filtered and keyset-paginated,
// with the total and the count of each queue tab, answered by one statement.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { EvidenceKind, FailureCause, type Visit } from '../../../claims/visit.ts';
import { QueueCategory } from '../../concepts.ts';
import type * as outbox from './outbox.ts';
import { prep } from './prep.ts';
import { fromRow as reconciliationFromRow, type Reconciliation, type ReconciliationRow } from './reconciliations.ts';
import { fail, ok, type Result } from './result.ts';
import { Month } from './tx.ts';
import { VisitStatus, type VisitRow } from './visits.ts';

export interface VisitSummary {
  id: string;
  serviceDate: string;
  receivedAt: string;
  patientName: string;
  patientKana: string;
  patientBirth: string;
  cause: FailureCause;
  evidenceKind: EvidenceKind;
  status: VisitStatus;
  staff: string;
  createdAt: number;
  /** The latest reconciliation's decision (null: not reconciled yet). */
  decision: Reconciliation['decision'] | null;
  /** The latest reconciliation's needsDecision codes. */
  needsDecision: string[];
  /** The latest 'reconcile' outbox job of the visit (null: none). */
  job: { status: outbox.OutboxStatus; attempts: number; lastErrorCode: string | null } | null;
  /** With `withDetail`: the visit as saved. */
  visit?: Visit;
  /** With `withDetail`: the latest reconciliation (null: none). */
  latest?: Reconciliation | null;
}

/** The queue screen's tabs: 未確認 / 要確認 / 確認済み / 送信不可 (the visit's reconcile job is dead). */
export { QueueCategory };

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const VisitFilter = z.object({
  status: z.union([VisitStatus, z.array(VisitStatus).min(1)]).optional(),
  /** Service month, YYYY-MM. */
  month: Month.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  cause: FailureCause.optional(),
  evidenceKind: EvidenceKind.optional(),
  /** One tab of the queue screen (void visits are in none). */
  category: QueueCategory.optional(),
  /** Also count the visits of each category (same filters, category and status aside). */
  withCounts: z.boolean().default(false),
  /** Also return each visit and its latest reconciliation (what a screen needs to show the claim). */
  withDetail: z.boolean().default(false),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(1000).default(100),
  /** Opaque: nextCursor of the previous page. */
  cursor: z.string().optional(),
});
export type VisitFilter = z.input<typeof VisitFilter>;

export interface VisitPage {
  items: VisitSummary[];
  /** Matching visits in all pages. */
  total: number;
  nextCursor: string | null;
  /** With `withCounts`: visits per queue category. */
  counts?: Record<QueueCategory, number>;
}

// ------------------------------------------------------------------------------------------- the queue

/** SQL for a visit's latest reconcile job status, and for each queue category (over `visits`). */
const JOB_STATUS_SQL = `(SELECT o.status FROM outbox o WHERE o.visit_id = visits.id AND o.kind = 'reconcile' ORDER BY o.id DESC LIMIT 1)`;
const CATEGORY_SQL: Record<QueueCategory, string> = {
  dead: `status NOT IN ('void', 'claimed') AND ${JOB_STATUS_SQL} = 'dead'`,
  unconfirmed: `status IN ('pending', 'returned') AND coalesce(${JOB_STATUS_SQL}, '') <> 'dead'`,
  needs_review: `status = 'needs_review'`,
  confirmed: `status IN ('reconciled', 'claimed')`,
};

const where = (conds: string[]): string => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

/** The page's visit columns (all null on the one row of an empty page), with the total and counts. */
interface PageRow extends Omit<VisitRow, 'id' | 'json' | 'json_sha256' | 'updated_at'> {
  total: number;
  unconfirmed?: number;
  needs_review?: number;
  confirmed?: number;
  dead?: number;
  id: string | null;
  json?: string;
  /** The latest reconciliation's decision and needsDecision (JSON); null: none. */
  r_decision: Reconciliation['decision'] | null;
  r_needs: string;
  /** With `withDetail`: the latest reconciliation's row, as a JSON object. */
  r_row?: string | null;
  job: string | null;
}

/**
 * The 事後確認 queue: filter by status, service month or dates, cause, evidence kind, queue category;
 * keyset-paginated. One statement: a one-row total (and category counts) left-joined with the page, each page
 * row with its latest reconciliation and reconcile job.
 */
export function list(db: Database.Database, f: z.output<typeof VisitFilter>): Result<VisitPage> {
  const base: string[] = [];
  const baseParams: unknown[] = [];
  const add = (cond: string, ...params: unknown[]): void => {
    base.push(cond);
    baseParams.push(...params);
  };
  if (f.month) add('service_date >= ? AND service_date <= ?', `${f.month}-00`, `${f.month}-99`);
  if (f.from) add('service_date >= ?', f.from);
  if (f.to) add('service_date <= ?', f.to);
  if (f.cause) add('cause = ?', f.cause);
  if (f.evidenceKind) add('evidence_kind = ?', f.evidenceKind);
  const matching = [...base];
  const params = [...baseParams];
  if (f.status !== undefined) {
    const statuses = Array.isArray(f.status) ? f.status : [f.status];
    matching.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (f.category) matching.push(`(${CATEGORY_SQL[f.category]})`);

  let totals: string;
  let totalParams: unknown[];
  if (f.withCounts) {
    const sum = (cond: string, as: string) => `coalesce(sum(CASE WHEN ${cond} THEN 1 ELSE 0 END), 0) AS ${as}`;
    const rest = matching.slice(base.length);
    const cols = [
      rest.length ? sum(rest.join(' AND '), 'total') : 'count(*) AS total',
      ...QueueCategory.options.map((c) => sum(CATEGORY_SQL[c], c)),
    ];
    totals = `SELECT ${cols.join(', ')} FROM visits ${where(base)}`;
    totalParams = [...params.slice(baseParams.length), ...baseParams];
  } else {
    totals = `SELECT count(*) AS total FROM visits ${where(matching)}`;
    totalParams = params;
  }

  const page = [...matching];
  const pageParams = [...params];
  if (f.cursor) {
    const [date, id] = Buffer.from(f.cursor, 'base64url').toString('utf8').split('\n');
    if (!date || !id) return fail('INVALID_INPUT', 'cursor');
    page.push(`(service_date, id) ${f.order === 'asc' ? '>' : '<'} (?, ?)`);
    pageParams.push(date, id);
  }
  const dir = f.order === 'asc' ? 'ASC' : 'DESC';
  const row = `json_object('id', r.id, 'idempotency_key', r.idempotency_key, 'visit_id', r.visit_id,
          'decision', r.decision, 'json', r.json, 'staff', r.staff, 'created_at', r.created_at)`;
  const sql = `SELECT t.*, p.*, r.decision AS r_decision, coalesce(json_extract(r.json, '$.needsDecision'), '[]') AS r_needs
          ${f.withDetail ? `, CASE WHEN r.id IS NULL THEN NULL ELSE ${row} END AS r_row` : ''}
     FROM (${totals}) AS t
     LEFT JOIN (
       SELECT id, service_date, received_at, patient_name, patient_kana, patient_birth, cause, evidence_kind, status, staff,
              created_at, ${f.withDetail ? 'json,' : ''}
              (SELECT r.id FROM reconciliations r
                WHERE r.visit_id = visits.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS latest_id,
              (SELECT o.status || char(10) || o.attempts || char(10) || coalesce(o.last_error_code, '') FROM outbox o
                WHERE o.visit_id = visits.id AND o.kind = 'reconcile' ORDER BY o.id DESC LIMIT 1) AS job
         FROM visits ${where(page)} ORDER BY service_date ${dir}, id ${dir} LIMIT ?
     ) AS p ON 1
     LEFT JOIN reconciliations r ON r.id = p.latest_id
    ORDER BY p.service_date ${dir}, p.id ${dir}`;
  const rows = prep(db, sql).all(...totalParams, ...pageParams, f.limit + 1) as PageRow[];
  const head = rows[0];
  const found = rows.filter((r) => r.id !== null);
  const more = found.length > f.limit;
  const items = found.slice(0, f.limit).map((r) => summaryOf(r, f.withDetail));
  const last = items[items.length - 1];
  const nextCursor = more && last ? Buffer.from(`${last.serviceDate}\n${last.id}`, 'utf8').toString('base64url') : null;
  const total = head?.total ?? 0;
  if (!f.withCounts) return ok({ items, total, nextCursor });
  const counts = { unconfirmed: 0, needs_review: 0, confirmed: 0, dead: 0 };
  for (const c of QueueCategory.options) counts[c] = head?.[c] ?? 0;
  return ok({ items, total, nextCursor, counts });
}

function summaryOf(r: PageRow, detail: boolean): VisitSummary {
  const s: VisitSummary = {
    id: r.id!,
    serviceDate: r.service_date,
    receivedAt: r.received_at,
    patientName: r.patient_name,
    patientKana: r.patient_kana,
    patientBirth: r.patient_birth,
    cause: r.cause,
    evidenceKind: r.evidence_kind,
    status: r.status,
    staff: r.staff,
    createdAt: r.created_at,
    decision: r.r_decision,
    needsDecision: r.r_decision === null ? [] : codesOf(r.r_needs),
    job: jobOf(r.job),
  };
  if (!detail) return s;
  s.visit = JSON.parse(r.json!) as Visit;
  s.latest = r.r_row ? reconciliationFromRow(JSON.parse(r.r_row) as ReconciliationRow) : null;
  return s;
}

/** needsDecision as recorded: a JSON array of codes (anything else counts as none). */
function codesOf(json: string): string[] {
  let codes: unknown;
  try {
    codes = JSON.parse(json);
  } catch {
    codes = [];
  }
  return Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
}

function jobOf(s: string | null): VisitSummary['job'] {
  if (s === null) return null;
  const [status, attempts, code] = s.split('\n') as [outbox.OutboxStatus, string, string];
  return { status, attempts: Number(attempts), lastErrorCode: code || null };
}
