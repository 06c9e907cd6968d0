// The reconciler (事後確認): works the outbox's 'reconcile' jobs once the 資格確認端末 answers again. For each visit it
// asks the terminal by the numbers the visit has (idempotent: the job key is the ArbitraryFileIdentifier, so a
// restart reuses an answer already in res/), decides ① / ② / ③ with decideClaim and records the decision with its
// evidence. Delivery is at-least-once (outbox leases); the reconciliation key makes applying it exactly-once.
// Stops by itself when the terminal goes silent (N timeouts in a row) and resumes when a probe is answered.
// A large backlog (setting 'reconcile.bulkThreshold' due jobs or more) goes through the 一括照会 in batches of
// 'reconcile.bulkBatchSize' (reconcile/bulk.ts), each batch applied in one transaction per chunk with its jobs'
// completion; whatever the bulk request does not answer falls back to the single request.
// Every answer a decision rests on is archived in the journal (raw bytes, sha256 in the detail) before the file
// leaves res/.
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { decideClaim, type ClaimDecision } from '../../claims/decide.ts';
import { normalizeInsuranceNumbers } from '../../claims/numbers.ts';
import type { ClaimSettings } from '../../claims/settings.ts';
import type { InsuranceNumbers, TerminalFinding, Visit } from '../../claims/visit.ts';
import {
  answerBaseName,
  isTerminalError,
  requestFileName,
  unpadInsurerNumber,
  type BulkFetchResult,
  type BulkUploadResult,
  type ConfirmOptions,
  type QualificationQueryInput,
  type QualificationSearchInfo,
  type RequestKind,
  type TerminalResult,
} from '../../hardware/terminal/index.ts';
import { BulkRound, DEFAULT_BULK, type BulkSettings } from './reconcile/bulk.ts';
import { claimSettingsOf } from './reconcile/export.ts';
import { reconcileMessages as msg } from './reconcile-messages.ts';
import { SYSTEM_ACTOR, sha256Of, type OutboxJob, type Store } from './store/index.ts';

/** What the reconciler needs of the terminal link (FileTerminalClient fits). */
export interface ReconcilerTerminal {
  confirm(query: QualificationQueryInput, opts: { key?: string; timeoutMs?: number }): Promise<TerminalResult>;
  discardAnswer(key: string, kind?: RequestKind): Promise<void>;
  /** The share's res/ folder, to set aside answers that must not be applied (duplicates, other patients). */
  readonly dirs?: { res: string };
  /** 一括照会 (FileTerminalClient has both); without them the reconciler uses single requests only. */
  bulkUpload?(queries: QualificationQueryInput[], opts?: ConfirmOptions): Promise<BulkUploadResult>;
  bulkFetch?(receptionNumber: string, opts?: ConfirmOptions): Promise<BulkFetchResult>;
}

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
  /** 一括照会: thresholds, batch size, polling (defaults from the settings and reconcile/bulk.ts). */
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

export type JobOutcome =
  | { kind: 'recorded'; visitId: string; decision: 'current' | 'past' | 'unknown' | 'none'; needsDecision: string[] }
  | { kind: 'already'; visitId: string }
  | { kind: 'failed'; visitId: string | null; code: string; dead: boolean; timeout: boolean }
  | { kind: 'lease_lost'; visitId: string | null };

export interface ReconcileSummary {
  /** Jobs queued (pending or inflight, due or not) when the run started. */
  total: number;
  processed: number;
  decisions: { current: number; past: number; unknown: number; none: number };
  /** Visits whose decision needs staff ('none'), with the reasons' codes. */
  needsDecision: { visitId: string; codes: string[] }[];
  /** Jobs to be retried later (backoff). */
  failed: number;
  /** Jobs given up (shown to staff). */
  dead: number;
  /** Jobs already reconciled before (a redelivery after a crash): nothing applied again. */
  already: number;
  /** Answers recorded but not applied (malformed, another key, another patient, duplicates). */
  ignoredAnswers: number;
  paused: boolean;
  /** 一括照会: batches sent, rows answered by them, rows that fell back to the single request. */
  bulk: { batches: number; failedBatches: number; rows: number; answered: number; fallback: number };
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** The terminal's ArbitraryFileIdentifier for an outbox job key (`<uuid>:reconcile[:rN]` → `<uuid>_reconcile[_rN]`). */
export function terminalKey(jobKey: string): string {
  return jobKey.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64);
}

/** The numbers to ask the terminal with: the evidence's, else the past ones, else those on the 申立書. */
export function queryNumbers(
  visit: Visit,
): { source: 'evidence' | 'past' | 'declaration'; numbers: InsuranceNumbers } | null {
  const candidates: ['evidence' | 'past' | 'declaration', Partial<InsuranceNumbers> | undefined][] = [
    ['evidence', visit.evidence.insurance],
    ['past', visit.pastInsurance],
    ['declaration', visit.evidence.declaration?.knownNumbers],
  ];
  for (const [source, c] of candidates) {
    if (!c?.insurerNumber || !c.number) continue;
    const n = normalizeInsuranceNumbers({
      insurerNumber: c.insurerNumber,
      symbol: c.symbol ?? '',
      number: c.number,
      branch: c.branch ?? '',
    });
    if (n.ok) return { source, numbers: n.value };
  }
  return null;
}

