// 事前確認's fetch (docs/precheck.md): the patients expected today who have no answer yet this morning are asked in
// 一括照会 batches (the reconciler's bulkExchange: the same request builder, parser and answer checks), each batch
// taking the terminal only when no reception request is in flight (TerminalPriority), batches spaced by the rate
// setting. Each batch's answers are kept in one transaction with the raw answer file, so a terminal that stops
// mid-fetch leaves what was fetched usable; the patients left are asked by the next run (a retry, the same day).
import { addDays, jstDate, JST_OFFSET_MS } from '../../../claims/dates.ts';
import type { TerminalPriority } from '../../../hardware/terminal/index.ts';
import { bulkExchange, bulkKey } from '../reconcile/bulk.ts';
import { checkAnswer } from '../reconcile/decision.ts';
import type { ReconcilerTerminal } from '../reconcile/host.ts';
import {
  personKey,
  type AnswerInput,
  type ExpectedPerson,
  type PrecheckRun,
  type RunTrigger,
  type Store,
} from '../store/index.ts';
import { precheckMessages as msg } from './messages.ts';

export type PrecheckTerminal = Pick<ReconcilerTerminal, 'bulkUpload' | 'bulkFetch' | 'discardAnswer'>;

export interface PrecheckOptions {
  store: Store;
  /**
   * The terminal link; null when the share folder is not configured (runs then fail with a clear message). A function
   * follows the running core's link, which is re-opened when the terminal settings change (core/link.ts).
   */
  terminal: PrecheckTerminal | null | (() => PrecheckTerminal | null);
  priority: TerminalPriority;
  /** Milliseconds since the epoch (tests move it). Default Date.now. */
  clock?: () => number;
  /** Waits between batches and 処理中 fetches (tests pass a quick one). */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request answer timeout. */
  timeoutMs: number;
  /** Wait between result fetches while the terminal answers 処理中. Default 2 000 ms. */
  pollMs?: number;
  /** Result fetches before a batch counts as failed. Default 30. */
  maxFetches?: number;
  /** Called after every batch (the 設定 screen's progress). */
  onProgress?: (run: PrecheckProgress) => void;
}

export interface PrecheckProgress {
  runId: number;
  total: number;
  fetched: number;
  changed: number;
  failed: number;
}

/** Codes after which the rest of a run is not attempted (the terminal or its share is away). */
const LINK_DOWN = new Set(['TERMINAL_TIMEOUT', 'TERMINAL_SHARE_MISSING', 'TERMINAL_SHARE_NOT_WRITABLE', 'STOPPED']);

/** The start of the Japan-time day of `ms`, as epoch milliseconds. */
export function jstDayStart(ms: number): number {
  const day = jstDate(ms);
  return Date.parse(`${day}T00:00:00Z`) - JST_OFFSET_MS;
}

