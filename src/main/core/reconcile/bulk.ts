// 一括照会 for a large backlog: one round = one batch of claimed reconcile jobs, asked with one bulk upload
// (OQSmuquc01req_) and its result fetch (OQSmuquc02req_, again while the terminal answers 処理中), decided with the
// same decideClaim as a single answer, and applied in chunks: each chunk is one store transaction that records the
// reconciliations, archives the answer (evidence) and completes the jobs, so a crash between chunks leaves every
// job either applied-and-done or untouched-and-leased (redelivered later; the job key makes it exactly-once).
// What the bulk request does not settle (upload or fetch failed or timed out, still 処理中 after maxFetches, a row
// missing or in error) goes to the single request; when the reconciler stops or pauses during that fallback, the
// jobs not worked yet are released at once (BulkHost.release). Rows whose echo is about someone else are set
// aside (job failed for a retry, audit entry; the answer file is kept in res/ under a new name, never deleted);
// rows whose answer is not about the numbers asked in another way (checkAnswer) are recorded as 要確認.
// The round runs against the narrow BulkHost (the Reconciler implements it), not the Reconciler class.
import { randomBytes } from 'node:crypto';
import type { InsuranceNumbers, Visit } from '../../../claims/visit.ts';
import {
  isTerminalError,
  type BulkFetchResult,
  type QualificationQueryInput,
} from '../../../hardware/terminal/index.ts';
import {
  SYSTEM_ACTOR,
  sha256Of,
  type BatchItemResult,
  type OutboxJob,
  type ReconciliationInput,
} from '../store/index.ts';
import { checkAnswer, decisionRecord, queryInput, queryNumbers, type QuerySource } from './decision.ts';
import type { ReconciliationDetail } from './detail.ts';
import type { JobHost, JobOutcome, ReconcilerTerminal } from './host.ts';
import { reconcileMessages as msg } from './messages.ts';

export interface BulkSettings {
  /** Use the 一括照会 at all (when the terminal link offers it). */
  enabled: boolean;
  /** Due reconcile jobs from which a round is started (setting 'reconcile.bulkThreshold'). */
  threshold: number;
  /** Queries per upload (setting 'reconcile.bulkBatchSize'; the terminal's own limit is UNCONFIRMED). */
  batchSize: number;
  /** Wait between result fetches while the terminal answers 処理中. */
  pollMs: number;
  /** Result fetches before the round gives up and falls back to single requests. */
  maxFetches: number;
  /**
   * Most reconciliations per store transaction. Each transaction is sized from the last one's duration to take about
   * sliceMs (a commit holds the event loop for its fsync too: better-sqlite3 is synchronous), never more than this.
   */
  commitChunk: number;
  /** Longest stretch of a round's synchronous work (reading visits, deciding) before it yields (ms). */
  sliceMs: number;
  /** Lease of a round's jobs when the reconciler has no leaseMs of its own. */
  leaseMs: number;
}

export const DEFAULT_BULK: BulkSettings = {
  enabled: true,
  threshold: 20,
  batchSize: 100,
  pollMs: 2_000,
  maxFetches: 30,
  commitChunk: 25,
  sliceMs: 4,
  leaseMs: 10 * 60_000,
};

/** What a round needs of the reconciler that runs it (the Reconciler implements it). */
export interface BulkHost extends JobHost {
  readonly bulkSettings: BulkSettings;
  /** Single requests in flight during the fallback. */
  readonly concurrency: number;
  readonly isStopped: boolean;
  readonly isPaused: boolean;
  /** Waits (cut short by a stop). */
  sleep(ms: number): Promise<void>;
  /** Counts a job's outcome (summary, timeouts in a row, progress). */
  finish(outcome: JobOutcome): void;
  /** Gives back a claimed job not worked: due again at once, the claim not counted. */
  release(job: OutboxJob): void;
  /** One job by the single request, start to end, counted. */
  work(job: OutboxJob): Promise<void>;
}

interface Row {
  job: OutboxJob;
  visit: Visit;
  q: { source: QuerySource; numbers: InsuranceNumbers };
  rowId: string;
}

