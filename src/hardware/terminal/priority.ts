// Reception first on the 資格確認端末: requests made for a patient at the desk (and the reconciler's, which stand
// for one) go out at once; background work (the 事前確認's 一括照会) waits until none of those is in flight, and
// takes the link one exchange at a time, so a background batch never sits in front of a reception request. The
// file interface itself has no queue (each request is its own file): the order is kept here.
export class TerminalPriority {
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private served = 0;

  /** Runs a foreground request (reception, reconciler): never waits for background work. */
  async foreground<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await fn();
    } finally {
      this.inFlight -= 1;
      this.served += 1;
      if (this.inFlight === 0) this.wake();
    }
  }

  /** Runs one background exchange once no foreground request is in flight. */
  async background<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiters.push(r));
    return fn();
  }

  /** Foreground requests in flight now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Foreground requests served since start (the bench and tests read it). */
  get foregroundServed(): number {
    return this.served;
  }

  /**
   * The same link with every confirm() as a foreground request (what the reconciler gets); the 一括照会 methods are
   * passed through unchanged (the reconciler's own rounds are foreground too).
   */
  wrap<T extends { confirm(...a: never[]): Promise<unknown> }>(link: T): T {
    const foreground = <R>(fn: () => Promise<R>) => this.foreground(fn);
    return new Proxy(link, {
      get(target, prop, receiver) {
        const v: unknown = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        if (prop === 'confirm' || prop === 'bulkUpload' || prop === 'bulkFetch') {
          return (...args: unknown[]) =>
            foreground(() => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        }
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
