// A scriptable power port for demo and drill mode: the trainer switches mains off and on, drains the battery,
// unplugs the UPS. Never used in production paths.
import { systemClock, type Clock, type TimerHandle } from '../health/clock.ts';
import { PowerPortBase } from './port-base.ts';
import type { PowerSnapshot } from './types.ts';

export type SimulatedPowerState = Omit<PowerSnapshot, 'at' | 'source'>;

export interface PowerScriptStep {
  /** Delay after the previous step, ms. */
  afterMs: number;
  set: SimulatedPowerState;
}

export const SIMULATED_UPS = { vendorId: 0x051d, productId: 0x0002, product: 'Simulated UPS' } as const;

export class SimulatedPowerPort extends PowerPortBase {
  private timers: TimerHandle[] = [];
  private started = false;

  constructor(
    initial: SimulatedPowerState = { state: 'ac', charge: 100, runtimeSeconds: 1800, device: { ...SIMULATED_UPS } },
    clock: Clock = systemClock,
  ) {
    super(clock, (at) => ({ ...initial, source: 'simulated', at }));
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  /** Replace the state; emits 'change' when it differs. */
  set(next: SimulatedPowerState): void {
    this.replace({ ...next, source: 'simulated', at: this.iso() });
  }

  mainsLost(charge = this.current.charge ?? 100, runtimeSeconds = this.current.runtimeSeconds): void {
    this.set({ ...this.current, state: 'battery', charge, runtimeSeconds, charging: false });
  }

  mainsRestored(): void {
    this.set({ ...this.current, state: 'ac', charging: true, shutdownImminent: false });
  }

  unplug(): void {
    this.set({ state: 'unknown', reason: 'no_device' });
  }

  /** Play steps on the clock (relative delays). Requires start(); stop() cancels what is left. */
  play(steps: PowerScriptStep[]): void {
    if (!this.started) throw new Error('SimulatedPowerPort.play before start()');
    let delay = 0;
    for (const step of steps) {
      delay += step.afterMs;
      const handle = this.clock.setTimeout(() => {
        this.timers = this.timers.filter((t) => t !== handle);
        this.set(step.set);
      }, delay);
      this.timers.push(handle);
    }
  }
}
