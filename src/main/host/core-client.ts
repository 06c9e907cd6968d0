// The host side of the core process, shared by the Electron main process and the web host: starts the
// core, matches responses to requests by id, relays pushed events, and supervises the process.
//
// If the core dies, EVERY pending request is rejected with CORE_RESTARTING (nothing hangs), a 'core.status'
// 'restarting' event is emitted, and the core is started again after an exponential backoff. After
// `giveUp.maxCrashes` deaths within `giveUp.windowMs` the client stops trying and reports 'failed'.
// (After Ledger Live desktop's device child and Actual Budget's utilityProcess backend.)
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CoreState,
  CoreStatus,
  EventMessage,
  EventName,
  EventPayload,
  RequestInput,
  RequestName,
  RequestOutput,
} from '../contract.ts';
import { ContractError, contractError, parseEventMessage, parseResponseMessage, type CallResult } from '../wire.ts';
import { CORE_ENV, isControl, type HostToCore } from '../core/protocol.ts';
import { statusDetails } from './messages.ts';

// ---------------------------------------------------------------------------------------------------------
// Spawning (the only part that differs between hosts)

export interface CoreExit {
  code: number | null;
  signal: string | null;
}

/** One running core process, whatever started it. */
export interface CoreChild {
  readonly pid: number | undefined;
  send(message: HostToCore): void;
  /** Hard kill (SIGKILL). */
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called exactly once. */
  onExit(listener: (exit: CoreExit) => void): void;
}

/** Starts one core; `env` (from a restart the core asked for) replaces parts of the launch's environment. */
export type SpawnCore = (env?: NodeJS.ProcessEnv) => CoreChild;

export const CORE_ENTRY_TS = fileURLToPath(new URL('../core/process.ts', import.meta.url));

export interface ForkSpawnOptions {
  /** Core entry; default src/main/core/process.ts run through tsx. */
  entry?: string;
  env: NodeJS.ProcessEnv;
  execArgv?: string[];
}

/** Starts the core as a forked Node child (web host, tests, bench). */
export function forkCoreSpawner(options: ForkSpawnOptions): SpawnCore {
  const entry = options.entry ?? CORE_ENTRY_TS;
  const execArgv = options.execArgv ?? (entry.endsWith('.ts') ? ['--import', 'tsx'] : []);
  return (env) => {
    const child = fork(entry, [], {
      execArgv,
      env: { ...options.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    let exited = false;
    const exitListeners: Array<(exit: CoreExit) => void> = [];
    const finish = (exit: CoreExit): void => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l(exit);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    child.on('error', (err) => {
      // Spawn failure or a failed send. If the process is gone, 'exit' follows; if it never started, end here.
      if (child.pid === undefined) finish({ code: null, signal: null });
      else if (child.exitCode === null && child.signalCode === null && !child.connected) child.kill('SIGKILL');
      void err;
    });
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message, (err) => void err);
      },
      kill: () => void child.kill('SIGKILL'),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void exitListeners.push(listener),
    };
  };
}

// ---------------------------------------------------------------------------------------------------------
// The client

export interface CoreClientOptions {
  spawn: SpawnCore;
  backoff?: { initialMs: number; maxMs: number; factor: number };
  giveUp?: { maxCrashes: number; windowMs: number };
  /** A core that has not said 'ready' by then is killed (and counts as a crash). */
  readyTimeoutMs?: number;
  /** Per-request deadline (CORE_TIMEOUT); 0 for none. The core is not killed for a slow answer. */
  requestTimeoutMs?: number;
  /** How long stop() waits for a clean exit before SIGKILL. */
  shutdownTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Pending {
  resolve(result: CallResult): void;
  name: string;
  input: unknown;
  sent: boolean;
  timer: NodeJS.Timeout | undefined;
}

type AnyListener = (message: EventMessage) => void;

export class CoreClient {
  private readonly opts: Required<Omit<CoreClientOptions, 'log'>> & { log: (line: string) => void };
  private state: CoreState | 'stopped' = 'stopped';
  private detail: string = statusDetails.stopped;
  private child: CoreChild | undefined;
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<AnyListener>();
  private crashTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private readyWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  private stopping: Promise<void> | undefined;
  /** The core said it stops to be started again (「再起動」, 訓練モード): its environment from then on. */
  private restartRequested = false;
  private restartEnv: NodeJS.ProcessEnv | undefined;

