// The reconciler (事後確認): works the outbox's 'reconcile' jobs once the 資格確認端末 answers again. For each visit it
// asks the terminal by the numbers the visit has (idempotent: the job key is the ArbitraryFileIdentifier, so a
// restart reuses an answer already in res/), decides ① / ② / ③ with decideClaim and records the decision with its
// evidence. Delivery is at-least-once (outbox leases); the reconciliation key makes applying it exactly-once.
// Stops by itself when the terminal goes silent (N timeouts in a row) and resumes when a probe is answered.
// A large backlog (setting 'reconcile.bulkThreshold' due jobs or more) goes through the 一括照会 in batches of
// 'reconcile.bulkBatchSize' (bulk.ts), each batch applied in one transaction per chunk with its jobs'
// completion; whatever the bulk request does not answer falls back to the single request.
// Every answer a decision rests on is archived in the journal (raw bytes, sha256 in the detail) before the file
// leaves res/.
// This file is the loop (workers, probe, pause and resume, the bulk trigger) and the jobs' bookkeeping; the
// single request is single.ts, the decision helpers decision.ts, the 一括照会 bulk.ts (against the narrow BulkHost
// this class implements).
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { SYSTEM_ACTOR, type OutboxJob, type Store } from '../store/index.ts';
import { BulkRound, DEFAULT_BULK, type BulkHost, type BulkSettings } from './bulk.ts';
import { claimSettingsOf } from './claim.ts';
import {
  emptySummary,
  type JobOutcome,
  type ReconcileSummary,
  type ReconcileWarning,
  type ReconcilerTerminal,
} from './host.ts';
import { processSingleJob } from './single.ts';

export type { JobOutcome, ReconcileSummary, ReconcilerTerminal } from './host.ts';

export interface ReconcilerOptions {
  store: Store;
  terminal: ReconcilerTerminal;
  /** Claim rules; default: the store's 'claims' setting. */
  settings?: ClaimSettings;
  /** Requests in flight; default: setting 'reconcile.concurrency' (2). */
  concurrency?: number;
  /** Timeouts in a row before pausing; default: setting 'reconcile.pauseAfterTimeouts' (3). */
  pauseAfterTimeouts?: number;
  /** Per-request answer timeout; default 30 s. */
  timeoutMs?: number;
  /** Outbox lease; default the store's policy. Keep it above timeoutMs. */
  leaseMs?: number;
  /** While paused, how often to probe with one due job (continuous mode); default 10 s. */
  probeIntervalMs?: number;
  /** When the queue is empty, how often to look again (continuous mode); default 2 s. */
  idleMs?: number;
  /** 一括照会: thresholds, batch size, polling (defaults from the settings and bulk.ts). */
  bulk?: Partial<BulkSettings>;
  onProgress?: (p: ReconcileProgress) => void;
}

export interface ReconcileProgress {
  processed: number;
  total: number;
  /** The visit being worked on, or null. */
  current: string | null;
  paused: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The reconciler: loop, scheduling, concurrency, pause and resume; the jobs' bookkeeping for both paths. */
export class Reconciler extends EventEmitter implements BulkHost {
  readonly store: Store;
  readonly terminal: ReconcilerTerminal;
  readonly settings: ClaimSettings;
  readonly concurrency: number;
  private readonly pauseAfter: number;
  readonly timeoutMs: number;
  readonly leaseMs: number | undefined;
  private readonly probeIntervalMs: number;
  private readonly idleMs: number;
  readonly bulkSettings: BulkSettings;
  private bulkRun: Promise<void> | undefined;
  private consecutiveTimeouts = 0;
  private paused = false;
  private stopped = false;
  private running: Promise<ReconcileSummary> | undefined;
  private sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  summary: ReconcileSummary = emptySummary();

