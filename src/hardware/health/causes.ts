// The named causes of DOMAIN.md §1, their scope and their effect on the clinic's mode, and the pure mapping
// from one signal to observations of causes. Shared by the debounced HealthMonitor and doctorReport.
import type { CardSignal, HealthSignal, PowerSignal, QualificationSignal } from './signals.ts';

export type HealthMode = 'normal' | 'degraded' | 'outage';
export type DeviceKey = 'reader' | 'card' | 'terminal' | 'network' | 'power';

/** Device and link causes: clinic-wide, debounced, recorded as incidents, they set the mode. */
export const CLINIC_CAUSES = [
  'reader_fault',
  'pcsc_service_down',
  'terminal_no_answer',
  'terminal_share_unreachable',
  'terminal_central_unreachable',
  'facility_network_down',
  'wide_area_network_down',
  'power_on_battery',
] as const;
export type ClinicCauseCode = (typeof CLINIC_CAUSES)[number];

/** Per-patient causes: found at one reception, they send that reception to the fallback flow only. */
export const RECEPTION_CAUSES = [
  'card_chip_unreadable',
  'card_cert_expired',
  'qualification_invalid',
  'qualification_not_found',
] as const;
export type ReceptionCauseCode = (typeof RECEPTION_CAUSES)[number];

/** Per-patient warnings: the card still works; staff should tell the patient. */
export const RECEPTION_WARNINGS = ['card_cert_in_grace', 'card_cert_expiring_soon'] as const;
export type ReceptionWarningCode = (typeof RECEPTION_WARNINGS)[number];

/** Clinic-wide warnings: shown, never change the mode. */
export const CLINIC_WARNINGS = ['power_battery_low'] as const;
export type ClinicWarningCode = (typeof CLINIC_WARNINGS)[number];

export type CauseCode = ClinicCauseCode | ReceptionCauseCode;
export type FindingCode = ReceptionCauseCode | ReceptionWarningCode;
export type Severity = 'error' | 'warning';

export interface CausePolicy {
  /** The mode this cause puts the clinic in while active. */
  impact: Exclude<HealthMode, 'normal'>;
  severity: Severity;
  device: DeviceKey;
}

/**
 * The mode table (see README.md). Reader, PC/SC and terminal faults leave no way to confirm a マイナ保険証:
 * 障害時. The facility LAN carries the terminal share: 障害時. The wide-area probe runs from this PC, not from
 * the terminal's own line, so it is indirect evidence: 一部障害 (the terminal's timeouts give 障害時 when the
 * line really is cut). On battery the systems still work: 一部障害 with a warning.
 */
export const CAUSE_POLICY: Readonly<Record<ClinicCauseCode, CausePolicy>> = {
  reader_fault: { impact: 'outage', severity: 'error', device: 'reader' },
  pcsc_service_down: { impact: 'outage', severity: 'error', device: 'reader' },
  terminal_no_answer: { impact: 'outage', severity: 'error', device: 'terminal' },
  terminal_central_unreachable: { impact: 'outage', severity: 'error', device: 'terminal' },
  terminal_share_unreachable: { impact: 'outage', severity: 'error', device: 'terminal' },
  facility_network_down: { impact: 'outage', severity: 'error', device: 'network' },
  wide_area_network_down: { impact: 'degraded', severity: 'warning', device: 'network' },
  power_on_battery: { impact: 'degraded', severity: 'warning', device: 'power' },
};

export function isClinicCause(code: string): code is ClinicCauseCode {
  return (CLINIC_CAUSES as readonly string[]).includes(code);
}

export function modeOf(active: Iterable<ClinicCauseCode>): HealthMode {
  let mode: HealthMode = 'normal';
  for (const code of active) {
    const impact = CAUSE_POLICY[code].impact;
    if (impact === 'outage') return 'outage';
    mode = 'degraded';
  }
  return mode;
}

export type ObservationState = 'fail' | 'ok' | 'unknown';

export interface Observation {
  code: ClinicCauseCode;
  state: ObservationState;
  /** Failures in a row reported by the adapter itself (terminal). */
  failures?: number;
}

export interface ObserveOptions {
  /**
   * When set, a reader whose name matches must be present (e.g. the face-authentication reader); otherwise
   * any reader will do.
   */
  requiredReader?: RegExp;
  /** Battery charge at or below which power_battery_low is raised. Default 30 %. */
  lowChargePercent?: number;
}