  constructor(options: CoreClientOptions) {
    this.opts = {
      spawn: options.spawn,
      backoff: options.backoff ?? { initialMs: 250, maxMs: 10_000, factor: 2 },
      giveUp: options.giveUp ?? { maxCrashes: 5, windowMs: 60_000 },
      readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 3_000,
      log: options.log ?? ((line) => console.error(`[core-client] ${line}`)),
    };
  }

  /** Current connection state, as last emitted in 'core.status'. */
  status(): CoreStatus {
    return { state: this.state === 'stopped' ? 'failed' : this.state, detail: this.detail };
  }

  /**
   * Whether the core runs in 訓練モード now: `launched` (how the app was started) until the core asked to be
   * started again with the switch flipped (「訓練モードで試す」 / 「訓練モードを終わる」).
   */
  demoMode(launched: boolean): boolean {
    const v = this.restartEnv?.[CORE_ENV.demo];
    return v === undefined ? launched : v === '1';
  }

  /** pid of the running core process, if any. */
  pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the core; resolves when it is ready, rejects if it cannot be started (state 'failed'). */
  start(): Promise<void> {
    if (this.state !== 'stopped') return this.whenReady();
    this.stopping = undefined;
    this.crashTimes = [];
    this.setStatus('starting', statusDetails.starting);
    this.spawnChild();
    return this.whenReady();
  }

  /** From 'failed': forget past crashes and start again (a 「再試行」 button). */
  retry(): Promise<void> {
    if (this.state !== 'failed') return this.whenReady();
    this.crashTimes = [];
    this.setStatus('starting', statusDetails.starting);
    this.spawnChild();
    return this.whenReady();
  }

  /** For relays: never rejects; the outcome is an ok/error result to hand to the renderer as is. */
  call(name: string, input: unknown): Promise<CallResult> {
    if (this.state === 'restarting') return Promise.resolve(failure(contractError('CORE_RESTARTING')));
    if (this.state === 'failed' || this.state === 'stopped' || this.stopping !== undefined) {
      return Promise.resolve(failure(contractError('CORE_UNAVAILABLE')));
    }
    const id = this.nextId++;
    return new Promise<CallResult>((resolve) => {
      const entry: Pending = { resolve, name, input, sent: false, timer: undefined };
      if (this.opts.requestTimeoutMs > 0) {
        entry.timer = setTimeout(() => {
          this.pending.delete(id);
          resolve(failure(contractError('CORE_TIMEOUT', name)));
        }, this.opts.requestTimeoutMs);
        entry.timer.unref();
      }
      this.pending.set(id, entry);
      if (this.state === 'ready') this.sendPending(id, entry);
      // else 'starting': sent when the core says ready.
    });
  }

  /** Typed request for main-side callers; throws ContractError on failure. */
  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    const result = await this.call(name, input);
    if (result.ok) return result.value as RequestOutput<N>;
    throw new ContractError(result.error.code, result.error.message, result.error.detail);
  }

  /** Subscribe to one event; returns the unsubscribe function. */
  on<E extends EventName>(name: E, callback: (payload: EventPayload<E>) => void): () => void {
    return this.onEvent((message) => {
      if (message.name === name) callback(message.payload as EventPayload<E>);
    });
  }

