// The client side of the file interface: write a request into req/ atomically, wait for the matching answer in
// res/ (fs.watch plus polling: change notifications do not always arrive from Windows shares), read it only once
// it parses or has stopped changing, check it belongs to us, and report typed failures. Also watches face/.
import { watch, promises as fsp, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { TerminalFinding } from '../../claims/visit.ts';
import { buildBulkFetchRequest, buildBulkUploadRequest, buildQualificationRequest, normalizeQuery } from './builder.ts';
import { TerminalError, isTerminalError, type TerminalErrorCode } from './errors.ts';
import { errorSegmentMessage, processingErrorMessage } from './messages.ts';
import {
  ACCESS,
  answerBaseName,
  assertKey,
  atomicWrite,
  canAccess,
  isDir,
  newKey,
  parseFaceFileName,
  readIfExists,
  requestFileName,
  shareDirs,
  type RequestKind,
  type ShareDirs,
} from './files.ts';
import { bulkUnitToFinding, isoDateTimeFromTerminal, toTerminalFinding } from './finding.ts';
import type {
  BulkConfirmUnit,
  BulkResultAnswer,
  BulkUploadAnswer,
  QualificationAnswer,
  QualificationQueryInput,
  TerminalAnswer,
  TextEncodingName,
} from './model.ts';
import { parseAnswer, type AnswerKindHint } from './parser.ts';

export interface TerminalClientOptions {
  /** The share root holding req/, res/ and face/. */
  dir: string;
  /** How long to wait for an answer before TERMINAL_TIMEOUT. Default 30 000 ms. */
  timeoutMs?: number;
  /** Polling interval of the fallback scan. Default 500 ms. */
  pollMs?: number;
  /** Use fs.watch in addition to polling. Default true. */
  watch?: boolean;
  /** Wait between reads of an answer that does not parse yet (half-written). Default 200 ms. */
  settleMs?: number;
  /** Identical unparsable reads (the file stopped changing) before the answer is declared malformed. Default 5. */
  stableReads?: number;
  /** Used when a query carries no 医療機関コード. */
  medicalInstitutionCode?: string;
  /** Request encoding. Default Shift_JIS. */
  encoding?: TextEncodingName;
  /** Send 6-digit 国保 insurer numbers as "00" + 6 digits. Default true. */
  padKokuhoInsurer?: boolean;
  /** Emit face files that were already in face/ when watching started. Default false. */
  faceIncludeExisting?: boolean;
  /** How long a face file may stay unreadable before a face error event. Default 10 000 ms. */
  faceSettleTimeoutMs?: number;
}

export interface ConfirmOptions {
  timeoutMs?: number;
  /** Idempotency key (ArbitraryFileIdentifier, part of the file name). Default: a fresh key. */
  key?: string;
}

export interface TerminalResult {
  key: string;
  /** Answer file name in res/. */
  file: string;
  format: 'xml' | 'zip';
  /** The answer file's raw bytes, exactly as read (evidence: archived by the reconciler). */
  bytes: Buffer;
  /** The answer was already in res/ (e.g. after a restart): no request was written. */
  reused: boolean;
  answer: QualificationAnswer;
  /** null when the answer states no known QualificationValidity (kept raw in `answer`). */
  finding: TerminalFinding | null;
}

export type FaceEvent =
  | {
      type: 'face';
      file: string;
      id: string;
      timestamp: string;
      at?: string;
      answer: QualificationAnswer;
      finding: TerminalFinding | null;
    }
  | { type: 'face_error'; file: string; error: TerminalError };

export interface AnswerHealth {
  lastRequestAt?: string;
  lastAnswerAt?: string;
  lastLatencyMs?: number;
  /** 'answered', or the code of the last failure. */
  lastOutcome?: 'answered' | TerminalErrorCode;
  lastOutcomeAt?: string;
  /** Failures in a row that point at the link (timeout, share missing, malformed, rejected); reset by an answer. */
  consecutiveFailures: number;
  pending: number;
}

export interface TerminalLinkStatus {
  checkedAt: string;
  ok: boolean;
  /** TERMINAL_SHARE_MISSING / TERMINAL_SHARE_NOT_WRITABLE when not ok. */
  problem?: TerminalErrorCode;
  folders: {
    req: { exists: boolean; writable: boolean };
    res: { exists: boolean; readable: boolean };
    face: { exists: boolean };
  };
  lastAnswer: AnswerHealth;
}

export interface TerminalPort {
  confirm(query: QualificationQueryInput, opts?: ConfirmOptions): Promise<TerminalResult>;
  onFace(cb: (event: FaceEvent) => void): () => void;
  probe(): Promise<TerminalLinkStatus>;
  health(): AnswerHealth;
  close(): Promise<void>;
}

export interface BulkUploadResult {
  key: string;
  reused: boolean;
  receptionNumber: string;
  answer: BulkUploadAnswer;
}

export interface BulkRow {
  /** ArbitraryIdentifier of the row (the query's rowId). */
  rowId?: string;
  unit: BulkConfirmUnit;
  finding: TerminalFinding | null;
}

export interface BulkFetchResult {
  key: string;
  reused: boolean;
  /** 'processing': SegmentOfResult 2, fetch again later with a new key. */
  status: 'done' | 'processing';
  /** Answer file name in res/, its format and raw bytes (evidence). */
  file: string;
  format: 'xml' | 'zip';
  bytes: Buffer;
  answer: BulkResultAnswer;
  rows: BulkRow[];
}

/** 一括照会 (large backlogs): upload many queries, later fetch the results by ReceptionNumber. */
export interface TerminalBulkPort {
  bulkUpload(queries: QualificationQueryInput[], opts?: ConfirmOptions): Promise<BulkUploadResult>;
  bulkFetch(receptionNumber: string, opts?: ConfirmOptions): Promise<BulkFetchResult>;
}

const LINK_FAILURES: ReadonlySet<TerminalErrorCode> = new Set([
  'TERMINAL_TIMEOUT',
  'TERMINAL_SHARE_MISSING',
  'TERMINAL_SHARE_NOT_WRITABLE',
  'TERMINAL_MALFORMED_ANSWER',
  'TERMINAL_REQUEST_REJECTED',
]);

interface Found {
  answer: TerminalAnswer;
  file: string;
  format: 'xml' | 'zip';
  bytes: Buffer;
}

interface Pending {
  kind: RequestKind;
  key: string;
  requestFile: string;
  base: string;
  answerKind: AnswerKindHint;
  deadline: number;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  retryTimer?: NodeJS.Timeout;
  checking: boolean;
  recheck: boolean;
  lastBytes?: Buffer;
  sameFailures: number;
  lastError?: TerminalError;
  settled: boolean;
  promise: Promise<Found>;
  resolve(f: Found): void;
  reject(e: TerminalError): void;
}

interface FaceRead {
  first: number;
  lastBytes?: Buffer;
  same: number;
  timer?: NodeJS.Timeout;
}

const ANSWER_KIND: Record<RequestKind, AnswerKindHint> = {
  qualification: 'qualification',
  bulk_upload: 'bulk_upload',
  bulk_fetch: 'bulk_result',
};

export class FileTerminalClient implements TerminalPort, TerminalBulkPort {
  readonly dirs: ShareDirs;
  private readonly opts: Required<Omit<TerminalClientOptions, 'medicalInstitutionCode' | 'dir'>> & {
    medicalInstitutionCode: string;
  };
  private readonly pending = new Map<string, Pending>();
  private resWatcher: FSWatcher | undefined;
  private faceWatcher: FSWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private faceSubscribers = new Set<(e: FaceEvent) => void>();
  private faceSeen = new Set<string>();
  private faceInFlight = new Map<string, FaceRead>();
  private faceStarted = false;
  private faceReadyPromise: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly stats: AnswerHealth = { consecutiveFailures: 0, pending: 0 };

  constructor(options: TerminalClientOptions) {
    this.dirs = shareDirs(options.dir);
    this.opts = {
      timeoutMs: options.timeoutMs ?? 30_000,
      pollMs: options.pollMs ?? 500,
      watch: options.watch ?? true,
      settleMs: options.settleMs ?? 200,
      stableReads: options.stableReads ?? 5,
      medicalInstitutionCode: options.medicalInstitutionCode ?? '',
      encoding: options.encoding ?? 'shift_jis',
      padKokuhoInsurer: options.padKokuhoInsurer ?? true,
      faceIncludeExisting: options.faceIncludeExisting ?? false,
      faceSettleTimeoutMs: options.faceSettleTimeoutMs ?? 10_000,
    };
  }

  // ---- public API ----

  async confirm(query: QualificationQueryInput, opts: ConfirmOptions = {}): Promise<TerminalResult> {
    const q = normalizeQuery({
      ...query,
      medicalInstitutionCode: query.medicalInstitutionCode || this.opts.medicalInstitutionCode,
    });
    const key = opts.key ?? newKey();
    assertKey(key);
    const build = () =>
      buildQualificationRequest(q, key, { encoding: this.opts.encoding, padKokuhoInsurer: this.opts.padKokuhoInsurer });
    const { found, reused } = await this.exchange('qualification', key, build, opts.timeoutMs);
    const answer = found.answer as QualificationAnswer;
    return {
      key,
      file: found.file,
      format: found.format,
      bytes: found.bytes,
      reused,
      answer,
      finding: toTerminalFinding(answer),
    };
  }

  async bulkUpload(queries: QualificationQueryInput[], opts: ConfirmOptions = {}): Promise<BulkUploadResult> {
    const key = opts.key ?? newKey();
    assertKey(key);
    const mic =
      queries.find((q) => q.medicalInstitutionCode)?.medicalInstitutionCode ?? this.opts.medicalInstitutionCode;
    const build = () =>
      buildBulkUploadRequest(
        queries.map((q) => ({ ...q, medicalInstitutionCode: q.medicalInstitutionCode || mic })),
        key,
        mic,
        { encoding: this.opts.encoding, padKokuhoInsurer: this.opts.padKokuhoInsurer },
      );
    const { found, reused } = await this.exchange('bulk_upload', key, build, opts.timeoutMs);
    const answer = found.answer as BulkUploadAnswer;
    if (!answer.receptionNumber) {
      throw this.fail(
        new TerminalError('TERMINAL_MALFORMED_ANSWER', 'bulk upload answer carries no ReceptionNumber', {
          key,
          file: found.file,
        }),
      );
    }
    return { key, reused, receptionNumber: answer.receptionNumber, answer };
  }

  async bulkFetch(receptionNumber: string, opts: ConfirmOptions = {}): Promise<BulkFetchResult> {
    const key = opts.key ?? newKey();
    assertKey(key);
    if (!receptionNumber) throw new TerminalError('TERMINAL_INVALID_QUERY', 'ReceptionNumber is required', { key });
    const build = () =>
      buildBulkFetchRequest(receptionNumber, key, this.opts.medicalInstitutionCode, { encoding: this.opts.encoding });
    const { found, reused } = await this.exchange('bulk_fetch', key, build, opts.timeoutMs);
    const answer = found.answer as BulkResultAnswer;
    const rows = answer.units.map((unit) => ({
      ...(unit.searchInfo?.arbitraryIdentifier !== undefined ? { rowId: unit.searchInfo.arbitraryIdentifier } : {}),
      unit,
      finding: bulkUnitToFinding(unit, answer.header),
    }));
    return {
      key,
      reused,
      status: answer.header.segmentOfResult === '2' ? 'processing' : 'done',
      file: found.file,
      format: found.format,
      bytes: found.bytes,
      answer,
      rows,
    };
  }

  /**
   * Remove the answer for a key from res/ once the caller has stored it durably. Until then, a confirm() with the
   * same key (e.g. after a restart) reuses the stored answer instead of asking again.
   */
  async discardAnswer(key: string, kind: RequestKind = 'qualification'): Promise<void> {
    assertKey(key);
    const base = answerBaseName(requestFileName(kind, key));
    await Promise.all(['.xml', '.zip'].map((ext) => fsp.rm(path.join(this.dirs.res, base + ext), { force: true })));
  }

  onFace(cb: (event: FaceEvent) => void): () => void {
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'client is closed');
    this.faceSubscribers.add(cb);
    if (!this.faceStarted) {
      this.faceStarted = true;
      this.faceReadyPromise = this.startFace();
    }
    return () => {
      this.faceSubscribers.delete(cb);
      if (this.faceSubscribers.size === 0) this.stopFace();
    };
  }

  /** Resolves once face/ is being watched: files appearing from then on are emitted. */
  faceReady(): Promise<void> {
    return this.faceReadyPromise;
  }

  async probe(): Promise<TerminalLinkStatus> {
    const { req, res, face } = this.dirs;
    const [reqExists, resExists, faceExists] = await Promise.all([isDir(req), isDir(res), isDir(face)]);
    const reqWritable = reqExists && (await this.writeProbe(req));
    const resReadable = resExists && (await canAccess(res, ACCESS.R));
    const ok = reqExists && resExists && reqWritable && resReadable;
    const problem: TerminalErrorCode | undefined = ok
      ? undefined
      : !reqExists || !resExists || !resReadable
        ? 'TERMINAL_SHARE_MISSING'
        : 'TERMINAL_SHARE_NOT_WRITABLE';
    return {
      checkedAt: new Date().toISOString(),
      ok,
      ...(problem ? { problem } : {}),
      folders: {
        req: { exists: reqExists, writable: reqWritable },
        res: { exists: resExists, readable: resReadable },
        face: { exists: faceExists },
      },
      lastAnswer: this.health(),
    };
  }

  health(): AnswerHealth {
    return { ...this.stats, pending: this.pending.size };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of [...this.pending.values()])
      this.settle(p, new TerminalError('TERMINAL_CLOSED', 'client closed while waiting', { key: p.key }));
    this.stopFace();
    this.faceSubscribers.clear();
    this.updateWatchers();
  }

  // ---- exchange: request → answer ----

  private async exchange(
    kind: RequestKind,
    key: string,
    build: () => Buffer,
    timeoutMs?: number,
  ): Promise<{ found: Found; reused: boolean }> {
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'client is closed', { key });
    const requestFile = requestFileName(kind, key);
    const existing = this.pending.get(requestFile);
    if (existing) return { found: await existing.promise, reused: true };

    if (!(await isDir(this.dirs.req)) || !(await isDir(this.dirs.res))) {
      throw this.fail(
        new TerminalError('TERMINAL_SHARE_MISSING', `share folders missing under ${this.dirs.root}`, { key }),
      );
    }
    const body = build();
    const base = answerBaseName(requestFile);
    const answerPresent = (await this.answerFileExists(base)) !== undefined;
    if (!answerPresent) {
      // An answer already in res/ (e.g. from before a restart) is used as it is; a request still waiting in req/
      // is not written again.
      const reqPath = path.join(this.dirs.req, requestFile);
      const requestPending = (await readIfExists(reqPath).catch(() => undefined)) !== undefined;
      if (!requestPending) {
        try {
          await atomicWrite(this.dirs.req, requestFile, body);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw this.fail(
            new TerminalError(
              code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
                ? 'TERMINAL_SHARE_NOT_WRITABLE'
                : 'TERMINAL_SHARE_MISSING',
              `cannot write request ${requestFile}: ${(e as Error).message}`,
              { key, file: requestFile, cause: code ?? 'unknown' },
            ),
          );
        }
      }
      this.stats.lastRequestAt = new Date().toISOString();
    }
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'client closed while writing the request', { key });
    const again = this.pending.get(requestFile); // a concurrent call with the same key got here first
    if (again) return { found: await again.promise, reused: true };
    const p = this.addPending(kind, key, requestFile, base, timeoutMs ?? this.opts.timeoutMs);
    const started = Date.now();
    this.check(p);
    try {
      const found = await p.promise;
      if (!answerPresent) this.stats.lastLatencyMs = Date.now() - started;
      this.stats.lastAnswerAt = new Date().toISOString();
      this.record('answered');
      return { found, reused: answerPresent };
    } catch (e) {
      if (isTerminalError(e)) throw this.fail(e);
      throw e;
    }
  }

  private record(outcome: 'answered' | TerminalErrorCode): void {
    this.stats.lastOutcome = outcome;
    this.stats.lastOutcomeAt = new Date().toISOString();
    if (outcome === 'answered') this.stats.consecutiveFailures = 0;
    else if (LINK_FAILURES.has(outcome)) this.stats.consecutiveFailures += 1;
  }

  private fail(e: TerminalError): TerminalError {
    if (e.code !== 'TERMINAL_CLOSED') this.record(e.code);
    return e;
  }

  private async answerFileExists(base: string): Promise<string | undefined> {
    for (const ext of ['.xml', '.zip']) {
      try {
        await fsp.access(path.join(this.dirs.res, base + ext));
        return base + ext;
      } catch {
        // not there
      }
    }
    return undefined;
  }

  private addPending(kind: RequestKind, key: string, requestFile: string, base: string, timeoutMs: number): Pending {
    let resolve!: (f: Found) => void;
    let reject!: (e: TerminalError) => void;
    const promise = new Promise<Found>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const p: Pending = {
      kind,
      key,
      requestFile,
      base,
      answerKind: ANSWER_KIND[kind],
      deadline: Date.now() + timeoutMs,
      timeoutMs,
      checking: false,
      recheck: false,
      sameFailures: 0,
      settled: false,
      promise,
      resolve,
      reject,
    };
    p.timer = setTimeout(() => void this.onDeadline(p), timeoutMs);
    this.pending.set(requestFile, p);
    this.updateWatchers();
    return p;
  }

  private settle(p: Pending, outcome: Found | TerminalError): void {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    clearTimeout(p.retryTimer);
    this.pending.delete(p.requestFile);
    this.updateWatchers();
    if (outcome instanceof TerminalError) p.reject(outcome);
    else p.resolve(outcome);
  }

  private async onDeadline(p: Pending): Promise<void> {
    if (p.settled) return;
    await this.checkNow(p, true);
    if (p.settled) return;
    if (p.lastError) {
      this.settle(p, p.lastError);
      return;
    }
    const shareThere = (await isDir(this.dirs.res)) && (await isDir(this.dirs.req));
    this.settle(
      p,
      shareThere
        ? new TerminalError('TERMINAL_TIMEOUT', `no answer for ${p.requestFile} within ${p.timeoutMs} ms`, {
            key: p.key,
            file: p.requestFile,
            timeoutMs: p.timeoutMs,
          })
        : new TerminalError('TERMINAL_SHARE_MISSING', `share folders vanished while waiting for ${p.requestFile}`, {
            key: p.key,
            file: p.requestFile,
          }),
    );
  }

  /** Serialise checks per pending request; a trigger during a check runs one more check afterwards. */
  private check(p: Pending): void {
    if (p.settled) return;
    if (p.checking) {
      p.recheck = true;
      return;
    }
    void this.checkNow(p, false);
  }

  private async checkNow(p: Pending, final: boolean): Promise<void> {
    if (p.checking) {
      // wait for the running check to finish (the deadline path needs its outcome)
      while (p.checking) await new Promise((r) => setTimeout(r, 5));
      if (p.settled || !final) return;
    }
    p.checking = true;
    try {
      do {
        p.recheck = false;
        await this.inspect(p, final);
      } while (p.recheck && !p.settled);
    } finally {
      p.checking = false;
    }
  }

  private async inspect(p: Pending, final: boolean): Promise<void> {
    for (const ext of ['.xml', '.zip'] as const) {
      const file = p.base + ext;
      let bytes: Buffer | undefined;
      try {
        bytes = await readIfExists(path.join(this.dirs.res, file));
      } catch {
        bytes = undefined; // locked or unreadable for now (EBUSY on Windows while the connector writes)
      }
      if (bytes === undefined) continue;
      let answer: TerminalAnswer;
      try {
        answer = parseAnswer(bytes, { file, kind: p.answerKind });
      } catch (e) {
        const err = isTerminalError(e)
          ? e
          : new TerminalError('TERMINAL_MALFORMED_ANSWER', (e as Error).message, { key: p.key, file });
        err.details.key = p.key;
        err.details.file = file;
        p.lastError = err;
        if (p.lastBytes && p.lastBytes.equals(bytes)) p.sameFailures += 1;
        else {
          p.lastBytes = bytes;
          p.sameFailures = 1;
        }
        if (p.sameFailures >= this.opts.stableReads || final) {
          await this.quarantine(file);
          this.settle(p, err);
        } else {
          clearTimeout(p.retryTimer);
          p.retryTimer = setTimeout(() => this.check(p), this.opts.settleMs);
        }
        return;
      }
      const verdict = this.verify(p, answer, file);
      if (verdict) {
        await this.quarantine(file);
        this.settle(p, verdict);
        return;
      }
      await fsp.rm(path.join(this.dirs.req, p.requestFile), { force: true }).catch(() => undefined);
      this.settle(p, { answer, file, format: ext === '.zip' ? 'zip' : 'xml', bytes });
      return;
    }
    // No answer: did the connector reject the request (a .err next to it)?
    const errFile = p.requestFile.replace(/\.xml$/i, '.err');
    const errBytes = await readIfExists(path.join(this.dirs.req, errFile)).catch(() => undefined);
    if (errBytes !== undefined) {
      this.settle(
        p,
        new TerminalError('TERMINAL_REQUEST_REJECTED', `connector rejected ${p.requestFile}`, {
          key: p.key,
          file: errFile,
        }),
      );
    }
  }

  /** Checks on a parsed answer: it is ours, and not an error segment. Returns the failure, if any. */
  private verify(p: Pending, answer: TerminalAnswer, file: string): TerminalError | undefined {
    const h = answer.header;
    if (
      h.arbitraryFileIdentifier !== undefined &&
      h.arbitraryFileIdentifier !== '' &&
      h.arbitraryFileIdentifier !== p.key
    ) {
      return new TerminalError(
        'TERMINAL_KEY_MISMATCH',
        `answer ${file} is for ${h.arbitraryFileIdentifier}, not ${p.key}`,
        {
          key: p.key,
          file,
          foundKey: h.arbitraryFileIdentifier,
        },
      );
    }
    if (h.segmentOfResult === '9') {
      return new TerminalError(
        'TERMINAL_ERROR_SEGMENT',
        `terminal answered SegmentOfResult 9 (${h.errorCode ?? 'no code'}: ${h.errorMessage ?? ''})`,
        {
          key: p.key,
          file,
          ...(h.errorCode !== undefined ? { errorCode: h.errorCode } : {}),
          ...(h.errorMessage !== undefined ? { errorMessage: h.errorMessage } : {}),
        },
        errorSegmentMessage(h.errorCode, h.errorMessage),
      );
    }
    if (
      answer.kind === 'qualification' &&
      answer.body.processingResultStatus === '2' &&
      answer.body.qualificationValidity === undefined
    ) {
      const b = answer.body;
      return new TerminalError(
        'TERMINAL_PROCESSING_ERROR',
        `processing error ${b.processingResultCode ?? ''}: ${b.processingResultMessage ?? ''}`,
        {
          key: p.key,
          file,
          ...(b.processingResultCode !== undefined ? { processingResultCode: b.processingResultCode } : {}),
          ...(b.processingResultMessage !== undefined ? { processingResultMessage: b.processingResultMessage } : {}),
        },
        processingErrorMessage(b.processingResultCode, b.processingResultMessage),
      );
    }
    return undefined;
  }

  /**
   * Move an answer we refused out of the way (renamed, never deleted: it is evidence), so that asking again with
   * the same key waits for a fresh answer instead of re-reading the bad one.
   */
  private async quarantine(file: string): Promise<void> {
    const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
    await fsp
      .rename(path.join(this.dirs.res, file), path.join(this.dirs.res, `${file}.rejected-${stamp}`))
      .catch(() => undefined);
    // The request was consumed by the answer; remove a leftover so that a retry writes a new one.
    const req = file.replace(/^(OQS[A-Za-z]+\d\d)res_/, '$1req_').replace(/\.(xml|zip)$/i, '.xml');
    await fsp.rm(path.join(this.dirs.req, req), { force: true }).catch(() => undefined);
  }

  // ---- watching ----

  private updateWatchers(): void {
    const needRes = !this.closed && this.pending.size > 0;
    const needFace = !this.closed && this.faceStarted;
    if (needRes && !this.resWatcher && this.opts.watch) {
      this.resWatcher = this.tryWatch(
        this.dirs.res,
        (name) => {
          const base = name.replace(/\.(xml|zip)$/i, '');
          for (const p of this.pending.values()) if (p.base === base) this.check(p);
        },
        () => (this.resWatcher = undefined),
      );
    }
    if (!needRes && this.resWatcher) {
      this.resWatcher.close();
      this.resWatcher = undefined;
    }
    if (needFace && !this.faceWatcher && this.opts.watch) {
      this.faceWatcher = this.tryWatch(
        this.dirs.face,
        (name) => this.faceCandidate(name),
        () => (this.faceWatcher = undefined),
      );
    }
    if (!needFace && this.faceWatcher) {
      this.faceWatcher.close();
      this.faceWatcher = undefined;
    }
    if ((needRes || needFace) && !this.pollTimer) {
      this.pollTimer = setInterval(() => void this.poll(), this.opts.pollMs);
    }
    if (!needRes && !needFace && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  private tryWatch(dir: string, onName: (name: string) => void, onGone: () => void): FSWatcher | undefined {
    try {
      const w = watch(dir, { persistent: true }, (_event, filename) => {
        if (filename) onName(filename.toString());
        else void this.poll();
      });
      w.on('error', () => {
        w.close();
        onGone(); // polling carries on; the next poll re-arms the watcher
      });
      return w;
    } catch {
      return undefined; // e.g. the folder is missing or the share refuses notifications: polling only
    }
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    this.updateWatchers(); // re-arm a watcher lost to an error
    if (this.pending.size > 0) {
      const [resNames, reqNames] = await Promise.all([readNames(this.dirs.res), readNames(this.dirs.req)]);
      for (const p of [...this.pending.values()]) {
        if (
          resNames.has(p.base + '.xml') ||
          resNames.has(p.base + '.zip') ||
          reqNames.has(p.requestFile.replace(/\.xml$/i, '.err'))
        )
          this.check(p);
      }
    }
    if (this.faceStarted) {
      const names = await readNames(this.dirs.face);
      for (const n of names) this.faceCandidate(n);
      for (const n of [...this.faceSeen]) if (!names.has(n)) this.faceSeen.delete(n);
    }
  }

  // ---- face/ ----

  private async startFace(): Promise<void> {
    if (!this.opts.faceIncludeExisting) {
      for (const n of await readNames(this.dirs.face)) this.faceSeen.add(n);
    }
    this.updateWatchers();
    await this.poll();
  }

  private stopFace(): void {
    this.faceStarted = false;
    for (const f of this.faceInFlight.values()) clearTimeout(f.timer);
    this.faceInFlight.clear();
    this.updateWatchers();
  }

  private faceCandidate(name: string): void {
    if (!this.faceStarted || this.faceSeen.has(name) || this.faceInFlight.has(name) || !parseFaceFileName(name)) return;
    const state: FaceRead = { first: Date.now(), same: 0 };
    this.faceInFlight.set(name, state); // one reader per file: watch events and polls for it are ignored meanwhile
    void this.readFace(name, state);
  }

  private async readFace(name: string, state: FaceRead): Promise<void> {
    state.timer = undefined;
    const parts = parseFaceFileName(name);
    if (!parts || !this.faceStarted) return;
    const bytes = await readIfExists(path.join(this.dirs.face, name)).catch(() => undefined);
    if (!this.faceStarted) return;
    if (bytes === undefined) {
      this.faceInFlight.delete(name);
      return;
    }
    try {
      const answer = parseAnswer(bytes, { file: name, kind: 'qualification' }) as QualificationAnswer;
      this.faceSeen.add(name);
      this.faceInFlight.delete(name);
      const at = isoDateTimeFromTerminal(parts.timestamp);
      this.emitFace({
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
      if (state.same >= this.opts.stableReads || Date.now() - state.first > this.opts.faceSettleTimeoutMs) {
        this.faceSeen.add(name);
        this.faceInFlight.delete(name);
        const err = isTerminalError(e)
          ? e
          : new TerminalError('TERMINAL_MALFORMED_ANSWER', (e as Error).message, { file: name });
        this.emitFace({ type: 'face_error', file: name, error: err });
      } else {
        state.timer = setTimeout(() => void this.readFace(name, state), this.opts.settleMs);
      }
    }
  }

  private emitFace(e: FaceEvent): void {
    for (const cb of [...this.faceSubscribers]) {
      try {
        cb(e);
      } catch {
        // a subscriber's failure must not stop the others
      }
    }
  }

  private async writeProbe(dir: string): Promise<boolean> {
    // A name that matches no interface prefix, so the connector ignores it.
    const name = `~shikaku-probe-${process.pid}-${Date.now()}.tmp`;
    try {
      await fsp.writeFile(path.join(dir, name), 'probe');
      await fsp.rm(path.join(dir, name), { force: true });
      return true;
    } catch {
      return false;
    }
  }
}

async function readNames(dir: string): Promise<Set<string>> {
  try {
    return new Set(await fsp.readdir(dir));
  } catch {
    return new Set();
  }
}