const nfkc = (s: string | undefined) => (s ?? '').normalize('NFKC').trim();

/** The answer's echo of the query, when present, must be the query: otherwise it is about someone else. */
export function echoMismatch(
  e: QualificationSearchInfo | undefined,
  numbers: InsuranceNumbers,
  birthDate: string,
): string[] {
  if (!e) return [];
  const out: string[] = [];
  if (
    e.insurerNumber !== undefined &&
    unpadInsurerNumber(nfkc(e.insurerNumber)) !== unpadInsurerNumber(numbers.insurerNumber)
  )
    out.push('insurerNumber');
  if (e.insuredIdentificationNumber !== undefined && nfkc(e.insuredIdentificationNumber) !== nfkc(numbers.number))
    out.push('number');
  if (e.birthdate !== undefined && e.birthdate !== birthDate.replace(/-/g, '')) out.push('birthDate');
  return out;
}

/**
 * A file name or key as kept in details: the terminal key (which embeds the visit's UUID) becomes `{key}`, so a
 * UUID whose digits happen to look like a 個人番号 is never refused by the store's My Number guard. The
 * reconciliation row's own key and the audit entry's entity id say which visit and job it was.
 */
export function redact(s: string | undefined, tkey: string): string | null {
  return s === undefined ? null : s.split(tkey).join('{key}');
}

