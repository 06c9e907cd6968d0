// Parsing large answer files off the core's event loop: one worker thread (parse-worker.ts) that the client hands
// the bytes of a big answer (a 一括照会 result of a hundred rows is ~100 KB of Shift_JIS XML, tens of ms to decode
// and parse) and the queries of a big 一括照会 upload to build (~50 KB, 15–30 ms), so a reception request waiting
// meanwhile is answered within a frame. Supervised like the PC/SC
// worker (after Ledger Live's device isolation): started on first use, restarted on the next use after it died;
// when it dies or hangs (no reply within parseTimeoutMs: it is terminated), every parse in flight is rejected with
// TERMINAL_PARSER_FAILED (retryable: the client reads the file again, nothing was applied). A worker that cannot
// even start (no bundle next to the code, a packaging problem) is not retried: parses then run in the thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TerminalError } from './errors.ts';
import {
  buildUpload,
  failureToError,
  parseWithFindings,
  type BulkUploadBuild,
  type ParseReply,
  type ParseRequest,
  type ParsedAnswer,
} from './parse-job.ts';
import type { ParseOptions } from './parser.ts';

/** Where the client sends an answer's bytes to be parsed and a big 一括照会 upload to be built. */
export interface AnswerParser {
  parse(bytes: Uint8Array, opts: ParseOptions): Promise<ParsedAnswer>;
  buildBulkUpload(build: BulkUploadBuild): Promise<Buffer>;
  close(): Promise<void>;
}

export interface ParseWorkerOptions {
  /** A parse answered later than this: the worker is hung, terminated, the parse rejected. Default 20 000 ms. */
  parseTimeoutMs?: number;
  /** Worker entry: default the built terminal-parse-worker.cjs next to this code, else parse-worker.ts via tsx. */
  workerPath?: string;
  /** Worker restarts and fallbacks, for the log. */
  log?: (line: string) => void;
}

/** A job's result: a parsed answer or a built request. */
type Done = { parsed: ParsedAnswer } | { bytes: Uint8Array };

interface InFlight {
  resolve(done: Done): void;
  reject(e: TerminalError): void;
  timer: NodeJS.Timeout;
}

/** The bundle's worker next to this code once built (dist/core, dist/web, dist/cli), else the source via tsx. */
function defaultWorkerPath(): string {
  const built = fileURLToPath(new URL('./terminal-parse-worker.cjs', import.meta.url));
  return existsSync(built) ? built : fileURLToPath(new URL('./parse-worker.ts', import.meta.url));
}

