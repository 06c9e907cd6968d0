import { describe, expect, it } from 'vitest';
import { CLINIC_CAUSES, type ClinicCauseCode, type HealthMode } from '../../src/hardware/health/causes.ts';
import { FakeClock } from '../../src/hardware/health/clock.ts';
import { MemoryIncidentSink, type IncidentSink } from '../../src/hardware/health/incidents.ts';
import { HealthMonitor, type HealthMonitorOptions, type HealthState } from '../../src/hardware/health/machine.ts';
import type { HealthSignal } from '../../src/hardware/health/signals.ts';

const READER = { name: 'Face Reader 00 00', cardPresent: false };
const healthy: HealthSignal[] = [
  { source: 'pcsc', service: 'running', readers: [READER] },
  { source: 'terminal', link: 'ok', consecutiveFailures: 0 },
  { source: 'network', facility: 'ok', wideArea: 'ok' },
  { source: 'power', state: 'ac', charge: 100 },
];

function setup(opts: HealthMonitorOptions = {}) {
  const clock = new FakeClock();
  const sink = new MemoryIncidentSink();
  const monitor = new HealthMonitor({ clock, sink, ...opts });
  const changes: HealthState[] = [];
  monitor.on('change', (s) => changes.push(s));
  for (const s of healthy) monitor.ingest(s);
  return { clock, sink, monitor, changes };
}

const instant = { debounce: { enterAfterMs: 0, enterAfterFailures: 1, exitAfterMs: 0 } };

const CASES: [ClinicCauseCode, HealthSignal, HealthMode][] = [
  ['reader_fault', { source: 'pcsc', service: 'running', readers: [] }, 'outage'],
  ['pcsc_service_down', { source: 'pcsc', service: 'unavailable', readers: [] }, 'outage'],
  ['terminal_no_answer', { source: 'terminal', link: 'timeout', consecutiveFailures: 1 }, 'outage'],
  ['terminal_no_answer', { source: 'terminal', link: 'error', consecutiveFailures: 1 }, 'outage'],
  ['terminal_share_unreachable', { source: 'terminal', link: 'share_missing', consecutiveFailures: 1 }, 'outage'],
  ['terminal_central_unreachable', { source: 'terminal', link: 'central_error', consecutiveFailures: 1 }, 'outage'],
  ['facility_network_down', { source: 'network', facility: 'down', wideArea: 'ok' }, 'outage'],
  ['wide_area_network_down', { source: 'network', facility: 'ok', wideArea: 'down' }, 'degraded'],
  ['power_on_battery', { source: 'power', state: 'battery', charge: 90 }, 'degraded'],
];

