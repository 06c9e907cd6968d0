// The 資格確認端末 link of the running core: the terminal client on the share folder and the reconciler (事後確認)
// that works the outbox through it. Both are built from the settings (terminal folder and timeout, 医療機関コード,
// 事後確認 and claims settings) and built again when one of those changes: settings apply without a restart.
// A re-open stops the reconciler (jobs in hand are given back, not failed), closes the client, reads the settings
// and starts both again; re-opens are serialised, and the last one wins.
import { FileTerminalClient, type TerminalPriority } from '../../hardware/terminal/index.ts';
import { terminalSettings } from './handlers/settings.ts';
import type { ReconcilerTerminal } from './reconcile/host.ts';
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
  /**
   * With a clinic server: the terminal the reconciler asks through (the direct one, or the relay to the PC that
   * asks for the clinic: server/relay.ts). Read at each (re-)open.
   */
  route?: { terminalFor(direct: ReconcilerTerminal): ReconcilerTerminal };
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
  /** The reconciler's terminal when it is not the client itself (the relay): closed with the link. */
  private routed: (ReconcilerTerminal & { close?: () => void }) | null = null;
  private running: Promise<unknown> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** open() was called: reopen() rebuilds from then on. */
  private wanted = false;

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

  /** Opens the link from the settings as they are now (again, when it is open). */
  open(): Promise<void> {
    this.wanted = true;
    return this.reopen();
  }

  /**
   * Closes the link and opens it again from the settings as they are now; resolves when the new one runs. Before
   * open() (the core opens the link once the devices run) there is nothing to re-open.
   */
  reopen(): Promise<void> {
    return this.serial(async () => {
      if (!this.wanted) return;
      await this.teardown();
      await this.build();
    });
  }

  /** Stops the link for a while (a backup being restored); the function returned opens it again. */
  async suspend(): Promise<() => void> {
    await this.serial(() => {
      this.wanted = false;
      return this.teardown();
    });
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
      const direct = this.opts.priority ? this.opts.priority.wrap(this.current) : this.current;
      const terminal = this.opts.route ? this.opts.route.terminalFor(direct) : direct;
      this.routed = terminal === direct ? null : terminal;
      const rec = new Reconciler({
        store,
        terminal,
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
    const routed = this.routed;
    this.rec = null;
    this.routed = null;
    this.current = null;
    this.currentDir = null;
    // Stop taking jobs, then close the client: a request in flight ends at once and its job is given back.
    const stopping = rec?.stop();
    routed?.close?.();
    await client?.close();
    await stopping;
    await this.running;
    this.running = null;
  }
}
