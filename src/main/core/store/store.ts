// The durable visit journal. One SQLite file (WAL, synchronous=FULL): a visit the UI called saved survives
// a power cut. Every method that touches user data returns a Result and never throws on bad input; storage
// failures (disk full, read-only folder, I/O errors) put the store in a degraded mode that a probe leaves
// as soon as writing works again. Runs the same under Node and Electron (no `electron` import here).
// Store is the connection, its health, the transactions and the public API; what each method does to the data
// lives in the aggregate modules (visits, queue, reconciliations, reviews, returns, incidents, staff, settings,
// patients, outbox, audit, evidence): functions over the connection.
import Database from 'better-sqlite3';
import { statfsSync } from 'node:fs';
import { validate as uuidValidate } from 'uuid';
import type { z } from 'zod';
import { ClaimSettings } from '../../../claims/settings.ts';
import { Visit } from '../../../claims/visit.ts';
import * as audit from './audit.ts';
import { listBackups, takeBackup, type BackupInfo } from './backup.ts';
import * as evidence from './evidence.ts';
import { findForbidden } from './forbidden.ts';
import * as incidents from './incidents.ts';
import { kanaKey } from './kana.ts';
import { LATEST_VERSION, readSchemaState, schemaVersion } from './migrations.ts';
import * as outbox from './outbox.ts';
import * as patients from './patients.ts';
import { backupDir } from './paths.ts';
import { prep } from './prep.ts';
import * as queue from './queue.ts';
import * as reconciliations from './reconciliations.ts';
import { fail, ok, storageFailure, type Result, type StoreMode } from './result.ts';
import * as returns from './returns.ts';
import * as reviews from './reviews.ts';
import * as settings from './settings.ts';
import { SYSTEM_ACTOR, type KnownSettingKey, type StaffMember } from './settings.ts';
import * as staff from './staff.ts';
import { isId, isoOf, parseInput, zodIssues, type Tx } from './tx.ts';
import * as visits from './visits.ts';