/** The day `months` months before `day` (same day number, clamped by the calendar through Date). */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export class PrecheckFetcher {
  private current: Promise<PrecheckRun> | null = null;
  private stopped = false;
  readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: PrecheckOptions) {
    this.clock = o.clock ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get hasTerminal(): boolean {
    return this.terminal() !== null;
  }

  private terminal(): PrecheckTerminal | null {
    const t = this.o.terminal;
    return typeof t === 'function' ? t() : t;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** Starts a run unless one is running (then null). Resolves with the finished run. */
  start(trigger: RunTrigger): Promise<PrecheckRun> | null {
    if (this.current) return null;
    this.stopped = false;
    const p = this.run(trigger).finally(() => {
      this.current = null;
    });
    this.current = p;
    return p;
  }

  /** Ends a running fetch after the exchange in hand (its answers are kept). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.catch(() => undefined);
  }

  private must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  }

  private async run(trigger: RunTrigger): Promise<PrecheckRun> {
    const { store } = this.o;
    const s = this.must(store.getSetting('precheck')) as {
      regularsMonths: number;
      retentionDays: number;
      batchSize: number;
      batchesPerMinute: number;
    };
    const now = this.clock();
    const day = jstDate(now);
    // Retention first: what is older than the setting goes before anything new is kept.
    this.must(store.purgePrecheck(now - s.retentionDays * 86_400_000, addDays(day, -s.retentionDays)));
    const expected = this.must(
      store.precheckExpected(day, s.regularsMonths > 0 ? monthsBefore(day, s.regularsMonths) : null),
    );
    const done = this.must(store.precheckAnsweredSince(expected, jstDayStart(now)));
    const pending = expected.filter((p) => !done.has(personKey(p.birthDate, p.insurance)));
    const run = this.must(store.startPrecheckRun(day, trigger, pending.length));
    const t = { runId: run.id, total: pending.length, fetched: 0, changed: 0, failed: 0 };
    let error = '';
    if (pending.length > 0 && !this.terminal()) {
      error = msg.NO_TERMINAL;
      t.failed = pending.length;
    } else {
      const gap = Math.ceil(60_000 / s.batchesPerMinute);
      for (let i = 0; i < pending.length; i += s.batchSize) {
        if (this.stopped) {
          error = msg.STOPPED;
          t.failed += pending.length - i;
          break;
        }
        if (i > 0) await this.sleep(gap);
        const batch = pending.slice(i, i + s.batchSize);
        const code = await this.batch(run.id, day, batch, t);
        this.o.onProgress?.({ ...t });
        if (code && LINK_DOWN.has(code)) {
          // The terminal is away: the rest waits for the retry instead of timing out batch after batch.
          error = msg.linkDown(code);
          t.failed += pending.length - i - batch.length;
          break;
        }
        if (code) error = msg.batchFailed(code);
        await new Promise<void>((r) => setImmediate(r)); // let the core's other requests in
      }
    }
    const status = t.failed === 0 ? 'done' : t.fetched > 0 ? 'partial' : 'failed';
    return this.must(
      store.finishPrecheckRun(run.id, { status, fetched: t.fetched, changed: t.changed, failed: t.failed, error }),
    );
  }

  /** One 一括照会 batch; returns the failure code when the batch as a whole failed. */
  private async batch(
    runId: number,
    day: string,
    batch: ExpectedPerson[],
    t: { fetched: number; changed: number; failed: number },
  ): Promise<string | undefined> {
    const o = this.o;
    // The link may have been re-opened (or its folder cleared) since the run started.
    const terminal = this.terminal();
    if (!terminal) return 'TERMINAL_SHARE_MISSING';
    const queries = batch.map((p, k) => ({
      insurerNumber: p.insurance.insurerNumber,
      symbol: p.insurance.symbol,
      number: p.insurance.number,
      branch: p.insurance.branch,
      birthDate: p.birthDate,
      confirmationDate: day,
      rowId: String(k + 1),
    }));
    const result = await o.priority.background(() =>
      bulkExchange(
        {
          terminal,
          timeoutMs: o.timeoutMs,
          pollMs: o.pollMs ?? 2_000,
          maxFetches: o.maxFetches ?? 30,
          isStopped: () => this.stopped,
          sleep: this.sleep,
        },
        `pre-${bulkKey()}`,
        queries,
      ),
    );
    if (!result.ok) {
      t.failed += batch.length;
      return result.code;
    }
    const f = result.fetch;
    const byRow = new Map(f.rows.filter((x) => x.rowId !== undefined).map((x) => [x.rowId!, x]));
    const items: AnswerInput[] = [];
    batch.forEach((p, k) => {
      const a = byRow.get(String(k + 1));
      if (!a || (a.unit.processingResultStatus === '2' && a.unit.qualificationValidity === undefined)) return;
      const check = checkAnswer({
        numbers: p.insurance,
        birthDate: p.birthDate,
        echo: a.unit.searchInfo,
        finding: a.finding,
        results: a.unit.results,
        fieldProblems: [...f.answer.header.fieldProblems, ...a.unit.fieldProblems],
      });
      if (check.otherPatient.length > 0) return; // about someone else: not kept, asked again by the retry
      items.push({
        person: p,
        validity: a.finding?.validity ?? null,
        validityCode: a.unit.qualificationValidity ?? null,
        finding: a.finding,
        usable: a.finding !== null && check.problems.length === 0,
        rowId: String(k + 1),
      });
    });
    if (items.length > 0) {
      const changed = o.store.recordPrecheckAnswers(runId, { file: f.file, bytes: f.bytes }, items);
      if (!changed.ok) {
        t.failed += batch.length;
        return changed.error.code;
      }
      t.changed += changed.value;
    }
    t.fetched += items.length;
    t.failed += batch.length - items.length;
    // The answer is in the journal now: clear the share.
    await terminal.discardAnswer(f.key, 'bulk_fetch').catch(() => undefined);
    return undefined;
  }
}
