// Typed results for user data: functions in src/claims never throw on what a person typed.

export interface ClaimError {
  /** Stable machine code, e.g. INSURER_CHECK_DIGIT. */
  code: string;
  /** The same in words a receptionist understands (Japanese). */
  message: string;
  /** Which input the error is about, when there are several. */
  field?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: ClaimError[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...errors: ClaimError[]): Result<T> => ({ ok: false, errors });
