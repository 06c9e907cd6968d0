// PC/SC error codes (DOMAIN.md §6) and the ONE place where the `smartcard` module's error messages are
// translated into codes. Everything else in the app decides by code, never by message text.

/** PC/SC status codes (identical on pcsc-lite and WinSCard). */
export const PCSC_CODES = {
  SCARD_F_INTERNAL_ERROR: 0x80100001,
  SCARD_E_CANCELLED: 0x80100002,
  SCARD_E_INVALID_HANDLE: 0x80100003,
  SCARD_E_INVALID_PARAMETER: 0x80100004,
  SCARD_E_INVALID_TARGET: 0x80100005,
  SCARD_E_NO_MEMORY: 0x80100006,
  SCARD_E_INSUFFICIENT_BUFFER: 0x80100008,
  SCARD_E_UNKNOWN_READER: 0x80100009,
  SCARD_E_TIMEOUT: 0x8010000a,
  SCARD_E_SHARING_VIOLATION: 0x8010000b,
  SCARD_E_NO_SMARTCARD: 0x8010000c,
  SCARD_E_UNKNOWN_CARD: 0x8010000d,
  SCARD_E_CANT_DISPOSE: 0x8010000e,
  SCARD_E_PROTO_MISMATCH: 0x8010000f,
  SCARD_E_NOT_READY: 0x80100010,
  SCARD_E_INVALID_VALUE: 0x80100011,
  SCARD_E_SYSTEM_CANCELLED: 0x80100012,
  SCARD_F_COMM_ERROR: 0x80100013,
  SCARD_F_UNKNOWN_ERROR: 0x80100014,
  SCARD_E_INVALID_ATR: 0x80100015,
  SCARD_E_NOT_TRANSACTED: 0x80100016,
  SCARD_E_READER_UNAVAILABLE: 0x80100017,
  SCARD_E_PCI_TOO_SMALL: 0x80100019,
  SCARD_E_NO_SERVICE: 0x8010001d,
  SCARD_E_SERVICE_STOPPED: 0x8010001e,
  SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
  SCARD_E_COMM_DATA_LOST: 0x8010002f,
  SCARD_W_UNSUPPORTED_CARD: 0x80100065,
  SCARD_W_UNRESPONSIVE_CARD: 0x80100066,
  SCARD_W_UNPOWERED_CARD: 0x80100067,
  SCARD_W_RESET_CARD: 0x80100068,
  SCARD_W_REMOVED_CARD: 0x80100069,
} as const;

export type PcscCodeName = keyof typeof PCSC_CODES;

/**
 * Failures that are not PC/SC status codes but come from our own supervision of the PC/SC worker.
 * SHIKAKU_TIMEOUT: a transmit/connect or the whole request exceeded our deadline (mute card); the worker is
 * killed and restarted. SHIKAKU_WORKER_EXITED: the worker died with the request in flight.
 * SHIKAKU_STOPPED: the port was stopped. SHIKAKU_UNKNOWN: an error that no table entry explains.
 */
export const APP_ERROR_NAMES = [
  'SHIKAKU_TIMEOUT',
  'SHIKAKU_WORKER_EXITED',
  'SHIKAKU_STOPPED',
  'SHIKAKU_UNKNOWN',
] as const;
export type AppErrorName = (typeof APP_ERROR_NAMES)[number];

export type CardReaderErrorCode = PcscCodeName | AppErrorName;

const NAME_BY_CODE = new Map<number, PcscCodeName>(
  (Object.entries(PCSC_CODES) as [PcscCodeName, number][]).map(([name, code]) => [code, name]),
);

export function pcscNameOf(code: number): PcscCodeName | undefined {
  return NAME_BY_CODE.get(code >>> 0);
}

/**
 * THE table: message text thrown by `smartcard` 3.7 (native GetPCSCErrorString in src/pcsc_errors.h, and
 * the addon's own guards in pcsc_context.cpp / pcsc_card.cpp) → PC/SC code. The addon creates plain `Error`s
 * with these English messages and no code; the JS error classes (PCSCError and subclasses) carry `.code`,
 * which `toErrorInfo` prefers when present.
 */