describe('HealthMonitor: each clinic cause and its mode', () => {
  it('starts normal with every device summarised', () => {
    const { monitor } = setup();
    const s = monitor.state();
    expect(s.mode).toBe('normal');
    expect(s.modeLabel).toBe('通常');
    expect(s.causes).toEqual([]);
    expect(Object.fromEntries(Object.entries(s.devices).map(([k, d]) => [k, d.status]))).toEqual({
      reader: 'ok',
      card: 'unknown',
      terminal: 'ok',
      network: 'ok',
      power: 'ok',
    });
  });

  it.each(CASES)('%s → %s', (code, signal, mode) => {
    const { monitor } = setup(instant);
    monitor.ingest(signal);
    const s = monitor.state();
    expect(s.mode).toBe(mode);
    expect(s.modeLabel).toBe(mode === 'outage' ? '障害時' : '一部障害');
    expect(s.causes.map((c) => c.code)).toEqual([code]);
    expect(s.causes[0]!.message).toMatch(/[ぁ-んァ-ン一-龯]/);
    const device = s.causes[0]!.device;
    expect(s.devices[device].status).toBe(mode === 'outage' ? 'fault' : 'warning');
  });

  it('covers every clinic cause in the table above', () => {
    expect(new Set(CASES.map((c) => c[0]))).toEqual(new Set(CLINIC_CAUSES));
  });

  it('outage wins over degraded, and causes are listed worst first', () => {
    const { monitor } = setup(instant);
    monitor.ingest({ source: 'power', state: 'battery' });
    expect(monitor.state().mode).toBe('degraded');
    monitor.ingest({ source: 'pcsc', service: 'running', readers: [] });
    const s = monitor.state();
    expect(s.mode).toBe('outage');
    expect(s.causes.map((c) => c.code)).toEqual(['reader_fault', 'power_on_battery']);
  });

  it('no UPS, unknown PC/SC and unknown network are not faults', () => {
    const { monitor } = setup(instant);
    monitor.ingest({ source: 'power', state: 'unknown' });
    monitor.ingest({ source: 'pcsc', service: 'unknown', readers: [] });
    monitor.ingest({ source: 'network', facility: 'unknown', wideArea: 'unknown' });
    monitor.ingest({ source: 'terminal', link: 'unknown', consecutiveFailures: 0 });
    const s = monitor.state();
    expect(s.mode).toBe('normal');
    expect(s.devices.power.status).toBe('unknown');
    expect(s.devices.reader.status).toBe('unknown');
    expect(s.devices.network.status).toBe('unknown');
  });

  it('a required reader name: another reader alone is a reader fault', () => {
    const { monitor } = setup({ ...instant, requiredReader: /Face/ });
    monitor.ingest({
      source: 'pcsc',
      service: 'running',
      readers: [{ name: 'Generic USB Reader', cardPresent: false }],
    });
    expect(monitor.state().causes.map((c) => c.code)).toEqual(['reader_fault']);
  });

  it('battery low raises a warning without changing the mode beyond degraded', () => {
    const { monitor } = setup({ ...instant, lowChargePercent: 25 });
    monitor.ingest({ source: 'power', state: 'battery', charge: 30 });
    expect(monitor.state().warnings).toEqual([]);
    monitor.ingest({ source: 'power', state: 'battery', charge: 20 });
    const s = monitor.state();
    expect(s.mode).toBe('degraded');
    expect(s.warnings.map((w) => w.code)).toEqual(['power_battery_low']);
    expect(s.warnings[0]!.message).toContain('20%');
    expect(s.devices.power.status).toBe('fault');
    monitor.ingest({ source: 'power', state: 'ac', charge: 21 });
    expect(monitor.state().warnings).toEqual([]);
  });
});

describe('HealthMonitor: debounce and hysteresis (fake clock)', () => {
  const cfg = { debounce: { enterAfterMs: 10_000, enterAfterFailures: 3, exitAfterMs: 30_000 } };
  const timeout: HealthSignal = { source: 'terminal', link: 'timeout', consecutiveFailures: 0 };
  const ok: HealthSignal = { source: 'terminal', link: 'ok', consecutiveFailures: 0 };

  it('one slow answer does not flip the mode; it shows as unstable on the device', () => {
    const { monitor, clock } = setup(cfg);
    monitor.ingest(timeout);
    expect(monitor.state().mode).toBe('normal');
    expect(monitor.state().devices.terminal.status).toBe('warning');
    clock.advance(2000);
    monitor.ingest(ok);
    clock.advance(60_000);
    expect(monitor.state().mode).toBe('normal');
    expect(monitor.state().devices.terminal.status).toBe('ok');
  });

  it('K consecutive failures flip it', () => {
    const { monitor, clock } = setup(cfg);
    monitor.ingest(timeout);
    clock.advance(1000);
    monitor.ingest(timeout);
    expect(monitor.state().mode).toBe('normal');
    clock.advance(1000);
    monitor.ingest(timeout);
    expect(monitor.state().mode).toBe('outage');
    // since = the first failing observation
    expect(monitor.state().causes[0]!.since).toBe(new Date(clock.now() - 2000).toISOString());
  });

  it('the adapter’s own failure count counts too', () => {
    const { monitor } = setup(cfg);
    monitor.ingest({ source: 'terminal', link: 'timeout', consecutiveFailures: 3 });
    expect(monitor.state().mode).toBe('outage');
  });

  it('a failure that persists N ms flips it on the timer, without another signal', () => {
    const { monitor, clock, changes } = setup(cfg);
    monitor.ingest({ source: 'network', facility: 'down', wideArea: 'ok' });
    clock.advance(9_999);
    expect(monitor.state().mode).toBe('normal');
    clock.advance(1);
    expect(monitor.state().mode).toBe('outage');
    expect(changes.at(-1)!.mode).toBe('outage');
  });

  it('a success in between resets the count', () => {
    const { monitor } = setup(cfg);
    monitor.ingest(timeout);
    monitor.ingest(timeout);
    monitor.ingest(ok);
    monitor.ingest(timeout);
    monitor.ingest(timeout);
    expect(monitor.state().mode).toBe('normal');
  });

  it('recovery needs M ms of health; a failure inside the window keeps the cause', () => {
    const { monitor, clock, sink } = setup(cfg);
    monitor.ingest({ source: 'terminal', link: 'timeout', consecutiveFailures: 5 });
    expect(monitor.state().mode).toBe('outage');
    monitor.ingest(ok);
    clock.advance(29_999);
    expect(monitor.state().mode).toBe('outage');
    expect(monitor.state().devices.terminal.text).toContain('回復を確認中');
    monitor.ingest(timeout); // relapse
    clock.advance(1);
    monitor.ingest(ok);
    clock.advance(29_999);
    expect(monitor.state().mode).toBe('outage');
    clock.advance(1);
    expect(monitor.state().mode).toBe('normal');
    expect(sink.records).toHaveLength(1);
  });
});

