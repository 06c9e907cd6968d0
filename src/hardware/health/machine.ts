// The health state machine: folds every signal into one state, 通常 / 一部障害 / 障害時, with the named causes.
// Clinic causes are debounced (enter after K failures in a row or N ms of failing; leave after M ms of
// health) and each active period is recorded once as an incident. Per-reception findings (card, 資格) are
// shown as they come and never change the clinic's mode.
import { EventEmitter } from 'node:events';
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
  type Observation,
  type Severity,
} from './causes.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { summarizeDevices, type DeviceSummary, type LastSignals } from './devices.ts';
import type { IncidentSink } from './incidents.ts';
import { CAUSE_MESSAGES, FINDING_MESSAGES, MODE_LABELS, warningMessage } from './messages.ts';
import type { HealthSignal } from './signals.ts';

export interface DebounceConfig {
  /** Enter after the failure has persisted this long (first failing observation to now). */
  enterAfterMs: number;
  /** ... or after this many failing observations in a row (whichever comes first). */
  enterAfterFailures: number;
  /** Leave after this long of continuous health. */
  exitAfterMs: number;
}

export const DEFAULT_DEBOUNCE: Readonly<DebounceConfig> = {
  enterAfterMs: 10_000,
  enterAfterFailures: 3,
  exitAfterMs: 30_000,
};

export interface HealthMonitorOptions extends ObserveOptions {
  clock?: Clock;
  sink?: IncidentSink;
  debounce?: Partial<DebounceConfig>;
  /** Per-cause overrides of the debounce. */
  debounceFor?: Partial<Record<ClinicCauseCode, Partial<DebounceConfig>>>;
  /** Sink failures and listener exceptions (English, for the log); never thrown into callers. */
  onError?: (err: unknown, where: string) => void;
}

export interface ActiveCause {
  code: ClinicCauseCode;
  /** ISO time of the first failing observation. */
  since: string;
  message: string;
  nextStep: string;
  severity: Severity;
  impact: Exclude<HealthMode, 'normal'>;
  device: DeviceKey;
}

export interface HealthWarning {
  code: ClinicWarningCode;
  since: string;
  message: string;
  nextStep: string;
  severity: 'warning';
}

export interface ReceptionFinding {
  code: FindingCode;
  at: string;
  message: string;
  nextStep: string;
  /** 'error': this reception goes to the fallback flow. 'warning': proceed normally, tell the patient. */
  severity: Severity;
}

export interface HealthState {
  mode: HealthMode;
  /** 通常 / 一部障害 / 障害時 */
  modeLabel: string;
  /** Active clinic causes, worst first. */
  causes: ActiveCause[];
  warnings: HealthWarning[];
  /** Findings of the current reception (card, 資格): never change `mode`. */
  findings: ReceptionFinding[];
  devices: Record<DeviceKey, DeviceSummary>;
  at: string;
}

