// 事後確認 for the whole clinic (docs/clinic-server.md, "One reconciler per clinic"). With a clinic server, one PC —
// the one holding the reconciler lock (leader.ts) — talks to the 資格確認端末 for 事後確認; every other PC hands
// its terminal requests over through the server (relay_requests) and reads the answers back. Each PC still decides
// and records its own visits in its own journal (one writer per visit): only the question to the terminal moves.
// - 'leader': this PC asks the terminal directly, for its own visits and for the requests the others handed over
//   (claimed first: a request claimed by another PC within the lease is not asked again, even across a failover).
// - 'relay': this PC's reconciler gets a RelayTerminal: confirm() writes the request and waits for its answer.
// - 'alone': no server, or it cannot be reached: the PC asks the terminal itself, as without a server.
// The route changes with the lock and the server's reachability; the terminal link re-opens on a change (jobs in
// hand are given back, not failed).
import type { ClientBase } from 'pg';
import {
  isTerminalError,
  TerminalError,
  TerminalErrorCodes,
  type QualificationQueryInput,
  type TerminalResult,
} from '../../../hardware/terminal/index.ts';
import type { ReconcilerTerminal } from '../reconcile/host.ts';
import type { ServerSettings } from '../store/settings.ts';
import type { SecretStore } from './client.ts';
import { ReconcilerLeader } from './leader.ts';

export type ReconcileRoute = 'alone' | 'leader' | 'relay';

/** An answer as the server keeps it: the terminal's result (bytes in base64) or its typed failure. */
type RelayAnswer =
  | { ok: true; result: Omit<TerminalResult, 'bytes'> & { bytes: string } }
  | { ok: false; error: { code: string; message: string; messageJa: string; details: Record<string, unknown> } };

function encodeAnswer(r: TerminalResult | TerminalError): RelayAnswer {
  if (r instanceof TerminalError) {
    const j = r.toJSON();
    return {
      ok: false,
      error: { code: j.code, message: j.message, messageJa: j.messageJa, details: { ...j.details } },
    };
  }
  return { ok: true, result: { ...r, bytes: Buffer.from(r.bytes).toString('base64') } };
}

/** The terminal's result, or its failure thrown, as the leader got it. */
function decodeAnswer(a: RelayAnswer): TerminalResult {
  if (a.ok) return { ...a.result, bytes: Buffer.from(a.result.bytes, 'base64') };
  const code = (TerminalErrorCodes as readonly string[]).includes(a.error.code)
    ? (a.error.code as TerminalError['code'])
    : 'TERMINAL_REQUEST_REJECTED';
  throw new TerminalError(code, a.error.message, a.error.details, a.error.messageJa);
}

type Session = <T>(fn: (c: ClientBase) => Promise<T>) => Promise<T>;

export interface RelayTerminalOptions {
  pc: string;
  session: Session;
  /** How often to look for the answer (ms). */
  pollMs?: number;
}

/**
 * What a PC that is not the reconciler gives its reconciler: the same confirm() and discardAnswer(), through the
 * leader. A request whose answer was an error is asked again on the next try; an answer already there is reused
 * (as an answer left in res/ is). No 一括照会: the leader asks one request at a time.
 */