describe('HealthMonitor: incidents', () => {
  it('opens and closes exactly one incident per outage, however many signals repeat', async () => {
    const { monitor, clock, sink } = setup({ debounce: { enterAfterMs: 0, enterAfterFailures: 1, exitAfterMs: 5000 } });
    const start = clock.now();
    for (let k = 0; k < 20; k++) {
      monitor.ingest({ source: 'pcsc', service: 'unavailable', readers: [] });
      clock.advance(1000);
    }
    await monitor.idle();
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ cause: 'pcsc_service_down', start: new Date(start).toISOString() });
    expect(sink.records[0]!.detail.impact).toBe('outage');
    const backAt = clock.now();
    for (let k = 0; k < 10; k++) {
      monitor.ingest({ source: 'pcsc', service: 'running', readers: [READER] });
      clock.advance(1000);
    }
    await monitor.idle();
    expect(sink.records).toHaveLength(1);
    // The end is the first healthy observation, not the end of the hysteresis window.
    expect(sink.records[0]!.end).toBe(new Date(backAt).toISOString());
    // A second outage is a second incident.
    monitor.ingest({ source: 'pcsc', service: 'unavailable', readers: [] });
    await monitor.idle();
    expect(sink.records).toHaveLength(2);
    expect(sink.openRecords().map((r) => r.cause)).toEqual(['pcsc_service_down']);
  });

  it('one incident per cause: two causes at once give two incidents', async () => {
    const { monitor, sink } = setup(instant);
    monitor.ingest({ source: 'network', facility: 'down', wideArea: 'down' });
    await monitor.idle();
    expect(sink.records.map((r) => r.cause).sort()).toEqual(['facility_network_down', 'wide_area_network_down']);
  });

  it('a failing sink never breaks the machine and is reported', async () => {
    const errors: string[] = [];
    const sink: IncidentSink = {
      open: async () => {
        throw new Error('SQLITE_BUSY');
      },
      close: async () => {},
    };
    const clock = new FakeClock();
    const monitor = new HealthMonitor({ clock, sink, ...instant, onError: (_e, where) => errors.push(where) });
    monitor.ingest({ source: 'pcsc', service: 'unavailable', readers: [] });
    monitor.ingest({ source: 'pcsc', service: 'running', readers: [READER] });
    await monitor.idle();
    expect(monitor.state().mode).toBe('normal');
    expect(errors).toEqual(['incident.open']);
  });

  it('close waits for a slow open', async () => {
    let release!: () => void;
    const closed: string[] = [];
    const sink: IncidentSink = {
      open: () => new Promise<string>((resolve) => (release = () => resolve('slow-1'))),
      close: async (id) => {
        closed.push(id);
      },
    };
    const monitor = new HealthMonitor({ clock: new FakeClock(), sink, ...instant });
    monitor.ingest({ source: 'power', state: 'battery' });
    monitor.ingest({ source: 'power', state: 'ac' });
    expect(closed).toEqual([]);
    release();
    await monitor.idle();
    expect(closed).toEqual(['slow-1']);
  });
});