type Reconciliation = reconciliations.Reconciliation;
type Recorded = Result<Reconciliation & { created: boolean }>;

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
  private readonly settingsCache = new settings.SettingsCache();

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

  // ------------------------------------------------------------------------------------------ transactions

  /**
   * One write transaction (BEGIN IMMEDIATE) by `actor`: a staff id or name from the staff list, or (unless
   * `staffOnly`) the system actor. Runs `body` with the connection, the actor's staff id and the time.
   */
  private tx<T>(actor: string, body: (tx: Tx) => Result<T>, staffOnly = false): Result<T> {
    return this.write(() =>
      this.db
        .transaction((): Result<T> => {
          const who = staffOnly ? this.resolveStaff(actor) : this.resolveActor(actor);
          if (!who.ok) return who;
          const id = typeof who.value === 'string' ? who.value : who.value.id;
          return body({ db: this.db, actor: id, now: this.opts.clock() });
        })
        .immediate(),
    );
  }

  /** One write transaction with no actor (the reconciler's bookkeeping). */
  private txBare<T>(body: () => Result<T>): Result<T> {
    return this.write(() => this.db.transaction(body).immediate());
  }

  // ------------------------------------------------------------------------------------------ settings

  /** Known settings, cached (settings.SettingsCache). */
  private setting<K extends KnownSettingKey>(key: K): z.infer<(typeof settings.knownSettings)[K]> {
    return this.settingsCache.get(this.db, key);
  }

  getSetting(key: string): Result<unknown> {
    if (!isId(key)) return fail('INVALID_INPUT', 'setting key');
    return this.read(() => {
      if (key in settings.knownSettings) return ok(this.setting(key as KnownSettingKey));
      const raw = settings.readRaw(this.db, key);
      return raw === undefined ? fail('NOT_FOUND', `setting ${key}`) : ok(JSON.parse(raw) as unknown);
    });
  }

  /** Sets a setting (validated when known) and records who changed it. */
  setSetting(key: string, value: unknown, actor: string): Result<unknown> {
    if (typeof key !== 'string' || key.length === 0 || key.length > 100) return fail('INVALID_INPUT', 'setting key');
    const v = settings.checkValue(key, value);
    if (!v.ok) return v;
    return this.tx(actor, (tx) => {
      settings.write(tx, key, v.value.json);
      this.settingsCache.clear();
      return ok(v.value.value);
    });
  }

  listStaff(): StaffMember[] {
    return this.setting('staff');
  }

  /** Replaces the staff list. `actor`: an active staff member, or the system actor (setup, admin CLI). */
  setStaff(list: unknown, actor: string): Result<StaffMember[]> {
    const r = this.setSetting('staff', list, actor);
    return r.ok ? ok(r.value as StaffMember[]) : r;
  }

  /** Staff ids that records refer to: such an id can be deactivated or renamed, never removed from the list. */
  staffIdsInUse(): Result<string[]> {
    return this.read(() => ok(staff.idsInUse(this.db)));
  }

  /** Staff id for an id or a name in the staff list; the system actor passes as itself. */
  private resolveActor(who: string): Result<string> {
    return staff.resolveActor(this.setting('staff'), who);
  }

  resolveStaff(who: string): Result<StaffMember> {
    return staff.resolve(this.setting('staff'), who);
  }

  // -------------------------------------------------------------------------------------------- visits

  /**
   * Saves a visit: the visit row, its 申立書 (if any), its outbox 'reconcile' job and an audit entry, in one
   * transaction. Idempotent on the client-generated id: the same id with the same content returns the
   * existing visit (`created: false`); the same id with different content is VISIT_CONFLICT.
   */
  saveVisit(input: unknown): Result<visits.SavedVisit> {
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
    return this.tx(
      visit.staff,
      (tx) => visits.insertVisit(tx.db, visit, tx.actor, 'visit.create', this.opts.clock),
      true,
    );
  }

  /** Re-saves visits read from a damaged file (startup salvage). Skips ids already present. */
  salvageVisits(list: unknown[]): number {
    return this.db.transaction(() => visits.salvage(this.db, list, this.opts.clock)).immediate();
  }

  getVisit(id: string): Result<visits.StoredVisit> {
    if (!isId(id)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => {
      const v = visits.get(this.db, id);
      return v ? ok(v) : fail('NOT_FOUND', `visit ${id}`);
    });
  }

  /** The 事後確認 queue: filter by status, service month or dates, cause, evidence kind; keyset-paginated. */
  listVisits(filter: queue.VisitFilter = {}): Result<queue.VisitPage> {
    const f = parseInput(queue.VisitFilter, filter, 'visit filter');
    return f.ok ? this.read(() => queue.list(this.db, f.value)) : f;
  }

  /** Moves a visit along the 事後確認 states, with an audit entry naming who and why. */
  setVisitStatus(id: string, status: visits.VisitStatus, actor: string, reason = ''): Result<visits.VisitStatus> {
    if (!isId(id) || typeof reason !== 'string') return fail('INVALID_INPUT', 'visit id / reason');
    const s = parseInput(visits.VisitStatus, status, 'visit status');
    return s.ok ? this.tx(actor, (tx) => visits.setStatus(tx, id, s.value, reason)) : s;
  }

  // ------------------------------------------------------------------------------------------- outbox

  private policy(): outbox.OutboxPolicy {
    return { ...outbox.DEFAULT_OUTBOX_POLICY, ...this.setting('outbox.policy'), ...this.opts.outboxPolicy };
  }

  /** Claims due jobs with a lease (expired leases are reclaimable: at-least-once). */
  claimOutbox(opts: { limit?: number; kinds?: string[]; leaseMs?: number } = {}): Result<outbox.OutboxJob[]> {
    const o = parseInput(outbox.ClaimOptions, opts ?? {}, 'claim options');
    if (!o.ok) return o;
    const { limit, kinds, leaseMs } = o.value;
    return this.write(() => {
      const claimOpts: Parameters<typeof outbox.claim>[1] = {
        now: this.opts.clock(),
        limit: limit ?? 10,
        leaseMs: leaseMs ?? this.policy().leaseMs,
      };
      if (kinds) claimOpts.kinds = kinds;
      return ok(outbox.claim(this.db, claimOpts));
    });
  }

  /** Marks a claimed job done. LEASE_LOST when the lease expired and another consumer took it. */
  completeOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.txBare(() => {
      const c = outbox.checkLease(this.db, id, leaseToken);
      if (!c.ok) return fail(c.reason === 'not_found' ? 'NOT_FOUND' : 'LEASE_LOST', `outbox ${id}`);
      return ok(outbox.markDone(this.db, id, this.opts.clock()));
    });
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
    const fv = outbox.Failure.safeParse(failure);
    if (!Number.isSafeInteger(id) || !isId(leaseToken) || !fv.success) return fail('INVALID_INPUT', 'outbox failure');
    return this.tx(SYSTEM_ACTOR, (tx) => {
      const c = outbox.checkLease(this.db, id, leaseToken);
      if (!c.ok) return fail(c.reason === 'not_found' ? 'NOT_FOUND' : 'LEASE_LOST', `outbox ${id}`);
      const job = outbox.markFailed(this.db, c.row, failure, this.policy(), tx.now, this.opts.random);
      if (job.status === 'dead') outbox.auditDead(tx, job, failure);
      return ok(job);
    });
  }

  /**
   * Gives back a job claimed but not worked (the reconciler stopped or paused before it): pending and due at once,
   * the claim not counted as an attempt. Lease-checked (LEASE_LOST when another consumer holds it or it is done or
   * dead) and idempotent: releasing a job that is already pending changes nothing. No audit entry (no decision).
   */
  releaseOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.txBare(() => {
      const c = outbox.checkLease(this.db, id, leaseToken);
      if (c.ok) return ok(outbox.release(this.db, id, this.opts.clock()));
      if (c.reason === 'not_found') return fail('NOT_FOUND', `outbox ${id}`);
      const job = outbox.get(this.db, id);
      if (job?.status === 'pending') return ok(job); // released before: nothing to do
      return fail('LEASE_LOST', `outbox ${id}`);
    });
  }

  /** Staff put a dead job back in the queue. */
  requeueOutbox(id: number, actor: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id)) return fail('INVALID_INPUT', 'outbox id');
    return this.tx(actor, (tx) => {
      const job = outbox.requeueAudited(tx, id);
      return job ? ok(job) : fail('NOT_FOUND', `dead outbox job ${id}`);
    });
  }

  /** For the staff-visible queue screen: jobs (by status) and counts by status. */
  listOutbox(
    opts: { status?: outbox.OutboxStatus; limit?: number; offset?: number } = {},
  ): Result<{ jobs: outbox.OutboxJob[]; counts: Record<outbox.OutboxStatus, number> }> {
    const q = parseInput(outbox.OutboxQuery, opts ?? {}, 'outbox query');
    return q.ok ? this.read(() => ok({ jobs: outbox.list(this.db, q.value), counts: outbox.counts(this.db) })) : q;
  }

  /** The visit's latest 'reconcile' outbox job (attempts, last error), or null. */
  visitJob(visitId: string): Result<outbox.OutboxJob | null> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => ok(outbox.latestForVisit(this.db, visitId, 'reconcile') ?? null));
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

  // ---------------------------------------------------------------------------------- reconciliations

  /** Records a reconciliation answer and moves the visit on. Idempotent on `key`. */
  recordReconciliation(input: reconciliations.ReconciliationInput): Recorded {
    const r = parseInput(reconciliations.ReconciliationInput, input, 'reconciliation');
    if (!r.ok) return r;
    if (findForbidden(r.value.detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'reconciliation detail');
    return this.tx(r.value.staff, (tx) => reconciliations.record(tx, r.value));
  }

  listReconciliations(visitId: string): Result<Reconciliation[]> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => ok(reconciliations.list(this.db, visitId)));
  }

  /** The newest reconciliation of a visit (what exports use), or null when it has none yet. */
  latestReconciliation(visitId: string): Result<Reconciliation | null> {
    if (!isId(visitId)) return fail('INVALID_INPUT', 'visit id');
    return this.read(() => ok(reconciliations.latest(this.db, visitId)));
  }

  /** The reconciliation recorded under an idempotency key (an outbox job's key), or null. */
  reconciliationByKey(key: string): Result<Reconciliation | null> {
    if (!isId(key)) return fail('INVALID_INPUT', 'reconciliation key');
    return this.read(() => ok(reconciliations.byKey(this.db, key)));
  }

  /**
   * Records a staff member's decision on a visit's claim basis (事後確認 review) as a new reconciliation row
   * (`<visit id>:review:<uuidv7>`), with an audit entry 'visit.review' (action, reason, before/after), and moves
   * the visit to 'reconciled'. The visit's reconcile jobs still waiting (pending or dead) are closed: staff have
   * decided. Bad input is refused with a code and a Japanese message, and nothing changes.
   */
  reviewVisit(input: reviews.ReviewInput): Result<reviews.ReviewOutcome> {
    const r = reviews.check(input);
    if (!r.ok) return r;
    return this.tx(
      r.value.staff,
      (tx) => reviews.record(tx, r.value, ClaimSettings.parse(this.setting('claims'))),
      true,
    );
  }

  /**
   * Records a reconciliation together with the terminal answer it was decided on (archived: migration 3) in one
   * transaction: a decision is never kept without its evidence, nor evidence without its decision.
   */
  recordReconciliationWithEvidence(
    input: reconciliations.ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Recorded {
    return this.txBare(() => this.reconcileWithEvidence(input, answer));
  }

  private reconcileWithEvidence(
    input: reconciliations.ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Recorded {
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
      reconciliation: reconciliations.ReconciliationInput;
      evidence?: evidence.AnswerEvidenceInput;
    }[],
  ): Result<evidence.BatchItemResult[]> {
    if (!Array.isArray(items)) return fail('INVALID_INPUT', 'reconciliation batch');
    return this.txBare(() => {
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
    });
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
  addReturn(input: returns.ReturnInput): Result<returns.ClaimReturn> {
    const p = parseInput(returns.ReturnInput, input, 'return');
    if (!p.ok) return p;
    const r = p.value;
    if (findForbidden(r) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'return');
    const reclaimMonth = returns.reclaimMonthOf(r, this.opts.clock());
    if (reclaimMonth <= r.claimMonth)
      return fail('INVALID_INPUT', 'reclaimMonth must be after claimMonth', [
        { path: 'reclaimMonth', message: 'must be after claimMonth' },
      ]);
    return this.tx(r.staff, (tx) => returns.add(tx, r, reclaimMonth));
  }

  /** Returns, oldest first: all, only open ones (not yet in a re-claim export), or one re-claim month's. */
  listReturns(opts: { open?: boolean; reclaimMonth?: string; visitId?: string } = {}): Result<returns.ClaimReturn[]> {
    const q = parseInput(returns.ReturnQuery, opts ?? {}, 'returns query');
    return q.ok ? this.read(() => ok(returns.list(this.db, q.value))) : q;
  }

  /** Marks returns as re-claimed (their re-claim export was written). Idempotent. */
  markReturnsReclaimed(ids: string[], actor: string): Result<number> {
    if (!Array.isArray(ids) || !ids.every(isId)) return fail('INVALID_INPUT', 'return ids');
    return this.tx(actor, (tx) => ok(returns.markReclaimed(tx, ids)));
  }

  // ----------------------------------------------------------------------------------------- incidents

  /** Records an outage or a システム障害時モード activation (time, reference number, who called). */
  openIncident(input: incidents.IncidentInput): Result<incidents.Incident> {
    const i = parseInput(incidents.IncidentInput, input, 'incident');
    return i.ok ? this.tx(i.value.staff, (tx) => ok(incidents.open(tx, i.value))) : i;
  }

  closeIncident(id: string, endedAt: string, actor: string, cause?: string): Result<incidents.Incident> {
    if (!isId(id) || (cause !== undefined && typeof cause !== 'string'))
      return fail('INVALID_INPUT', 'incident id / cause');
    if (!incidents.IncidentInput.shape.startedAt.safeParse(endedAt).success) return fail('INVALID_INPUT', 'endedAt');
    return this.tx(actor, (tx) => incidents.close(tx, id, endedAt, cause));
  }

  listIncidents(opts: { from?: string; to?: string } = {}): Result<incidents.Incident[]> {
    const o = parseInput(incidents.IncidentRange, opts ?? {}, 'incident range');
    return o.ok ? this.read(() => ok(incidents.list(this.db, o.value))) : o;
  }

  /**
   * The visits taken under each incident (for the 利用報告書), counted by evidence kind per incident id: received
   * while it was open or recorded with evidence.incidentRef = its id; void visits left out.
   */
  countVisitsByIncident(ids: readonly string[]): Result<Record<string, Record<string, number>>> {
    const o = parseInput(incidents.IncidentIds, ids, 'incident ids');
    return o.ok ? this.read(() => ok(incidents.countVisits(this.db, o.value))) : o;
  }

  // ------------------------------------------------------------------------------------------ patients

  searchPatients(q: patients.PatientQuery): Result<patients.PatientRecord[]> {
    const o = parseInput(patients.PatientQueryShape, q ?? {}, 'patient query');
    if (!o.ok) return o;
    q = o.value;
    const key = typeof q.name === 'string' ? kanaKey(q.name) : '';
    let birth: string | undefined;
    if (q.birthDate !== undefined && q.birthDate.trim() !== '') {
      birth = patients.parseFlexibleDate(q.birthDate);
      if (!birth) return fail('INVALID_INPUT', 'birthDate', [{ path: 'birthDate', message: 'unreadable date' }]);
    }
    if (!key && !birth) return fail('INVALID_INPUT', 'name or birthDate required');
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? 50)), 500);
    return this.read(() =>
      ok(patients.searchPatients(this.db, { limit, ...(key ? { key } : {}), ...(birth ? { birthDate: birth } : {}) })),
    );
  }

  getPatient(id: string): Result<patients.PatientRecord> {
    if (!isId(id)) return fail('INVALID_INPUT', 'patient id');
    return this.read(() => {
      const p = patients.getPatient(this.db, id);
      return p ? ok(p) : fail('NOT_FOUND', `patient ${id}`);
    });
  }

  upsertPatient(p: patients.PatientInput, actor: string): Result<{ id: string; action: 'inserted' | 'updated' }> {
    const shape = parseInput(patients.PatientInputShape, p, 'patient');
    if (!shape.ok) return shape;
    if (findForbidden(p) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'patient');
    const birthDate = patients.parseFlexibleDate(String(p.birthDate));
    if (!p.name.trim() || !birthDate) return fail('INVALID_INPUT', 'patient name/birthDate');
    return this.tx(actor, (tx) => ok(patients.upsertAudited(tx, { ...p, birthDate })));
  }

  /**
   * Imports a レセコン patients CSV (layout: docs/store.md). Each row is its own savepoint: a bad row is
   * reported (row number, code, Japanese message) and never half-imported; good rows are kept.
   */
  importPatientsCsv(
    data: Buffer,
    opts: { encoding?: patients.CsvEncoding; actor?: string } = {},
  ): Result<patients.ImportReport> {
    if (!Buffer.isBuffer(data)) return fail('INVALID_INPUT', 'CSV data must be a Buffer');
    const { text, encoding } = patients.decodeCsv(data, opts.encoding);
    const parsed = patients.parsePatientsCsv(text);
    if (!parsed.ok) return fail('CSV_UNREADABLE', parsed.fileError);
    return this.tx(opts.actor ?? SYSTEM_ACTOR, (tx) => ok(patients.importRows(tx, data, encoding, parsed)));
  }

  // ------------------------------------------------------------------------------------- audit, check

  /** Appends an audit entry for an action outside the store's own (others: reconciler, wizard, exports). */
  appendAudit(entry: audit.AuditEntryInput): Result<audit.AuditEntry> {
    const e = parseInput(audit.AuditInput, entry, 'audit entry');
    if (!e.ok) return e;
    return this.tx(entry.actor, (tx) => {
      if (entry.detail && findForbidden(entry.detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'audit detail');
      return ok(audit.appendAudit(this.db, { ...entry, actor: tx.actor, at: entry.at ?? isoOf(tx.now) }));
    });
  }

  verifyAudit(): Result<audit.AuditVerdict> {
    return this.read(() => ok(audit.verifyAudit(this.db)));
  }

  listAudit(opts: { entity?: string; entityId?: string; limit?: number } = {}): Result<audit.AuditEntry[]> {
    const o = parseInput(audit.AuditQuery, opts ?? {}, 'audit query');
    return o.ok ? this.read(() => ok(audit.listAudit(this.db, o.value))) : o;
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
}

function fsFailure(e: unknown): { code: 'STORE_DISK_FULL' | 'STORE_READ_ONLY'; sqlite: string } | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  if (c === 'ENOSPC') return { code: 'STORE_DISK_FULL', sqlite: c };
  if (c === 'EROFS' || c === 'EACCES' || c === 'EPERM' || c === 'EIO') return { code: 'STORE_READ_ONLY', sqlite: c };
  return undefined;
}
