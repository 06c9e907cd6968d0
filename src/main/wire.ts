// The wire between a page, a host and the core: the request / response / event messages (the same JSON over
// Electron IPC, the utilityProcess/fork channel and the WebSocket) and the plumbing's error codes.
//
// No zod here, and nothing of ours imported: the hosts (web host, Electron main) check the messages they relay
// with these few functions and never load the contract's request schemas (zod with its locales is half a
// megabyte of code to compile at every start). contract.ts re-exports all of it; the core still validates
// every request's input and output against the contract (src/main/core/service.ts).

// ---------------------------------------------------------------------------------------------------------
// Errors

export const errorCodes = [
  'CONTRACT_INVALID_REQUEST',
  'CONTRACT_UNKNOWN_REQUEST',
  'CONTRACT_INVALID_RESPONSE',
  'CORE_RESTARTING',
  'CORE_UNAVAILABLE',
  'CORE_TIMEOUT',
  'CORE_INTERNAL',
  'HOST_DISCONNECTED',
] as const;
export type KnownErrorCode = (typeof errorCodes)[number];
/** Domain handlers may add their own codes (e.g. the store's), so the wire type stays a string. */
export type ErrorCode = KnownErrorCode | (string & {});

/** Japanese messages for the plumbing's own errors (shown to staff as-is). */
export const errorMessages: Record<KnownErrorCode, string> = {
  CONTRACT_INVALID_REQUEST: '要求の内容が正しくありません。',
  CONTRACT_UNKNOWN_REQUEST: '不明な要求です。',
  CONTRACT_INVALID_RESPONSE: '内部処理の応答が正しくありません。',
  CORE_RESTARTING: '内部処理を再起動しています。しばらく待ってからもう一度操作してください。',
  CORE_UNAVAILABLE: '内部処理を起動できませんでした。アプリを再起動してください。',
  CORE_TIMEOUT: '内部処理が時間内に応答しませんでした。',
  CORE_INTERNAL: '内部処理でエラーが発生しました。',
  HOST_DISCONNECTED: 'アプリ本体との接続が切れました。画面を再読み込みしてください。',
};

export interface WireError {
  code: string;
  message: string;
  detail?: string | undefined;
}

/** An error with a contract error code. Thrown by handlers and by the core client. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly detail?: string,
  ) {
    super(message ?? (errorMessages as Record<string, string>)[code] ?? errorMessages.CORE_INTERNAL);
  }
  toWire(): WireError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function contractError(code: KnownErrorCode, detail?: string): ContractError {
  return new ContractError(code, errorMessages[code], detail);
}

// ---------------------------------------------------------------------------------------------------------
// Messages

/** A request's id: a non-negative safe integer, or a string of 1–64 characters. */
export type RequestId = number | string;

export interface RequestMessage {
  id: RequestId;
  name: string;
  input: unknown;
}

export type ResponseMessage =
  { id: RequestId; ok: true; value: unknown } | { id: RequestId; ok: false; error: WireError };

/** A request's outcome without the id: what a relay hands back to the renderer. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

type Fields = Record<string, unknown>;

/** A JSON object (not an array, not null). */
function isRecord(x: unknown): x is Fields {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isString = (x: unknown, min: number, max: number): x is string =>
  typeof x === 'string' && x.length >= min && x.length <= max;

export function isRequestId(x: unknown): x is RequestId {
  return (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) || isString(x, 1, 64);
}

/** The request in `x` (its id, name and input only), or null when `x` is not one. `input` must be present. */
export function parseRequestMessage(x: unknown): RequestMessage | null {
  if (!isRecord(x) || !isRequestId(x.id) || !isString(x.name, 1, 200) || !('input' in x)) return null;
  return { id: x.id, name: x.name, input: x.input };
}

function parseWireError(x: unknown): WireError | null {
  if (!isRecord(x) || typeof x.code !== 'string' || typeof x.message !== 'string') return null;
  if (!('detail' in x)) return { code: x.code, message: x.message };
  if (x.detail !== undefined && typeof x.detail !== 'string') return null;
  return { code: x.code, message: x.message, detail: x.detail };
}

/** The response in `x` (an ok one with its value, or an error one with a well-formed error), or null. */
export function parseResponseMessage(x: unknown): ResponseMessage | null {
  if (!isRecord(x) || !isRequestId(x.id)) return null;
  if (x.ok === true) return 'value' in x ? { id: x.id, ok: true, value: x.value } : null;
  if (x.ok !== false) return null;
  const error = parseWireError(x.error);
  return error === null ? null : { id: x.id, ok: false, error };
}

/** The event in `x` (a name and a payload, which must be present), or null. */
export function parseEventMessage(x: unknown): { name: string; payload: unknown } | null {
  if (!isRecord(x) || typeof x.name !== 'string' || !('payload' in x)) return null;
  return { name: x.name, payload: x.payload };
}