describe('HealthMonitor: per-reception findings', () => {
  it.each([
    [{ source: 'card', diagnosis: 'chip_unreadable' }, 'card_chip_unreadable', 'error'],
    [{ source: 'card', diagnosis: 'expired' }, 'card_cert_expired', 'error'],
    [{ source: 'card', diagnosis: 'expired_in_grace' }, 'card_cert_in_grace', 'warning'],
    [{ source: 'card', diagnosis: 'expiring_soon' }, 'card_cert_expiring_soon', 'warning'],
    [{ source: 'qualification', result: 'invalid' }, 'qualification_invalid', 'error'],
    [{ source: 'qualification', result: 'not_found' }, 'qualification_not_found', 'error'],
  ] as [HealthSignal, string, string][])(
    '%o is a finding (%s, %s) and never changes the mode',
    async (signal, code, severity) => {
      const { monitor, sink } = setup(instant);
      for (let k = 0; k < 10; k++) monitor.ingest(signal);
      const s = monitor.state();
      expect(s.mode).toBe('normal');
      expect(s.causes).toEqual([]);
      expect(s.findings).toHaveLength(1);
      expect(s.findings[0]).toMatchObject({ code, severity });
      await monitor.idle();
      expect(sink.records).toEqual([]);
    },
  );

  it('a new card read replaces the card finding; clearFindings ends the reception', () => {
    const { monitor } = setup(instant);
    monitor.ingest({ source: 'card', diagnosis: 'chip_unreadable' });
    monitor.ingest({ source: 'qualification', result: 'not_found' });
    expect(monitor.state().findings.map((f) => f.code)).toEqual(['card_chip_unreadable', 'qualification_not_found']);
    expect(monitor.state().devices.card.status).toBe('fault');
    monitor.ingest({ source: 'card', diagnosis: 'ok' });
    expect(monitor.state().findings.map((f) => f.code)).toEqual(['qualification_not_found']);
    expect(monitor.state().devices.card.status).toBe('ok');
    monitor.clearFindings();
    expect(monitor.state().findings).toEqual([]);
    expect(monitor.state().devices.card.status).toBe('unknown');
  });
});

describe('HealthMonitor: events and lifecycle', () => {
  it('emits change only when something observable changed', () => {
    const { monitor, changes } = setup(instant);
    const n = changes.length;
    for (let k = 0; k < 5; k++) monitor.ingest({ source: 'terminal', link: 'ok', consecutiveFailures: 0 });
    expect(changes.length).toBe(n);
    monitor.ingest({ source: 'power', state: 'ac', charge: 99 });
    expect(changes.length).toBe(n + 1);
    expect(changes.at(-1)!.devices.power.text).toContain('99%');
  });

  it('a throwing listener does not stop the others', () => {
    const errors: string[] = [];
    const monitor = new HealthMonitor({ clock: new FakeClock(), ...instant, onError: (_e, w) => errors.push(w) });
    const seen: string[] = [];
    monitor.on('change', () => {
      throw new Error('renderer gone');
    });
    monitor.on('change', (s) => seen.push(s.mode));
    monitor.ingest({ source: 'power', state: 'battery' });
    expect(seen).toEqual(['degraded']);
    expect(errors).toEqual(['listener']);
  });

  it('dispose clears the debounce timer and ignores later signals', async () => {
    const { monitor, clock } = setup();
    monitor.ingest({ source: 'power', state: 'battery' });
    expect(clock.pending()).toBe(1);
    await monitor.dispose();
    expect(clock.pending()).toBe(0);
    monitor.ingest({ source: 'pcsc', service: 'unavailable', readers: [] });
    expect(monitor.state().mode).toBe('normal');
  });

  it('per-cause debounce overrides', () => {
    const { monitor } = setup({ debounceFor: { power_on_battery: { enterAfterFailures: 1 } } });
    monitor.ingest({ source: 'power', state: 'battery' });
    expect(monitor.state().mode).toBe('degraded');
    monitor.ingest({ source: 'pcsc', service: 'unavailable', readers: [] });
    expect(monitor.state().mode).toBe('degraded');
  });
});
