// The on-battery hook: a list of callbacks the core wires to store.checkpoint(). Fired on the edge into
// 'battery' and again on the edge into shutdownImminent (the last chance to flush), never on every poll.
import type { PowerPort, PowerSnapshot } from './types.ts';

export type BatteryReason = 'on_battery' | 'shutdown_imminent';
export type BatteryCallback = (snapshot: PowerSnapshot, reason: BatteryReason) => void | Promise<void>;

export class BatteryHooks {
  private readonly callbacks = new Set<BatteryCallback>();
  private lastState: PowerSnapshot['state'] = 'unknown';
  private lastImminent = false;

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Register a callback; returns its unregister function. */
  onBattery(cb: BatteryCallback): () => void {
    this.callbacks.add(cb);
    return () => this.callbacks.delete(cb);
  }

  /** Feed a snapshot; fires callbacks on the edges. Resolves when every callback has settled. */
  async observe(s: PowerSnapshot): Promise<void> {
    const reasons: BatteryReason[] = [];
    if (s.state === 'battery' && this.lastState !== 'battery') reasons.push('on_battery');
    const imminent = s.shutdownImminent === true;
    if (imminent && !this.lastImminent) reasons.push('shutdown_imminent');
    // 'unknown' (UPS unplugged, read error) is not an edge back to 'ac': keep the last known state so a
    // flaky USB cable does not fire the hook again and again during one outage.
    if (s.state !== 'unknown') this.lastState = s.state;
    this.lastImminent = imminent;
    for (const reason of reasons) {
      await Promise.all(
        [...this.callbacks].map(async (cb) => {
          try {
            await cb(s, reason);
          } catch (err) {
            this.onError(err);
          }
        }),
      );
    }
  }

  /** Follow a port's 'change' events (and its current snapshot). Returns the detach function. */
  attach(port: PowerPort): () => void {
    const listener = (s: PowerSnapshot): void => void this.observe(s);
    port.on('change', listener);
    void this.observe(port.snapshot());
    return () => void port.off('change', listener);
  }
}
