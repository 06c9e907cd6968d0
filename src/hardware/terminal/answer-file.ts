// One answer file in res/: the checks an answer must pass to be ours and usable, and setting a refused one aside.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ProcessingResultStatus, SegmentOfResult } from './codes.ts';
import { TerminalError } from './errors.ts';
import type { ShareDirs } from './files.ts';
import { errorSegmentMessage, processingErrorMessage } from './messages.ts';
import type { TerminalAnswer } from './model.ts';
import type { KeyEcho } from './ports.ts';

/** Whether the answer named our key, or was matched by its file name only (see KeyEcho). */
export function keyEchoOf(answer: TerminalAnswer): KeyEcho {
  return answer.header.arbitraryFileIdentifier ? 'echoed' : 'absent';
}

/** Checks on a parsed answer: it is ours, and not an error segment. Returns the failure, if any. */
export function verifyAnswer(key: string, answer: TerminalAnswer, file: string): TerminalError | undefined {
  const h = answer.header;
  if (
    h.arbitraryFileIdentifier !== undefined &&
    h.arbitraryFileIdentifier !== '' &&
    h.arbitraryFileIdentifier !== key
  ) {
    return new TerminalError(
      'TERMINAL_KEY_MISMATCH',
      `answer ${file} is for ${h.arbitraryFileIdentifier}, not ${key}`,
      {
        key,
        file,
        foundKey: h.arbitraryFileIdentifier,
      },
    );
  }
  if (h.segmentOfResult === SegmentOfResult.error) {
    return new TerminalError(
      'TERMINAL_ERROR_SEGMENT',
      `terminal answered SegmentOfResult 9 (${h.errorCode ?? 'no code'}: ${h.errorMessage ?? ''})`,
      {
        key,
        file,
        ...(h.errorCode !== undefined ? { errorCode: h.errorCode } : {}),
        ...(h.errorMessage !== undefined ? { errorMessage: h.errorMessage } : {}),
      },
      errorSegmentMessage(h.errorCode, h.errorMessage),
    );
  }
  if (
    answer.kind === 'qualification' &&
    answer.body.processingResultStatus === ProcessingResultStatus.error &&
    answer.body.qualificationValidity === undefined
  ) {
    const b = answer.body;
    return new TerminalError(
      'TERMINAL_PROCESSING_ERROR',
      `processing error ${b.processingResultCode ?? ''}: ${b.processingResultMessage ?? ''}`,
      {
        key,
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
export async function quarantineAnswer(dirs: ShareDirs, file: string): Promise<void> {
  const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
  await fsp.rename(path.join(dirs.res, file), path.join(dirs.res, `${file}.rejected-${stamp}`)).catch(() => undefined);
  // The request was consumed by the answer; remove a leftover so that a retry writes a new one.
  const req = file.replace(/^(OQS[A-Za-z]+\d\d)res_/, '$1req_').replace(/\.(xml|zip)$/i, '.xml');
  await fsp.rm(path.join(dirs.req, req), { force: true }).catch(() => undefined);
}