  /** Subscribe to every event (relays). */
  onEvent(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Asks the core to shut down cleanly, SIGKILLs it after shutdownTimeoutMs; resolves once it has exited. */
  stop(): Promise<void> {
    if (this.stopping !== undefined) return this.stopping;
    clearTimeout(this.restartTimer);
    clearTimeout(this.readyTimer);
    const child = this.child;
    this.rejectAll(contractError('CORE_UNAVAILABLE'));
    this.stopping = new Promise<void>((resolve) => {
      if (child === undefined) return resolve();
      const killTimer = setTimeout(() => child.kill(), this.opts.shutdownTimeoutMs);
      child.onExit(() => {
        clearTimeout(killTimer);
        resolve();
      });
      child.send({ control: 'shutdown' });
    }).then(() => {
      this.child = undefined;
      this.state = 'stopped';
      this.detail = statusDetails.stopped;
      for (const w of this.readyWaiters.splice(0)) w.reject(contractError('CORE_UNAVAILABLE'));
    });
    return this.stopping;
  }

  // -------------------------------------------------------------------------------------------------------

  private whenReady(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'failed') return Promise.reject(contractError('CORE_UNAVAILABLE', this.detail));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private spawnChild(): void {
    const generation = ++this.generation;
    let child: CoreChild;
    try {
      child = this.opts.spawn(this.restartEnv);
    } catch (err) {
      this.opts.log(`spawn failed: ${String(err)}`);
      queueMicrotask(() => this.onChildExit(generation, { code: null, signal: null }));
      return;
    }
    this.child = child;
    child.onMessage((message) => {
      if (generation === this.generation) this.onChildMessage(message);
    });
    child.onExit((exit) => this.onChildExit(generation, exit));
    this.readyTimer = setTimeout(() => {
      if (generation !== this.generation || this.state === 'ready') return;
      this.opts.log(`core did not become ready within ${this.opts.readyTimeoutMs} ms; killing it`);
      child.kill();
    }, this.opts.readyTimeoutMs);
    this.readyTimer.unref();
  }

  private onChildMessage(message: unknown): void {
    if (isControl(message)) {
      if (message.control === 'restart' && this.stopping === undefined) {
        // Only the data folder and the demo switch may change; the core stops by itself next.
        this.restartRequested = true;
        this.restartEnv = { ...this.restartEnv, ...pickRestartEnv(message.env) };
        this.setStatus('restarting', statusDetails.restartRequested);
        return;
      }
      if (message.control === 'ready' && this.stopping === undefined) {
        clearTimeout(this.readyTimer);
        this.setStatus('ready', statusDetails.ready);
        for (const [id, entry] of this.pending) if (!entry.sent) this.sendPending(id, entry);
        for (const w of this.readyWaiters.splice(0)) w.resolve();
      }
      return;
    }
    if (typeof message === 'object' && message !== null && 'id' in message) {
      const parsed = parseResponseMessage(message);
      if (parsed === null || typeof parsed.id !== 'number') return;
      const entry = this.pending.get(parsed.id);
      if (entry === undefined) return; // timed out, or already rejected
      this.pending.delete(parsed.id);
      clearTimeout(entry.timer);
      entry.resolve(parsed.ok ? { ok: true, value: parsed.value } : { ok: false, error: parsed.error });
      return;
    }
    const event = parseEventMessage(message);
    if (event !== null) this.emit(event as EventMessage);
  }

  private onChildExit(generation: number, exit: CoreExit): void {
    if (generation !== this.generation) return;
    clearTimeout(this.readyTimer);
    this.child = undefined;
    if (this.stopping !== undefined) return;
    if (this.restartRequested) {
      // Asked for: at once, not counted as a crash. Requests sent meanwhile wait for 'ready'.
      this.restartRequested = false;
      this.rejectAll(contractError('CORE_RESTARTING', statusDetails.restartRequested));
      this.spawnChild();
      return;
    }

    const reason = statusDetails.exitReason(exit.code, exit.signal);
    this.opts.log(`core exited unexpectedly (${exit.signal ?? `code ${String(exit.code)}`})`);
    this.rejectAll(contractError('CORE_RESTARTING', reason));

    const now = Date.now();
    const { maxCrashes, windowMs } = this.opts.giveUp;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < windowMs), now];
    const crashes = this.crashTimes.length;
    if (crashes >= maxCrashes) {
      this.setStatus('failed', statusDetails.failed(crashes, windowMs));
      for (const w of this.readyWaiters.splice(0)) w.reject(contractError('CORE_UNAVAILABLE', this.detail));
      return;
    }
    const { initialMs, maxMs, factor } = this.opts.backoff;
    const delayMs = Math.min(maxMs, initialMs * factor ** (crashes - 1));
    this.setStatus('restarting', statusDetails.restarting(crashes, delayMs, reason));
    this.restartTimer = setTimeout(() => {
      if (this.stopping === undefined) this.spawnChild();
    }, delayMs);
  }

  private sendPending(id: number, entry: Pending): void {
    entry.sent = true;
    try {
      this.child?.send({ id, name: entry.name, input: entry.input });
    } catch (err) {
      // The channel closed under us: the exit handler rejects everything that is pending.
      this.opts.log(`send failed: ${String(err)}`);
    }
  }

  private rejectAll(error: ContractError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.resolve(failure(error));
    }
  }

  private setStatus(state: CoreState, detail: string): void {
    this.state = state;
    this.detail = detail;
    this.emit({ name: 'core.status', payload: { state, detail } });
  }

  private emit(message: EventMessage): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch (err) {
        this.opts.log(`event listener failed: ${String(err)}`);
      }
    }
  }
}

function pickRestartEnv(env: unknown): NodeJS.ProcessEnv {
  const e = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>;
  const out: NodeJS.ProcessEnv = {};
  for (const key of [CORE_ENV.dataDir, CORE_ENV.demo])
    if (typeof e[key] === 'string' && e[key] !== '') out[key] = e[key];
  return out;
}

function failure(error: ContractError): CallResult {
  return { ok: false, error: error.toWire() };
}
