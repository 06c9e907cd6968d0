// The durable visit journal. One SQLite file (WAL, synchronous=FULL): a visit the UI called saved survives
// a power cut. Every method that touches user data returns a Result and never throws on bad input; storage
// failures (disk full, read-only folder, I/O errors) put the store in a degraded mode that a probe leaves
// as soon as writing works again. Runs the same under Node and Electron (no `electron` import here).
import { prep } from './prep.ts';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { validate as uuidValidate, v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import {
  Visit,
  EvidenceKind,
  FailureCause,
  InsuranceNumbers,
  TerminalFinding,
  type VisitInput,
} from '../../../claims/visit.ts';
import { candidateNumbers, decideClaim, type ClaimBasis } from '../../../claims/decide.ts';
import { normalizeInsuranceNumbers } from '../../../claims/numbers.ts';
import type { ClaimError } from '../../../claims/result.ts';
import { ClaimSettings } from '../../../claims/settings.ts';
import * as audit from './audit.ts';
import { listBackups, takeBackup, type BackupInfo } from './backup.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import * as drafts from './drafts.ts';
import { findForbidden } from './forbidden.ts';
import { kanaKey } from './kana.ts';
import { LATEST_VERSION, readSchemaState, schemaVersion } from './migrations.ts';
import * as outbox from './outbox.ts';
import * as evidence from './evidence.ts';
import {
  decodeCsv,
  getPatient,
  parseFlexibleDate,
  parsePatientsCsv,
  searchPatients as searchPatientsSql,
  upsertPatient as upsertPatientSql,
  type CsvEncoding,
  type ImportReport,
  type PatientInput,
  type PatientQuery,
  type PatientRecord,
} from './patients.ts';
import { storeMessages } from './messages.ts';
import { fail, ok, storageFailure, type Result, type StoreMode } from './result.ts';
import { knownSettings, settingDefaults, SYSTEM_ACTOR, type KnownSettingKey, type StaffMember } from './settings.ts';
import { backupDir } from './paths.ts';

export const VisitStatus = z.enum(['pending', 'needs_review', 'reconciled', 'claimed', 'returned', 'void']);
export type VisitStatus = z.infer<typeof VisitStatus>;

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
}

/** The queue screen's tabs: 未確認 / 要確認 / 確認済み / 送信不可 (the visit's reconcile job is dead). */
export const QueueCategory = z.enum(['unconfirmed', 'needs_review', 'confirmed', 'dead']);
export type QueueCategory = z.infer<typeof QueueCategory>;

