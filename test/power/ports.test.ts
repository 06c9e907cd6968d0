import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/hardware/health/clock.ts';
import { BatteryHooks, type BatteryReason } from '../../src/hardware/power/battery-hook.ts';
import { PowerMonitorPort } from '../../src/hardware/power/power-monitor.ts';
import { SimulatedPowerPort } from '../../src/hardware/power/simulated.ts';
import type { PowerSnapshot } from '../../src/hardware/power/types.ts';

const snap = (state: PowerSnapshot['state'], extra: Partial<PowerSnapshot> = {}): PowerSnapshot => ({
  state,
  source: 'simulated',
  at: '2025-03-01T00:00:00.000Z',
  ...extra,
});

describe('SimulatedPowerPort', () => {
  it('plays a drill script on the clock: mains lost, battery drains, UPS unplugged, mains back', async () => {
    const clock = new FakeClock();
    const port = new SimulatedPowerPort(undefined, clock);
    const seen: string[] = [];
    port.on('change', (s) => seen.push(`${s.state}:${s.charge ?? '-'}`));
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'ac', charge: 100, source: 'simulated' });
    port.play([
      { afterMs: 1000, set: { state: 'battery', charge: 90 } },
      { afterMs: 1000, set: { state: 'battery', charge: 90 } }, // no change, no event
      { afterMs: 1000, set: { state: 'battery', charge: 40, shutdownImminent: false } },
    ]);
    clock.advance(3000);
    port.unplug();
    port.mainsRestored();
    expect(seen).toEqual(['battery:90', 'battery:40', 'unknown:-', 'ac:-']);
    port.play([{ afterMs: 1000, set: { state: 'battery' } }]);
    await port.stop();
    expect(clock.pending()).toBe(0);
    expect(() => port.play([])).toThrow(/before start/);
  });

  it('mainsLost keeps the charge and marks not charging', () => {
    const port = new SimulatedPowerPort(undefined, new FakeClock());
    port.mainsLost(70, 600);
    expect(port.snapshot()).toMatchObject({ state: 'battery', charge: 70, runtimeSeconds: 600, charging: false });
  });
});

class FakePowerMonitor extends EventEmitter {
  onBattery: boolean | undefined = false;
  isOnBatteryPower = (): boolean => {
    if (this.onBattery === undefined) throw new Error('not supported');
    return this.onBattery;
  };
}

describe('PowerMonitorPort (Electron powerMonitor events, without electron)', () => {
  it('starts from isOnBatteryPower and follows on-battery / on-ac', async () => {
    const pm = new FakePowerMonitor();
    const port = new PowerMonitorPort(pm, new FakeClock());
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'not_started' });
    const seen: string[] = [];
    port.on('change', (s) => seen.push(s.state));
    await port.start();
    pm.emit('on-battery');
    pm.emit('on-battery');
    pm.emit('on-ac');
    expect(seen).toEqual(['ac', 'battery', 'ac']);
    expect(port.snapshot().source).toBe('power-monitor');
    await port.stop();
    expect(pm.listenerCount('on-battery')).toBe(0);
    expect(pm.listenerCount('on-ac')).toBe(0);
    pm.emit('on-battery');
    expect(seen).toEqual(['ac', 'battery', 'ac']);
  });

  it('is unknown until the first event when the initial state cannot be read', async () => {
    const pm = new FakePowerMonitor();
    pm.onBattery = undefined;
    const port = new PowerMonitorPort(pm, new FakeClock());
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'no_event_yet' });
    pm.emit('on-battery');
    expect(port.snapshot().state).toBe('battery');
    await port.stop();
  });
});

describe('BatteryHooks (the store checkpoint hook)', () => {
  it('fires once on the edge into battery, not on every battery poll, and again on shutdown imminent', async () => {
    const hooks = new BatteryHooks();
    const calls: BatteryReason[] = [];
    hooks.onBattery((_s, reason) => {
      calls.push(reason);
    });
    await hooks.observe(snap('ac'));
    await hooks.observe(snap('battery', { charge: 90 }));
    await hooks.observe(snap('battery', { charge: 80 }));
    expect(calls).toEqual(['on_battery']);
    // A USB blip during the outage ('unknown') is not a return to mains.
    await hooks.observe(snap('unknown'));
    await hooks.observe(snap('battery', { charge: 70 }));
    expect(calls).toEqual(['on_battery']);
    await hooks.observe(snap('battery', { charge: 8, shutdownImminent: true }));
    await hooks.observe(snap('battery', { charge: 7, shutdownImminent: true }));
    expect(calls).toEqual(['on_battery', 'shutdown_imminent']);
    await hooks.observe(snap('ac'));
    await hooks.observe(snap('battery'));
    expect(calls).toEqual(['on_battery', 'shutdown_imminent', 'on_battery']);
  });

  it('waits for async callbacks, reports their errors, and unregisters', async () => {
    const errors: unknown[] = [];
    const hooks = new BatteryHooks((e) => errors.push(e));
    let checkpoints = 0;
    const off = hooks.onBattery(async () => {
      await Promise.resolve();
      checkpoints++;
    });
    hooks.onBattery(() => {
      throw new Error('disk full');
    });
    await hooks.observe(snap('battery'));
    expect(checkpoints).toBe(1);
    expect(errors).toHaveLength(1);
    off();
    await hooks.observe(snap('ac'));
    await hooks.observe(snap('battery'));
    expect(checkpoints).toBe(1);
  });

  it('follows a port: the simulated mains loss triggers the checkpoint', async () => {
    const port = new SimulatedPowerPort(undefined, new FakeClock());
    const hooks = new BatteryHooks();
    let checkpoints = 0;
    hooks.onBattery(() => {
      checkpoints++;
    });
    const detach = hooks.attach(port);
    port.mainsLost();
    await Promise.resolve();
    expect(checkpoints).toBe(1);
    detach();
    port.mainsRestored();
    port.mainsLost();
    await Promise.resolve();
    expect(checkpoints).toBe(1);
  });
});