export const SMARTCARD_MESSAGE_TO_CODE: ReadonlyMap<string, number> = new Map<string, number>([
  ['Operation cancelled', PCSC_CODES.SCARD_E_CANCELLED],
  ['Cannot dispose handle', PCSC_CODES.SCARD_E_CANT_DISPOSE],
  ['Insufficient buffer', PCSC_CODES.SCARD_E_INSUFFICIENT_BUFFER],
  ['Invalid ATR', PCSC_CODES.SCARD_E_INVALID_ATR],
  ['Invalid handle', PCSC_CODES.SCARD_E_INVALID_HANDLE],
  ['Invalid parameter', PCSC_CODES.SCARD_E_INVALID_PARAMETER],
  ['Invalid target', PCSC_CODES.SCARD_E_INVALID_TARGET],
  ['Invalid value', PCSC_CODES.SCARD_E_INVALID_VALUE],
  ['Not enough memory', PCSC_CODES.SCARD_E_NO_MEMORY],
  ['PC/SC service not running', PCSC_CODES.SCARD_E_NO_SERVICE],
  ['No smart card present', PCSC_CODES.SCARD_E_NO_SMARTCARD],
  ['Reader not ready', PCSC_CODES.SCARD_E_NOT_READY],
  ['Transaction failed', PCSC_CODES.SCARD_E_NOT_TRANSACTED],
  ['PCI struct too small', PCSC_CODES.SCARD_E_PCI_TOO_SMALL],
  ['Protocol mismatch', PCSC_CODES.SCARD_E_PROTO_MISMATCH],
  ['Reader unavailable', PCSC_CODES.SCARD_E_READER_UNAVAILABLE],
  ['PC/SC service stopped', PCSC_CODES.SCARD_E_SERVICE_STOPPED],
  ['Sharing violation', PCSC_CODES.SCARD_E_SHARING_VIOLATION],
  ['Sharing violation - card is in use', PCSC_CODES.SCARD_E_SHARING_VIOLATION],
  ['System cancelled operation', PCSC_CODES.SCARD_E_SYSTEM_CANCELLED],
  ['Operation timed out', PCSC_CODES.SCARD_E_TIMEOUT],
  ['Unknown card type', PCSC_CODES.SCARD_E_UNKNOWN_CARD],
  ['Unknown reader', PCSC_CODES.SCARD_E_UNKNOWN_READER],
  ['No readers available', PCSC_CODES.SCARD_E_NO_READERS_AVAILABLE],
  ['Communication error', PCSC_CODES.SCARD_F_COMM_ERROR],
  ['Internal error', PCSC_CODES.SCARD_F_INTERNAL_ERROR],
  ['Card was removed', PCSC_CODES.SCARD_W_REMOVED_CARD],
  ['Card was reset', PCSC_CODES.SCARD_W_RESET_CARD],
  ['Card is unpowered', PCSC_CODES.SCARD_W_UNPOWERED_CARD],
  ['Card is unresponsive', PCSC_CODES.SCARD_W_UNRESPONSIVE_CARD],
  ['Card is not supported', PCSC_CODES.SCARD_W_UNSUPPORTED_CARD],
  // The addon's own guards: a context or card handle that is no longer usable (after a service restart,
  // or after the card went away). Treated as a stale handle: re-establish.
  ['Context is not valid', PCSC_CODES.SCARD_E_INVALID_HANDLE],
  ['Card is not connected', PCSC_CODES.SCARD_E_INVALID_HANDLE],
]);

/** What the monitor and the diagnosis do about an error (DOMAIN.md §6). */
export type ErrorAction =
  | 'reestablish' // service gone or stale context: drop the context, re-create it with backoff
  | 'device_fault' // no reader at all
  | 'rescan' // the reader vanished
  | 'no_card'
  | 'retry_read' // card pulled or reset: retry the whole read
  | 'backoff' // another application holds the card
  | 'retry_once' // transient communication loss
  | 'restart_worker' // our timeout: the worker may hold a hung native call
  | 'unknown';

const ACTION_BY_NAME: Partial<Record<CardReaderErrorCode, ErrorAction>> = {
  SCARD_E_NO_SERVICE: 'reestablish',
  SCARD_E_SERVICE_STOPPED: 'reestablish',
  SCARD_E_INVALID_HANDLE: 'reestablish',
  // pcsc-lite reports a daemon that died under an open context as a communication error.
  SCARD_F_COMM_ERROR: 'reestablish',
  SCARD_E_NO_READERS_AVAILABLE: 'device_fault',
  SCARD_E_UNKNOWN_READER: 'rescan',
  SCARD_E_READER_UNAVAILABLE: 'rescan',
  SCARD_E_NO_SMARTCARD: 'no_card',
  SCARD_W_REMOVED_CARD: 'retry_read',
  SCARD_W_RESET_CARD: 'retry_read',
  SCARD_E_SHARING_VIOLATION: 'backoff',
  SCARD_E_COMM_DATA_LOST: 'retry_once',
  SHIKAKU_TIMEOUT: 'restart_worker',
  SHIKAKU_WORKER_EXITED: 'restart_worker',
};

export function actionFor(code: CardReaderErrorCode): ErrorAction {
  return ACTION_BY_NAME[code] ?? 'unknown';
}

/** The serialisable form of an error, as carried in snapshots and over the worker's IPC channel. */
export interface PcscErrorInfo {
  /** The PC/SC status code (e.g. 0x8010001D), or null for our own failures (SHIKAKU_*). */
  code: number | null;
  /** Stable symbolic name: the PC/SC constant name, or a SHIKAKU_* name. */
  name: CardReaderErrorCode;
}

/** An error from the card-reader layer. `code` is the symbolic name (Node style); `pcscCode` the number. */
export class CardReaderError extends Error {
  readonly code: CardReaderErrorCode;
  readonly pcscCode: number | null;
  constructor(code: CardReaderErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = 'CardReaderError';
    this.code = code;
    this.pcscCode = code in PCSC_CODES ? PCSC_CODES[code as PcscCodeName] : null;
  }
  get info(): PcscErrorInfo {
    return { code: this.pcscCode, name: this.code };
  }
  static fromInfo(info: PcscErrorInfo, message?: string): CardReaderError {
    return new CardReaderError(info.name, message);
  }
}

/** Translate anything thrown by `smartcard` (or by us) into a code. The only place messages are read. */
export function toErrorInfo(e: unknown): PcscErrorInfo {
  if (e instanceof CardReaderError) return e.info;
  if (e && typeof e === 'object') {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') {
      const name = pcscNameOf(code);
      if (name) return { code: code >>> 0, name };
    }
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') {
      const mapped = SMARTCARD_MESSAGE_TO_CODE.get(message);
      if (mapped !== undefined) return { code: mapped, name: pcscNameOf(mapped)! };
    }
  }
  return { code: null, name: 'SHIKAKU_UNKNOWN' };
}

export function toCardReaderError(e: unknown): CardReaderError {
  if (e instanceof CardReaderError) return e;
  const info = toErrorInfo(e);
  const message = e instanceof Error ? e.message : String(e);
  return new CardReaderError(info.name, message, { cause: e });
}

export function formatPcscCode(code: number | null): string {
  return code === null ? '-' : '0x' + (code >>> 0).toString(16).toUpperCase().padStart(8, '0');
}
