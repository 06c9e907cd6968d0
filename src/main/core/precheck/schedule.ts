// When 事前確認 runs by itself: at the set Japan time on each day the app is running; at start when the app was off
// at that time (catch-up); again `retryMinutes` after a run that left patients unanswered (up to MAX_RETRIES a day).
// The clock and the timer are injected, so tests move time and call tick() themselves.
import { jstDate, JST_OFFSET_MS } from '../../../claims/dates.ts';
import type { PrecheckRun, RunTrigger, Store } from '../store/index.ts';
import type { PrecheckFetcher } from './fetch.ts';

export const MAX_RETRIES = 5;

export interface SchedulerOptions {
  store: Store;
  fetcher: PrecheckFetcher;
  /** How often tick() runs by itself (ms); 0: never (tests). Default 60 000. */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/** The epoch milliseconds of HH:MM Japan time on `day`. */
export function scheduledAt(day: string, time: string): number {
  return Date.parse(`${day}T${time}:00Z`) - JST_OFFSET_MS;
}

/** What to run now, if anything: a pure decision over the day's runs. */
export function dueTrigger(
  now: number,
  s: { enabled: boolean; time: string; retryMinutes: number },
  runs: readonly PrecheckRun[],
  firstTick: boolean,
): RunTrigger | null {
  if (!s.enabled) return null;
  const at = scheduledAt(jstDate(now), s.time);
  if (now < at || runs.some((r) => r.status === 'running')) return null;
  const auto = runs.filter((r) => r.trigger !== 'manual' && r.startedAt >= at);
  if (auto.length === 0) return firstTick && now - at > 60_000 ? 'catchup' : 'schedule';
  const last = auto[0]!; // newest first
  if (last.status === 'done' || auto.length > MAX_RETRIES) return null;
  return now - (last.finishedAt ?? last.startedAt) >= s.retryMinutes * 60_000 ? 'retry' : null;
}

export class PrecheckScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticked = false;

  constructor(private readonly o: SchedulerOptions) {}

  /** Closes runs a crash left 'running', ticks once (catch-up) and then every intervalMs. */
  start(): void {
    this.o.store.closeStalePrecheckRuns('アプリの終了で中断しました。');
    void this.tick().catch((e: unknown) => this.o.onError?.(e));
    const every = this.o.intervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.tick().catch((e: unknown) => this.o.onError?.(e)), every);
      this.timer.unref();
    }
  }

  /** Runs the fetch when one is due; resolves with the finished run, or null when nothing was due. */
  async tick(): Promise<PrecheckRun | null> {
    const first = !this.ticked;
    this.ticked = true;
    const { store, fetcher } = this.o;
    if (fetcher.running) return null;
    const s = store.getSetting('precheck');
    const now = fetcher.clock();
    const runs = store.listPrecheckRuns({ day: jstDate(now) });
    if (!s.ok || !runs.ok) return null;
    const trigger = dueTrigger(now, s.value as Parameters<typeof dueTrigger>[1], runs.value, first);
    if (!trigger) return null;
    return (await fetcher.start(trigger)) ?? null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.o.fetcher.stop();
  }
}
