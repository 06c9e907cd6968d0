// Small adapters from this repo's device ports to health signals. Each is pure: a port's snapshot in, a
// signal out.
import type { PcscSnapshot } from '../pcsc/types.ts';
import type { CardDiagnosis } from '../pcsc/types.ts';
import type { PowerSnapshot } from '../power/types.ts';
import type { AnswerHealth, TerminalLinkStatus } from '../terminal/client.ts';
import type { CardSignal, PcscSignal, PowerSignal, TerminalSignal } from './signals.ts';

export function powerSignalOf(s: PowerSnapshot): PowerSignal {
  const out: PowerSignal = { source: 'power', state: s.state };
  if (s.charge !== undefined) out.charge = s.charge;
  if (s.runtimeSeconds !== undefined) out.runtimeSeconds = s.runtimeSeconds;
  if (s.shutdownImminent !== undefined) out.shutdownImminent = s.shutdownImminent;
  if (s.device?.product) out.device = s.device.product;
  return out;
}

export function pcscSignalOf(s: PcscSnapshot): PcscSignal {
  const out: PcscSignal = {
    source: 'pcsc',
    service: s.service,
    readers: s.readers.map((r) => ({ name: r.name, cardPresent: r.cardPresent })),
  };
  if (s.lastError) out.lastError = s.lastError.name;
  return out;
}

export function cardSignalOf(d: CardDiagnosis): CardSignal {
  return { source: 'card', diagnosis: d.status, reader: d.reader };
}

/**
 * The terminal link as health sees it: the share folders first (a missing share is a fault whatever the
 * history), then the last answer. With reachable folders and no request yet, the link is 'unknown': a share
 * that exists does not prove the connector answers.
 */
export function terminalSignalOf(
  link: TerminalLinkStatus | null,
  answers: AnswerHealth,
  detail?: string,
): TerminalSignal {
  const out: TerminalSignal = { source: 'terminal', link: 'unknown', consecutiveFailures: answers.consecutiveFailures };
  if (answers.lastAnswerAt) out.lastAnswerAt = answers.lastAnswerAt;
  if (detail) out.detail = detail;
  if (link && !link.ok) out.link = 'share_missing';
  else if (answers.lastOutcome === 'answered') out.link = 'ok';
  else if (answers.lastOutcome === 'TERMINAL_TIMEOUT') out.link = 'timeout';
  else if (answers.lastOutcome === 'TERMINAL_SHARE_MISSING' || answers.lastOutcome === 'TERMINAL_SHARE_NOT_WRITABLE')
    out.link = 'share_missing';
  // An error segment means the terminal answered: the central system behind it is what failed. (UNCONFIRMED:
  // the official ErrorCode list; any SegmentOfResult 9 counts.)
  else if (answers.lastOutcome === 'TERMINAL_ERROR_SEGMENT') out.link = 'central_error';
  else if (answers.lastOutcome !== undefined) out.link = 'error';
  return out;
}
