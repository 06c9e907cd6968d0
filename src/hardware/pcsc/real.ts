// The real card reader: a supervisor for the PC/SC worker process (after Ledger Live's device isolation).
// Every `smartcard` call happens in the worker; this side only holds the snapshot, forwards requests
// with a deadline, and kills and restarts the worker when it hangs (no heartbeat, our timeout, a
// poisoned native call) or dies. Every in-flight request is rejected when the worker goes away.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CardReaderError, type CardReaderErrorCode, type PcscErrorInfo } from './errors.ts';
import { diagnosisFromRead } from './diagnose.ts';
import { WORKER_CONFIG_ENV, type ParentToWorker, type WorkerConfig, type WorkerToParent } from './protocol.ts';
import type { CardDiagnosis, CardReaderPort, PcscSnapshot } from './types.ts';

export interface PcscCardReaderOptions {
  /** Clock for the certificate classification. */
  now?: () => Date;
  /** Deadline of each connect/transmit inside the worker (default 3000 ms). */
  transmitTimeoutMs?: number;
  /** Deadline of a whole diagnoseCard request, including waiting for a (re)starting worker (default 20 s). */
  requestTimeoutMs?: number;
  /** Monitor tick in the worker: SCardGetStatusChange timeout (default 500 ms). */
  pollMs?: number;
  /** No message from the worker for this long: it is hung, kill it (default 5000 ms). */
  heartbeatTimeoutMs?: number;
  /** Worker restart backoff (default 200 ms doubling to 5 s; reset after 30 s of healthy running). */
  restartInitialMs?: number;
  restartMaxMs?: number;
  /** Worker entry point and Node flags (defaults: the built pcsc-worker.cjs or worker.ts with `--import tsx`). */
  workerPath?: string;
  execArgv?: string[];
  /** Diagnostic lines (worker restarts and why). */
  log?: (line: string) => void;
}

interface Pending {
  resolve: (d: CardDiagnosis) => void;
  reject: (e: CardReaderError) => void;
  timer: NodeJS.Timeout;
}

const HEALTHY_RESET_MS = 30_000;

