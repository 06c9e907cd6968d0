// The wire messages' checks (src/main/wire.ts) the hosts relay with, without zod: what passes, what is refused,
// and that only the known fields go on.
import { describe, expect, it } from 'vitest';
import { isRequestId, parseEventMessage, parseRequestMessage, parseResponseMessage } from '../../src/main/wire.ts';

describe('request ids', () => {
  it('takes a non-negative safe integer or a string of 1–64 characters', () => {
    for (const id of [0, 7, Number.MAX_SAFE_INTEGER, 'a', 'x'.repeat(64), '😀'.repeat(32)])
      expect(isRequestId(id)).toBe(true);
    for (const id of [-1, 1.5, 2 ** 53, Infinity, NaN, '', 'x'.repeat(65), null, undefined, {}, [1]]) {
      expect(isRequestId(id), String(id)).toBe(false);
    }
  });
});

describe('request messages', () => {
  it('keeps id, name and input, drops anything else', () => {
    expect(parseRequestMessage({ id: 1, name: 'app.ping', input: { echo: 'x' }, extra: true })).toEqual({
      id: 1,
      name: 'app.ping',
      input: { echo: 'x' },
    });
    expect(parseRequestMessage({ id: 'r1', name: 'x'.repeat(200), input: null })).toEqual({
      id: 'r1',
      name: 'x'.repeat(200),
      input: null,
    });
  });

  it('refuses a missing input, a bad id or name, arrays and non-objects', () => {
    expect(parseRequestMessage({ id: 1, name: 'app.ping' })).toBeNull();
    expect(parseRequestMessage({ id: -1, name: 'app.ping', input: {} })).toBeNull();
    expect(parseRequestMessage({ id: 1, name: '', input: {} })).toBeNull();
    expect(parseRequestMessage({ id: 1, name: 'x'.repeat(201), input: {} })).toBeNull();
    expect(parseRequestMessage({ id: 1, name: 5, input: {} })).toBeNull();
    expect(parseRequestMessage(Object.assign([], { id: 1, name: 'a', input: {} }))).toBeNull();
    for (const x of [null, 'x', 1, undefined]) expect(parseRequestMessage(x)).toBeNull();
  });
});

describe('response messages', () => {
  it('an ok one carries its value (present, even undefined), an error one a code and a message', () => {
    expect(parseResponseMessage({ id: 1, ok: true, value: { a: 1 }, error: 'ignored' })).toEqual({
      id: 1,
      ok: true,
      value: { a: 1 },
    });
    expect(parseResponseMessage({ id: 1, ok: true, value: undefined })).toEqual({ id: 1, ok: true, value: undefined });
    expect(
      parseResponseMessage({ id: 2, ok: false, error: { code: 'CORE_TIMEOUT', message: 'm', detail: 'd', x: 1 } }),
    ).toEqual({ id: 2, ok: false, error: { code: 'CORE_TIMEOUT', message: 'm', detail: 'd' } });
    expect(parseResponseMessage({ id: 2, ok: false, error: { code: 'C', message: 'm' } })).toEqual({
      id: 2,
      ok: false,
      error: { code: 'C', message: 'm' },
    });
  });

  it('refuses an ok one without a value, a malformed error, an ok that is not a boolean, a bad id', () => {
    expect(parseResponseMessage({ id: 1, ok: true })).toBeNull();
    expect(parseResponseMessage({ id: 1, ok: false, error: { code: 'C' } })).toBeNull();
    expect(parseResponseMessage({ id: 1, ok: false, error: { code: 'C', message: 'm', detail: 3 } })).toBeNull();
    expect(parseResponseMessage({ id: 1, ok: false })).toBeNull();
    expect(parseResponseMessage({ id: 1, ok: 'yes', value: 1 })).toBeNull();
    expect(parseResponseMessage({ id: 1.5, ok: true, value: 1 })).toBeNull();
    expect(parseResponseMessage(null)).toBeNull();
  });
});

describe('event messages', () => {
  it('a name and a payload (present), nothing else', () => {
    expect(parseEventMessage({ name: 'health.changed', payload: { a: 1 }, x: 2 })).toEqual({
      name: 'health.changed',
      payload: { a: 1 },
    });
    expect(parseEventMessage({ name: 'x' })).toBeNull();
    expect(parseEventMessage({ name: 1, payload: {} })).toBeNull();
    expect(parseEventMessage([])).toBeNull();
  });
});