/** A .ts entry runs through tsx's require hook (module hooks do not reach worker threads on Node 20). */
function spawn(entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`, { eval: true });
}

/** The in-thread parser: the same job, run where it is called. */
export const inThreadParser: AnswerParser = {
  parse: (bytes, opts) => new Promise((resolve) => resolve(parseWithFindings(bytes, opts))),
  buildBulkUpload: (build) => new Promise((resolve) => resolve(buildUpload(build))),
  close: () => Promise.resolve(),
};

export class ParseWorker implements AnswerParser {
  private worker: Worker | undefined;
  private ready: Promise<boolean> | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private nextId = 1;
  private unavailable = false;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly workerPath: string;
  private readonly log: (line: string) => void;
  /** Workers started (tests, diagnostics). */
  starts = 0;

  /** Parses handed to the worker and not answered yet. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  constructor(opts: ParseWorkerOptions = {}) {
    this.timeoutMs = opts.parseTimeoutMs ?? 20_000;
    this.workerPath = opts.workerPath ?? defaultWorkerPath();
    this.log = opts.log ?? (() => undefined);
  }

  /** Parses in the worker (in the thread when no worker can start). Rejects with a TerminalError. */
  async parse(bytes: Uint8Array, opts: ParseOptions): Promise<ParsedAnswer> {
    const done = await this.run({ op: 'parse', bytes, opts }, pick(opts), async () => ({
      parsed: await inThreadParser.parse(bytes, opts),
    }));
    if (!('parsed' in done)) throw new Error('parse worker answered a parse with bytes');
    return done.parsed;
  }

  /** Builds a 一括照会 upload in the worker (in the thread when no worker can start). Rejects with a TerminalError. */
  async buildBulkUpload(build: BulkUploadBuild): Promise<Buffer> {
    const done = await this.run({ op: 'build', build }, { key: build.key }, async () => ({
      bytes: await inThreadParser.buildBulkUpload(build),
    }));
    if (!('bytes' in done)) throw new Error('parse worker answered a build with a parse');
    return Buffer.from(done.bytes.buffer, done.bytes.byteOffset, done.bytes.byteLength);
  }

  /** One job in the worker; `here` when no worker can start. */
  private async run(
    job: DistributiveOmit<ParseRequest, 'id'>,
    details: { key?: string; file?: string },
    here: () => Promise<Done>,
  ): Promise<Done> {
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'parser is closed', details);
    if (this.unavailable || !(await this.start())) return here();
    const worker = this.worker;
    if (!worker || this.closed)
      // killed or closed while it started
      throw new TerminalError('TERMINAL_PARSER_FAILED', 'parse worker went away before the job', details);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.kill(`no reply within ${this.timeoutMs} ms`), this.timeoutMs);
      this.inFlight.set(id, { resolve, reject, timer });
      worker.ref(); // a job in flight keeps the process alive; an idle worker does not
      worker.postMessage({ ...job, id });
    });
  }

  /** Terminates the current worker (a hang): every parse in flight is rejected, the next parse starts a new one. */
  kill(why: string): void {
    const w = this.worker;
    if (!w) return;
    this.log(`terminal parse worker: terminating (${why})`);
    this.gone(w, why);
    void w.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    this.gone(w, 'parser closed');
    await w.terminate();
  }

  /** Starts the worker if none runs; false when it cannot start (then parses stay in the thread). */
  private start(): Promise<boolean> {
    if (this.ready) return this.ready;
    this.starts += 1;
    let w: Worker;
    try {
      w = spawn(this.workerPath);
    } catch (e) {
      return Promise.resolve(this.giveUp((e as Error).message));
    }
    w.unref();
    this.worker = w;
    this.ready = new Promise<boolean>((resolve) => {
      let up = false;
      w.on('message', (m: ParseReply | 'ready') => {
        if (m === 'ready') {
          up = true;
          resolve(true);
          return;
        }
        const f = this.inFlight.get(m.id);
        if (!f) return;
        this.inFlight.delete(m.id);
        clearTimeout(f.timer);
        if (this.inFlight.size === 0) w.unref();
        if (m.ok) f.resolve(m);
        else f.reject(failureToError(m.error));
      });
      // Killed (kill, close) before it was ready: not a worker that cannot start; the parse waiting sees it gone.
      const failed = (why: string) => {
        if (this.worker !== w) resolve(true);
        else if (!up) resolve(this.giveUp(why));
        else this.gone(w, why);
      };
      w.on('error', (e) => failed(`error: ${e.message}`));
      w.on('exit', (code) => failed(up ? `exited with ${code}` : `exited with ${code} before it was ready`));
    });
    return this.ready;
  }

  private giveUp(why: string): false {
    if (!this.unavailable) this.log(`terminal parse worker unavailable (${why}): parsing in the core's thread`);
    this.unavailable = true;
    this.worker = undefined;
    this.ready = undefined;
    return false;
  }

  /** The worker `w` is gone: reject what it had in flight; the next parse starts another. */
  private gone(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.ready = undefined;
    const lost = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const f of lost) {
      clearTimeout(f.timer);
      f.reject(new TerminalError('TERMINAL_PARSER_FAILED', `answer parse worker went away (${why})`, {}));
    }
    if (lost.length > 0) this.log(`terminal parse worker gone (${why}): ${lost.length} parse(s) rejected`);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function pick(opts: ParseOptions) {
  return opts.file !== undefined ? { file: opts.file } : {};
}
