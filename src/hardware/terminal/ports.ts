// The public shapes of the terminal link: the client's options, its results, and the ports the reconciler,
// the health layer and the CLI program against (FileTerminalClient implements them).
import type { TerminalFinding } from '../../claims/visit.ts';
import type { AnswerParser } from './parse-pool.ts';
import type { TerminalError, TerminalErrorCode } from './errors.ts';
import type {
  BulkConfirmUnit,
  BulkResultAnswer,
  BulkUploadAnswer,
  QualificationAnswer,
  QualificationQueryInput,
  TextEncodingName,
} from './model.ts';

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
  /**
   * Largest answer file read (single 資格確認, 一括照会 upload, face file; after unzipping too). Larger files are
   * refused unread (TERMINAL_MALFORMED_ANSWER, cause 'oversized') and set aside. Real answers are kilobytes.
   * Default 1 MiB.
   */
  maxAnswerBytes?: number;
  /** 一括照会 results may be `maxAnswerBytes` + this much per row asked (rows are kilobytes). Default 16 KiB. */
  bulkAnswerBytesPerRow?: number;
  /** Rows assumed for a 一括照会 result when the client does not know the batch (not uploaded by it). Default 200. */
  bulkAssumedRows?: number;
  /**
   * Answers of this many bytes or more are parsed off the event loop, by `parser` (a 一括照会 result: ~1.2 KB a
   * row); smaller ones in the thread. Default 16 KiB; Infinity parses everything in the thread.
   */
  offThreadMinBytes?: number;
  /** Parses the large answers; default a parse worker thread the client owns (parse-pool.ts). */
  parser?: AnswerParser;
}

export interface ConfirmOptions {
  timeoutMs?: number;
  /** Idempotency key (ArbitraryFileIdentifier, part of the file name). Default: a fresh key. */
  key?: string;
}

export interface BulkFetchOptions extends ConfirmOptions {
  /** Rows of the batch (sizes the answer limit). Default: what this client uploaded under the number, if known. */
  rows?: number;
}

/**
 * Whether the answer echoed our key. 'echoed': its ArbitraryFileIdentifier is the key. 'absent': it carries none
 * (or an empty one) and was matched by its file name alone — UNCONFIRMED whether the real connector always
 * echoes it; the caller must then rely on its own echo check (QualificationConfirmSearchInfo vs the query).
 * A different identifier never gets here: it is refused as TERMINAL_KEY_MISMATCH.
 */
export type KeyEcho = 'echoed' | 'absent';

export interface TerminalResult {
  key: string;
  /** Answer file name in res/. */
  file: string;
  format: 'xml' | 'zip';
  /** The answer file's raw bytes, exactly as read (evidence: archived by the reconciler). */
  bytes: Buffer;
  /** The answer was already in res/ (e.g. after a restart): no request was written. */
  reused: boolean;
  /** 'absent': matched by file name only (see KeyEcho). */
  keyEcho: KeyEcho;
  /** `answer.fieldProblems` non-empty ⇒ `finding` is null: decide by hand. */
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
  keyEcho: KeyEcho;
  receptionNumber: string;
  answer: BulkUploadAnswer;
}

export interface BulkRow {
  /** ArbitraryIdentifier of the row (the query's rowId). */
  rowId?: string;
  /** `unit.fieldProblems` (or the header's) non-empty ⇒ `finding` is null: decide by hand. */
  unit: BulkConfirmUnit;
  finding: TerminalFinding | null;
}

export interface BulkFetchResult {
  key: string;
  reused: boolean;
  keyEcho: KeyEcho;
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
  bulkFetch(receptionNumber: string, opts?: BulkFetchOptions): Promise<BulkFetchResult>;
}
