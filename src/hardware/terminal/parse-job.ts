// One answer file's parse as a job that can run on any thread: the bytes in, the parsed answer (and for a 一括照会
// result, each unit's finding) out, a failure as plain data. The client runs it in its own thread for small answers
// and through the parse worker (parse-pool.ts) for large ones; both give the same result for the same bytes.
import type { TerminalFinding } from '../../claims/visit.ts';
import { TerminalError, isTerminalError, type TerminalErrorCode, type TerminalErrorDetails } from './errors.ts';
import { bulkUnitToFinding } from './finding.ts';
import type { TerminalAnswer } from './model.ts';
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

export type ParseRequest = { id: number; bytes: Uint8Array; opts: ParseOptions };
export type ParseReply =
  { id: number; ok: true; parsed: ParsedAnswer } | { id: number; ok: false; error: ParseFailure };

/** Parses an answer's bytes; a 一括照会 result carries its units' findings. Throws a TerminalError. */
export function parseWithFindings(bytes: Uint8Array, opts: ParseOptions): ParsedAnswer {
  const answer = parseAnswer(bytes, opts);
  if (answer.kind !== 'bulk_result') return { answer };
  return { answer, findings: answer.units.map((u) => bulkUnitToFinding(u, answer.header)) };
}

/** The reply to one request (never throws: a failure is data). */
export function runParseJob(req: ParseRequest): ParseReply {
  try {
    return { id: req.id, ok: true, parsed: parseWithFindings(req.bytes, req.opts) };
  } catch (e) {
    const err = isTerminalError(e)
      ? e
      : new TerminalError('TERMINAL_MALFORMED_ANSWER', (e as Error).message ?? String(e), {
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