/** tsx's loader as an absolute URL, so the worker starts whatever the current directory is. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** The worker: its bundle next to this code once built (dist/core, dist/cli), else worker.ts through tsx. */
function defaultWorkerPath(): string {
  const built = fileURLToPath(new URL('./pcsc-worker.cjs', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./worker.ts', import.meta.url));
}

export class PcscCardReader extends EventEmitter implements CardReaderPort {
  private readonly opts: Required<Omit<PcscCardReaderOptions, 'log'>> & { log: (line: string) => void };
  private child: ChildProcess | null = null;
  private snap: PcscSnapshot;
  private running = false;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private restartDelay: number;
  private startedAt = 0;
  /** Why we are killing the current child: decides the code in-flight requests are rejected with. */
  private killReason: CardReaderErrorCode | null = null;
  private readyWaiters: (() => void)[] = [];
  private workerReady = false;
  /** Number of worker processes started (for tests and diagnostics). */
  workerStarts = 0;

  constructor(options: PcscCardReaderOptions = {}) {
    super();
    const workerPath = options.workerPath ?? defaultWorkerPath();
    this.opts = {
      now: options.now ?? (() => new Date()),
      transmitTimeoutMs: options.transmitTimeoutMs ?? 3000,
      requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
      pollMs: options.pollMs ?? 500,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 5000,
      restartInitialMs: options.restartInitialMs ?? 200,
      restartMaxMs: options.restartMaxMs ?? 5000,
      workerPath,
      execArgv: options.execArgv ?? (workerPath.endsWith('.ts') ? ['--import', tsxLoader()] : []),
      log: options.log ?? (() => {}),
    };
    this.restartDelay = this.opts.restartInitialMs;
    this.snap = { service: 'unknown', readers: [], at: this.opts.now().toISOString() };
  }

  snapshot(): PcscSnapshot {
    return structuredClone(this.snap);
  }

  /** The worker's pid, while one runs. */
  get workerPid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.spawn();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.rejectAll('SHIKAKU_STOPPED');
    const child = this.child;
    if (child) {
      this.killReason = 'SHIKAKU_STOPPED';
      if (child.connected) child.send({ type: 'stop' } satisfies ParentToWorker);
      await this.waitExit(child, 1000);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await this.waitExit(child, 1000);
      }
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await this.waitExit(child, 5000);
      }
    }
    this.clearHeartbeat();
    this.setSnapshot({ service: 'unknown', readers: [] });
    for (const w of this.readyWaiters.splice(0)) w();
  }

  diagnoseCard(reader?: string): Promise<CardDiagnosis> {
    return new Promise<CardDiagnosis>((resolve, reject) => {
      if (!this.running) {
        reject(new CardReaderError('SHIKAKU_STOPPED', 'card reader is not started'));
        return;
      }
      const id = this.nextId++;
      const timer = setTimeout(() => {
        // The worker did not answer in time: treat it as hung.
        this.pending.delete(id);
        reject(new CardReaderError('SHIKAKU_TIMEOUT', `no answer within ${this.opts.requestTimeoutMs} ms`));
        this.restartWorker('SHIKAKU_TIMEOUT', 'request deadline passed');
      }, this.opts.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      void this.whenReady().then(() => {
        if (!this.pending.has(id)) return;
        const child = this.child;
        if (!child?.connected) return; // rejected by the exit handler
        child.send({ type: 'diagnose', id, ...(reader ? { reader } : {}) } satisfies ParentToWorker);
      });
    });
  }

  // ---- worker supervision ----

  private whenReady(): Promise<void> {
    if (this.workerReady || !this.running) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private spawn(): void {
    const config: WorkerConfig = {
      transmitTimeoutMs: this.opts.transmitTimeoutMs,
      pollMs: this.opts.pollMs,
      backoffInitialMs: 100,
      backoffMaxMs: 1000,
      sharingRetries: 3,
    };
    this.killReason = null;
    this.workerReady = false;
    this.startedAt = Date.now();
    this.workerStarts++;
    const child = fork(this.opts.workerPath, [], {
      execArgv: this.opts.execArgv,
      env: { ...process.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (m: WorkerToParent) => this.onMessage(child, m));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => this.opts.log(`pcsc worker error: ${e.message}`));
    this.armHeartbeat();
  }

  private armHeartbeat(): void {
    this.clearHeartbeat();
    this.heartbeatTimer = setTimeout(
      () => this.restartWorker('SHIKAKU_TIMEOUT', 'no heartbeat'),
      this.opts.heartbeatTimeoutMs,
    );
  }

  private clearHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private onMessage(child: ChildProcess, m: WorkerToParent): void {
    if (child !== this.child || this.killReason) return;
    this.armHeartbeat();
    switch (m.type) {
      case 'heartbeat':
        break;
      case 'state': {
        const next: Omit<PcscSnapshot, 'at'> = { service: m.service, readers: m.readers };
        if (m.lastError) next.lastError = m.lastError;
        this.setSnapshot(next);
        if (!this.workerReady) {
          this.workerReady = true;
          for (const w of this.readyWaiters.splice(0)) w();
        }
        if (Date.now() - this.startedAt > HEALTHY_RESET_MS) this.restartDelay = this.opts.restartInitialMs;
        break;
      }
      case 'result': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(diagnosisFromRead(m.result, this.opts.now()));
        else p.reject(CardReaderError.fromInfo(m.error, m.message));
        break;
      }
      case 'poisoned':
        this.restartWorker('SHIKAKU_TIMEOUT', m.reason);
        break;
    }
  }

  /** Kill the current worker; onExit rejects what is in flight and schedules the restart. */
  private restartWorker(reason: CardReaderErrorCode, why: string): void {
    const child = this.child;
    if (!child || this.killReason) return;
    this.opts.log(`pcsc worker ${child.pid}: killing (${why})`);
    this.killReason = reason;
    this.clearHeartbeat();
    this.setSnapshot({ service: 'unknown', readers: [], lastError: { code: null, name: reason } });
    // SIGKILL: a hung native call can keep a politely asked process alive forever.
    child.kill('SIGKILL');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = null;
    this.workerReady = false;
    this.clearHeartbeat();
    const reason: CardReaderErrorCode = this.killReason ?? 'SHIKAKU_WORKER_EXITED';
    this.rejectAll(reason === 'SHIKAKU_STOPPED' ? 'SHIKAKU_STOPPED' : reason);
    if (!this.running) return;
    this.opts.log(`pcsc worker exited (code ${code}, signal ${signal}); restarting in ${this.restartDelay} ms`);
    const lastError: PcscErrorInfo = { code: null, name: reason };
    this.setSnapshot({ service: 'unknown', readers: [], lastError });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.running) this.spawn();
    }, this.restartDelay);
    this.restartDelay = Math.min(this.restartDelay * 2, this.opts.restartMaxMs);
  }

  private rejectAll(code: CardReaderErrorCode): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new CardReaderError(code));
    }
  }

  private setSnapshot(next: Omit<PcscSnapshot, 'at'>): void {
    const key = (s: Omit<PcscSnapshot, 'at'>) =>
      JSON.stringify([
        s.service,
        s.readers.map((r) => [r.name, r.cardPresent, r.atr ?? null]),
        s.lastError?.name ?? null,
      ]);
    if (key(this.snap) === key(next)) return;
    this.snap = {
      service: next.service,
      readers: next.readers,
      ...(next.lastError ? { lastError: next.lastError } : {}),
      at: this.opts.now().toISOString(),
    };
    this.emit('change', this.snapshot());
  }

  private waitExit(child: ChildProcess, ms: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        child.off('exit', done);
        resolve();
      }
      child.once('exit', done);
    });
  }

  override on(event: 'change', listener: (s: PcscSnapshot) => void): this {
    return super.on(event, listener);
  }
  override off(event: 'change', listener: (s: PcscSnapshot) => void): this {
    return super.off(event, listener);
  }
}