  constructor(opts: ReconcilerOptions) {
    super();
    this.store = opts.store;
    this.terminal = opts.terminal;
    this.settings = opts.settings ?? claimSettingsOf(opts.store);
    const setting = <T>(key: string, fallback: T): T => {
      const r = opts.store.getSetting(key);
      return r.ok ? (r.value as T) : fallback;
    };
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? setting('reconcile.concurrency', 2)));
    this.pauseAfter = Math.max(1, Math.floor(opts.pauseAfterTimeouts ?? setting('reconcile.pauseAfterTimeouts', 3)));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.leaseMs = opts.leaseMs;
    this.probeIntervalMs = opts.probeIntervalMs ?? 10_000;
    this.idleMs = opts.idleMs ?? 2_000;
    this.bulkSettings = {
      ...DEFAULT_BULK,
      threshold: setting('reconcile.bulkThreshold', DEFAULT_BULK.threshold),
      batchSize: setting('reconcile.bulkBatchSize', DEFAULT_BULK.batchSize),
      ...opts.bulk,
    };
    if (opts.onProgress) this.on('progress', opts.onProgress);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Works the queue. `once`: until no job is due (or the terminal went silent: the summary says paused).
   * Otherwise: until stop(), pausing and probing while the terminal is silent.
   */
  run(opts: { once?: boolean } = {}): Promise<ReconcileSummary> {
    if (this.running) return this.running;
    this.stopped = false;
    this.summary = emptySummary();
    const counts = this.store.listOutbox({ limit: 1 });
    this.summary.total = counts.ok ? counts.value.counts.pending + counts.value.counts.inflight : 0;
    const once = opts.once === true;
    this.running = (async () => {
      try {
        const workers = Array.from({ length: this.concurrency }, () => this.worker(once));
        if (!once) workers.push(this.prober());
        await Promise.all(workers);
        this.summary.paused = this.paused;
        return this.summary;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stops taking jobs; resolves when the jobs in hand are finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    this.sleepers.clear();
    await this.running?.catch(() => undefined);
  }

  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const s = {
        timer: setTimeout(() => {
          this.sleepers.delete(s);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(s);
    });
  }

  progress(current: string | null): void {
    const p: ReconcileProgress = {
      processed: this.summary.processed,
      total: Math.max(this.summary.total, this.summary.processed),
      current,
      paused: this.paused,
    };
    this.emit('progress', p);
  }

  private claimOne(): OutboxJob | undefined {
    const r = this.store.claimOutbox({
      limit: 1,
      kinds: ['reconcile'],
      ...(this.leaseMs !== undefined ? { leaseMs: this.leaseMs } : {}),
    });
    return r.ok ? r.value[0] : undefined;
  }

  private async worker(once: boolean): Promise<void> {
    while (!this.stopped) {
      if (this.paused) {
        if (once) return;
        await this.sleep(Math.min(this.probeIntervalMs, 200));
        continue;
      }
      if (await this.bulkIfDue()) continue;
      const job = this.claimOne();
      if (!job) {
        if (once) return;
        await this.sleep(this.idleMs);
        continue;
      }
      await this.work(job);
    }
  }

  /**
   * A backlog of 'reconcile.bulkThreshold' due jobs or more: one 一括照会 round (one batch) instead of a single
   * request. One round at a time; the other workers wait for it (its fallback runs with this concurrency).
   */
  private async bulkIfDue(): Promise<boolean> {
    if (this.bulkRun) {
      await this.bulkRun;
      return true;
    }
    const b = this.bulkSettings;
    if (!b.enabled || !this.terminal.bulkUpload || !this.terminal.bulkFetch) return false;
    const due = this.store.countDueOutbox({ kinds: ['reconcile'], cap: b.threshold });
    if (!due.ok || due.value < b.threshold) return false;
    const jobs = this.store.claimOutbox({
      limit: b.batchSize,
      kinds: ['reconcile'],
      leaseMs: this.leaseMs ?? Math.max(b.leaseMs, this.timeoutMs * 4),
    });
    if (!jobs.ok || jobs.value.length === 0) return false;
    this.bulkRun = new BulkRound(this, jobs.value).run().finally(() => (this.bulkRun = undefined));
    await this.bulkRun;
    return true;
  }

  /** While paused: one due job at a time; any answer (not a timeout) resumes the workers. */
  private async prober(): Promise<void> {
    while (!this.stopped) {
      await this.sleep(this.probeIntervalMs);
      if (!this.paused || this.stopped) continue;
      const job = this.claimOne();
      if (!job) continue;
      await this.work(job, true);
    }
  }

  /** One job by the single request, start to end, counted. */
  async work(job: OutboxJob, probe = false): Promise<void> {
    this.progress(job.visitId);
    let outcome: JobOutcome;
    try {
      outcome = await this.processJob(job);
    } catch (e) {
      // A bug or an unexpected storage failure: keep the job for later, never lose it.
      const f = this.store.failOutbox(job.id, job.leaseToken ?? '', {
        permanent: false,
        code: 'RECONCILER_ERROR',
        message: (e as Error).message ?? String(e),
      });
      outcome = {
        kind: 'failed',
        visitId: job.visitId,
        code: 'RECONCILER_ERROR',
        dead: f.ok && f.value.status === 'dead',
        timeout: false,
      };
    }
    this.finish(outcome, probe);
  }

  /** Counts a job's outcome: the summary, the timeouts in a row (pause), progress. */
  finish(outcome: JobOutcome, probe = false): void {
    this.tally(outcome);
    if (outcome.kind === 'failed' && outcome.timeout) {
      this.consecutiveTimeouts += 1;
      if (!this.paused && this.consecutiveTimeouts >= this.pauseAfter) {
        this.paused = true;
        this.emit('paused');
      }
    } else if (outcome.kind !== 'lease_lost' && outcome.kind !== 'released') {
      this.consecutiveTimeouts = 0;
      if (this.paused && probe) {
        this.paused = false;
        this.emit('resumed');
      }
    }
    this.progress(null);
  }

  private tally(o: JobOutcome): void {
    const s = this.summary;
    if (o.kind !== 'lease_lost' && o.kind !== 'released') s.processed += 1;
    if (o.kind === 'recorded') {
      s.decisions[o.decision] += 1;
      if (o.decision === 'none') s.needsDecision.push({ visitId: o.visitId, codes: o.needsDecision });
    } else if (o.kind === 'already') s.already += 1;
    else if (o.kind === 'failed') {
      if (o.dead) s.dead += 1;
      else s.failed += 1;
    }
  }

  fail(job: OutboxJob, permanent: boolean, code: string, message: string, timeout = false): JobOutcome {
    const r = this.store.failOutbox(job.id, job.leaseToken ?? '', { permanent, code, message });
    if (!r.ok && r.error.code === 'LEASE_LOST') return { kind: 'lease_lost', visitId: job.visitId };
    return { kind: 'failed', visitId: job.visitId, code, dead: r.ok && r.value.status === 'dead', timeout };
  }

  /** Gives back a claimed job not worked (stopping or paused): due again at once, the claim not counted. */
  release(job: OutboxJob): void {
    const r = this.store.releaseOutbox(job.id, job.leaseToken ?? '');
    if (!r.ok && r.error.code !== 'LEASE_LOST')
      this.warn({ action: 'outbox.release', entityId: String(job.id), code: r.error.code });
  }

  complete(job: OutboxJob): boolean {
    const r = this.store.completeOutbox(job.id, job.leaseToken ?? '');
    return r.ok;
  }

  audit(action: string, entityId: string, detail: Record<string, unknown>): void {
    const r = this.store.appendAudit({ actor: SYSTEM_ACTOR, action, entity: 'visit', entityId, detail });
    if (!r.ok) this.warn({ action, entityId, code: r.error.code });
  }

  warn(w: ReconcileWarning): void {
    this.emit('warning', w);
  }

  /** Renames an answer we will not apply, next to where it was (evidence is never deleted). */
  async setAside(file: string, why: string): Promise<string | undefined> {
    const res = this.terminal.dirs?.res;
    if (!res) return undefined;
    const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
    const target = `${file}.${why}-${stamp}`;
    try {
      await fsp.rename(path.join(res, file), path.join(res, target));
      return target;
    } catch {
      return undefined;
    }
  }

  /** One job, start to end (single.ts). Never throws for a terminal or data problem: it returns the outcome. */
  processJob(job: OutboxJob): Promise<JobOutcome> {
    return processSingleJob(this, job);
  }
}
