// A scriptable power port for demo and drill mode: the trainer switches mains off and on, drains the battery,
// unplugs the UPS. Never used in production paths.
import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type TimerHandle } from '../health/clock.ts';
import { sameSnapshot, type PowerPort, type PowerSnapshot } from './types.ts';

export type SimulatedPowerState = Omit<PowerSnapshot, 'at' | 'source'>;

export interface PowerScriptStep {
  /** Delay after the previous step, ms. */
  afterMs: number;
  set: SimulatedPowerState;
}

export const SIMULATED_UPS = { vendorId: 0x051d, productId: 0x0002, product: 'Simulated UPS' } as const;

export class SimulatedPowerPort extends EventEmitter implements PowerPort {
  private current: PowerSnapshot;
  private timers: TimerHandle[] = [];
  private started = false;

  constructor(
    initial: SimulatedPowerState = { state: 'ac', charge: 100, runtimeSeconds: 1800, device: { ...SIMULATED_UPS } },
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.current = { ...initial, source: 'simulated', at: new Date(clock.now()).toISOString() };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  snapshot(): PowerSnapshot {
    return { ...this.current };
  }

  /** Replace the state; emits 'change' when it differs. */
  set(next: SimulatedPowerState): void {
    const snap: PowerSnapshot = { ...next, source: 'simulated', at: new Date(this.clock.now()).toISOString() };
    const changed = !sameSnapshot(snap, this.current);
    this.current = snap;
    if (changed) this.emit('change', this.snapshot());
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

  override on(event: 'change', listener: (s: PowerSnapshot) => void): this {
    return super.on(event, listener);
  }

  override off(event: 'change', listener: (s: PowerSnapshot) => void): this {
    return super.off(event, listener);
  }
}
