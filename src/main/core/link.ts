// The 資格確認端末 link of the running core: the terminal client on the share folder and the reconciler (事後確認)
// that works the outbox through it. Both are built from the settings (terminal folder and timeout, 医療機関コード,
// 事後確認 and claims settings) and built again when one of those changes: settings apply without a restart.
// A re-open stops the reconciler (jobs in hand are given back, not failed), closes the client, reads the settings
// and starts both again; re-opens are serialised, and the last one wins.
import { FileTerminalClient, type TerminalPriority } from '../../hardware/terminal/index.ts';
import { terminalSettings } from './handlers/settings.ts';
import { Reconciler, type ReconcilerOptions } from './reconcile/reconciler.ts';
import type { ReconcileProgress } from './reconcile/reconciler.ts';
import type { Store } from './store/index.ts';

/** Settings the link is built from: a change to one of them re-opens it. */
export const LINK_SETTINGS: ReadonlySet<string> = new Set([
  'clinic.institutionCode',
  'terminal.dir',
  'terminal.timeoutMs',
  'reconcile.concurrency',
  'reconcile.pauseAfterTimeouts',
  'reconcile.bulkThreshold',
  'reconcile.bulkBatchSize',
  'claims',
]);

export interface TerminalLinkOptions {
  env: NodeJS.ProcessEnv;
  store: Store | null;
  /** 訓練モード: the simulator's share folder, used whatever the settings say. */
  fixedDir?: string | null;
  /** Run the reconciler (false: SHIKAKU_RECONCILE=manual leaves it to `shikaku reconcile`). */
  reconcile: boolean;
  /** Reception first on the terminal: the reconciler's requests are marked foreground (事前確認 waits for them). */
  priority?: TerminalPriority;
  /** Reconciler tuning (tests: short idle and probe intervals). */
  reconciler?: Partial<Pick<ReconcilerOptions, 'idleMs' | 'probeIntervalMs' | 'bulk'>>;
  onProgress?: (p: ReconcileProgress) => void;
  /** Told the new client (or null) after every (re-)open: the devices' health probe follows it. */
  onClient?: (client: FileTerminalClient | null, dir: string | null) => void;
  onError?: (err: unknown, where: string) => void;
}

export class TerminalLink {
  private current: FileTerminalClient | null = null;
  private currentDir: string | null = null;
  private rec: Reconciler | null = null;
  private running: Promise<unknown> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: TerminalLinkOptions) {}

  get client(): FileTerminalClient | null {
    return this.current;
  }

  get dir(): string | null {
    return this.currentDir;
  }

  get reconciler(): Reconciler | null {
    return this.rec;
  }

  /** Opens the link from the settings as they are now. */
  open(): Promise<void> {
    return this.serial(() => this.build());
  }

  /** Closes the link and opens it again from the settings as they are now; resolves when the new one runs. */
  reopen(): Promise<void> {
    return this.serial(async () => {
      await this.teardown();
      await this.build();
    });
  }

  /** Stops the link for a while (a backup being restored); the function returned opens it again. */
  async suspend(): Promise<() => void> {
    await this.serial(() => this.teardown());
    return () => void this.open();
  }

  /** Stops the reconciler and closes the client for good. */
  close(): Promise<void> {
    this.closed = true;
    return this.serial(() => this.teardown());
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch((err: unknown) => this.opts.onError?.(err, 'terminal link'));
    return next;
  }

  private async build(): Promise<void> {
    if (this.closed) return;
    const { store, env } = this.opts;
    const s = terminalSettings(env, store);
    const dir = this.opts.fixedDir || s.dir || null;
    this.current = dir
      ? new FileTerminalClient({
          dir,
          timeoutMs: s.timeoutMs,
          ...(s.institutionCode ? { medicalInstitutionCode: s.institutionCode } : {}),
        })
      : null;
    this.currentDir = dir;
    this.opts.onClient?.(this.current, dir);
    if (store && this.current && this.opts.reconcile) {
      const rec = new Reconciler({
        store,
        terminal: this.opts.priority ? this.opts.priority.wrap(this.current) : this.current,
        leaseMs: 2 * s.timeoutMs,
        timeoutMs: s.timeoutMs,
        ...this.opts.reconciler,
        ...(this.opts.onProgress ? { onProgress: this.opts.onProgress } : {}),
      });
      this.rec = rec;
      this.running = rec.run().catch((err: unknown) => this.opts.onError?.(err, 'reconciler'));
    }
  }

  private async teardown(): Promise<void> {
    const rec = this.rec;
    const client = this.current;
    this.rec = null;
    this.current = null;
    this.currentDir = null;
    // Stop taking jobs, then close the client: a request in flight ends at once and its job is given back.
    const stopping = rec?.stop();
    await client?.close();
    await stopping;
    await this.running;
    this.running = null;
  }
}