export const VisitFilter = z.object({
  status: z.union([VisitStatus, z.array(VisitStatus).min(1)]).optional(),
  /** Service month, YYYY-MM. */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  cause: FailureCause.optional(),
  evidenceKind: EvidenceKind.optional(),
  /** One tab of the queue screen (void visits are in none). */
  category: QueueCategory.optional(),
  /** Also count the visits of each category (same filters, category and status aside). */
  withCounts: z.boolean().default(false),
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

/** SQL for a visit's latest reconcile job status, and for each queue category (over `visits`). */
const JOB_STATUS_SQL = `(SELECT o.status FROM outbox o WHERE o.visit_id = visits.id AND o.kind = 'reconcile' ORDER BY o.id DESC LIMIT 1)`;
const CATEGORY_SQL: Record<QueueCategory, string> = {
  dead: `status NOT IN ('void', 'claimed') AND ${JOB_STATUS_SQL} = 'dead'`,
  unconfirmed: `status IN ('pending', 'returned') AND coalesce(${JOB_STATUS_SQL}, '') <> 'dead'`,
  needs_review: `status = 'needs_review'`,
  confirmed: `status IN ('reconciled', 'claimed')`,
};

export const IncidentInput = z.object({
  kind: z.enum(['outage', 'emergency_mode']),
  cause: z.string().default(''),
  startedAt: z.string().datetime({ offset: true }),
  /** システム障害時モード: the reference number the call centre gave. */
  referenceNumber: z.string().default(''),
  /** Who called the オンライン資格確認等コールセンター. */
  calledBy: z.string().default(''),
  note: z.string().default(''),
  staff: z.string().min(1),
});
export type IncidentInput = z.input<typeof IncidentInput>;

export interface Incident {
  id: string;
  kind: 'outage' | 'emergency_mode';
  cause: string;
  startedAt: string;
  endedAt: string | null;
  referenceNumber: string;
  calledBy: string;
  note: string;
  staff: string;
}

export const ReconciliationInput = z.object({
  visitId: z.string().min(1),
  /** Idempotency key; default `<visitId>:reconcile`, the outbox job's key. */
  key: z.string().min(1).optional(),
  /** ① current / ② past / ③ unknown, or none (needs staff review). */
  decision: z.enum(['current', 'past', 'unknown', 'none']),
  /** Terminal answers, the decision's reasons: kept as JSON. */
  detail: z.record(z.string(), z.unknown()).default({}),
  staff: z.string().min(1).default(SYSTEM_ACTOR),
});
export type ReconciliationInput = z.input<typeof ReconciliationInput>;

const ReviewNumbers = z.object({
  insurerNumber: z.string().max(40),
  symbol: z.string().max(60).default(''),
  number: z.string().max(60),
  branch: z.string().max(10).default(''),
});
const reviewBase = {
  visitId: z.string().min(1).max(200),
  /** Staff id or name (an active member of the staff list: reviews are never the system's). */
  staff: z.string().min(1).max(100),
  /** Why; required for choose_basis and edit_numbers. */
  reason: z.string().max(2000).default(''),
};
/** A staff decision on a visit's claim basis (事後確認 review). */
export const ReviewInput = z.discriminatedUnion('action', [
  /** Take the reconciler's proposed basis, acknowledging its needsDecision reasons. */
  z.object({ ...reviewBase, action: z.literal('accept') }),
  /** Claim on ① / ② / ③ (numbers from the visit or the terminal's answer). */
  z.object({ ...reviewBase, action: z.literal('choose_basis'), basis: z.enum(['current', 'past', 'unknown']) }),
  /** Corrected numbers (check digit verified) → ① with them. */
  z.object({ ...reviewBase, action: z.literal('edit_numbers'), numbers: ReviewNumbers }),
  /** 申立書 cases looked up by hand on the terminal (緊急時 function): found → ① with the numbers, else ③. */
  z.object({
    ...reviewBase,
    action: z.literal('manual_lookup'),
    found: z.boolean(),
    numbers: ReviewNumbers.optional(),
  }),
]);
export type ReviewInput = z.input<typeof ReviewInput>;
export type ReviewAction = ReviewInput['action'];

export interface ReviewOutcome {
  reconciliation: Reconciliation;
  /** The decision before the review (null: the visit had none). */
  before: Reconciliation['decision'] | null;
  /** Reconcile jobs closed because staff decided (pending or dead ones). */
  closedJobs: number;
}

/** The numbers a staff review recorded, when it is one with that basis. */
function reviewedNumbers(detail: Record<string, unknown>, basis: ClaimBasis): InsuranceNumbers | null {
  const review = detail.review as { basis?: unknown; numbers?: unknown } | undefined;
  if (!review || review.basis !== basis) return null;
  const n = InsuranceNumbers.safeParse(review.numbers);
  return n.success ? n.data : null;
}

function invalidNumbers(errors: ClaimError[]): Result<never> {
  return {
    ok: false,
    error: {
      code: 'REVIEW_INVALID_NUMBERS',
      message: `${storeMessages.REVIEW_INVALID_NUMBERS} ${errors.map((e) => e.message).join(' ')}`,
      issues: errors.map((e) => ({ path: `numbers.${e.field ?? ''}`, message: e.message })),
    },
  };
}

export const ReturnInput = z.object({
  visitId: z.string().min(1).max(200),
  /** The month the returned claim was made for (診療年月), YYYY-MM. */
  claimMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  /** The month whose export carries the re-claim; default: now, at least the month after claimMonth. */
  reclaimMonth: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .optional(),
  reason: z.string().trim().min(1).max(2000),
  staff: z.string().min(1).default(SYSTEM_ACTOR),
});
export type ReturnInput = z.input<typeof ReturnInput>;

export interface ClaimReturn {
  id: string;
  visitId: string;
  /** 1, 2 … per visit. */
  seq: number;
  claimMonth: string;
  reclaimMonth: string;
  reason: string;
  /** The outbox job that reopens the visit for reconciliation. */
  outboxKey: string;
  status: 'open' | 'reclaimed';
  staff: string;
  createdAt: number;
}

interface ReturnRow {
  id: string;
  visit_id: string;
  seq: number;
  claim_month: string;
  reclaim_month: string;
  reason: string;
  outbox_key: string;
  status: 'open' | 'reclaimed';
  staff: string;
  created_at: number;
}

function returnFromRow(r: ReturnRow): ClaimReturn {
  return {
    id: r.id,
    visitId: r.visit_id,
    seq: r.seq,
    claimMonth: r.claim_month,
    reclaimMonth: r.reclaim_month,
    reason: r.reason,
    outboxKey: r.outbox_key,
    status: r.status,
    staff: r.staff,
    createdAt: r.created_at,
  };
}

/** YYYY-MM of an epoch-ms instant in Japan time (claims follow the clinic's calendar). */
function monthOf(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 7);
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function laterMonth(a: string, b: string): string {
  return a > b ? a : b;
}

interface ReconciliationRow {
  id: number;
  idempotency_key: string;
  visit_id: string;
  decision: Reconciliation['decision'];
  json: string;
  staff: string;
  created_at: number;
}

function reconciliationFromRow(x: ReconciliationRow): Reconciliation {
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

export interface Reconciliation {
  id: number;
  key: string;
  visitId: string;
  decision: 'current' | 'past' | 'unknown' | 'none';
  detail: Record<string, unknown>;
  staff: string;
  createdAt: number;
}

export interface StoreHealth {
  mode: StoreMode;
  since: number | null;
  /** SQLite's code for the failure that caused the mode (help desk). */
  cause: string | null;
}

export interface CheckReport {
  dataDir: string;
  file: string;
  integrity: 'ok' | string[];
  schemaVersion: number;
  latestVersion: number;
  audit: audit.AuditVerdict;
  tables: Record<string, number>;
  outbox: Record<outbox.OutboxStatus, number>;
  health: StoreHealth;
  backups: BackupInfo[];
}

export interface StoreOptions {
  dataDir: string;
  file: string;
  appVersion: string;
  clock: () => number;
  random: () => number;
  busyTimeoutMs: number;
  checkpointIntervalMs: number;
  backupCheckIntervalMs: number;
  probeIntervalMs: number;
  outboxPolicy: Partial<outbox.OutboxPolicy>;
  /**
   * The connection is an in-memory copy of the file, because the folder could not even be opened read-only
   * (a WAL database needs its -shm file). Writes are refused outright; the probe reopens the real file.
   */
  snapshot?: boolean;
}

const TABLES = [
  'patients',
  'visits',
  'declarations',
  'outbox',
  'reconciliations',
  'returns',
  'incidents',
  'audit_log',
  'settings',
] as const;

interface VisitRow {
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

export function applyPragmas(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  try {
    db.pragma('journal_mode = WAL');
  } catch {
    // A read-only medium: the mode stays as the file says; writes are refused and reported.
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Keep the WAL file from staying huge after a burst (it is reused, not shrunk, otherwise).
  db.pragma('journal_size_limit = 8388608');
}

function zodIssues(e: z.ZodError): { path: string; message: string }[] {
  return e.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

export class Store {
  /** The open connection. Exposed for the store's own tools (CLI check, tests); others use the methods. */
  db: Database.Database;
  readonly dataDir: string;
  readonly file: string;
  private readonly opts: StoreOptions;
  private mode: StoreMode = 'ok';
  private degradedSince: number | null = null;
  private degradedCause: string | null = null;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private backupRunning: Promise<Result<BackupInfo>> | undefined;
  private listeners = new Set<(h: StoreHealth) => void>();
  private snapshot: boolean;
  private settingsCache: { db: Database.Database | null; version: number; values: Map<string, unknown> } = {
    db: null,
    version: -1,
    values: new Map(),
  };

  constructor(db: Database.Database, opts: StoreOptions) {
    this.db = db;
    this.opts = opts;
    this.dataDir = opts.dataDir;
    this.file = opts.file;
    this.snapshot = opts.snapshot === true;
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Starts the checkpoint and daily-backup schedules (timers do not keep the process alive). */
  startSchedules(): void {
    if (this.opts.checkpointIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.checkpoint('PASSIVE'), this.opts.checkpointIntervalMs).unref());
    }
    if (this.opts.backupCheckIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.backupIfDue(), this.opts.backupCheckIntervalMs).unref());
    }
  }

  /** Clean shutdown: stop schedules, fold the WAL into the main file, close. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Read-only or full disk: the WAL stays and is replayed at the next open.
    }
    try {
      this.db.close();
    } catch {
      // A backup still running holds the connection; the process is ending anyway.
    }
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---------------------------------------------------------------------------------------- health

  health(): StoreHealth {
    return { mode: this.mode, since: this.degradedSince, cause: this.degradedCause };
  }

  /** Called with the new health whenever the mode changes. Returns an unsubscribe function. */
  onHealthChange(listener: (h: StoreHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setMode(mode: StoreMode, cause: string | null): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.degradedSince = mode === 'ok' ? null : this.opts.clock();
    this.degradedCause = mode === 'ok' ? null : cause;
    if (mode === 'ok' && this.probeTimer) {
      clearInterval(this.probeTimer);
      this.probeTimer = undefined;
    }
    if (mode !== 'ok' && !this.probeTimer && this.opts.probeIntervalMs > 0 && !this.closed) {
      this.probeTimer = setInterval(() => void this.probe(), this.opts.probeIntervalMs).unref();
    }
    const h = this.health();
    for (const l of this.listeners) {
      try {
        l(h);
      } catch {
        // a listener's bug must not break the store
      }
    }
  }

  /** Marks the store degraded from outside (startup found the folder read-only). */
  markDegraded(mode: Exclude<StoreMode, 'ok'>, cause: string): void {
    this.setMode(mode, cause);
  }

  /**
   * Tries one tiny durable write. Leaves the degraded mode when it works; when it does not and the
   * connection itself may be stale (opened read-only, I/O error), reopens the connection and tries again.
   */
  probe(): Result<StoreHealth> {
    if (this.closed) return fail('STORE_CLOSED');
    const attempt = (): unknown => {
      try {
        prep(this.db, 'UPDATE health_probe SET n = n + 1, at = ? WHERE id = 1').run(this.opts.clock());
        return undefined;
      } catch (e) {
        return e;
      }
    };
    let err = this.snapshot ? Object.assign(new Error('in-memory snapshot'), { code: 'SQLITE_READONLY' }) : attempt();
    if (err !== undefined && this.classify(err)) {
      try {
        const fresh = new Database(this.file, { fileMustExist: true });
        applyPragmas(fresh, this.opts.busyTimeoutMs);
        try {
          this.db.close();
        } catch {
          // already unusable
        }
        this.db = fresh;
        this.snapshot = false;
        err = attempt();
      } catch (e) {
        err = e;
      }
    }
    if (err === undefined) {
      this.setMode('ok', null);
      return ok(this.health());
    }
    const f = this.classify(err);
    if (!f) throw err;
    this.setMode(f.mode, f.sqlite);
    return fail(f.code, `${f.sqlite}: ${(err as Error).message}`);
  }

  private classify(e: unknown): ReturnType<typeof storageFailure> {
    return storageFailure(e, () => {
      try {
        const s = statfsSync(this.dataDir);
        return s.bavail * s.bsize;
      } catch {
        return undefined;
      }
    });
  }

  /** Runs a write; storage failures become typed errors and a degraded mode, never lost data. */
  private write<T>(fn: () => Result<T>, proves = true): Result<T> {
    if (this.closed) return fail('STORE_CLOSED');
    if (this.snapshot) {
      // Never "save" into the in-memory copy: try to get the real file back first.
      const p = this.probe();
      if (!p.ok) return p;
    }
    try {
      const r = fn();
      // A committed write proves the medium takes writes again (a checkpoint does not: it only copies
      // pages the WAL already holds into a file that may not need to grow).
      if (proves && this.mode !== 'ok') this.setMode('ok', null);
      return r;
    } catch (e) {
      const f = this.classify(e);
      if (f) {
        this.setMode(f.mode, f.sqlite);
        return fail(f.code, `${f.sqlite}: ${(e as Error).message}`);
      }
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return fail('STORE_BUSY', (e as Error).message);
      throw e;
    }
  }

  private read<T>(fn: () => Result<T>): Result<T> {
    if (this.closed) return fail('STORE_CLOSED');
    try {
      return fn();
    } catch (e) {
      const f = storageFailure(e);
      if (f)
        return fail(f.code === 'STORE_DISK_FULL' ? 'STORE_IO_ERROR' : f.code, `${f.sqlite}: ${(e as Error).message}`);
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return fail('STORE_BUSY', (e as Error).message);
      throw e;
    }
  }

  // ------------------------------------------------------------------------------- checkpoints, backups

  /** Folds the WAL into the main file. Call on a schedule, at shutdown, and when the UPS reports battery. */
  checkpoint(
    mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE' = 'TRUNCATE',
  ): Result<{ busy: boolean; walFrames: number; checkpointed: number }> {
    return this.write(() => {
      const r = this.db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
      const row = r[0] ?? { busy: 0, log: 0, checkpointed: 0 };
      return ok({ busy: row.busy !== 0, walFrames: row.log, checkpointed: row.checkpointed });
    }, false);
  }

  /** Takes an online backup now and rotates old ones (keep N: setting 'backup.keep'). */
  async backup(reason = 'manual'): Promise<Result<BackupInfo>> {
    if (this.closed) return fail('STORE_CLOSED');
    if (this.backupRunning) await this.backupRunning;
    const run = (async (): Promise<Result<BackupInfo>> => {
      try {
        const info = await takeBackup(
          this.db,
          backupDir(this.dataDir),
          reason,
          this.setting('backup.keep'),
          new Date(this.opts.clock()),
        );
        return ok(info);
      } catch (e) {
        const f = this.classify(e) ?? fsFailure(e);
        if (f) return fail(f.code, `${f.sqlite}: ${(e as Error).message}`);
        throw e;
      }
    })();
    this.backupRunning = run;
    try {
      return await run;
    } finally {
      this.backupRunning = undefined;
    }
  }

  /** Takes the daily backup when the newest one is older than 'backup.intervalHours'. */
  async backupIfDue(): Promise<Result<BackupInfo | null>> {
    if (this.closed) return ok(null);
    const newest = listBackups(backupDir(this.dataDir))[0];
    const due =
      !newest || this.opts.clock() - Date.parse(newest.takenAt) >= this.setting('backup.intervalHours') * 3_600_000;
    if (!due) return ok(null);
    return this.backup('daily');
  }

  listBackups(): BackupInfo[] {
    return listBackups(backupDir(this.dataDir));
  }

  // ------------------------------------------------------------------------------------------ settings

  /**
   * Known settings, cached. The cache is dropped when this connection writes a setting, and when another
   * connection (the CLI beside the app) has committed anything (PRAGMA data_version changes).
   */
  private setting<K extends KnownSettingKey>(key: K): z.infer<(typeof knownSettings)[K]> {
    type V = z.infer<(typeof knownSettings)[K]>;
    try {
      const version = prep(this.db, 'PRAGMA data_version').pluck().get() as number;
      if (this.settingsCache.db !== this.db || this.settingsCache.version !== version) {
        this.settingsCache = { db: this.db, version, values: new Map() };
      }
      if (this.settingsCache.values.has(key)) return this.settingsCache.values.get(key) as V;
      const raw = prep(this.db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
      let value: V = settingDefaults[key];
      if (raw !== undefined) {
        const parsed = knownSettings[key].safeParse(JSON.parse(raw));
        if (parsed.success) value = parsed.data as V;
      }
      this.settingsCache.values.set(key, value);
      return value;
    } catch {
      return settingDefaults[key];
    }
  }

  getSetting(key: string): Result<unknown> {
    if (!isId(key)) return fail('INVALID_INPUT', 'setting key');
    return this.read(() => {
      if (key in knownSettings) return ok(this.setting(key as KnownSettingKey));
      const raw = prep(this.db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
      return raw === undefined ? fail('NOT_FOUND', `setting ${key}`) : ok(JSON.parse(raw) as unknown);
    });
  }

  /** Sets a setting (validated when known) and records who changed it. */
  setSetting(key: string, value: unknown, actor: string): Result<unknown> {
    if (typeof key !== 'string' || key.length === 0 || key.length > 100) return fail('INVALID_INPUT', 'setting key');
    let v = value;
    if (key in knownSettings) {
      const p = knownSettings[key as KnownSettingKey].safeParse(value);
      if (!p.success) return fail('INVALID_INPUT', `setting ${key}`, zodIssues(p.error));
      v = p.data;
    }
    if (findForbidden(v) !== undefined) return fail('FORBIDDEN_MY_NUMBER', `setting ${key}`);
    const json = JSON.stringify(v ?? null);
    return this.write(() =>
      this.db
        .transaction((): Result<unknown> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          prep(
            this.db,
            'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
          ).run(key, json, this.opts.clock());
          this.settingsCache.values.clear();
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'setting.set',
            entity: 'setting',
            entityId: key,
            detail: { sha256: sha256Hex(json) },
            at: this.iso(),
          });
          return ok(v);
        })
        .immediate(),
    );
  }

  listStaff(): StaffMember[] {
    return this.setting('staff');
  }

  /** Replaces the staff list. `actor`: an active staff member, or the system actor (setup, admin CLI). */
  setStaff(list: unknown, actor: string): Result<StaffMember[]> {
    const r = this.setSetting('staff', list, actor);
    return r.ok ? ok(r.value as StaffMember[]) : r;
  }

  /**
   * Staff ids that records refer to (visits, reconciliations, returns, incidents): such an id can be
   * deactivated or renamed, never removed from the staff list.
   */
  staffIdsInUse(): Result<string[]> {
    return this.read(() =>
      ok(
        prep(
          this.db,
          'SELECT staff FROM visits UNION SELECT staff FROM reconciliations UNION SELECT staff FROM returns UNION SELECT staff FROM incidents',
        )
          .pluck()
          .all() as string[],
      ),
    );
  }

  /** Staff id for an id or a name in the staff list; the system actor passes as itself. */
  private resolveActor(who: string): Result<string> {
    if (who === SYSTEM_ACTOR) return ok(SYSTEM_ACTOR);
    const s = this.resolveStaff(who);
    return s.ok ? ok(s.value.id) : s;
  }

  resolveStaff(who: string): Result<StaffMember> {
    const key = typeof who === 'string' ? who.normalize('NFKC').trim() : '';
    const list = this.setting('staff');
    const hit =
      list.find((s) => s.active && s.id === key) ??
      list.find((s) => s.active && s.name.normalize('NFKC').trim() === key);
    return hit ? ok(hit) : fail('UNKNOWN_STAFF', `staff "${key}" is not in the staff list`);
  }

  // -------------------------------------------------------------------------------------------- visits

  /**
   * Saves a visit: the visit row, its 申立書 (if any), its outbox 'reconcile' job and an audit entry, in one
   * transaction. Idempotent on the client-generated id: the same id with the same content returns the
   * existing visit (`created: false`); the same id with different content is VISIT_CONFLICT.
   */
  saveVisit(input: unknown): Result<SavedVisit> {
    const forbidden = findForbidden(input);
    if (forbidden !== undefined)
      return fail('FORBIDDEN_MY_NUMBER', `field ${forbidden}`, [
        { path: forbidden, message: 'My Number or PIN-like value' },
      ]);
    const parsed = Visit.safeParse(input);
    if (!parsed.success) return fail('INVALID_VISIT', 'visit does not match the Visit schema', zodIssues(parsed.error));
    const visit = parsed.data;
    if (!uuidValidate(visit.id))
      return fail('INVALID_VISIT', 'id must be a UUID (client-generated UUIDv7)', [
        { path: 'id', message: 'UUID expected' },
      ]);
    return this.write(() =>
      this.db
        .transaction((): Result<SavedVisit> => {
          const staff = this.resolveStaff(visit.staff);
          if (!staff.ok) return staff;
          return this.insertVisit(visit, staff.value.id, 'visit.create');
        })
        .immediate(),
    );
  }

  /** Inside a transaction. */
  private insertVisit(visit: Visit, staffId: string, action: string): Result<SavedVisit> {
    const json = canonicalJson(visit);
    const sha = sha256Hex(json);
    const existing = prep(this.db, 'SELECT json_sha256, created_at FROM visits WHERE id = ?').get(visit.id) as
      { json_sha256: string; created_at: number } | undefined;
    if (existing) {
      return existing.json_sha256 === sha
        ? ok({ id: visit.id, created: false, createdAt: existing.created_at })
        : fail('VISIT_CONFLICT', `visit ${visit.id} exists with different content`);
    }
    const now = this.opts.clock();
    prep(
      this.db,
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
        this.db,
        'INSERT INTO declarations (id, visit_id, declared_on, insurance_type, json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(uuidv7(), visit.id, decl.declaredOn, decl.insuranceType, canonicalJson(decl), now);
    }
    outbox.enqueue(this.db, { kind: 'reconcile', visitId: visit.id, payload: { visitId: visit.id } }, now);
    audit.appendAudit(this.db, {
      actor: staffId,
      action,
      entity: 'visit',
      entityId: visit.id,
      detail: { sha256: sha, serviceDate: visit.serviceDate, cause: visit.cause, evidenceKind: visit.evidence.kind },
      at: this.iso(now),
    });
    return ok({ id: visit.id, created: true, createdAt: now });
  }

  /** Re-saves visits read from a damaged file (startup salvage). Skips ids already present. */
  salvageVisits(visits: unknown[]): number {
    let n = 0;
    this.db
      .transaction(() => {
        for (const v of visits) {
          const p = Visit.safeParse(v);
          if (!p.success || findForbidden(v) !== undefined) continue;
          if (prep(this.db, 'SELECT 1 FROM visits WHERE id = ?').get(p.data.id)) continue;
          const r = this.insertVisit(p.data, p.data.staff, 'visit.salvage');
          if (r.ok && r.value.created) n++;
        }
      })
      .immediate();
    return n;
  }

  getVisit(id: string): Result<StoredVisit> {
    if (!isId(id)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => {
      const r = prep(this.db, 'SELECT * FROM visits WHERE id = ?').get(id) as VisitRow | undefined;
      if (!r) return fail('NOT_FOUND', `visit ${id}`);
      return ok({
        visit: JSON.parse(r.json) as Visit,
        status: r.status,
        staff: r.staff,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    });
  }

  /** The 事後確認 queue: filter by status, service month or dates, cause, evidence kind; keyset-paginated. */
  listVisits(filter: VisitFilter = {}): Result<VisitPage> {
    const p = VisitFilter.safeParse(filter);
    if (!p.success) return fail('INVALID_INPUT', 'visit filter', zodIssues(p.error));
    const f = p.data;
    return this.read(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.status !== undefined) {
        const list = Array.isArray(f.status) ? f.status : [f.status];
        where.push(`status IN (${list.map(() => '?').join(', ')})`);
        params.push(...list);
      }
      if (f.month) {
        where.push('service_date >= ? AND service_date <= ?');
        params.push(`${f.month}-00`, `${f.month}-99`);
      }
      if (f.from) {
        where.push('service_date >= ?');
        params.push(f.from);
      }
      if (f.to) {
        where.push('service_date <= ?');
        params.push(f.to);
      }
      if (f.cause) {
        where.push('cause = ?');
        params.push(f.cause);
      }
      if (f.evidenceKind) {
        where.push('evidence_kind = ?');
        params.push(f.evidenceKind);
      }
      let counts: Record<QueueCategory, number> | undefined;
      if (f.withCounts) {
        const base = where.filter((w) => !w.startsWith('status IN'));
        const baseParams =
          f.status === undefined ? params : params.slice(Array.isArray(f.status) ? f.status.length : 1);
        const cols = QueueCategory.options.map((c) => `sum(CASE WHEN ${CATEGORY_SQL[c]} THEN 1 ELSE 0 END) AS ${c}`);
        const row = prep(
          this.db,
          `SELECT ${cols.join(', ')} FROM visits ${base.length ? `WHERE ${base.join(' AND ')}` : ''}`,
        ).get(...baseParams) as Record<QueueCategory, number | null>;
        counts = { unconfirmed: 0, needs_review: 0, confirmed: 0, dead: 0 };
        for (const c of QueueCategory.options) counts[c] = row[c] ?? 0;
      }
      if (f.category) where.push(`(${CATEGORY_SQL[f.category]})`);
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = prep(this.db, `SELECT count(*) FROM visits ${whereSql}`)
        .pluck()
        .get(...params) as number;
      const page = [...where];
      const pageParams = [...params];
      if (f.cursor) {
        const [date, id] = Buffer.from(f.cursor, 'base64url').toString('utf8').split('\n');
        if (!date || !id) return fail('INVALID_INPUT', 'cursor');
        page.push(`(service_date, id) ${f.order === 'asc' ? '>' : '<'} (?, ?)`);
        pageParams.push(date, id);
      }
      const dir = f.order === 'asc' ? 'ASC' : 'DESC';
      const rows = prep(
        this.db,
        `SELECT id, service_date, received_at, patient_name, patient_kana, patient_birth, cause, evidence_kind, status, staff, created_at,
                (SELECT r.decision || char(10) || coalesce(json_extract(r.json, '$.needsDecision'), '[]') FROM reconciliations r
                  WHERE r.visit_id = visits.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS latest,
                (SELECT o.status || char(10) || o.attempts || char(10) || coalesce(o.last_error_code, '') FROM outbox o
                  WHERE o.visit_id = visits.id AND o.kind = 'reconcile' ORDER BY o.id DESC LIMIT 1) AS job
           FROM visits ${page.length ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY service_date ${dir}, id ${dir} LIMIT ?`,
      ).all(...pageParams, f.limit + 1) as (VisitRow & { latest: string | null; job: string | null })[];
      const more = rows.length > f.limit;
      const items = rows.slice(0, f.limit).map((r): VisitSummary => ({
        id: r.id,
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
        ...latestOf(r.latest),
        job: jobOf(r.job),
      }));
      const last = items[items.length - 1];
      const nextCursor =
        more && last ? Buffer.from(`${last.serviceDate}\n${last.id}`, 'utf8').toString('base64url') : null;
      return ok(counts ? { items, total, nextCursor, counts } : { items, total, nextCursor });
    });
  }

  /** Moves a visit along the 事後確認 states, with an audit entry naming who and why. */
  setVisitStatus(id: string, status: VisitStatus, actor: string, reason = ''): Result<VisitStatus> {
    if (!isId(id) || typeof reason !== 'string') return fail('INVALID_INPUT', 'visit id / reason');
    if (findForbidden(reason) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'reason');
    const s = VisitStatus.safeParse(status);
    if (!s.success) return fail('INVALID_INPUT', 'visit status', zodIssues(s.error));
    return this.write(() =>
      this.db
        .transaction((): Result<VisitStatus> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          const prev = prep(this.db, 'SELECT status FROM visits WHERE id = ?').pluck().get(id) as
            VisitStatus | undefined;
          if (prev === undefined) return fail('NOT_FOUND', `visit ${id}`);
          if (prev === s.data) return ok(prev);
          prep(this.db, 'UPDATE visits SET status = ?, updated_at = ? WHERE id = ?').run(s.data, this.opts.clock(), id);
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'visit.status',
            entity: 'visit',
            entityId: id,
            detail: { from: prev, to: s.data, reason },
            at: this.iso(),
          });
          return ok(s.data);
        })
        .immediate(),
    );
  }

  // ------------------------------------------------------------------------------------------- outbox

  private policy(): outbox.OutboxPolicy {
    return { ...outbox.DEFAULT_OUTBOX_POLICY, ...this.setting('outbox.policy'), ...this.opts.outboxPolicy };
  }

  /** Claims due jobs with a lease (expired leases are reclaimable: at-least-once). */
  claimOutbox(opts: { limit?: number; kinds?: string[]; leaseMs?: number } = {}): Result<outbox.OutboxJob[]> {
    const o = ClaimOptions.safeParse(opts ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'claim options', zodIssues(o.error));
    opts = o.data;
    return this.write(() => {
      const claimOpts: Parameters<typeof outbox.claim>[1] = {
        now: this.opts.clock(),
        limit: opts.limit ?? 10,
        leaseMs: opts.leaseMs ?? this.policy().leaseMs,
      };
      if (opts.kinds) claimOpts.kinds = opts.kinds;
      return ok(outbox.claim(this.db, claimOpts));
    });
  }

  /** Marks a claimed job done. LEASE_LOST when the lease expired and another consumer took it. */
  completeOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.write(() =>
      this.db
        .transaction((): Result<outbox.OutboxJob> => {
          const c = outbox.checkLease(this.db, id, leaseToken);
          if (!c.ok) return fail(c.reason === 'not_found' ? 'NOT_FOUND' : 'LEASE_LOST', `outbox ${id}`);
          return ok(outbox.markDone(this.db, id, this.opts.clock()));
        })
        .immediate(),
    );
  }

  /**
   * Records a failed attempt. Transient failures are retried with exponential backoff and jitter; permanent
   * ones, and transient ones past the attempt cap, make the job 'dead' (listed for staff).
   */
  failOutbox(
    id: number,
    leaseToken: string,
    failure: { permanent: boolean; code: string; message: string },
  ): Result<outbox.OutboxJob> {
    const fv = FailureSchema.safeParse(failure);
    if (!Number.isSafeInteger(id) || !isId(leaseToken) || !fv.success) return fail('INVALID_INPUT', 'outbox failure');
    return this.write(() =>
      this.db
        .transaction((): Result<outbox.OutboxJob> => {
          const c = outbox.checkLease(this.db, id, leaseToken);
          if (!c.ok) return fail(c.reason === 'not_found' ? 'NOT_FOUND' : 'LEASE_LOST', `outbox ${id}`);
          const job = outbox.markFailed(this.db, c.row, failure, this.policy(), this.opts.clock(), this.opts.random);
          if (job.status === 'dead') {
            audit.appendAudit(this.db, {
              actor: SYSTEM_ACTOR,
              action: 'outbox.dead',
              entity: 'outbox',
              entityId: String(id),
              detail: {
                key: job.idempotencyKey,
                attempts: job.attempts,
                code: failure.code,
                permanent: failure.permanent,
              },
              at: this.iso(),
            });
          }
          return ok(job);
        })
        .immediate(),
    );
  }

  /**
   * Gives back a job claimed but not worked (the reconciler stopped or paused before it): pending and due at once,
   * the claim not counted as an attempt. Lease-checked (LEASE_LOST when another consumer holds it or it is done or
   * dead) and idempotent: releasing a job that is already pending changes nothing. No audit entry (no decision).
   */
  releaseOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.write(() =>
      this.db
        .transaction((): Result<outbox.OutboxJob> => {
          const c = outbox.checkLease(this.db, id, leaseToken);
          if (c.ok) return ok(outbox.release(this.db, id, this.opts.clock()));
          if (c.reason === 'not_found') return fail('NOT_FOUND', `outbox ${id}`);
          const job = outbox.get(this.db, id);
          if (job?.status === 'pending') return ok(job); // released before: nothing to do
          return fail('LEASE_LOST', `outbox ${id}`);
        })
        .immediate(),
    );
  }

  /** Staff put a dead job back in the queue. */
  requeueOutbox(id: number, actor: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id)) return fail('INVALID_INPUT', 'outbox id');
    return this.write(() =>
      this.db
        .transaction((): Result<outbox.OutboxJob> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          const job = outbox.requeue(this.db, id, this.opts.clock());
          if (!job) return fail('NOT_FOUND', `dead outbox job ${id}`);
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'outbox.requeue',
            entity: 'outbox',
            entityId: String(id),
            detail: { key: job.idempotencyKey },
            at: this.iso(),
          });
          return ok(job);
        })
        .immediate(),
    );
  }

  /** For the staff-visible queue screen: jobs (by status) and counts by status. */
  listOutbox(
    opts: { status?: outbox.OutboxStatus; limit?: number; offset?: number } = {},
  ): Result<{ jobs: outbox.OutboxJob[]; counts: Record<outbox.OutboxStatus, number> }> {
    const o = z
      .object({
        status: z.enum(outbox.OUTBOX_STATUSES as [outbox.OutboxStatus, ...outbox.OutboxStatus[]]).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .safeParse(opts ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'outbox query', zodIssues(o.error));
    const q: { status?: outbox.OutboxStatus; limit?: number; offset?: number } = o.data;
    return this.read(() => ok({ jobs: outbox.list(this.db, q), counts: outbox.counts(this.db) }));
  }

  // ---------------------------------------------------------------------------------- reconciliations

  /** Records a reconciliation answer and moves the visit on. Idempotent on `key`. */
  recordReconciliation(input: ReconciliationInput): Result<Reconciliation & { created: boolean }> {
    const p = ReconciliationInput.safeParse(input);
    if (!p.success) return fail('INVALID_INPUT', 'reconciliation', zodIssues(p.error));
    const r = p.data;
    if (findForbidden(r.detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'reconciliation detail');
    const key = r.key ?? outbox.idempotencyKey(r.visitId, 'reconcile');
    return this.write(() =>
      this.db
        .transaction((): Result<Reconciliation & { created: boolean }> => {
          const who = this.resolveActor(r.staff);
          if (!who.ok) return who;
          const existing = prep(this.db, 'SELECT * FROM reconciliations WHERE idempotency_key = ?').get(key) as
            ReconciliationRow | undefined;
          if (existing) return ok({ ...reconciliationFromRow(existing), created: false });
          if (!prep(this.db, 'SELECT 1 FROM visits WHERE id = ?').get(r.visitId))
            return fail('NOT_FOUND', `visit ${r.visitId}`);
          const now = this.opts.clock();
          const info = prep(
            this.db,
            'INSERT INTO reconciliations (idempotency_key, visit_id, decision, json, staff, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(key, r.visitId, r.decision, canonicalJson(r.detail), who.value, now);
          const status: VisitStatus = r.decision === 'none' ? 'needs_review' : 'reconciled';
          prep(this.db, 'UPDATE visits SET status = ?, updated_at = ? WHERE id = ?').run(status, now, r.visitId);
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'visit.reconcile',
            entity: 'visit',
            entityId: r.visitId,
            detail: { decision: r.decision, key },
            at: this.iso(now),
          });
          return ok({
            id: Number(info.lastInsertRowid),
            key,
            visitId: r.visitId,
            decision: r.decision,
            detail: r.detail,
            staff: who.value,
            createdAt: now,
            created: true,
          });
        })
        .immediate(),
    );
  }

  listReconciliations(visitId: string): Result<Reconciliation[]> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() =>
      ok(
        (
          prep(this.db, 'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY created_at, id').all(
            visitId,
          ) as ReconciliationRow[]
        ).map(reconciliationFromRow),
      ),
    );
  }

  /** The newest reconciliation of a visit (what exports use), or null when it has none yet. */
  latestReconciliation(visitId: string): Result<Reconciliation | null> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => {
      const x = prep(
        this.db,
        'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      ).get(visitId) as ReconciliationRow | undefined;
      return ok(x ? reconciliationFromRow(x) : null);
    });
  }

  /** The reconciliation recorded under an idempotency key (an outbox job's key), or null. */
  reconciliationByKey(key: string): Result<Reconciliation | null> {
    if (!isId(key)) return fail('INVALID_INPUT', 'reconciliation key');
    return this.read(() => {
      const x = prep(this.db, 'SELECT * FROM reconciliations WHERE idempotency_key = ?').get(key) as
        ReconciliationRow | undefined;
      return ok(x ? reconciliationFromRow(x) : null);
    });
  }

  // ------------------------------------------------------------------------------------------ staff review

  /**
   * Records a staff member's decision on a visit's claim basis (事後確認 review) as a new reconciliation row
   * (`<visit id>:review:<uuidv7>`), with an audit entry 'visit.review' (action, reason, before/after), and moves
   * the visit to 'reconciled'. The visit's reconcile jobs still waiting (pending or dead) are closed: staff have
   * decided. Bad input is refused with a code and a Japanese message, and nothing changes.
   */
  /** The visit's latest 'reconcile' outbox job (attempts, last error), or null. */
  visitJob(visitId: string): Result<outbox.OutboxJob | null> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => {
      const row = prep(
        this.db,
        `SELECT * FROM outbox WHERE visit_id = ? AND kind = 'reconcile' ORDER BY id DESC LIMIT 1`,
      ).get(visitId) as Parameters<typeof outbox.rowToJob>[0] | undefined;
      return ok(row ? outbox.rowToJob(row) : null);
    });
  }

  reviewVisit(input: ReviewInput): Result<ReviewOutcome> {
    const forbidden = findForbidden(input);
    if (forbidden !== undefined) return fail('FORBIDDEN_MY_NUMBER', `field ${forbidden}`);
    const p = ReviewInput.safeParse(input);
    if (!p.success) return fail('INVALID_INPUT', 'review', zodIssues(p.error));
    const r = p.data;
    const reason = r.reason.normalize('NFKC').trim();
    if ((r.action === 'choose_basis' || r.action === 'edit_numbers') && reason === '')
      return fail('REVIEW_REASON_REQUIRED', 'reason', [
        { path: 'reason', message: storeMessages.REVIEW_REASON_REQUIRED },
      ]);
    let typed: InsuranceNumbers | null = null;
    if (r.action === 'edit_numbers' || (r.action === 'manual_lookup' && r.found)) {
      if (!r.numbers) return invalidNumbers([{ code: 'NUMBER_EMPTY', message: storeMessages.REVIEW_INVALID_NUMBERS }]);
      const n = normalizeInsuranceNumbers(r.numbers);
      if (!n.ok) return invalidNumbers(n.errors);
      typed = n.value;
    }
    return this.write(() =>
      this.db
        .transaction((): Result<ReviewOutcome> => {
          const who = this.resolveStaff(r.staff);
          if (!who.ok) return who;
          const staffId = who.value.id;
          const row = prep(this.db, 'SELECT status, json FROM visits WHERE id = ?').get(r.visitId) as
            { status: VisitStatus; json: string } | undefined;
          if (!row) return fail('NOT_FOUND', `visit ${r.visitId}`);
          if (row.status === 'claimed' || row.status === 'void') return fail('REVIEW_NOT_ALLOWED', row.status);
          const visit = JSON.parse(row.json) as Visit;
          const latestRow = prep(
            this.db,
            'SELECT * FROM reconciliations WHERE visit_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
          ).get(r.visitId) as ReconciliationRow | undefined;
          const latest = latestRow ? reconciliationFromRow(latestRow) : null;
          const found = TerminalFinding.safeParse(latest?.detail.finding);
          const finding = found.success ? found.data : undefined;
          const settings = ClaimSettings.parse(this.setting('claims'));
          const proposed = decideClaim(visit, settings, finding);

          let basis: ClaimBasis;
          if (r.action === 'accept') {
            if (!latest) return fail('REVIEW_NOTHING_TO_ACCEPT', `visit ${r.visitId}`);
            const recorded = latest.detail.basis;
            basis =
              latest.decision !== 'none'
                ? latest.decision
                : recorded === 'current' || recorded === 'past' || recorded === 'unknown'
                  ? recorded
                  : proposed.basis;
          } else if (r.action === 'choose_basis') basis = r.basis;
          else if (r.action === 'edit_numbers') basis = 'current';
          else basis = r.found ? 'current' : 'unknown';

          let numbers: InsuranceNumbers | null = null;
          if (basis !== 'unknown') {
            numbers = typed ?? (latest ? reviewedNumbers(latest.detail, basis) : null);
            if (!numbers && proposed.basis === basis) {
              numbers = {
                insurerNumber: proposed.ho.insurerNumber,
                symbol: proposed.ho.symbol,
                number: proposed.ho.number,
                branch: proposed.sn.branch,
              };
            }
            numbers ??= candidateNumbers(visit, finding)[basis];
            if (!numbers) return fail('REVIEW_NO_NUMBERS', `visit ${r.visitId} basis ${basis}`);
          }
          const acknowledged = [
            ...new Set([
              ...(Array.isArray(latest?.detail.needsDecision) ? (latest.detail.needsDecision as unknown[]) : []),
              ...proposed.needsDecision.map((n) => n.code),
            ]),
          ].filter((c): c is string => typeof c === 'string');
          const after = decideClaim(visit, settings, finding, { basis, numbers });
          const key = `${r.visitId}:review:${uuidv7()}`;
          const now = this.opts.clock();
          const review = {
            action: r.action,
            reason,
            basis,
            numbers,
            acknowledged,
            ...(r.action === 'manual_lookup' ? { found: r.found } : {}),
            previous: { decision: latest?.decision ?? null, key: latest?.key ?? null },
          };
          const detail: Record<string, unknown> = {
            review,
            finding: finding ?? null,
            basis,
            rule: after.rule,
            needsDecision: after.needsDecision.map((n) => n.code),
            warnings: after.warnings.map((w) => w.code),
          };
          if (findForbidden(detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'review detail');
          const info = prep(
            this.db,
            'INSERT INTO reconciliations (idempotency_key, visit_id, decision, json, staff, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          ).run(key, r.visitId, basis, canonicalJson(detail), staffId, now);
          prep(this.db, `UPDATE visits SET status = 'reconciled', updated_at = ? WHERE id = ?`).run(now, r.visitId);
          const closed = prep(
            this.db,
            `UPDATE outbox SET status = 'done', done_at = ?, updated_at = ?, lease_until = NULL, lease_token = NULL
              WHERE visit_id = ? AND kind = 'reconcile' AND status IN ('pending', 'dead') RETURNING idempotency_key`,
          )
            .pluck()
            .all(now, now, r.visitId) as string[];
          audit.appendAudit(this.db, {
            actor: staffId,
            action: 'visit.review',
            entity: 'visit',
            entityId: r.visitId,
            detail: {
              action: r.action,
              reason,
              before: latest?.decision ?? null,
              after: basis,
              from: row.status,
              key,
              acknowledged,
              ...(closed.length ? { closedJobs: closed.map((k) => k.slice(r.visitId.length)) } : {}),
            },
            at: this.iso(now),
          });
          return ok({
            reconciliation: {
              id: Number(info.lastInsertRowid),
              key,
              visitId: r.visitId,
              decision: basis,
              detail,
              staff: staffId,
              createdAt: now,
            },
            before: latest?.decision ?? null,
            closedJobs: closed.length,
          });
        })
        .immediate(),
    );
  }

  // ------------------------------------------------------------------------- answer evidence (reconciler)

  /**
   * Records a reconciliation together with the terminal answer it was decided on (archived: migration 3) in one
   * transaction: a decision is never kept without its evidence, nor evidence without its decision.
   */
  recordReconciliationWithEvidence(
    input: ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Result<Reconciliation & { created: boolean }> {
    return this.write(() => this.db.transaction(() => this.reconcileWithEvidence(input, answer)).immediate());
  }

  private reconcileWithEvidence(
    input: ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Result<Reconciliation & { created: boolean }> {
    const r = this.recordReconciliation(input); // nested: a savepoint of the caller's transaction
    if (!r.ok || !answer) return r;
    evidence.archive(this.db, { visitId: r.value.visitId, key: r.value.key }, answer, this.opts.clock());
    return r;
  }

  /**
   * A batch of reconciliations (一括照会), one transaction: each is recorded with its evidence and its outbox job
   * completed together, so a crash leaves every item either applied and done or not applied and still leased.
   * Per item: the reconciliation's failure (not recorded, job untouched) or whether the job could be completed
   * (false: the lease was lost; the reconciliation stands, its key makes a redelivery apply nothing again).
   */
  reconcileBatch(
    items: {
      jobId: number;
      leaseToken: string;
      reconciliation: ReconciliationInput;
      evidence?: evidence.AnswerEvidenceInput;
    }[],
  ): Result<evidence.BatchItemResult[]> {
    if (!Array.isArray(items)) return fail('INVALID_INPUT', 'reconciliation batch');
    return this.write(() =>
      this.db
        .transaction(() => {
          const out: evidence.BatchItemResult[] = [];
          for (const it of items) {
            const r = this.reconcileWithEvidence(it.reconciliation, it.evidence);
            if (!r.ok) {
              out.push({ ok: false, error: r.error });
              continue;
            }
            const lease = outbox.checkLease(this.db, it.jobId, it.leaseToken);
            if (lease.ok) outbox.markDone(this.db, it.jobId, this.opts.clock());
            out.push({ ok: true, key: r.value.key, created: r.value.created, completed: lease.ok });
          }
          return ok(out);
        })
        .immediate(),
    );
  }

  /** Due jobs of these kinds, counted up to `cap` (cheap at any backlog size: the reconciler asks per batch). */
  countDueOutbox(opts: { kinds?: string[]; cap: number }): Result<number> {
    if (!Number.isSafeInteger(opts?.cap) || opts.cap < 1) return fail('INVALID_INPUT', 'cap');
    return this.read(() =>
      ok(
        outbox.dueCount(this.db, {
          now: this.opts.clock(),
          cap: opts.cap,
          ...(opts.kinds ? { kinds: opts.kinds } : {}),
        }),
      ),
    );
  }

  /** The archived answers of a visit (metadata; the bytes by readAnswerEvidence). */
  listAnswerEvidence(visitId: string): Result<evidence.AnswerEvidence[]> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => ok(evidence.list(this.db, visitId)));
  }

  /** An archived answer's raw bytes, byte-identical to the file the terminal wrote (checked by its sha256). */
  readAnswerEvidence(sha256: string): Result<Buffer> {
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return fail('INVALID_INPUT', 'sha256');
    return this.read(() => {
      const b = evidence.read(this.db, sha256);
      if (b === 'missing') return fail('NOT_FOUND', `answer ${sha256}`);
      if (b === 'corrupt') return fail('STORE_IO_ERROR', `answer ${sha256} no longer matches its sha256`);
      return ok(b);
    });
  }

  // ------------------------------------------------------------------------------------ returns (返戻)

  /**
   * Records a returned claim: the visit goes to 'returned', a new 'reconcile' outbox job
   * (`<visit id>:reconcile:r<n>`) reopens it, and it is re-claimed in `reclaimMonth`'s export (default: the
   * current month, at least the month after the original claim).
   */
  addReturn(input: ReturnInput): Result<ClaimReturn> {
    const p = ReturnInput.safeParse(input);
    if (!p.success) return fail('INVALID_INPUT', 'return', zodIssues(p.error));
    const r = p.data;
    if (findForbidden(r) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'return');
    const now = this.opts.clock();
    const reclaimMonth = r.reclaimMonth ?? laterMonth(monthOf(now), nextMonth(r.claimMonth));
    if (reclaimMonth <= r.claimMonth)
      return fail('INVALID_INPUT', 'reclaimMonth must be after claimMonth', [
        { path: 'reclaimMonth', message: 'must be after claimMonth' },
      ]);
    return this.write(() =>
      this.db
        .transaction((): Result<ClaimReturn> => {
          const who = this.resolveActor(r.staff);
          if (!who.ok) return who;
          const prev = prep(this.db, 'SELECT status FROM visits WHERE id = ?').pluck().get(r.visitId) as
            VisitStatus | undefined;
          if (prev === undefined) return fail('NOT_FOUND', `visit ${r.visitId}`);
          const seq =
            ((prep(this.db, 'SELECT max(seq) FROM returns WHERE visit_id = ?').pluck().get(r.visitId) as
              number | null) ?? 0) + 1;
          const id = uuidv7();
          const key = `${outbox.idempotencyKey(r.visitId, 'reconcile')}:r${seq}`;
          prep(
            this.db,
            `INSERT INTO returns (id, visit_id, seq, claim_month, reclaim_month, reason, outbox_key, status, staff, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`,
          ).run(id, r.visitId, seq, r.claimMonth, reclaimMonth, r.reason, key, who.value, now, now);
          prep(this.db, `UPDATE visits SET status = 'returned', updated_at = ? WHERE id = ?`).run(now, r.visitId);
          outbox.enqueue(
            this.db,
            { kind: 'reconcile', visitId: r.visitId, key, payload: { visitId: r.visitId, returnId: id } },
            now,
          );
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'visit.return',
            entity: 'visit',
            entityId: r.visitId,
            detail: { returnId: id, seq, claimMonth: r.claimMonth, reclaimMonth, from: prev, key },
            at: this.iso(now),
          });
          return ok(returnFromRow(prep(this.db, 'SELECT * FROM returns WHERE id = ?').get(id) as ReturnRow));
        })
        .immediate(),
    );
  }

  /** Returns, oldest first: all, only open ones (not yet in a re-claim export), or one re-claim month's. */
  listReturns(opts: { open?: boolean; reclaimMonth?: string; visitId?: string } = {}): Result<ClaimReturn[]> {
    const o = z
      .object({
        open: z.boolean().optional(),
        reclaimMonth: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
          .optional(),
        visitId: z.string().min(1).max(200).optional(),
      })
      .safeParse(opts ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'returns query', zodIssues(o.error));
    const q = o.data;
    return this.read(() => {
      const where: string[] = [];
      const params: string[] = [];
      if (q.open) where.push(`status = 'open'`);
      if (q.reclaimMonth) {
        where.push('reclaim_month = ?');
        params.push(q.reclaimMonth);
      }
      if (q.visitId) {
        where.push('visit_id = ?');
        params.push(q.visitId);
      }
      const rows = prep(
        this.db,
        `SELECT * FROM returns ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
      ).all(...params) as ReturnRow[];
      return ok(rows.map(returnFromRow));
    });
  }

  /** Marks returns as re-claimed (their re-claim export was written). Idempotent. */
  markReturnsReclaimed(ids: string[], actor: string): Result<number> {
    if (!Array.isArray(ids) || !ids.every(isId)) return fail('INVALID_INPUT', 'return ids');
    return this.write(() =>
      this.db
        .transaction((): Result<number> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          let n = 0;
          const now = this.opts.clock();
          for (const id of ids) {
            const row = prep(
              this.db,
              `UPDATE returns SET status = 'reclaimed', updated_at = ? WHERE id = ? AND status = 'open' RETURNING visit_id, reclaim_month`,
            ).get(now, id) as { visit_id: string; reclaim_month: string } | undefined;
            if (!row) continue;
            n++;
            audit.appendAudit(this.db, {
              actor: who.value,
              action: 'return.reclaimed',
              entity: 'visit',
              entityId: row.visit_id,
              detail: { returnId: id, reclaimMonth: row.reclaim_month },
              at: this.iso(now),
            });
          }
          return ok(n);
        })
        .immediate(),
    );
  }

  // ----------------------------------------------------------------------------------------- incidents

  /** Records an outage or a システム障害時モード activation (time, reference number, who called). */
  openIncident(input: IncidentInput): Result<Incident> {
    const p = IncidentInput.safeParse(input);
    if (!p.success) return fail('INVALID_INPUT', 'incident', zodIssues(p.error));
    const i = p.data;
    const forbidden = findForbidden(i);
    if (forbidden !== undefined) return fail('FORBIDDEN_MY_NUMBER', `incident ${forbidden}`);
    return this.write(() =>
      this.db
        .transaction((): Result<Incident> => {
          const who = this.resolveActor(i.staff);
          if (!who.ok) return who;
          const id = uuidv7();
          const now = this.opts.clock();
          prep(
            this.db,
            `INSERT INTO incidents (id, kind, cause, started_at, ended_at, reference_number, called_by, note, staff, created_at, updated_at)
             VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
          ).run(id, i.kind, i.cause, i.startedAt, i.referenceNumber, i.calledBy, i.note, who.value, now, now);
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'incident.open',
            entity: 'incident',
            entityId: id,
            detail: { kind: i.kind, cause: i.cause },
            at: this.iso(now),
          });
          return ok({
            id,
            kind: i.kind,
            cause: i.cause,
            startedAt: i.startedAt,
            endedAt: null,
            referenceNumber: i.referenceNumber,
            calledBy: i.calledBy,
            note: i.note,
            staff: who.value,
          });
        })
        .immediate(),
    );
  }

  closeIncident(id: string, endedAt: string, actor: string, cause?: string): Result<Incident> {
    if (!isId(id) || (cause !== undefined && typeof cause !== 'string'))
      return fail('INVALID_INPUT', 'incident id / cause');
    if (!z.string().datetime({ offset: true }).safeParse(endedAt).success) return fail('INVALID_INPUT', 'endedAt');
    if (findForbidden(cause) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'incident cause');
    return this.write(() =>
      this.db
        .transaction((): Result<Incident> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          const row = prep(
            this.db,
            `UPDATE incidents SET ended_at = ?, cause = coalesce(?, cause), updated_at = ? WHERE id = ? RETURNING *`,
          ).get(endedAt, cause ?? null, this.opts.clock(), id) as IncidentRow | undefined;
          if (!row) return fail('NOT_FOUND', `incident ${id}`);
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'incident.close',
            entity: 'incident',
            entityId: id,
            detail: { endedAt },
            at: this.iso(),
          });
          return ok(incidentFromRow(row));
        })
        .immediate(),
    );
  }

  listIncidents(opts: { from?: string; to?: string } = {}): Result<Incident[]> {
    const o = z.object({ from: z.string().optional(), to: z.string().optional() }).safeParse(opts ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'incident range', zodIssues(o.error));
    opts = o.data;
    return this.read(() => {
      const rows = prep(
        this.db,
        `SELECT * FROM incidents WHERE started_at >= ? AND started_at <= ? ORDER BY started_at`,
      ).all(opts.from ?? '', opts.to ?? '\u{10FFFF}') as IncidentRow[];
      return ok(rows.map(incidentFromRow));
    });
  }

  /**
   * The visits taken under each incident (for the 利用報告書): received while it was open (instants compared as
   * instants, whatever the offsets) or recorded with evidence.incidentRef = its id; void visits left out.
   * Counts by evidence kind, per incident id; incidents without visits are absent.
   */
  countVisitsByIncident(ids: readonly string[]): Result<Record<string, Record<string, number>>> {
    const o = z.array(z.string().min(1).max(64)).max(1000).safeParse(ids);
    if (!o.success) return fail('INVALID_INPUT', 'incident ids', zodIssues(o.error));
    return this.read(() => {
      const rows = prep(
        this.db,
        `SELECT i.id AS incident, v.evidence_kind AS kind, count(*) AS n
           FROM incidents i
           JOIN visits v
             ON json_extract(v.json, '$.evidence.incidentRef') = i.id
             OR (julianday(v.received_at) >= julianday(i.started_at)
                 AND (i.ended_at IS NULL OR julianday(v.received_at) <= julianday(i.ended_at)))
          WHERE i.id IN (SELECT value FROM json_each(?)) AND v.status <> 'void'
          GROUP BY i.id, v.evidence_kind`,
      ).all(JSON.stringify(o.data)) as { incident: string; kind: string; n: number }[];
      const out: Record<string, Record<string, number>> = {};
      for (const r of rows) (out[r.incident] ??= {})[r.kind] = r.n;
      return ok(out);
    });
  }

  // ------------------------------------------------------------------------------------------ patients

  searchPatients(q: PatientQuery): Result<PatientRecord[]> {
    const o = z
      .object({
        name: z.string().max(200).optional(),
        birthDate: z.string().max(40).optional(),
        limit: z.number().optional(),
      })
      .safeParse(q ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'patient query', zodIssues(o.error));
    q = o.data;
    const key = typeof q.name === 'string' ? kanaKey(q.name) : '';
    let birth: string | undefined;
    if (q.birthDate !== undefined && q.birthDate.trim() !== '') {
      birth = parseFlexibleDate(q.birthDate);
      if (!birth) return fail('INVALID_INPUT', 'birthDate', [{ path: 'birthDate', message: 'unreadable date' }]);
    }
    if (!key && !birth) return fail('INVALID_INPUT', 'name or birthDate required');
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 50)), 500);
    return this.read(() => {
      const args: { key?: string; birthDate?: string; limit: number } = { limit };
      if (key) args.key = key;
      if (birth) args.birthDate = birth;
      return ok(searchPatientsSql(this.db, args));
    });
  }

  getPatient(id: string): Result<PatientRecord> {
    if (!isId(id)) return fail('INVALID_INPUT', 'patient id');
    return this.read(() => {
      const p = getPatient(this.db, id);
      return p ? ok(p) : fail('NOT_FOUND', `patient ${id}`);
    });
  }

  upsertPatient(p: PatientInput, actor: string): Result<{ id: string; action: 'inserted' | 'updated' }> {
    const shape = PatientInputSchema.safeParse(p);
    if (!shape.success) return fail('INVALID_INPUT', 'patient', zodIssues(shape.error));
    if (findForbidden(p) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'patient');
    if (!p || typeof p.name !== 'string' || !p.name.trim() || !parseFlexibleDate(String(p.birthDate)))
      return fail('INVALID_INPUT', 'patient name/birthDate');
    return this.write(() =>
      this.db
        .transaction((): Result<{ id: string; action: 'inserted' | 'updated' }> => {
          const who = this.resolveActor(actor);
          if (!who.ok) return who;
          const r = upsertPatientSql(this.db, { ...p, birthDate: parseFlexibleDate(p.birthDate)! }, this.opts.clock());
          audit.appendAudit(this.db, {
            actor: who.value,
            action: `patient.${r.action === 'inserted' ? 'create' : 'update'}`,
            entity: 'patient',
            entityId: r.id,
            at: this.iso(),
          });
          return ok(r);
        })
        .immediate(),
    );
  }

  /**
   * Imports a レセコン patients CSV (layout: docs/store.md). Each row is its own savepoint: a bad row is
   * reported (row number, code, Japanese message) and never half-imported; good rows are kept.
   */
  importPatientsCsv(data: Buffer, opts: { encoding?: CsvEncoding; actor?: string } = {}): Result<ImportReport> {
    if (!Buffer.isBuffer(data)) return fail('INVALID_INPUT', 'CSV data must be a Buffer');
    const { text, encoding } = decodeCsv(data, opts.encoding);
    const parsed = parsePatientsCsv(text);
    if (!parsed.ok) return fail('CSV_UNREADABLE', parsed.fileError);
    const report: ImportReport = {
      encoding,
      rows: parsed.rows.length,
      inserted: 0,
      updated: 0,
      failed: 0,
      errors: [],
      ignoredColumns: parsed.ignoredColumns,
    };
    return this.write(() =>
      this.db
        .transaction((): Result<ImportReport> => {
          const who = this.resolveActor(opts.actor ?? SYSTEM_ACTOR);
          if (!who.ok) return who;
          const now = this.opts.clock();
          const one = this.db.transaction((p: PatientInput) => upsertPatientSql(this.db, p, now));
          for (const row of parsed.rows) {
            if (!row.ok) {
              report.failed++;
              report.errors.push(row.error);
              continue;
            }
            try {
              const r = one(row.value);
              if (r.action === 'inserted') report.inserted++;
              else report.updated++;
            } catch (e) {
              if (storageFailure(e)) throw e;
              report.failed++;
              report.errors.push({
                row: row.row,
                code: 'CSV_INVALID_ROW',
                message: `${storeMessages.CSV_INVALID_ROW} (${(e as Error).message})`,
              });
            }
          }
          audit.appendAudit(this.db, {
            actor: who.value,
            action: 'patients.import',
            entity: 'patient',
            detail: {
              sha256: createHash('sha256').update(data).digest('hex'),
              rows: report.rows,
              inserted: report.inserted,
              updated: report.updated,
              failed: report.failed,
            },
            at: this.iso(now),
          });
          return ok(report);
        })
        .immediate(),
    );
  }

  // ------------------------------------------------------------------------------------- audit, check

  /** Appends an audit entry for an action outside the store's own (others: reconciler, wizard, exports). */
  appendAudit(entry: audit.AuditEntryInput): Result<audit.AuditEntry> {
    const e = AuditInputSchema.safeParse(entry);
    if (!e.success) return fail('INVALID_INPUT', 'audit entry', zodIssues(e.error));
    return this.write(() =>
      this.db
        .transaction((): Result<audit.AuditEntry> => {
          const who = this.resolveActor(entry.actor);
          if (!who.ok) return who;
          if (entry.detail && findForbidden(entry.detail) !== undefined)
            return fail('FORBIDDEN_MY_NUMBER', 'audit detail');
          return ok(audit.appendAudit(this.db, { ...entry, actor: who.value, at: entry.at ?? this.iso() }));
        })
        .immediate(),
    );
  }

  verifyAudit(): Result<audit.AuditVerdict> {
    return this.read(() => ok(audit.verifyAudit(this.db)));
  }

  listAudit(opts: { entity?: string; entityId?: string; limit?: number } = {}): Result<audit.AuditEntry[]> {
    const o = z
      .object({
        entity: z.string().optional(),
        entityId: z.string().optional(),
        limit: z.number().int().min(1).max(10_000).optional(),
      })
      .safeParse(opts ?? {});
    if (!o.success) return fail('INVALID_INPUT', 'audit query', zodIssues(o.error));
    opts = o.data;
    return this.read(() => ok(audit.listAudit(this.db, opts)));
  }

  /** Everything `shikaku db check` prints: integrity, schema version, audit chain, counts. */
  check(opts: { full?: boolean } = {}): Result<CheckReport> {
    return this.read(() => {
      const rows = this.db.pragma(opts.full ? 'integrity_check' : 'quick_check') as Record<string, string>[];
      const msgs = rows.map((r) => Object.values(r)[0] ?? '');
      const tables: Record<string, number> = {};
      for (const t of TABLES) tables[t] = prep(this.db, `SELECT count(*) FROM ${t}`).pluck().get() as number;
      return ok({
        dataDir: this.dataDir,
        file: this.file,
        integrity: msgs.length === 1 && msgs[0] === 'ok' ? 'ok' : msgs,
        schemaVersion: schemaVersion(readSchemaState(this.db)),
        latestVersion: LATEST_VERSION,
        audit: audit.verifyAudit(this.db),
        tables,
        outbox: outbox.counts(this.db),
        health: this.health(),
        backups: this.listBackups(),
      });
    });
  }

  private iso(ms: number = this.opts.clock()): string {
    return new Date(ms).toISOString();
  }

  // ------------------------------------------------------------------ reception drafts and the day's visits

  /** The reception's unsaved wizard draft (drafts.ts); never a 個人番号 (refused like every record). */
  saveDraft(slot: string, draft: Record<string, unknown>): Result<{ savedAt: string }> {
    if (findForbidden(draft) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'draft');
    const now = this.opts.clock();
    return this.write(() => {
      drafts.writeDraft(this.db, slot, draft, now);
      return ok({ savedAt: this.iso(now) });
    });
  }

  getDraft(slot: string): Result<drafts.StoredDraft | null> {
    return this.read(() => ok(drafts.readDraft(this.db, slot)));
  }

  clearDraft(slot: string): Result<boolean> {
    return this.write(() => ok(drafts.deleteDraft(this.db, slot)));
  }

  /** One 診療日's visits, newest first, with their 受付番号 (drafts.ts). */
  dayVisits(serviceDate: string): Result<drafts.DayVisit[]> {
    return this.read(() => ok(drafts.dayVisits(this.db, serviceDate)));
  }

  receptionNo(id: string): Result<string> {
    return this.read(() => ok(drafts.receptionNoOf(this.db, id)));
  }
}