interface Tracker {
  active: boolean;
  /** Clock ms of the first failing observation of the current episode. */
  firstFailAt?: number;
  failures: number;
  lastFailing: boolean;
  healthySince?: number;
  incident?: Promise<string | undefined>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class HealthMonitor extends EventEmitter {
  private readonly clock: Clock;
  private readonly sink?: IncidentSink;
  private readonly opts: HealthMonitorOptions;
  private readonly debounce: Record<ClinicCauseCode, DebounceConfig>;
  private readonly trackers = new Map<ClinicCauseCode, Tracker>();
  private readonly last: LastSignals = {};
  private findings: ReceptionFinding[] = [];
  private readonly warningSince = new Map<ClinicWarningCode, number>();
  private timer?: TimerHandle;
  private timerDue?: number;
  private pendingOps = new Set<Promise<unknown>>();
  private current: HealthState;
  private signature = '';
  private disposed = false;

  constructor(options: HealthMonitorOptions = {}) {
    super();
    this.opts = options;
    this.clock = options.clock ?? systemClock;
    if (options.sink) this.sink = options.sink;
    const base = { ...DEFAULT_DEBOUNCE, ...options.debounce };
    this.debounce = Object.fromEntries(
      CLINIC_CAUSES.map((c) => [c, { ...base, ...options.debounceFor?.[c] }]),
    ) as Record<ClinicCauseCode, DebounceConfig>;
    for (const c of CLINIC_CAUSES) this.trackers.set(c, { active: false, failures: 0, lastFailing: false });
    this.current = this.build();
    this.signature = signatureOf(this.current);
  }

  /** Fold one signal. Synchronous; emits 'change' before returning when the state changed. */
  ingest(signal: HealthSignal): void {
    if (this.disposed) return;
    const now = this.clock.now();
    switch (signal.source) {
      case 'pcsc':
        this.last.pcsc = signal;
        break;
      case 'terminal':
        this.last.terminal = signal;
        break;
      case 'power':
        this.last.power = signal;
        break;
      case 'network':
        this.last.network = signal;
        break;
      case 'card':
      case 'qualification': {
        const code = findingOf(signal);
        if (signal.source === 'card') this.last.card = code ?? null;
        const keep = this.findings.filter((f) => sourceOf(f.code) !== signal.source);
        if (code) {
          keep.push({ code, at: iso(now), ...FINDING_MESSAGES[code], severity: findingSeverity(code) });
        }
        this.findings = keep;
        break;
      }
    }
    for (const o of observe(signal, this.opts)) this.apply(o, now);
    this.evaluateDeadlines(now);
    this.publish(now);
  }

  /** Forget the findings of the reception that just ended (next patient). */
  clearFindings(): void {
    if (this.findings.length === 0 && this.last.card === undefined) return;
    this.findings = [];
    delete this.last.card;
    this.publish(this.clock.now());
  }

  state(): HealthState {
    return this.current;
  }

  /** Resolves when every incident open/close issued so far has settled. */
  async idle(): Promise<void> {
    while (this.pendingOps.size > 0) await Promise.allSettled([...this.pendingOps]);
  }

  /** Stop timers and ignore further signals. Open incidents stay open: the outage has not ended. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.removeAllListeners();
    await this.idle();
  }

  override on(event: 'change', listener: (s: HealthState) => void): this {
    return super.on(event, listener);
  }

  override off(event: 'change', listener: (s: HealthState) => void): this {
    return super.off(event, listener);
  }

  private apply(o: Observation, now: number): void {
    const t = this.trackers.get(o.code)!;
    const cfg = this.debounce[o.code];
    if (o.state === 'unknown') return;
    if (o.state === 'fail') {
      t.healthySince = undefined;
      t.lastFailing = true;
      if (t.active) return;
      t.firstFailAt ??= now;
      t.failures = Math.max(t.failures + 1, o.failures ?? 0);
      if (t.failures >= cfg.enterAfterFailures || now - t.firstFailAt >= cfg.enterAfterMs) this.enter(o.code, t);
      return;
    }
    // ok
    t.lastFailing = false;
    if (!t.active) {
      t.failures = 0;
      t.firstFailAt = undefined;
      return;
    }
    t.healthySince ??= now;
    if (now - t.healthySince >= cfg.exitAfterMs) this.leave(o.code, t);
  }

  private enter(code: ClinicCauseCode, t: Tracker): void {
    t.active = true;
    t.failures = 0;
    const since = t.firstFailAt ?? this.clock.now();
    t.firstFailAt = since;
    if (this.sink) {
      const sink = this.sink;
      const p = sink
        .open(code, iso(since), { impact: CAUSE_POLICY[code].impact, message: CAUSE_MESSAGES[code].message })
        .catch((err: unknown) => {
          this.opts.onError?.(err, 'incident.open');
          return undefined;
        });
      t.incident = p;
      this.track(p);
    }
  }

  private leave(code: ClinicCauseCode, t: Tracker): void {
    const end = t.healthySince ?? this.clock.now();
    t.active = false;
    t.firstFailAt = undefined;
    t.healthySince = undefined;
    t.failures = 0;
    t.lastFailing = false;
    const opened = t.incident;
    t.incident = undefined;
    if (this.sink && opened) {
      const sink = this.sink;
      const p = opened.then(async (id) => {
        if (id === undefined) return;
        try {
          await sink.close(id, iso(end));
        } catch (err) {
          this.opts.onError?.(err, `incident.close ${code}`);
        }
      });
      this.track(p);
    }
  }

  private track(p: Promise<unknown>): void {
    this.pendingOps.add(p);
    void p.finally(() => this.pendingOps.delete(p));
  }

  /** Time-based entries and exits due at `now`, then (re)arm the one timer for the next deadline. */
  private evaluateDeadlines(now: number): void {
    for (const code of CLINIC_CAUSES) {
      const t = this.trackers.get(code)!;
      const cfg = this.debounce[code];
      if (!t.active && t.lastFailing && t.firstFailAt !== undefined && now - t.firstFailAt >= cfg.enterAfterMs) {
        this.enter(code, t);
      } else if (t.active && t.healthySince !== undefined && now - t.healthySince >= cfg.exitAfterMs) {
        this.leave(code, t);
      }
    }
    let next: number | undefined;
    for (const code of CLINIC_CAUSES) {
      const t = this.trackers.get(code)!;
      const cfg = this.debounce[code];
      let due: number | undefined;
      if (!t.active && t.lastFailing && t.firstFailAt !== undefined) due = t.firstFailAt + cfg.enterAfterMs;
      else if (t.active && t.healthySince !== undefined) due = t.healthySince + cfg.exitAfterMs;
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    if (next === this.timerDue) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = next;
    if (next === undefined || this.disposed) return;
    this.timer = this.clock.setTimeout(() => this.onTimer(), Math.max(0, next - now));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = undefined;
    if (this.disposed) return;
    const now = this.clock.now();
    this.evaluateDeadlines(now);
    this.publish(now);
  }

  private publish(now: number): void {
    const warnLow = isBatteryLow(this.last.power, this.opts);
    if (warnLow && !this.warningSince.has('power_battery_low')) this.warningSince.set('power_battery_low', now);
    if (!warnLow) this.warningSince.delete('power_battery_low');

    const next = this.build(now);
    const sig = signatureOf(next);
    this.current = next;
    if (sig === this.signature) return;
    this.signature = sig;
    for (const listener of this.listeners('change') as ((s: HealthState) => void)[]) {
      try {
        listener(next);
      } catch (err) {
        this.opts.onError?.(err, 'listener');
      }
    }
  }

  private build(now = this.clock.now()): HealthState {
    const active = new Set<ClinicCauseCode>();
    const pending = new Set<ClinicCauseCode>();
    for (const [code, t] of this.trackers) {
      if (t.active) active.add(code);
      else if (t.lastFailing) pending.add(code);
    }
    const mode = modeOf(active);
    const causes: ActiveCause[] = [...active]
      .map((code) => ({
        code,
        since: iso(this.trackers.get(code)!.firstFailAt ?? now),
        ...CAUSE_MESSAGES[code],
        severity: CAUSE_POLICY[code].severity,
        impact: CAUSE_POLICY[code].impact,
        device: CAUSE_POLICY[code].device,
      }))
      .sort((a, b) => (a.impact === b.impact ? 0 : a.impact === 'outage' ? -1 : 1));
    const warnings: HealthWarning[] = [...this.warningSince].map(([code, since]) => {
      const params =
        code === 'power_battery_low' && this.last.power?.charge !== undefined ? { charge: this.last.power.charge } : {};
      return { code, since: iso(since), ...warningMessage(code, params), severity: 'warning' as const };
    });
    return {
      mode,
      modeLabel: MODE_LABELS[mode],
      causes,
      warnings,
      findings: [...this.findings],
      devices: summarizeDevices(this.last, active, pending, this.opts),
      at: iso(now),
    };
  }
}

function sourceOf(code: FindingCode): 'card' | 'qualification' {
  return code.startsWith('qualification_') ? 'qualification' : 'card';
}

/** Everything observable except the time of the state. */
function signatureOf(s: HealthState): string {
  const d = s.devices;
  return [
    s.mode,
    s.causes.map((c) => c.code).join(','),
    s.warnings.map((w) => `${w.code}:${w.message}`).join(','),
    s.findings.map((f) => `${f.code}@${f.at}`).join(','),
    d.reader.status,
    d.reader.text,
    d.card.status,
    d.card.text,
    d.terminal.status,
    d.terminal.text,
    d.network.status,
    d.network.text,
    d.power.status,
    d.power.text,
  ].join('|');
}
