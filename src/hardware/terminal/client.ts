// The client side of the file interface: write a request into req/ atomically, wait for the matching answer in
// res/ (watch.ts: fs.watch plus polling), read it only once it parses or has stopped changing — and never when it
// is larger than the limit — check it belongs to us (answer-file.ts), and report typed failures. face/ is watched
// by face.ts.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { buildBulkFetchRequest, buildQualificationRequest, normalizeQuery } from './builder.ts';
import { keyEchoOf, quarantineAnswer, verifyAnswer } from './answer-file.ts';
import { SegmentOfResult } from './codes.ts';
import { TerminalError, isTerminalError, type TerminalErrorCode } from './errors.ts';
import { FaceWatcher } from './face.ts';
import {
  ACCESS,
  answerBaseName,
  assertKey,
  atomicWrite,
  canAccess,
  isDir,
  listNames,
  newKey,
  readBounded,
  readIfExists,
  requestFileName,
  shareDirs,
  type RequestKind,
  type ShareDirs,
} from './files.ts';
import { bulkUnitToFinding, toTerminalFinding } from './finding.ts';
import type {
  BulkResultAnswer,
  BulkUploadAnswer,
  QualificationAnswer,
  QualificationQueryInput,
  TerminalAnswer,
} from './model.ts';
import { buildUpload, parseWithFindings, type ParsedAnswer } from './parse-job.ts';
import { ParseWorker, type AnswerParser } from './parse-pool.ts';
import { oversizedAnswer, type AnswerKindHint, type ParseOptions } from './parser.ts';
import type {
  AnswerHealth,
  BulkFetchOptions,
  BulkFetchResult,
  BulkUploadResult,
  ConfirmOptions,
  FaceEvent,
  TerminalBulkPort,
  TerminalClientOptions,
  TerminalLinkStatus,
  TerminalPort,
  TerminalResult,
} from './ports.ts';
import { FolderWatch } from './watch.ts';

export type {
  AnswerHealth,
  BulkFetchOptions,
  BulkFetchResult,
  BulkRow,
  BulkUploadResult,
  ConfirmOptions,
  FaceEvent,
  KeyEcho,
  TerminalBulkPort,
  TerminalClientOptions,
  TerminalLinkStatus,
  TerminalPort,
  TerminalResult,
} from './ports.ts';

const LINK_FAILURES: ReadonlySet<TerminalErrorCode> = new Set([
  'TERMINAL_TIMEOUT',
  'TERMINAL_SHARE_MISSING',
  'TERMINAL_SHARE_NOT_WRITABLE',
  'TERMINAL_MALFORMED_ANSWER',
  'TERMINAL_REQUEST_REJECTED',
]);

