// `shikaku doctor`: one report of every device and link for the administrator and the help desk, as a
// JSON-able object and a Japanese text rendering. Pure: the caller gathers the signals (real adapters, one
// probe each) and the time. No debounce here: the doctor reports what it sees now.
import {
  CAUSE_POLICY,
  CLINIC_CAUSES,
  findingOf,
  findingSeverity,
  isBatteryLow,
  modeOf,
  observe,
  type ClinicCauseCode,
  type ClinicWarningCode,
  type DeviceKey,
  type FindingCode,
  type HealthMode,
  type ObserveOptions,
  type Severity,
} from './causes.ts';
import { card, network, power, reader, terminal } from './devices.ts';
import {
  CAUSE_MESSAGES,
  DEVICE_LABELS,
  DOCTOR_TEXT,
  FINDING_MESSAGES,
  MODE_DESCRIPTIONS,
  MODE_LABELS,
  STATUS_LABELS,
  warningMessage,
  type DeviceStatus,
} from './messages.ts';
import type { CardSignal, HealthSignal, NetworkSignal, PcscSignal, PowerSignal, TerminalSignal } from './signals.ts';

export type Fact = string | number | boolean | null;

export interface DoctorInputs {
  /** ISO time of the report (the caller's clock keeps this function pure). */
  at: string;
  pcsc?: PcscSignal;
  terminal?: TerminalSignal;
  power?: PowerSignal;
  network?: NetworkSignal;
  /** A test card read by the administrator, when one was made. */
  card?: CardSignal;
  /** Extra facts per device for the help desk (share path, reader names, versions...). */
  facts?: Partial<Record<DeviceKey, Record<string, Fact>>>;
  options?: ObserveOptions;
}

export interface DoctorCause {
  code: ClinicCauseCode;
  impact: Exclude<HealthMode, 'normal'>;
  device: DeviceKey;
  message: string;
  nextStep: string;
}

export interface DoctorDevice {
  key: DeviceKey;
  label: string;
  status: DeviceStatus;
  statusLabel: string;
  text: string;
  /** Cause or finding codes seen on this device. */
  codes: (ClinicCauseCode | FindingCode)[];
  nextSteps: string[];
  facts: Record<string, Fact>;
}

export interface DoctorReport {
  at: string;
  mode: HealthMode;
  modeLabel: string;
  modeDescription: string;
  causes: DoctorCause[];
  warnings: { code: ClinicWarningCode; message: string; nextStep: string }[];
  finding?: { code: FindingCode; severity: Severity; message: string; nextStep: string };
  devices: DoctorDevice[];
}

export interface DoctorResult {
  report: DoctorReport;
  text: string;
}

export function doctorReport(inputs: DoctorInputs): DoctorResult {
  const opts = inputs.options ?? {};
  const signals: HealthSignal[] = [inputs.pcsc, inputs.terminal, inputs.power, inputs.network].filter(
    (s): s is NonNullable<typeof s> => s !== undefined,
  );
  const failing = new Set<ClinicCauseCode>();
  for (const s of signals) for (const o of observe(s, opts)) if (o.state === 'fail') failing.add(o.code);
  const mode = modeOf(failing);
  const causes: DoctorCause[] = CLINIC_CAUSES.filter((c) => failing.has(c)).map((code) => ({
    code,
    impact: CAUSE_POLICY[code].impact,
    device: CAUSE_POLICY[code].device,
    ...CAUSE_MESSAGES[code],
  }));
  const warnings: DoctorReport['warnings'] = [];
  if (isBatteryLow(inputs.power, opts)) {
    const params = inputs.power?.charge !== undefined ? { charge: inputs.power.charge } : {};
    warnings.push({ code: 'power_battery_low', ...warningMessage('power_battery_low', params) });
  }
  const findingCode = inputs.card ? findingOf(inputs.card) : undefined;
  const finding = findingCode
    ? { code: findingCode, severity: findingSeverity(findingCode), ...FINDING_MESSAGES[findingCode] }
    : undefined;

  const raw: Record<DeviceKey, { status: DeviceStatus; text: string }> = {
    reader: reader(inputs.pcsc, opts),
    card: card(inputs.card ? (findingCode ?? null) : undefined),
    terminal: terminal(inputs.terminal),
    network: network(inputs.network),
    power: power(inputs.power, opts),
  };
  const keys: DeviceKey[] = ['reader', 'card', 'terminal', 'network', 'power'];
  const devices = keys.map((key): DoctorDevice => {
    const own = causes.filter((c) => c.device === key);
    const codes: (ClinicCauseCode | FindingCode)[] = own.map((c) => c.code);
    const nextSteps = own.map((c) => c.nextStep);
    if (key === 'card' && finding) {
      codes.push(finding.code);
      nextSteps.push(finding.nextStep);
    }
    if (key === 'power') for (const w of warnings) nextSteps.push(w.nextStep);
    return {
      key,
      label: DEVICE_LABELS[key],
      status: raw[key].status,
      statusLabel: STATUS_LABELS[raw[key].status],
      text: raw[key].text,
      codes,
      nextSteps,
      facts: { ...factsOf(key, inputs), ...inputs.facts?.[key] },
    };
  });
  const report: DoctorReport = {
    at: inputs.at,
    mode,
    modeLabel: MODE_LABELS[mode],
    modeDescription: MODE_DESCRIPTIONS[mode],
    causes,
    warnings,
    devices,
  };
  if (finding) report.finding = finding;
  return { report, text: renderDoctorText(report) };
}

