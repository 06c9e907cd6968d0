// The adapters from the real ports to health signals, and what the three terminal situations of the issue
// become: share unreachable vs answers with errors (central system unreachable) vs answers.
import { describe, expect, it } from 'vitest';
import { HealthMonitor, pcscSignalOf, terminalSignalOf } from '../../src/hardware/health/index.ts';
import type { AnswerHealth, TerminalLinkStatus } from '../../src/hardware/terminal/index.ts';

const folders = (ok: boolean): TerminalLinkStatus['folders'] => ({
  req: { exists: ok, writable: ok },
  res: { exists: ok, readable: ok },
  face: { exists: ok },
});
const link = (ok: boolean, answers: AnswerHealth): TerminalLinkStatus => ({
  checkedAt: '2026-11-25T00:00:00Z',
  ok,
  ...(ok ? {} : { problem: 'TERMINAL_SHARE_MISSING' as const }),
  folders: folders(ok),
  lastAnswer: answers,
});
const answers = (lastOutcome?: AnswerHealth['lastOutcome'], consecutiveFailures = 0): AnswerHealth => ({
  consecutiveFailures,
  pending: 0,
  ...(lastOutcome ? { lastOutcome, lastOutcomeAt: '2026-11-25T00:00:00Z' } : {}),
});

function causesAfter(signal: ReturnType<typeof terminalSignalOf>) {
  const m = new HealthMonitor({ debounce: { enterAfterFailures: 1, enterAfterMs: 0, exitAfterMs: 0 } });
  m.ingest(signal);
  return m.state().causes.map((c) => c.code);
}

describe('terminalSignalOf', () => {
  it('share unreachable → the share cause (facility network or terminal PC down)', () => {
    const s = terminalSignalOf(link(false, answers()), answers());
    expect(s.link).toBe('share_missing');
    expect(causesAfter(s)).toEqual(['terminal_share_unreachable']);
  });

  it('answers with an error segment → the central system is unreachable', () => {
    const a = answers('TERMINAL_ERROR_SEGMENT', 1);
    const s = terminalSignalOf(link(true, a), a);
    expect(s.link).toBe('central_error');
    expect(causesAfter(s)).toEqual(['terminal_central_unreachable']);
  });

  it('no answer in time → the terminal does not answer', () => {
    const a = answers('TERMINAL_TIMEOUT', 2);
    expect(causesAfter(terminalSignalOf(link(true, a), a))).toEqual(['terminal_no_answer']);
  });

  it('answers → healthy; a reachable share with no request yet is unknown, not healthy', () => {
    const a = answers('answered');
    expect(terminalSignalOf(link(true, a), a).link).toBe('ok');
    expect(causesAfter(terminalSignalOf(link(true, a), a))).toEqual([]);
    expect(terminalSignalOf(link(true, answers()), answers()).link).toBe('unknown');
  });
});

describe('pcscSignalOf', () => {
  it('keeps readers, card presence and the last error name', () => {
    expect(
      pcscSignalOf({
        service: 'unavailable',
        readers: [{ name: 'R', cardPresent: true, atr: '3B' }],
        lastError: { code: 0x8010001d, name: 'SCARD_E_NO_SERVICE' },
        at: '2026-11-25T00:00:00Z',
      }),
    ).toEqual({
      source: 'pcsc',
      service: 'unavailable',
      readers: [{ name: 'R', cardPresent: true }],
      lastError: 'SCARD_E_NO_SERVICE',
    });
  });
});