function sameFinding(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The decision to record: 'none' while anything needs a staff decision. */
export function recordedDecision(d: ClaimDecision): 'current' | 'past' | 'unknown' | 'none' {
  return d.needsDecision.length > 0 ? 'none' : d.basis;
}

/** What a job's decision is recorded as: the decision, the reasons needing staff, the full detail. */
export function decisionRecord(
  visit: Visit,
  settings: ClaimSettings,
  asked: boolean,
  finding: TerminalFinding | undefined,
  detail: Record<string, unknown>,
): { decision: 'current' | 'past' | 'unknown' | 'none'; needs: string[]; detail: Record<string, unknown> } {
  const decision = decideClaim(visit, settings, finding);
  const needs = decision.needsDecision.map((n) => n.code);
  if (asked && !finding) needs.push('UNKNOWN_VALIDITY');
  return {
    decision: needs.length > 0 ? 'none' : decision.basis,
    needs,
    detail: {
      ...detail,
      basis: decision.basis,
      rule: decision.rule,
      needsDecision: needs,
      warnings: decision.warnings.map((w) => w.code),
    },
  };
}

export class Reconciler extends EventEmitter {
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
    } else if (outcome.kind !== 'lease_lost') {
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
    if (o.kind !== 'lease_lost') s.processed += 1;
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
      this.emit('warning', { action: 'outbox.release', entityId: String(job.id), code: r.error.code });
  }

  complete(job: OutboxJob): boolean {
    const r = this.store.completeOutbox(job.id, job.leaseToken ?? '');
    return r.ok;
  }

  audit(action: string, entityId: string, detail: Record<string, unknown>): void {
    const r = this.store.appendAudit({ actor: SYSTEM_ACTOR, action, entity: 'visit', entityId, detail });
    if (!r.ok) this.emit('warning', { action, entityId, code: r.error.code });
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

  private async answerInRes(key: string): Promise<boolean> {
    const res = this.terminal.dirs?.res;
    if (!res) return false;
    const base = answerBaseName(requestFileName('qualification', key));
    for (const ext of ['.xml', '.zip']) {
      try {
        await fsp.access(path.join(res, base + ext));
        return true;
      } catch {
        // not there
      }
    }
    return false;
  }

  query(visit: Visit, numbers: InsuranceNumbers): QualificationQueryInput {
    return {
      insurerNumber: numbers.insurerNumber,
      symbol: numbers.symbol,
      number: numbers.number,
      branch: numbers.branch,
      birthDate: visit.patient.birthDate,
      confirmationDate: visit.serviceDate,
    };
  }

  /** One job, start to end. Never throws for a terminal or data problem: it returns the outcome. */
  async processJob(job: OutboxJob): Promise<JobOutcome> {
    const visitId = job.visitId;
    if (!visitId) return this.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND);
    const stored = this.store.getVisit(visitId);
    if (!stored.ok) {
      return stored.error.code === 'NOT_FOUND'
        ? this.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND)
        : this.fail(job, false, stored.error.code, stored.error.message);
    }
    const visit = stored.value.visit;
    const key = job.idempotencyKey;
    const tkey = terminalKey(key);
    const q = queryNumbers(visit);

    // Redelivery (a crash after recording, before completing): apply nothing again.
    const existing = this.store.reconciliationByKey(key);
    if (!existing.ok) return this.fail(job, false, existing.error.code, existing.error.message);
    if (existing.value) {
      if (q && (await this.answerInRes(tkey))) {
        try {
          const again = await this.terminal.confirm(this.query(visit, q.numbers), {
            key: tkey,
            timeoutMs: this.timeoutMs,
          });
          if (!sameFinding(again.finding, existing.value.detail.finding)) {
            const keptAs = await this.setAside(again.file, 'duplicate');
            this.summary.ignoredAnswers += 1;
            this.audit('reconcile.answer_ignored', visitId, {
              reason: 'already_reconciled',
              job: key.slice(visitId.length),
              file: redact(again.file, tkey),
              keptAs: redact(keptAs, tkey),
              validity: again.finding?.validity ?? null,
            });
          } else {
            await this.terminal.discardAnswer(tkey);
          }
        } catch {
          // An unreadable leftover: the client has set it aside already.
        }
      }
      if (!this.complete(job)) return { kind: 'lease_lost', visitId };
      return { kind: 'already', visitId };
    }

    let finding: TerminalFinding | undefined;
    let detail: Record<string, unknown>;
    let answer: { file: string; bytes: Uint8Array; request: 'qualification' } | undefined;
    if (!q) {
      detail = { askedTerminal: false, reason: 'no_numbers' };
    } else {
      let result: TerminalResult;
      try {
        result = await this.terminal.confirm(this.query(visit, q.numbers), { key: tkey, timeoutMs: this.timeoutMs });
      } catch (e) {
        if (!isTerminalError(e)) throw e;
        if (e.code === 'TERMINAL_MALFORMED_ANSWER' || e.code === 'TERMINAL_KEY_MISMATCH') {
          this.summary.ignoredAnswers += 1;
          this.audit('reconcile.answer_rejected', visitId, {
            job: key.slice(visitId.length),
            code: e.code,
            file: redact(e.details.file, tkey),
            ...(e.details.foundKey !== undefined ? { foundKey: redact(e.details.foundKey, tkey) } : {}),
          });
        }
        return this.fail(job, !e.retryable, e.code, e.message, e.code === 'TERMINAL_TIMEOUT');
      }
      const mismatch = echoMismatch(result.answer.body.searchInfo, q.numbers, visit.patient.birthDate);
      if (mismatch.length > 0) {
        const keptAs = await this.setAside(result.file, 'other-patient');
        this.summary.ignoredAnswers += 1;
        this.audit('reconcile.answer_rejected', visitId, {
          job: key.slice(visitId.length),
          code: 'ANSWER_OTHER_PATIENT',
          file: redact(result.file, tkey),
          keptAs: redact(keptAs, tkey),
          fields: mismatch,
        });
        return this.fail(job, false, 'ANSWER_OTHER_PATIENT', msg.ANSWER_OTHER_PATIENT);
      }
      finding = result.finding ?? undefined;
      answer = { file: result.file, bytes: result.bytes, request: 'qualification' };
      detail = {
        askedTerminal: true,
        querySource: q.source,
        query: {
          insurerNumber: q.numbers.insurerNumber,
          symbol: q.numbers.symbol,
          number: q.numbers.number,
          branch: q.numbers.branch,
        },
        via: 'single',
        answerFile: redact(result.file, tkey),
        answerSha256: sha256Of(result.bytes),
        reused: result.reused,
        validity: result.finding?.validity ?? null,
        validityCode: result.answer.body.qualificationValidity ?? null,
        finding: result.finding ?? null,
      };
    }

    const { decision: recorded, needs, detail: full } = decisionRecord(visit, this.settings, !!q, finding, detail);
    const r = this.store.recordReconciliationWithEvidence(
      { visitId, key, decision: recorded, detail: full, staff: SYSTEM_ACTOR },
      answer,
    );
    if (!r.ok) {
      const permanent = r.error.code === 'FORBIDDEN_MY_NUMBER' || r.error.code === 'INVALID_INPUT';
      return this.fail(job, permanent, r.error.code, `${msg.RECORD_FAILED} ${r.error.message}`);
    }
    if (q) await this.terminal.discardAnswer(tkey).catch(() => undefined);
    if (!this.complete(job)) return { kind: 'lease_lost', visitId };
    return r.value.created
      ? { kind: 'recorded', visitId, decision: recorded, needsDecision: needs }
      : { kind: 'already', visitId };
  }
}

function emptySummary(): ReconcileSummary {
  return {
    bulk: { batches: 0, failedBatches: 0, rows: 0, answered: 0, fallback: 0 },
    total: 0,
    processed: 0,
    decisions: { current: 0, past: 0, unknown: 0, none: 0 },
    needsDecision: [],
    failed: 0,
    dead: 0,
    already: 0,
    ignoredAnswers: 0,
    paused: false,
  };
}