interface Found {
  answer: TerminalAnswer;
  /** 一括照会 result: each unit's finding (parse-job.ts). */
  findings?: ParsedAnswer['findings'];
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
  /** Answers larger than this are refused unread. */
  maxBytes: number;
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

/** Bytes a 一括照会 upload request takes per row (to decide whether it is built off the event loop). */
const UPLOAD_BYTES_PER_ROW = 512;

const ANSWER_KIND: Record<RequestKind, AnswerKindHint> = {
  qualification: 'qualification',
  bulk_upload: 'bulk_upload',
  bulk_fetch: 'bulk_result',
};

export class FileTerminalClient implements TerminalPort, TerminalBulkPort {
  readonly dirs: ShareDirs;
  private readonly opts: Required<Omit<TerminalClientOptions, 'medicalInstitutionCode' | 'dir' | 'parser'>> & {
    medicalInstitutionCode: string;
  };
  /** Parses answers of offThreadMinBytes or more off the event loop (parse-pool.ts). */
  private readonly parser: AnswerParser;
  private readonly ownsParser: boolean;
  private readonly pending = new Map<string, Pending>();
  /** Exchanges in progress by request file (see exchange()). */
  private readonly exchanges = new Map<string, Promise<{ found: Found; reused: boolean }>>();
  private resWatch: FolderWatch | undefined;
  private readonly face: FaceWatcher;
  /** Rows of the 一括照会 uploads this client made, by ReceptionNumber (sizes the result's limit). */
  private readonly bulkRows = new Map<string, number>();
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
      maxAnswerBytes: options.maxAnswerBytes ?? 1024 * 1024,
      bulkAnswerBytesPerRow: options.bulkAnswerBytesPerRow ?? 16 * 1024,
      bulkAssumedRows: options.bulkAssumedRows ?? 200,
      offThreadMinBytes: options.offThreadMinBytes ?? 16 * 1024,
    };
    this.ownsParser = options.parser === undefined;
    this.parser = options.parser ?? new ParseWorker();
    const o = this.opts;
    this.face = new FaceWatcher(this.dirs.face, {
      watch: o.watch,
      pollMs: o.pollMs,
      settleMs: o.settleMs,
      stableReads: o.stableReads,
      includeExisting: o.faceIncludeExisting,
      settleTimeoutMs: o.faceSettleTimeoutMs,
      maxAnswerBytes: o.maxAnswerBytes,
    });
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
      keyEcho: keyEchoOf(answer),
      answer,
      finding: toTerminalFinding(answer),
    };
  }

  async bulkUpload(queries: QualificationQueryInput[], opts: ConfirmOptions = {}): Promise<BulkUploadResult> {
    const key = opts.key ?? newKey();
    assertKey(key);
    const mic =
      queries.find((q) => q.medicalInstitutionCode)?.medicalInstitutionCode ?? this.opts.medicalInstitutionCode;
    const upload = {
      queries: queries.map((q) => ({ ...q, medicalInstitutionCode: q.medicalInstitutionCode || mic })),
      key,
      medicalInstitutionCode: mic,
      opts: { encoding: this.opts.encoding, padKokuhoInsurer: this.opts.padKokuhoInsurer },
    };
    // A big upload (~0.5 KB a row) is built off the event loop too.
    const build = () =>
      queries.length * UPLOAD_BYTES_PER_ROW >= this.opts.offThreadMinBytes
        ? this.parser.buildBulkUpload(upload)
        : buildUpload(upload);
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
    this.bulkRows.set(answer.receptionNumber, queries.length);
    return { key, reused, keyEcho: keyEchoOf(answer), receptionNumber: answer.receptionNumber, answer };
  }

  async bulkFetch(receptionNumber: string, opts: BulkFetchOptions = {}): Promise<BulkFetchResult> {
    const key = opts.key ?? newKey();
    assertKey(key);
    if (!receptionNumber) throw new TerminalError('TERMINAL_INVALID_QUERY', 'ReceptionNumber is required', { key });
    const build = () =>
      buildBulkFetchRequest(receptionNumber, key, this.opts.medicalInstitutionCode, { encoding: this.opts.encoding });
    const rows = opts.rows ?? this.bulkRows.get(receptionNumber) ?? this.opts.bulkAssumedRows;
    const maxBytes = this.opts.maxAnswerBytes + rows * this.opts.bulkAnswerBytesPerRow;
    const { found, reused } = await this.exchange('bulk_fetch', key, build, opts.timeoutMs, maxBytes);
    const answer = found.answer as BulkResultAnswer;
    const findings = found.findings;
    const results = answer.units.map((unit, i) => ({
      ...(unit.searchInfo?.arbitraryIdentifier !== undefined ? { rowId: unit.searchInfo.arbitraryIdentifier } : {}),
      unit,
      finding: findings ? (findings[i] ?? null) : bulkUnitToFinding(unit, answer.header),
    }));
    return {
      key,
      reused,
      keyEcho: keyEchoOf(answer),
      status: answer.header.segmentOfResult === SegmentOfResult.processing ? 'processing' : 'done',
      file: found.file,
      format: found.format,
      bytes: found.bytes,
      answer,
      rows: results,
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
    return this.face.subscribe(cb);
  }

  /** Resolves once face/ is being watched: files appearing from then on are emitted. */
  faceReady(): Promise<void> {
    return this.face.ready();
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
    this.face.close();
    this.updateWatchers();
    if (this.ownsParser) await this.parser.close();
  }

  /** An answer's bytes parsed: large ones off the event loop (the parse worker), small ones here. */
  private parse(bytes: Buffer, opts: ParseOptions): ParsedAnswer | Promise<ParsedAnswer> {
    return bytes.length >= this.opts.offThreadMinBytes
      ? this.parser.parse(bytes, opts)
      : parseWithFindings(bytes, opts);
  }

  // ---- exchange: request → answer ----

  /**
   * One exchange per request file at a time: a second call with the same key while the first is still writing
   * its request (before it is pending) joins it instead of writing the request again.
   */
  private async exchange(
    kind: RequestKind,
    key: string,
    build: () => Buffer | Promise<Buffer>,
    timeoutMs?: number,
    maxBytes = this.opts.maxAnswerBytes,
  ): Promise<{ found: Found; reused: boolean }> {
    if (this.closed) throw new TerminalError('TERMINAL_CLOSED', 'client is closed', { key });
    const requestFile = requestFileName(kind, key);
    const running = this.exchanges.get(requestFile);
    if (running) return { found: (await running).found, reused: true };
    const run = this.exchangeOnce(kind, key, requestFile, build, timeoutMs, maxBytes);
    this.exchanges.set(requestFile, run);
    try {
      return await run;
    } finally {
      this.exchanges.delete(requestFile);
    }
  }

  private async exchangeOnce(
    kind: RequestKind,
    key: string,
    requestFile: string,
    build: () => Buffer | Promise<Buffer>,
    timeoutMs: number | undefined,
    maxBytes: number,
  ): Promise<{ found: Found; reused: boolean }> {
    if (!(await isDir(this.dirs.req)) || !(await isDir(this.dirs.res))) {
      throw this.fail(
        new TerminalError('TERMINAL_SHARE_MISSING', `share folders missing under ${this.dirs.root}`, { key }),
      );
    }
    const body = await build();
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
    const p = this.addPending(kind, key, requestFile, base, timeoutMs ?? this.opts.timeoutMs, maxBytes);
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

  private addPending(
    kind: RequestKind,
    key: string,
    requestFile: string,
    base: string,
    timeoutMs: number,
    maxBytes: number,
  ): Pending {
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
      maxBytes,
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
        // (past the deadline, the deadline's own final check goes next: a slow parse never keeps it waiting)
      } while (p.recheck && !p.settled && (final || Date.now() < p.deadline));
    } finally {
      p.checking = false;
    }
  }

  private async inspect(p: Pending, final: boolean): Promise<void> {
    for (const ext of ['.xml', '.zip'] as const) {
      const file = p.base + ext;
      // undefined: absent, or locked / unreadable for now (EBUSY on Windows while the connector writes)
      const got = await readBounded(path.join(this.dirs.res, file), p.maxBytes).catch(() => undefined);
      if (got === undefined) continue;
      if ('tooLarge' in got) {
        // Refused unread: a file never shrinks back under the limit, so there is nothing to wait for.
        const err = oversizedAnswer(got.tooLarge, p.maxBytes, file);
        err.details.key = p.key;
        await quarantineAnswer(this.dirs, file);
        this.settle(p, err);
        return;
      }
      const bytes = got.bytes;
      let parsed: ParsedAnswer;
      try {
        parsed = await this.parse(bytes, { file, kind: p.answerKind, maxBytes: p.maxBytes });
      } catch (e) {
        const err = isTerminalError(e)
          ? e
          : new TerminalError('TERMINAL_MALFORMED_ANSWER', (e as Error).message, { key: p.key, file });
        err.details.key = p.key;
        err.details.file = file;
        p.lastError = err;
        if (p.settled) return;
        if (err.code === 'TERMINAL_PARSER_FAILED') {
          // The parse worker went away, not the answer: read it again (a new worker); never set it aside for that.
          if (final) this.settle(p, err);
          else {
            clearTimeout(p.retryTimer);
            p.retryTimer = setTimeout(() => this.check(p), this.opts.settleMs);
          }
          return;
        }
        if (p.lastBytes && p.lastBytes.equals(bytes)) p.sameFailures += 1;
        else {
          p.lastBytes = bytes;
          p.sameFailures = 1;
        }
        if (p.sameFailures >= this.opts.stableReads || final) {
          await quarantineAnswer(this.dirs, file);
          this.settle(p, err);
        } else {
          clearTimeout(p.retryTimer);
          p.retryTimer = setTimeout(() => this.check(p), this.opts.settleMs);
        }
        return;
      }
      if (p.settled) return;
      const answer = parsed.answer;
      const verdict = verifyAnswer(p.key, answer, file);
      if (verdict) {
        await quarantineAnswer(this.dirs, file);
        this.settle(p, verdict);
        return;
      }
      await fsp.rm(path.join(this.dirs.req, p.requestFile), { force: true }).catch(() => undefined);
      this.settle(p, {
        answer,
        ...(parsed.findings ? { findings: parsed.findings } : {}),
        file,
        format: ext === '.zip' ? 'zip' : 'xml',
        bytes,
      });
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

  // ---- watching res/ ----

  private updateWatchers(): void {
    const needRes = !this.closed && this.pending.size > 0;
    if (needRes && !this.resWatch) {
      this.resWatch = new FolderWatch(
        this.dirs.res,
        this.opts,
        (name) => {
          const base = name.replace(/\.(xml|zip)$/i, '');
          for (const p of this.pending.values()) if (p.base === base) this.check(p);
        },
        () => this.poll(),
      );
    }
    if (!needRes && this.resWatch) {
      this.resWatch.close();
      this.resWatch = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.closed || this.pending.size === 0) return;
    const [resNames, reqNames] = await Promise.all([listNames(this.dirs.res), listNames(this.dirs.req)]);
    for (const p of [...this.pending.values()]) {
      if (
        resNames.has(p.base + '.xml') ||
        resNames.has(p.base + '.zip') ||
        reqNames.has(p.requestFile.replace(/\.xml$/i, '.err'))
      )
        this.check(p);
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