function factsOf(key: DeviceKey, i: DoctorInputs): Record<string, Fact> {
  switch (key) {
    case 'reader':
      return i.pcsc
        ? {
            service: i.pcsc.service,
            readers: i.pcsc.readers.map((r) => `${r.name}${r.cardPresent ? ' [card]' : ''}`).join('; ') || null,
            lastError: i.pcsc.lastError ?? null,
          }
        : {};
    case 'card':
      return i.card ? { diagnosis: i.card.diagnosis, reader: i.card.reader ?? null } : {};
    case 'terminal':
      return i.terminal
        ? {
            link: i.terminal.link,
            consecutiveFailures: i.terminal.consecutiveFailures,
            lastAnswerAt: i.terminal.lastAnswerAt ?? null,
            detail: i.terminal.detail ?? null,
          }
        : {};
    case 'network':
      return i.network ? { facility: i.network.facility, wideArea: i.network.wideArea } : {};
    case 'power':
      return i.power
        ? {
            state: i.power.state,
            charge: i.power.charge ?? null,
            runtimeSeconds: i.power.runtimeSeconds ?? null,
            shutdownImminent: i.power.shutdownImminent ?? null,
            device: i.power.device ?? null,
          }
        : {};
  }
}

export function renderDoctorText(r: DoctorReport): string {
  const T = DOCTOR_TEXT;
  const lines: string[] = [];
  lines.push(`■ ${T.title}`);
  lines.push(`${T.at}: ${r.at}`);
  lines.push(`${T.mode}: ${r.modeLabel} — ${r.modeDescription}`);
  lines.push('');
  lines.push(`■ ${T.causes}`);
  if (r.causes.length === 0) lines.push(`  ${T.noCauses}`);
  for (const c of r.causes) {
    lines.push(`  ・${c.message}`);
    lines.push(`    ${T.nextStep}: ${c.nextStep}`);
  }
  if (r.warnings.length > 0) {
    lines.push('');
    lines.push(`■ ${T.warnings}`);
    for (const w of r.warnings) {
      lines.push(`  ・${w.message}`);
      lines.push(`    ${T.nextStep}: ${w.nextStep}`);
    }
  }
  if (r.finding) {
    lines.push('');
    lines.push(`■ ${DEVICE_LABELS.card}`);
    lines.push(`  ・${r.finding.message}`);
    lines.push(`    ${T.nextStep}: ${r.finding.nextStep}`);
  }
  lines.push('');
  lines.push(`■ ${T.devices}`);
  for (const d of r.devices) {
    lines.push(`  [${d.statusLabel}] ${d.label}: ${d.text}`);
    const facts = Object.entries(d.facts).filter(([, v]) => v !== null && v !== '');
    if (facts.length > 0) lines.push(`    ${T.facts}: ${facts.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  }
  lines.push('');
  lines.push(T.helpDesk);
  return lines.join('\n');
}
