// Network reachability: the facility LAN (can this PC reach the 資格確認端末's host or share?) and the wide-area
// line (a configurable outside target). Checks are plain async functions so tests inject their results; the
// real ones (TCP connect, folder access) are built here and never point anywhere unless configured.
import { access } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { systemClock, type Clock } from './clock.ts';
import type { NetworkSignal, Reach } from './signals.ts';

/** Resolves true when reachable, false when not; may reject (treated as not reachable). */
export type ReachabilityCheck = () => Promise<boolean>;

export interface NetworkProbeOptions {
  /** Checks for the facility LAN; 'ok' when any succeeds, 'down' when all fail, 'unknown' when none given. */
  facility?: ReachabilityCheck[];
  /** Checks for the wide-area line; same rule. No default target: without one the line is 'unknown'. */
  wideArea?: ReachabilityCheck[];
  /** Per-check time limit. Default 3 s. */
  timeoutMs?: number;
  clock?: Clock;
}

export type NetworkProbe = () => Promise<NetworkSignal>;

export function createNetworkProbe(opts: NetworkProbeOptions): NetworkProbe {
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? 3000;
  return async () => {
    const [facility, wideArea] = await Promise.all([
      reach(opts.facility ?? [], timeoutMs, clock),
      reach(opts.wideArea ?? [], timeoutMs, clock),
    ]);
    return { source: 'network', facility, wideArea };
  };
}

async function reach(checks: ReachabilityCheck[], timeoutMs: number, clock: Clock): Promise<Reach> {
  if (checks.length === 0) return 'unknown';
  const results = await Promise.all(checks.map((c) => withTimeout(c, timeoutMs, clock)));
  return results.some(Boolean) ? 'ok' : 'down';
}

/** Run a check under our own time limit: a hung check counts as unreachable. */
export function withTimeout(check: ReachabilityCheck, timeoutMs: number, clock: Clock): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let settled = false;
    const timer = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      resolve(false);
    }, timeoutMs);
    check().then(
      (ok) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        resolve(ok);
      },
      () => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

export type Connector = (port: number, host: string) => Socket;

/**
 * TCP connect to host:port (e.g. the terminal's SMB port 445, or a configured WAN target). Resolves true on
 * connect, false on error; the socket is closed at once. The caller's time limit (withTimeout) bounds a
 * silent host; this check also destroys its socket after `ownTimeoutMs` so nothing lingers.
 */
export function tcpCheck(
  host: string,
  port: number,
  ownTimeoutMs = 5000,
  connect: Connector = netConnect,
): ReachabilityCheck {
  return () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      const done = (ok: boolean): void => {
        socket.removeAllListeners();
        socket.on('error', () => {});
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(ownTimeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
}

/** The terminal's shared folder (a UNC path on Windows, a mount point elsewhere) can be accessed. */
export function pathCheck(path: string, probe: (p: string) => Promise<void> = (p) => access(p)): ReachabilityCheck {
  return async () => {
    try {
      await probe(path);
      return true;
    } catch {
      return false;
    }
  };
}

/** Poll a probe on the clock and hand each result to `onSignal`. Returns the stop function. */
export function pollNetwork(
  probe: NetworkProbe,
  onSignal: (s: NetworkSignal) => void,
  opts: { intervalMs?: number; clock?: Clock } = {},
): () => void {
  const clock = opts.clock ?? systemClock;
  const intervalMs = opts.intervalMs ?? 30_000;
  let stopped = false;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    let s: NetworkSignal;
    try {
      s = await probe();
    } catch {
      s = { source: 'network', facility: 'unknown', wideArea: 'unknown' };
    }
    if (stopped) return;
    onSignal(s);
    timer = clock.setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimeout(timer);
  };
}
