// The one table from `smartcard` error messages to PC/SC codes, and what each code means to us.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  CardReaderError,
  PCSC_CODES,
  SMARTCARD_MESSAGE_TO_CODE,
  actionFor,
  formatPcscCode,
  pcscNameOf,
  toCardReaderError,
  toErrorInfo,
} from '../../src/hardware/pcsc/errors.ts';

const require = createRequire(import.meta.url);

describe('PC/SC error table', () => {
  it('knows every message the smartcard addon can produce (read from its C++ source)', () => {
    // main is dist/lib/index.js; the C++ source ships next to dist/.
    const main = require.resolve('smartcard');
    const src = readFileSync(main.replace(/dist\/lib\/index\.js$/, 'src/pcsc_errors.h'), 'utf8');
    const messages = [...src.matchAll(/return "([^"]+)";/g)]
      .map((m) => m[1]!)
      .filter((m) => m !== 'Success' && m !== 'Unknown PC/SC error');
    expect(messages.length).toBeGreaterThan(20);
    for (const m of messages) expect(SMARTCARD_MESSAGE_TO_CODE.has(m), m).toBe(true);
  });

  it('maps the messages of DOMAIN.md §6 to their codes', () => {
    const cases: [string, string, number][] = [
      ['PC/SC service not running', 'SCARD_E_NO_SERVICE', 0x8010001d],
      ['PC/SC service stopped', 'SCARD_E_SERVICE_STOPPED', 0x8010001e],
      ['No readers available', 'SCARD_E_NO_READERS_AVAILABLE', 0x8010002e],
      ['Unknown reader', 'SCARD_E_UNKNOWN_READER', 0x80100009],
      ['Reader unavailable', 'SCARD_E_READER_UNAVAILABLE', 0x80100017],
      ['No smart card present', 'SCARD_E_NO_SMARTCARD', 0x8010000c],
      ['Card was removed', 'SCARD_W_REMOVED_CARD', 0x80100069],
      ['Card was reset', 'SCARD_W_RESET_CARD', 0x80100068],
      ['Sharing violation', 'SCARD_E_SHARING_VIOLATION', 0x8010000b],
      ['Invalid handle', 'SCARD_E_INVALID_HANDLE', 0x80100003],
      ['Context is not valid', 'SCARD_E_INVALID_HANDLE', 0x80100003],
    ];
    for (const [message, name, code] of cases) expect(toErrorInfo(new Error(message))).toEqual({ code, name });
  });

  it('prefers a numeric .code (the smartcard JS error classes) over the message', () => {
    const e = Object.assign(new Error('Sharing violation - card is in use, localised or not'), { code: 0x8010000b });
    expect(toErrorInfo(e)).toEqual({ code: 0x8010000b, name: 'SCARD_E_SHARING_VIOLATION' });
    // Negative int32 form, as WinSCard's LONG may surface.
    expect(toErrorInfo({ code: 0x8010001d | 0 })).toEqual({ code: 0x8010001d, name: 'SCARD_E_NO_SERVICE' });
  });

  it('does not guess: unknown messages and non-errors are SHIKAKU_UNKNOWN', () => {
    expect(toErrorInfo(new Error('カードが取り外されました'))).toEqual({ code: null, name: 'SHIKAKU_UNKNOWN' });
    expect(toErrorInfo(new Error('card was removed'))).toEqual({ code: null, name: 'SHIKAKU_UNKNOWN' });
    expect(toErrorInfo('Card was removed')).toEqual({ code: null, name: 'SHIKAKU_UNKNOWN' });
  });

  it('decides the action by code', () => {
    expect(actionFor('SCARD_E_NO_SERVICE')).toBe('reestablish');
    expect(actionFor('SCARD_E_SERVICE_STOPPED')).toBe('reestablish');
    expect(actionFor('SCARD_E_INVALID_HANDLE')).toBe('reestablish');
    expect(actionFor('SCARD_E_NO_READERS_AVAILABLE')).toBe('device_fault');
    expect(actionFor('SCARD_E_UNKNOWN_READER')).toBe('rescan');
    expect(actionFor('SCARD_E_NO_SMARTCARD')).toBe('no_card');
    expect(actionFor('SCARD_W_REMOVED_CARD')).toBe('retry_read');
    expect(actionFor('SCARD_E_SHARING_VIOLATION')).toBe('backoff');
    expect(actionFor('SCARD_E_COMM_DATA_LOST')).toBe('retry_once');
    expect(actionFor('SHIKAKU_TIMEOUT')).toBe('restart_worker');
    expect(actionFor('SCARD_E_INVALID_ATR')).toBe('unknown');
  });

  it('CardReaderError carries both the symbolic and the numeric code', () => {
    const e = toCardReaderError(new Error('Card was removed'));
    expect(e).toBeInstanceOf(CardReaderError);
    expect(e.code).toBe('SCARD_W_REMOVED_CARD');
    expect(e.pcscCode).toBe(PCSC_CODES.SCARD_W_REMOVED_CARD);
    expect(e.info).toEqual({ code: 0x80100069, name: 'SCARD_W_REMOVED_CARD' });
    expect(new CardReaderError('SHIKAKU_TIMEOUT').pcscCode).toBeNull();
    expect(formatPcscCode(0x8010001d)).toBe('0x8010001D');
    expect(pcscNameOf(0x8010002f)).toBe('SCARD_E_COMM_DATA_LOST');
  });
});
