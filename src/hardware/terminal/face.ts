// face/: the face-reader's confirmations (OQSsiquc01res_face_<id>_<yyyyMMddHHmmss>.xml), turned into events for
// subscribers. Each file is emitted once: parsed (a 'face' event), or after it stayed unreadable for a while
// (a 'face_error' event). Files larger than the answer limit are refused without being read.
import path from 'node:path';
import { isTerminalError, TerminalError } from './errors.ts';
import { listNames, parseFaceFileName, readBounded } from './files.ts';
import { isoDateTimeFromTerminal, toTerminalFinding } from './finding.ts';
import type { QualificationAnswer } from './model.ts';
import { oversizedAnswer, parseAnswer } from './parser.ts';
import type { FaceEvent } from './ports.ts';
import { FolderWatch } from './watch.ts';

export interface FaceWatchOptions {
  watch: boolean;
  pollMs: number;
  /** Wait between reads of a file that does not parse yet. */
  settleMs: number;
  /** Identical unparsable reads before the file is given up. */
  stableReads: number;
  /** Emit files already present when watching starts. */
  includeExisting: boolean;
  /** How long a file may stay unreadable before a face_error event. */
  settleTimeoutMs: number;
  maxAnswerBytes: number;
}

interface FaceRead {
  first: number;
  lastBytes?: Buffer;
  same: number;
  timer?: NodeJS.Timeout;
}

export class FaceWatcher {
  private readonly subscribers = new Set<(e: FaceEvent) => void>();
  private readonly seen = new Set<string>();
  private readonly inFlight = new Map<string, FaceRead>();
  private folder: FolderWatch | undefined;
  private started = false;
  /** Bumped on every start/stop: a start that was overtaken by a stop does not arm anything. */
  private generation = 0;
  private readyPromise: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly opts: FaceWatchOptions,
  ) {}

  subscribe(cb: (event: FaceEvent) => void): () => void {
    this.subscribers.add(cb);
    if (!this.started) {
      this.started = true;
      this.readyPromise = this.start(++this.generation);
    }
    return () => {
      this.subscribers.delete(cb);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Resolves once face/ is being watched: files appearing from then on are emitted. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  close(): void {
    this.stop();
    this.subscribers.clear();
  }

  private async start(generation: number): Promise<void> {
    if (!this.opts.includeExisting) {
      for (const n of await listNames(this.dir)) this.seen.add(n);
    }
    if (generation !== this.generation) return;
    this.folder = new FolderWatch(
      this.dir,
      this.opts,
      (name) => this.candidate(name),
      () => this.poll(),
    );
    await this.poll();
  }

  private stop(): void {
    this.generation += 1;
    this.started = false;
    this.folder?.close();
    this.folder = undefined;
    for (const f of this.inFlight.values()) clearTimeout(f.timer);
    this.inFlight.clear();
  }

  private async poll(): Promise<void> {
    if (!this.started) return;
    const names = await listNames(this.dir);
    for (const n of names) this.candidate(n);
    for (const n of [...this.seen]) if (!names.has(n)) this.seen.delete(n);
  }

  private candidate(name: string): void {
    if (!this.started || this.seen.has(name) || this.inFlight.has(name) || !parseFaceFileName(name)) return;
    const state: FaceRead = { first: Date.now(), same: 0 };
    this.inFlight.set(name, state); // one reader per file: watch events and polls for it are ignored meanwhile
    void this.read(name, state);
  }

  private async read(name: string, state: FaceRead): Promise<void> {
    state.timer = undefined;
    const parts = parseFaceFileName(name);
    if (!parts || !this.started) return;
    const got = await readBounded(path.join(this.dir, name), this.opts.maxAnswerBytes).catch(() => undefined);
    if (!this.started) return;
    if (got === undefined) {
      this.inFlight.delete(name);
      return;
    }
    if ('tooLarge' in got) {
      this.seen.add(name);
      this.inFlight.delete(name);
      this.emit({
        type: 'face_error',
        file: name,
        error: oversizedAnswer(got.tooLarge, this.opts.maxAnswerBytes, name),
      });
      return;
    }
    const bytes = got.bytes;
    try {
      const answer = parseAnswer(bytes, {
        file: name,
        kind: 'qualification',
        maxBytes: this.opts.maxAnswerBytes,
      }) as QualificationAnswer;
      this.seen.add(name);
      this.inFlight.delete(name);
      const at = isoDateTimeFromTerminal(parts.timestamp);
      this.emit({
        type: 'face',
        file: name,
        id: parts.id,
        timestamp: parts.timestamp,
        ...(at ? { at } : {}),
        answer,
        finding: toTerminalFinding(answer),
      });
    } catch (e) {
      state.same = state.lastBytes?.equals(bytes) ? state.same + 1 : 1;
      state.lastBytes = bytes;
      if (state.same >= this.opts.stableReads || Date.now() - state.first > this.opts.settleTimeoutMs) {
        this.seen.add(name);
        this.inFlight.delete(name);
        const err = isTerminalError(e)
          ? e
          : new TerminalError('TERMINAL_MALFORMED_ANSWER', (e as Error).message, { file: name });
        this.emit({ type: 'face_error', file: name, error: err });
      } else {
        state.timer = setTimeout(() => void this.read(name, state), this.opts.settleMs);
      }
    }
  }

  private emit(e: FaceEvent): void {
    for (const cb of [...this.subscribers]) {
      try {
        cb(e);
      } catch {
        // a subscriber's failure must not stop the others
      }
    }
  }
}