/** What one device signal says about each clinic cause it covers. Reception signals give none. */
export function observe(signal: HealthSignal, opts: ObserveOptions = {}): Observation[] {
  switch (signal.source) {
    case 'pcsc': {
      if (signal.service === 'unknown') {
        return [
          { code: 'pcsc_service_down', state: 'unknown' },
          { code: 'reader_fault', state: 'unknown' },
        ];
      }
      if (signal.service === 'unavailable') {
        // With the service gone the readers cannot be seen: no evidence either way about them.
        return [
          { code: 'pcsc_service_down', state: 'fail' },
          { code: 'reader_fault', state: 'unknown' },
        ];
      }
      const present = opts.requiredReader
        ? signal.readers.some((r) => opts.requiredReader!.test(r.name))
        : signal.readers.length > 0;
      return [
        { code: 'pcsc_service_down', state: 'ok' },
        { code: 'reader_fault', state: present ? 'ok' : 'fail' },
      ];
    }
    case 'terminal':
      switch (signal.link) {
        case 'ok':
          return [
            { code: 'terminal_no_answer', state: 'ok' },
            { code: 'terminal_share_unreachable', state: 'ok' },
            { code: 'terminal_central_unreachable', state: 'ok' },
          ];
        case 'share_missing':
          return [
            { code: 'terminal_share_unreachable', state: 'fail', failures: signal.consecutiveFailures },
            { code: 'terminal_no_answer', state: 'unknown' },
            { code: 'terminal_central_unreachable', state: 'unknown' },
          ];
        case 'timeout':
        case 'error':
          // A request could be written, so the share is there; the answer is what is missing.
          return [
            { code: 'terminal_no_answer', state: 'fail', failures: signal.consecutiveFailures },
            { code: 'terminal_share_unreachable', state: 'ok' },
            { code: 'terminal_central_unreachable', state: 'unknown' },
          ];
        case 'central_error':
          // The terminal answers, but with an error segment: the central system behind it is unreachable.
          return [
            { code: 'terminal_central_unreachable', state: 'fail', failures: signal.consecutiveFailures },
            { code: 'terminal_no_answer', state: 'ok' },
            { code: 'terminal_share_unreachable', state: 'ok' },
          ];
        case 'unknown':
          return [
            { code: 'terminal_no_answer', state: 'unknown' },
            { code: 'terminal_share_unreachable', state: 'unknown' },
            { code: 'terminal_central_unreachable', state: 'unknown' },
          ];
      }
      return [];
    case 'power':
      // No UPS (or an unreadable one) is unknown, not a fault.
      return [
        {
          code: 'power_on_battery',
          state: signal.state === 'battery' ? 'fail' : signal.state === 'ac' ? 'ok' : 'unknown',
        },
      ];
    case 'network':
      return [
        { code: 'facility_network_down', state: reachToState(signal.facility) },
        { code: 'wide_area_network_down', state: reachToState(signal.wideArea) },
      ];
    case 'card':
    case 'qualification':
      return [];
  }
}

function reachToState(r: 'ok' | 'down' | 'unknown'): ObservationState {
  return r === 'ok' ? 'ok' : r === 'down' ? 'fail' : 'unknown';
}

export function isBatteryLow(p: PowerSignal | undefined, opts: ObserveOptions = {}): boolean {
  if (!p || p.state !== 'battery') return false;
  if (p.shutdownImminent) return true;
  return p.charge !== undefined && p.charge <= (opts.lowChargePercent ?? 30);
}

/** The per-reception finding a card or qualification signal gives; undefined when all is well. */
export function findingOf(signal: CardSignal | QualificationSignal): FindingCode | undefined {
  if (signal.source === 'card') {
    switch (signal.diagnosis) {
      case 'ok':
        return undefined;
      case 'chip_unreadable':
        return 'card_chip_unreadable';
      case 'expired':
        return 'card_cert_expired';
      case 'expired_in_grace':
        return 'card_cert_in_grace';
      case 'expiring_soon':
        return 'card_cert_expiring_soon';
    }
  }
  switch (signal.result) {
    case 'valid':
      return undefined;
    case 'invalid':
      return 'qualification_invalid';
    case 'not_found':
      return 'qualification_not_found';
  }
}

export function findingSeverity(code: FindingCode): Severity {
  return (RECEPTION_CAUSES as readonly string[]).includes(code) ? 'error' : 'warning';
}
