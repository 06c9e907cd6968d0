// Typed results for everything that touches user data: the store never throws on bad user input.
import { storeMessages, type StoreErrorCode } from './messages.ts';

export interface StoreError {
  code: StoreErrorCode;
  /** Japanese, for staff. */
  message: string;
  /** English, for logs and the help desk (never shown as the main text). */
  detail?: string;
  /** Validation issues (path + message), for INVALID_VISIT / INVALID_INPUT. */
  issues?: { path: string; message: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: StoreError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: StoreErrorCode, detail?: string, issues?: StoreError['issues']): Result<T> {
  const error: StoreError = { code, message: storeMessages[code] };
  if (detail !== undefined) error.detail = detail;
  if (issues !== undefined) error.issues = issues;
  return { ok: false, error };
}

/** NOT_FOUND naming `what` when a lookup found nothing. */
export function found<T>(value: T | null | undefined, what: string): Result<T> {
  return value === undefined || value === null ? fail('NOT_FOUND', what) : ok(value);
}

/** The store's health as the UI shows it. */
export type StoreMode = 'ok' | 'read_only' | 'disk_full';

/**
 * Classifies a SQLite error by its extended code. Returns the degraded mode it implies, or undefined for
 * errors that are not about the storage medium (constraint violations, bugs).
 */
export function storageFailure(
  e: unknown,
  freeBytes?: () => number | undefined,
): { mode: Exclude<StoreMode, 'ok'>; code: StoreErrorCode; sqlite: string } | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return { mode: 'disk_full', code: 'STORE_DISK_FULL', sqlite: code };
  if (code.startsWith('SQLITE_READONLY')) return { mode: 'read_only', code: 'STORE_READ_ONLY', sqlite: code };
  if (code.startsWith('SQLITE_CANTOPEN')) return { mode: 'read_only', code: 'STORE_READ_ONLY', sqlite: code };
  if (code.startsWith('SQLITE_IOERR')) {
    // ENOSPC can surface as SQLITE_IOERR_WRITE / _FSYNC / _SHMSIZE; SQLite's text is always "disk I/O
    // error", so ask the file system whether it is full.
    const free = freeBytes?.();
    return free !== undefined && free < LOW_SPACE_BYTES
      ? { mode: 'disk_full', code: 'STORE_DISK_FULL', sqlite: code }
      : { mode: 'read_only', code: 'STORE_READ_ONLY', sqlite: code };
  }
  return undefined;
}

/** Below this much free space an I/O error is taken for a full disk. */
export const LOW_SPACE_BYTES = 1024 * 1024;
