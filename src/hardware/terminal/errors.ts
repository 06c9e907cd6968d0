// Typed failures of the terminal link. `code` is for machines (health, outbox, logs),
// `messageJa` is for staff (from messages.ts), `message` is English for developers.
import { TerminalErrorCodes, type TerminalErrorCode } from './codes.ts';
import { terminalErrorMessages } from './messages.ts';

export { TerminalErrorCodes, type TerminalErrorCode };

export interface TerminalErrorDetails {
  key?: string;
  file?: string;
  /** SegmentOfResult 9: the terminal's ErrorCode / ErrorMessage. */
  errorCode?: string;
  errorMessage?: string;
  /** ProcessingResultStatus 2: ProcessingResultCode / ProcessingResultMessage. */
  processingResultCode?: string;
  processingResultMessage?: string;
  /** TERMINAL_KEY_MISMATCH: the ArbitraryFileIdentifier found in the answer. */
  foundKey?: string;
  timeoutMs?: number;
  /**
   * What went wrong, for machines. TERMINAL_MALFORMED_ANSWER: 'oversized' (over the size limit, not read),
   * 'doctype' / 'entity' (a DOCTYPE or a non-XML entity reference), 'parser', or the failure's own code.
   */
  cause?: string;
  /** 'oversized': the answer's size in bytes (at least) and the limit it broke. */
  size?: number;
  limit?: number;
}

export class TerminalError extends Error {
  readonly code: TerminalErrorCode;
  readonly messageJa: string;
  readonly details: TerminalErrorDetails;
  /** Worth trying again later with the same key (the reconciler's retry decision). */
  readonly retryable: boolean;

  constructor(code: TerminalErrorCode, message: string, details: TerminalErrorDetails = {}, messageJa?: string) {
    super(message);
    this.name = 'TerminalError';
    this.code = code;
    this.details = details;
    this.messageJa = messageJa ?? terminalErrorMessages[code];
    this.retryable = !['TERMINAL_INVALID_QUERY', 'TERMINAL_PROCESSING_ERROR'].includes(code);
  }

  toJSON() {
    return {
      code: this.code,
      message: this.message,
      messageJa: this.messageJa,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

export function isTerminalError(e: unknown, code?: TerminalErrorCode): e is TerminalError {
  return e instanceof TerminalError && (code === undefined || e.code === code);
}
