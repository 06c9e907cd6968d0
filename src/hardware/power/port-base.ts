// What every PowerPort shares: the current snapshot, 'change' emitted only when it really changes, and the
// clock that stamps it.
import { EventEmitter } from 'node:events';
import type { Clock } from '../health/clock.ts';
import { sameSnapshot, type PowerPort, type PowerSnapshot } from './types.ts';

export abstract class PowerPortBase extends EventEmitter implements PowerPort {
  protected current: PowerSnapshot;

  protected constructor(
    protected readonly clock: Clock,
    initial: (at: string) => PowerSnapshot,
  ) {
    super();
    this.current = initial(this.iso());
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  snapshot(): PowerSnapshot {
    return { ...this.current };
  }

  /** Replace the snapshot; emits 'change' when it differs. */
  protected replace(next: PowerSnapshot): void {
    const changed = !sameSnapshot(next, this.current);
    this.current = next;
    if (changed) this.emit('change', this.snapshot());
  }

  protected iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  override on(event: 'change', listener: (s: PowerSnapshot) => void): this {
    return super.on(event, listener);
  }

  override off(event: 'change', listener: (s: PowerSnapshot) => void): this {
    return super.off(event, listener);
  }
}