interface Decided {
  row: Row;
  decision: 'current' | 'past' | 'unknown' | 'none';
  needs: string[];
  item: {
    jobId: number;
    leaseToken: string;
    reconciliation: ReconciliationInput;
    evidence: { file: string; bytes: Uint8Array; request: 'bulk_fetch'; rowId: string };
  };
}

/** Below this many rows a transaction is mostly its commit (the fsync): smaller ones would only add commits. */
export const MIN_CHUNK = 4;

/**
 * The next store transaction's size: the last one's scaled to the time budget (at most doubled, at least MIN_CHUNK,
 * at most `max`), so a busy machine makes the transactions smaller, not longer. A commit that waited long for the
 * disk says nothing of the rows: it does not make them fewer than MIN_CHUNK (that would only add more fsyncs).
 */
export function nextChunkSize(size: number, tookMs: number, budgetMs: number, max: number): number {
  const scaled = Math.floor((size * budgetMs) / Math.max(tookMs, 0.01));
  return Math.max(Math.min(MIN_CHUNK, max), Math.min(max, size * 2, scaled));
}

/** A fresh key for one round's requests: ASCII, short, never 12 digits in a row (the My Number guard). */
export function bulkKey(): string {
  return `bulk-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

const nextTick = () => new Promise<void>((r) => setImmediate(r));

export type BulkExchangeResult =
  { ok: true; fetch: BulkFetchResult; fetches: number } | { ok: false; code: string; fetches: number };

/** What one 一括照会 exchange needs: the terminal link, its timings and a stop flag (the reconciler, 事前確認). */
export interface BulkExchangeHost {
  terminal: Pick<ReconcilerTerminal, 'bulkUpload' | 'bulkFetch' | 'discardAnswer'>;
  timeoutMs: number;
  pollMs: number;
  maxFetches: number;
  isStopped(): boolean;
  sleep(ms: number): Promise<void>;
}

/**
 * One 一括照会: the upload (its answer only carries the ReceptionNumber and is cleared at once), then result fetches
 * (`<upload>-f<n>`) until the terminal stops answering 処理中, waiting `pollMs` in between, at most `maxFetches`.
 * Never throws for a terminal problem: it says what failed (the error code, STOPPED or BULK_STILL_PROCESSING).
 */
export async function bulkExchange(
  h: BulkExchangeHost,
  upload: string,
  queries: (QualificationQueryInput & { rowId: string })[],
): Promise<BulkExchangeResult> {
  const t = h.terminal;
  let fetches = 0;
  try {
    const up = await t.bulkUpload!(queries, { key: upload, timeoutMs: h.timeoutMs });
    await t.discardAnswer(upload, 'bulk_upload').catch(() => undefined);
    while (fetches < h.maxFetches && !h.isStopped()) {
      fetches += 1;
      const key = `${upload}-f${fetches}`;
      const f = await t.bulkFetch!(up.receptionNumber, { key, timeoutMs: h.timeoutMs });
      if (f.status === 'done') return { ok: true, fetch: f, fetches };
      await t.discardAnswer(key, 'bulk_fetch').catch(() => undefined); // 処理中: nothing to keep
      await h.sleep(h.pollMs);
    }
    return { ok: false, code: h.isStopped() ? 'STOPPED' : 'BULK_STILL_PROCESSING', fetches };
  } catch (e) {
    if (!isTerminalError(e)) throw e;
    return { ok: false, code: e.code, fetches };
  }
}

/**
 * Cuts synchronous work into slices: `await slice()` after each item yields to the event loop (setImmediate: the
 * requests and I/O waiting go first) once the slice has run `budgetMs`, so a reception request waiting meanwhile is
 * answered within a frame. Also yields every `maxItems` items whatever the clock says.
 */
export function slicer(budgetMs: number, maxItems: number): () => Promise<void> {
  let start = performance.now();
  let items = 0;
  return async () => {
    items += 1;
    if (items < maxItems && performance.now() - start < budgetMs) return;
    await nextTick();
    start = performance.now();
    items = 0;
  };
}

export class BulkRound {
  private readonly fallback: OutboxJob[] = [];

  constructor(
    private readonly r: BulkHost,
    private readonly jobs: OutboxJob[],
  ) {}

  async run(): Promise<void> {
    const r = this.r;
    const rows: Row[] = [];
    const slice = slicer(r.bulkSettings.sliceMs, r.bulkSettings.commitChunk);
    for (const job of this.jobs) {
      await slice();
      const visitId = job.visitId;
      if (!visitId) {
        r.finish(r.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND));
        continue;
      }
      const stored = r.store.getVisit(visitId);
      if (!stored.ok) {
        r.finish(
          stored.error.code === 'NOT_FOUND'
            ? r.fail(job, true, 'VISIT_NOT_FOUND', msg.VISIT_NOT_FOUND)
            : r.fail(job, false, stored.error.code, stored.error.message),
        );
        continue;
      }
      const existing = r.store.reconciliationByKey(job.idempotencyKey);
      const q = queryNumbers(stored.value.visit);
      // A redelivery (already reconciled) and a visit without numbers: the single path handles them as always.
      if (!existing.ok || existing.value || !q) {
        this.fallback.push(job);
        continue;
      }
      rows.push({ job, visit: stored.value.visit, q, rowId: String(job.id) });
    }
    if (rows.length > 0) await this.ask(rows);
    await this.runFallback();
  }

  private async ask(rows: Row[]): Promise<void> {
    const r = this.r;
    const s = r.summary.bulk;
    const upload = bulkKey();
    s.batches += 1;
    s.rows += rows.length;
    const result = await this.exchange(upload, rows);
    if (!result.ok) {
      s.failedBatches += 1;
      s.fallback += rows.length;
      this.fallback.push(...rows.map((x) => x.job));
      this.batchAudit('reconcile.bulk_failed', upload, {
        upload,
        code: result.code,
        rows: rows.length,
        fetches: result.fetches,
      });
      return;
    }
    const fetch = result.fetch;
    const sha = sha256Of(fetch.bytes);
    const byRow = new Map(fetch.rows.filter((x) => x.rowId !== undefined).map((x) => [x.rowId!, x]));
    const decided: Decided[] = [];
    let setAside = 0;
    let unanswered = 0;
    const slice = slicer(r.bulkSettings.sliceMs, r.bulkSettings.commitChunk);
    for (const row of rows) {
      await slice();
      const a = byRow.get(row.rowId);
      if (!a || (a.unit.processingResultStatus === '2' && a.unit.qualificationValidity === undefined)) {
        unanswered += 1;
        this.fallback.push(row.job);
        continue;
      }
      const visitId = row.visit.id;
      const key = row.job.idempotencyKey;
      const check = checkAnswer({
        numbers: row.q.numbers,
        birthDate: row.visit.patient.birthDate,
        echo: a.unit.searchInfo,
        finding: a.finding,
        results: a.unit.results,
        fieldProblems: [...fetch.answer.header.fieldProblems, ...a.unit.fieldProblems],
      });
      if (check.otherPatient.length > 0) {
        setAside += 1;
        r.summary.ignoredAnswers += 1;
        r.audit('reconcile.answer_rejected', visitId, {
          job: key.slice(visitId.length),
          code: 'ANSWER_OTHER_PATIENT',
          via: 'bulk',
          bulk: { upload, fetch: fetch.key, rowId: row.rowId },
          file: fetch.file,
          answerSha256: sha,
          fields: check.otherPatient,
        });
        r.finish(r.fail(row.job, false, 'ANSWER_OTHER_PATIENT', msg.ANSWER_OTHER_PATIENT));
        continue;
      }
      const n = row.q.numbers;
      const detail: ReconciliationDetail = {
        askedTerminal: true,
        querySource: row.q.source,
        query: { insurerNumber: n.insurerNumber, symbol: n.symbol, number: n.number, branch: n.branch },
        via: 'bulk',
        bulk: { upload, fetch: fetch.key, rowId: row.rowId },
        answerFile: fetch.file,
        answerSha256: sha,
        reused: fetch.reused,
        validity: a.finding?.validity ?? null,
        validityCode: a.unit.qualificationValidity ?? null,
        finding: a.finding ?? null,
      };
      const rec = decisionRecord(row.visit, r.settings, true, a.finding ?? undefined, detail, check.problems);
      decided.push({
        row,
        decision: rec.decision,
        needs: rec.needs,
        item: {
          jobId: row.job.id,
          leaseToken: row.job.leaseToken ?? '',
          reconciliation: { visitId, key, decision: rec.decision, detail: rec.detail, staff: SYSTEM_ACTOR },
          evidence: { file: fetch.file, bytes: fetch.bytes, request: 'bulk_fetch', rowId: row.rowId },
        },
      });
    }
    s.fallback += unanswered;
    let applied = 0;
    const maxChunk = Math.max(1, r.bulkSettings.commitChunk);
    const budget = r.bulkSettings.sliceMs;
    let chunk = Math.min(maxChunk, 8);
    for (let i = 0; i < decided.length;) {
      const part = decided.slice(i, i + chunk);
      i += part.length;
      const started = performance.now();
      const res = r.store.reconcileBatch(part.map((d) => d.item));
      chunk = nextChunkSize(part.length, performance.now() - started, budget, maxChunk);
      part.forEach((d, k) => {
        const outcome = this.outcomeOf(d, res.ok ? res.value[k]! : { ok: false, error: res.error });
        if (outcome.kind === 'recorded' || outcome.kind === 'already') applied += 1;
        r.finish(outcome);
      });
      await nextTick(); // let the UI's requests in between chunks
    }
    s.answered += applied;
    // The answer is in the journal now (or kept in res/ when a row was set aside): clear the share.
    const keptAs = setAside > 0 ? await r.setAside(fetch.file, 'other-patient') : undefined;
    if (setAside === 0) await r.terminal.discardAnswer(fetch.key, 'bulk_fetch').catch(() => undefined);
    this.batchAudit('reconcile.bulk', upload, {
      upload,
      fetch: fetch.key,
      fetches: result.fetches,
      rows: rows.length,
      applied,
      unanswered,
      setAside,
      answerFile: fetch.file,
      answerSha256: sha,
      ...(keptAs ? { keptAs } : {}),
    });
  }

  private outcomeOf(d: Decided, o: BatchItemResult): JobOutcome {
    const r = this.r;
    const visitId = d.row.visit.id;
    if (!o.ok) {
      const permanent = o.error.code === 'FORBIDDEN_MY_NUMBER' || o.error.code === 'INVALID_INPUT';
      return r.fail(d.row.job, permanent, o.error.code, `${msg.RECORD_FAILED} ${o.error.message}`);
    }
    if (!o.completed) return { kind: 'lease_lost', visitId };
    return o.created
      ? { kind: 'recorded', visitId, decision: d.decision, needsDecision: d.needs }
      : { kind: 'already', visitId };
  }

  /** Upload, then fetch until done (bulkExchange). */
  private exchange(upload: string, rows: Row[]): Promise<BulkExchangeResult> {
    const r = this.r;
    return bulkExchange(
      {
        terminal: r.terminal,
        timeoutMs: r.timeoutMs,
        pollMs: r.bulkSettings.pollMs,
        maxFetches: r.bulkSettings.maxFetches,
        isStopped: () => r.isStopped,
        sleep: (ms) => r.sleep(ms),
      },
      upload,
      rows.map((x) => ({ ...queryInput(x.visit, x.q.numbers), rowId: x.rowId })),
    );
  }

  private batchAudit(action: string, upload: string, detail: Record<string, unknown>): void {
    const a = this.r.store.appendAudit({
      actor: SYSTEM_ACTOR,
      action,
      entity: 'reconcile_bulk',
      entityId: upload,
      detail,
    });
    if (!a.ok) this.r.warn({ action, entityId: upload, code: a.error.code });
  }

  /**
   * The jobs the bulk request did not settle: single requests, with the reconciler's concurrency. Stopped or paused
   * (the terminal went silent): the jobs not worked yet are released at once (pending, due now, the claim not
   * counted), not left leased until the round's lease expires.
   */
  private async runFallback(): Promise<void> {
    const r = this.r;
    let next = 0;
    const lane = async () => {
      while (next < this.fallback.length && !r.isStopped && !r.isPaused) await r.work(this.fallback[next++]!);
    };
    await Promise.all(Array.from({ length: r.concurrency }, lane));
    for (const job of this.fallback.slice(next)) r.release(job);
  }
}
