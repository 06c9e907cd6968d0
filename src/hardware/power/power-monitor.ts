// Power state from Electron's powerMonitor ('on-battery' / 'on-ac'; Windows and macOS). Takes any
// EventEmitter-like object so this module never imports electron and runs the same under Node.
import { systemClock, type Clock } from '../health/clock.ts';
import { PowerPortBase } from './port-base.ts';

export interface PowerMonitorLike {
  on(event: 'on-battery' | 'on-ac', listener: () => void): unknown;
  removeListener(event: 'on-battery' | 'on-ac', listener: () => void): unknown;
  /** Electron's powerMonitor.isOnBatteryPower(); used for the initial state when present. */
  isOnBatteryPower?: () => boolean;
}

export class PowerMonitorPort extends PowerPortBase {
  private readonly onBattery = (): void => this.update('battery');
  private readonly onAc = (): void => this.update('ac');
  private attached = false;

  constructor(
    private readonly monitor: PowerMonitorLike,
    clock: Clock = systemClock,
  ) {
    super(clock, (at) => ({ state: 'unknown', reason: 'not_started', source: 'power-monitor', at }));
  }

  async start(): Promise<void> {
    if (this.attached) return;
    this.attached = true;
    this.monitor.on('on-battery', this.onBattery);
    this.monitor.on('on-ac', this.onAc);
    let initial: boolean | undefined;
    try {
      initial = this.monitor.isOnBatteryPower?.();
    } catch {
      initial = undefined;
    }
    if (initial === undefined)
      this.replace({ state: 'unknown', reason: 'no_event_yet', source: 'power-monitor', at: this.iso() });
    else this.update(initial ? 'battery' : 'ac');
  }

  async stop(): Promise<void> {
    if (!this.attached) return;
    this.attached = false;
    this.monitor.removeListener('on-battery', this.onBattery);
    this.monitor.removeListener('on-ac', this.onAc);
  }

  private update(state: 'ac' | 'battery'): void {
    this.replace({ state, source: 'power-monitor', at: this.iso() });
  }
}