export class RelayTerminal implements ReconcilerTerminal {
  private closed = false;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly o: RelayTerminalOptions) {}

  async confirm(query: QualificationQueryInput, opts: { key?: string; timeoutMs?: number }): Promise<TerminalResult> {
    const key = opts.key;
    if (!key) throw new TerminalError('TERMINAL_INVALID_QUERY', 'a relayed request needs its key');
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const pollMs = this.o.pollMs ?? 250;
    await this.call((c) =>
      c.query(
        `INSERT INTO relay_requests (key, pc, query) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET answer = NULL, answered_by = NULL, answered_at = NULL,
                created_at = clock_timestamp()
          WHERE relay_requests.answer ->> 'ok' = 'false'`,
        [key, this.o.pc, JSON.stringify(query)],
      ),
    );
    // The leader may have others' requests before this one: twice the terminal's own timeout.
    const deadline = Date.now() + 2 * timeoutMs;
    for (;;) {
      const r = await this.call((c) =>
        c.query<{ answer: RelayAnswer | null }>('SELECT answer FROM relay_requests WHERE key = $1', [key]),
      );
      const answer = r.rows[0]?.answer;
      if (answer) return decodeAnswer(answer);
      if (Date.now() >= deadline)
        throw new TerminalError(
          'TERMINAL_TIMEOUT',
          `no answer through the clinic's reconciler within ${2 * timeoutMs} ms`,
          {
            key,
            timeoutMs,
          },
        );
      await this.sleep(pollMs);
    }
  }

  /** The answer is recorded: the server forgets the request. */
  async discardAnswer(key: string): Promise<void> {
    await this.call(async (c) => {
      await c.query('DELETE FROM relay_requests WHERE key = $1 AND pc = $2', [key, this.o.pc]);
      await c.query('DELETE FROM reconcile_claims WHERE visit_id = $1', [key]);
    });
  }

  /** The link is re-opened or the core stops: a confirm() waiting ends with TERMINAL_CLOSED. */
  close(): void {
    this.closed = true;
    for (const w of this.wakers) w();
  }

  private async call<T>(fn: (c: ClientBase) => Promise<T>): Promise<T> {
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'relay closed');
    try {
      return await this.o.session(fn);
    } catch (e) {
      if (isTerminalError(e)) throw e;
      // The server went away: the route falls back to 'alone' and the job is tried again.
      throw new TerminalError('TERMINAL_CLOSED', `clinic server: ${String((e as Error)?.message ?? e)}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

/**
 * The leader's own reconciler asks the terminal directly, but claims each request first: a request another PC
 * claimed within the lease (a former leader that was asking it when it went away) waits until the lease has run
 * out, and by then its answer is usually in res/ already (reused, not asked again).
 */
export class ClaimingTerminal implements ReconcilerTerminal {
  private closed = false;
  /** The 一括照会 of the leader's own backlog goes as it does without a server. */
  readonly bulkUpload?: ReconcilerTerminal['bulkUpload'];
  readonly bulkFetch?: ReconcilerTerminal['bulkFetch'];

  constructor(
    private readonly direct: ReconcilerTerminal,
    private readonly o: { pc: string; leader: ReconcilerLeader; pollMs?: number },
  ) {
    if (direct.bulkUpload && direct.bulkFetch) {
      this.bulkUpload = direct.bulkUpload.bind(direct);
      this.bulkFetch = direct.bulkFetch.bind(direct);
    }
  }

  get dirs(): { res: string } | undefined {
    return this.direct.dirs;
  }

  async confirm(query: QualificationQueryInput, opts: { key?: string; timeoutMs?: number }): Promise<TerminalResult> {
    const key = opts.key;
    if (key) {
      const deadline = Date.now() + 2 * (opts.timeoutMs ?? 30_000);
      while ((await this.o.leader.claim(this.o.pc, [key])).length === 0) {
        if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'link closed');
        if (!this.o.leader.isLeader || Date.now() >= deadline)
          throw new TerminalError('TERMINAL_TIMEOUT', 'the request is claimed by another PC', { key });
        await new Promise((r) => setTimeout(r, this.o.pollMs ?? 250));
      }
    }
    return this.direct.confirm(query, opts);
  }

  async discardAnswer(key: string, kind?: Parameters<ReconcilerTerminal['discardAnswer']>[1]): Promise<void> {
    await this.direct.discardAnswer(key, kind);
    // The claim, and the request if this PC had handed it over before it led.
    await this.o.leader
      .session(async (c) => {
        await c.query('DELETE FROM reconcile_claims WHERE visit_id = $1', [key]);
        await c.query('DELETE FROM relay_requests WHERE key = $1 AND pc = $2', [key, this.o.pc]);
      })
      .catch(() => undefined);
  }

  close(): void {
    this.closed = true;
  }
}

export interface ClinicReconcilerOptions {
  settings: () => ServerSettings;
  secrets: SecretStore;
  /** The terminal this PC asks directly (null: no terminal folder); the leader serves the others' requests on it. */
  terminal: () => ReconcilerTerminal | null;
  /** The terminal's answer timeout (ms), for the requests the leader serves. */
  timeoutMs: () => number;
  /** Told every change of route (the terminal link re-opens). */
  onRoute?: (route: ReconcileRoute) => void;
  /** Lock checks (ms). */
  tickMs?: number;
  /** How often the leader looks for handed-over requests, and a relaying PC for its answers (ms). */
  pollMs?: number;
  /** Requests the leader asks at once. */
  concurrency?: number;
  /** A request claimed by a PC is not asked by another for this long (ms): at least the terminal's timeout. */
  claimLeaseMs?: number;
}

/** The clinic part of 事後確認 on one PC: the lock, the route, the relay terminal and the leader's serving loop. */
export class ClinicReconciler {
  readonly leader: ReconcilerLeader;
  private current: ReconcileRoute = 'alone';
  private reachable = false;
  private timer: NodeJS.Timeout | null = null;
  private serving: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly o: ClinicReconcilerOptions) {
    this.leader = new ReconcilerLeader({
      settings: o.settings,
      secrets: o.secrets,
      claimLeaseMs: o.claimLeaseMs ?? 120_000,
    });
  }

  get route(): ReconcileRoute {
    return this.current;
  }

  /** The terminal this PC's reconciler asks through now: the direct one, or the relay when another PC leads. */
  terminalFor(direct: ReconcilerTerminal): ReconcilerTerminal {
    const pc = this.o.settings().pcName;
    const pollMs = this.o.pollMs !== undefined ? { pollMs: this.o.pollMs } : {};
    if (this.current === 'leader') return new ClaimingTerminal(direct, { pc, leader: this.leader, ...pollMs });
    if (this.current !== 'relay') return direct;
    return new RelayTerminal({
      pc,
      session: (fn) => this.leader.session(fn),
      ...pollMs,
    });
  }

  /** One check of the lock; the new route (told to onRoute when it changed). */
  async tick(): Promise<ReconcileRoute> {
    const s = this.o.settings();
    let next: ReconcileRoute = 'alone';
    if (s.enabled) {
      // Only a PC that can reach the terminal (a share folder set) may ask it for the clinic.
      const canAsk = this.o.terminal() !== null;
      if (!canAsk) await this.leader.release();
      const leads = canAsk && (await this.leader.tick());
      this.reachable = leads || (await this.ping());
      next = leads ? 'leader' : this.reachable ? 'relay' : 'alone';
    } else {
      await this.leader.stop();
    }
    if (next !== this.current) {
      this.current = next;
      this.o.onRoute?.(next);
    }
    return next;
  }

  private async ping(): Promise<boolean> {
    try {
      await this.leader.session((c) => c.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  /** As leader: asks the terminal the requests other PCs handed over (claimed first); how many were answered. */
  async serveOnce(): Promise<number> {
    const terminal = this.o.terminal();
    if (this.current !== 'leader' || !terminal) return 0;
    const pc = this.o.settings().pcName;
    // Not this PC's own: handed over before it led, they are asked again by its reconciler directly.
    const open = await this.leader
      .session((c) =>
        c.query<{ key: string; query: QualificationQueryInput }>(
          `SELECT key, query FROM relay_requests WHERE answer IS NULL AND pc <> $1 ORDER BY created_at, key LIMIT 50`,
          [pc],
        ),
      )
      .catch(() => null);
    if (!open || open.rows.length === 0) return 0;
    const claimed = new Set(
      await this.leader.claim(
        pc,
        open.rows.map((r) => r.key),
      ),
    );
    const todo = open.rows.filter((r) => claimed.has(r.key));
    let answered = 0;
    const worker = async () => {
      for (let r = todo.shift(); r; r = todo.shift()) {
        if (this.stopped) return;
        let answer: RelayAnswer;
        try {
          answer = encodeAnswer(await terminal.confirm(r.query, { key: r.key, timeoutMs: this.o.timeoutMs() }));
        } catch (e) {
          if (!isTerminalError(e) || e.code === 'TERMINAL_CLOSED') continue; // asked again when the link is back
          answer = encodeAnswer(e);
        }
        const key = r.key;
        const saved = await this.leader
          .session((c) =>
            c.query(
              `UPDATE relay_requests SET answer = $2, answered_by = $3, answered_at = clock_timestamp()
                WHERE key = $1 AND answer IS NULL`,
              [key, JSON.stringify(answer), pc],
            ),
          )
          .then(() => true)
          .catch(() => false);
        // The answer is kept on the server until the asking PC has recorded it: res/ can be cleared.
        if (saved && answer.ok) await terminal.discardAnswer(key).catch(() => undefined);
        if (saved) answered++;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.o.concurrency ?? 2) }, worker));
    return answered;
  }

  /** Ticks (and serves while leading) until stop(). */
  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.tick().catch(() => undefined);
      if (this.current === 'leader' && !this.stopped) {
        this.serving = this.serveOnce()
          .then(() => undefined)
          .catch(() => undefined);
        await this.serving;
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.pollInterval());
    };
    void loop();
  }

  private pollInterval(): number {
    return this.current === 'leader' ? (this.o.pollMs ?? 250) : (this.o.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.serving;
    await this.leader.stop();
    if (this.current !== 'alone') {
      this.current = 'alone';
      this.o.onRoute?.('alone');
    }
  }
}
