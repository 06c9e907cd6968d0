// The health layer's own input types: plain, typed signals. The real adapters (PC/SC monitor, terminal
// link, UPS, network probe, reception flow) are adapted to these by the core; tests and the bench feed
// them directly.

export type Reach = 'ok' | 'down' | 'unknown';

export interface PcscSignal {
  source: 'pcsc';
  service: 'running' | 'unavailable' | 'unknown';
  readers: { name: string; cardPresent: boolean }[];
  /** PC/SC error name or code of the last failure, for the doctor report (e.g. 'SCARD_E_NO_SERVICE'). */
  lastError?: string;
}

export interface TerminalSignal {
  source: 'terminal';
  /**
   * ok: it answers. share_missing: the share folder cannot be reached (facility network or terminal PC down).
   * timeout / error: requests go in, no usable answer comes out. central_error: it answers with an error
   * segment, i.e. the central オンライン資格確認等システム behind it is unreachable (wide-area failure).
   */
  link: 'ok' | 'share_missing' | 'timeout' | 'error' | 'central_error' | 'unknown';
  /** ISO time of the last answer file seen in res/. */
  lastAnswerAt?: string;
  /** Failures in a row as counted by the terminal adapter (0 after an answer). */
  consecutiveFailures: number;
  /** English detail for the doctor report (e.g. the share path, the error text). */
  detail?: string;
}

export interface PowerSignal {
  source: 'power';
  state: 'ac' | 'battery' | 'unknown';
  /** Percent. */
  charge?: number;
  runtimeSeconds?: number;
  shutdownImminent?: boolean;
  /** Product name of the UPS, when known. */
  device?: string;
}

export interface NetworkSignal {
  source: 'network';
  /** The facility LAN: can this PC reach the 資格確認端末 (host / share)? */
  facility: Reach;
  /** The wide-area line: can this PC reach the configured outside target? */
  wideArea: Reach;
}

/** Per-reception finding from the card check of the patient at the counter. */
export interface CardSignal {
  source: 'card';
  diagnosis: 'ok' | 'chip_unreadable' | 'expired' | 'expired_in_grace' | 'expiring_soon';
  reader?: string;
}

/** Per-reception finding from the terminal's answer for the patient at the counter. */
export interface QualificationSignal {
  source: 'qualification';
  result: 'valid' | 'invalid' | 'not_found';
}

export type DeviceSignal = PcscSignal | TerminalSignal | PowerSignal | NetworkSignal;
export type ReceptionSignal = CardSignal | QualificationSignal;
export type HealthSignal = DeviceSignal | ReceptionSignal;
