// Per-device status summaries for the status bar and the doctor report, from the last signal of each
// source and the (debounced) set of active causes.
import {
  CAUSE_POLICY,
  isBatteryLow,
  type ClinicCauseCode,
  type DeviceKey,
  type FindingCode,
  type ObserveOptions,
} from './causes.ts';
import { DEVICE_LABELS, DEVICE_TEXT, FINDING_SHORT, type DeviceStatus } from './messages.ts';
import type { NetworkSignal, PcscSignal, PowerSignal, TerminalSignal } from './signals.ts';

export interface DeviceSummary {
  status: DeviceStatus;
  /** Japanese device name. */
  label: string;
  /** Japanese one-line state. */
  text: string;
}

export interface LastSignals {
  pcsc?: PcscSignal;
  terminal?: TerminalSignal;
  power?: PowerSignal;
  network?: NetworkSignal;
  /** The last card finding of the current reception; null after an 'ok' read, undefined before any read. */
  card?: FindingCode | null;
}

const RECOVERING = '（回復を確認中）';

export function summarizeDevices(
  last: LastSignals,
  active: ReadonlySet<ClinicCauseCode>,
  pending: ReadonlySet<ClinicCauseCode>,
  opts: ObserveOptions = {},
): Record<DeviceKey, DeviceSummary> {
  const debounced = (device: DeviceKey, raw: { status: DeviceStatus; text: string }): DeviceSummary => {
    let status = raw.status;
    let text = raw.text;
    const act = [...active].filter((c) => CAUSE_POLICY[c].device === device);
    if (act.length > 0) {
      const fromCauses: DeviceStatus = act.some((c) => CAUSE_POLICY[c].impact === 'outage') ? 'fault' : 'warning';
      if (raw.status === 'ok' || raw.status === 'unknown') text += RECOVERING;
      status = raw.status === 'fault' ? 'fault' : fromCauses;
    } else if ([...pending].some((c) => CAUSE_POLICY[c].device === device)) {
      status = 'warning';
      text = DEVICE_TEXT.unstable;
    } else if (raw.status === 'fault' || raw.status === 'warning') {
      // Failing observations that are neither active nor pending (e.g. an unknown in between): show as warning.
      status = raw.status === 'fault' ? 'warning' : raw.status;
    }
    return { status, label: DEVICE_LABELS[device], text };
  };

  return {
    reader: debounced('reader', reader(last.pcsc, opts)),
    card: { ...card(last.card), label: DEVICE_LABELS.card },
    terminal: debounced('terminal', terminal(last.terminal)),
    network: debounced('network', network(last.network)),
    power: debounced('power', power(last.power, opts)),
  };
}

type Raw = { status: DeviceStatus; text: string };

export function reader(p: PcscSignal | undefined, opts: ObserveOptions = {}): Raw {
  if (!p || p.service === 'unknown') return { status: 'unknown', text: DEVICE_TEXT.pcscUnknown };
  if (p.service === 'unavailable') return { status: 'fault', text: DEVICE_TEXT.pcscDown };
  if (opts.requiredReader && !p.readers.some((r) => opts.requiredReader!.test(r.name))) {
    return { status: 'fault', text: DEVICE_TEXT.readerRequiredMissing };
  }
  if (p.readers.length === 0) return { status: 'fault', text: DEVICE_TEXT.readerMissing };
  return {
    status: 'ok',
    text: DEVICE_TEXT.readerConnected(p.readers.length, p.readers.filter((r) => r.cardPresent).length),
  };
}

export function card(c: FindingCode | null | undefined): Raw {
  if (c === undefined) return { status: 'unknown', text: DEVICE_TEXT.cardNone };
  if (c === null) return { status: 'ok', text: DEVICE_TEXT.cardOk };
  switch (c) {
    case 'card_cert_in_grace':
    case 'card_cert_expiring_soon':
      return { status: 'warning', text: cardText(c) };
    default:
      return { status: 'fault', text: cardText(c) };
  }
}

function cardText(c: FindingCode): string {
  return FINDING_SHORT[c];
}

export function terminal(t: TerminalSignal | undefined): Raw {
  if (!t || t.link === 'unknown') return { status: 'unknown', text: DEVICE_TEXT.terminalUnknown };
  if (t.link === 'ok') return { status: 'ok', text: DEVICE_TEXT.terminalOk };
  if (t.link === 'share_missing') return { status: 'fault', text: DEVICE_TEXT.terminalShareMissing };
  if (t.link === 'central_error') return { status: 'fault', text: DEVICE_TEXT.terminalCentralError };
  return { status: 'fault', text: DEVICE_TEXT.terminalNoAnswer(t.consecutiveFailures) };
}

export function network(n: NetworkSignal | undefined): Raw {
  if (!n) return { status: 'unknown', text: DEVICE_TEXT.networkUnknown };
  if (n.facility === 'down') return { status: 'fault', text: DEVICE_TEXT.networkFacilityDown };
  if (n.wideArea === 'down') return { status: 'warning', text: DEVICE_TEXT.networkWanDown };
  if (n.facility === 'unknown' && n.wideArea === 'unknown')
    return { status: 'unknown', text: DEVICE_TEXT.networkUnknown };
  if (n.facility === 'ok' && n.wideArea === 'ok') return { status: 'ok', text: DEVICE_TEXT.networkOk };
  return { status: 'ok', text: n.facility === 'ok' ? DEVICE_TEXT.networkFacilityOnly : DEVICE_TEXT.networkWanOnly };
}

export function power(p: PowerSignal | undefined, opts: ObserveOptions = {}): Raw {
  if (!p || p.state === 'unknown') return { status: 'unknown', text: DEVICE_TEXT.powerUnknown };
  if (p.state === 'ac') return { status: 'ok', text: DEVICE_TEXT.powerAc(p.charge) };
  const minutes = p.runtimeSeconds !== undefined ? Math.floor(p.runtimeSeconds / 60) : undefined;
  return { status: isBatteryLow(p, opts) ? 'fault' : 'warning', text: DEVICE_TEXT.powerBattery(p.charge, minutes) };
}