function latestOf(s: string | null): { decision: Reconciliation['decision'] | null; needsDecision: string[] } {
  if (s === null) return { decision: null, needsDecision: [] };
  const [decision, needs] = s.split('\n') as [Reconciliation['decision'], string | undefined];
  let codes: unknown;
  try {
    codes = JSON.parse(needs ?? '[]');
  } catch {
    codes = [];
  }
  return {
    decision,
    needsDecision: Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [],
  };
}

function jobOf(s: string | null): VisitSummary['job'] {
  if (s === null) return null;
  const [status, attempts, code] = s.split('\n') as [outbox.OutboxStatus, string, string];
  return { status, attempts: Number(attempts), lastErrorCode: code || null };
}

function isId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= 200;
}

const ClaimOptions = z.object({
  limit: z.number().int().min(1).max(1000).optional(),
  kinds: z.array(z.string()).max(50).optional(),
  leaseMs: z.number().int().min(1).optional(),
});

const FailureSchema = z.object({ permanent: z.boolean(), code: z.string(), message: z.string() });

const AuditInputSchema = z.object({
  actor: z.string().min(1),
  action: z.string().min(1).max(100),
  entity: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
  at: z.string().datetime({ offset: true }).optional(),
});

const PatientInputSchema = z.object({
  patientId: z.string(),
  name: z.string(),
  nameKana: z.string(),
  birthDate: z.string(),
  sex: z.enum(['male', 'female']).nullable(),
  postalCode: z.string(),
  address: z.string(),
  phone: z.string(),
  insurance: z.object({ insurerNumber: z.string(), symbol: z.string(), number: z.string(), branch: z.string() }),
  lastVisitDate: z.string().nullable(),
  source: z.string().optional(),
});

interface IncidentRow {
  id: string;
  kind: 'outage' | 'emergency_mode';
  cause: string;
  started_at: string;
  ended_at: string | null;
  reference_number: string;
  called_by: string;
  note: string;
  staff: string;
}

function incidentFromRow(r: IncidentRow): Incident {
  return {
    id: r.id,
    kind: r.kind,
    cause: r.cause,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    referenceNumber: r.reference_number,
    calledBy: r.called_by,
    note: r.note,
    staff: r.staff,
  };
}

function fsFailure(e: unknown): { code: 'STORE_DISK_FULL' | 'STORE_READ_ONLY'; sqlite: string } | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  if (c === 'ENOSPC') return { code: 'STORE_DISK_FULL', sqlite: c };
  if (c === 'EROFS' || c === 'EACCES' || c === 'EPERM' || c === 'EIO') return { code: 'STORE_READ_ONLY', sqlite: c };
  return undefined;
}

export type { VisitInput };
