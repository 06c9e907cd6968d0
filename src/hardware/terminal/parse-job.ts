// The terminal link's heavy pure work as jobs that can run on any thread: an answer file's parse (the bytes in, the
// parsed answer and for a 一括照会 result each unit's finding out) and a 一括照会 upload's build (the queries in, the
// request file's bytes out); a failure as plain data. The client runs them in its own thread when small and through
// the parse worker (parse-pool.ts) when large; both give the same result for the same input.
import { buildBulkUploadRequest, type BuildOptions } from './builder.ts';
import type { TerminalFinding } from '../../claims/visit.ts';
import { TerminalError, isTerminalError, type TerminalErrorCode, type TerminalErrorDetails } from './errors.ts';
import { bulkUnitToFinding } from './finding.ts';
import type { QualificationQueryInput, TerminalAnswer } from './model.ts';
import { parseAnswer, type ParseOptions } from './parser.ts';

export interface ParsedAnswer {
  answer: TerminalAnswer;
  /** 一括照会 result: the finding of each unit, in the units' order. */
  findings?: (TerminalFinding | null)[];
}

/** A TerminalError as it crosses a thread (structured clone keeps no class). */
export interface ParseFailure {
  code: TerminalErrorCode;
  message: string;
  details: TerminalErrorDetails;
  messageJa: string;
}

/** A 一括照会 upload to build (buildBulkUploadRequest's arguments). */
export interface BulkUploadBuild {
  queries: QualificationQueryInput[];
  key: string;
  medicalInstitutionCode: string;
  opts: BuildOptions;
}

export type ParseRequest =
  | { id: number; op: 'parse'; bytes: Uint8Array; opts: ParseOptions }
  | { id: number; op: 'build'; build: BulkUploadBuild };
export type ParseReply =
  | { id: number; ok: true; parsed: ParsedAnswer }
  | { id: number; ok: true; bytes: Uint8Array }
  | { id: number; ok: false; error: ParseFailure };

export function buildUpload(b: BulkUploadBuild): Buffer {
  return buildBulkUploadRequest(b.queries, b.key, b.medicalInstitutionCode, b.opts);
}

/** Parses an answer's bytes; a 一括照会 result carries its units' findings. Throws a TerminalError. */
export function parseWithFindings(bytes: Uint8Array, opts: ParseOptions): ParsedAnswer {
  const answer = parseAnswer(bytes, opts);
  if (answer.kind !== 'bulk_result') return { answer };
  return { answer, findings: answer.units.map((u) => bulkUnitToFinding(u, answer.header)) };
}

/** The reply to one request (never throws: a failure is data). */
export function runParseJob(req: ParseRequest): ParseReply {
  try {
    if (req.op === 'build') return { id: req.id, ok: true, bytes: buildUpload(req.build) };
    return { id: req.id, ok: true, parsed: parseWithFindings(req.bytes, req.opts) };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const err = isTerminalError(e)
      ? e
      : req.op === 'build'
        ? new TerminalError('TERMINAL_INVALID_QUERY', message, { key: req.build.key })
        : new TerminalError('TERMINAL_MALFORMED_ANSWER', message, {
            ...(req.opts.file !== undefined ? { file: req.opts.file } : {}),
          });
    return {
      id: req.id,
      ok: false,
      error: { code: err.code, message: err.message, details: err.details, messageJa: err.messageJa },
    };
  }
}

export function failureToError(f: ParseFailure): TerminalError {
  return new TerminalError(f.code, f.message, f.details, f.messageJa);
}
