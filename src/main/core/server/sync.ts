// One PC's link to the clinic server (docs/clinic-server.md): push the journal, pull the clinic's rows into the
// mirror, say which data the screens show. With no server configured (setting 'server' not enabled) it does
// nothing and the screens read the PC's own journal, exactly as without a server. Any failure — server down,
// wrong password, newer schema, a PC name taken — drops the connection, keeps the code and its Japanese message
// for the screens, and the PC goes on with its own journal; the next round tries again.
import type pg from 'pg';
import type { Store } from '../store/index.ts';
import type { ServerSettings } from '../store/settings.ts';
import type { ReviewInput } from '../../concepts.ts';
import { classify, open, type SecretStore } from './client.ts';
import { applyForwarded, forwardReclaimed, forwardReview, type Forwarded } from './forward.ts';
import { ServerError, serverMessages, serverStatusText, type ServerErrorCode } from './messages.ts';
import { pullAll } from './pull.ts';
import { pushAll } from './push.ts';
import type { ReconcileRoute } from './relay.ts';

export interface ClinicSyncOptions {
  /** The PC's own journal (pushed). */
  store: Store;
  /** The mirror of the clinic's consolidated data (pulled into). */
  mirror: Store;
  secrets: SecretStore;
  appVersion?: string;
  /** Pause between rounds (ms). */
  intervalMs?: number;
  clock?: () => number;
  /** Audit entries per push transaction (default 500). */
  pushBatch?: number;
  /** Who asks the terminal for this PC's 事後確認 now (relay.ts), for the status. */
  route?: () => ReconcileRoute;
}

export type SyncMode = 'off' | 'connected' | 'local';

export interface SyncStatus {
  mode: SyncMode;
  /** 「院内サーバーに接続中」 or 「このPCのデータのみ」. */
  text: string;
  pcName: string;
  code: ServerErrorCode | null;
  message: string | null;
  /** For the help desk: the failure's technical detail (a pg or socket code; never the password). */
  detail: string | null;
  /** Epoch ms of the last round that reached the server. */
  lastSyncAt: number | null;
  /** The server's head of this PC's journal after the last push. */
  pushedSeq: number;
  reconciler: ReconcileRoute;
}

export class ClinicSync {
  private client: pg.Client | null = null;
  /** The settings `client` was opened with. */
  private clientFor = '';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SyncStatus> | null = null;
  private stopped = false;
  private state: SyncStatus = {
    mode: 'off',
    text: serverStatusText.local,
    pcName: '',
    code: null,
    message: null,
    detail: null,
    lastSyncAt: null,
    pushedSeq: 0,
    reconciler: 'alone',
  };

  constructor(private readonly o: ClinicSyncOptions) {}

  settings(): ServerSettings {
    const r = this.o.store.getSetting('server');
    return (r.ok ? r.value : { enabled: false }) as ServerSettings;
  }

  status(): SyncStatus {
    return { ...this.state, reconciler: this.o.route?.() ?? 'alone' };
  }

  /** Where the screens read clinic-wide data: the mirror while the server is reachable, else the own journal. */
  readStore(): Store {
    return this.state.mode === 'connected' ? this.o.mirror : this.o.store;
  }

  /** One round: connect when needed, push everything, pull everything. Never throws. */
  syncOnce(): Promise<SyncStatus> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<SyncStatus> {
    const s = this.settings();
    if (!s.enabled) {
      await this.drop();
      this.state = {
        ...this.state,
        mode: 'off',
        text: serverStatusText.local,
        code: null,
        message: null,
        detail: null,
      };
      return this.status();
    }
    try {
      let pushed: { head: number };
      try {
        pushed = await this.exchange(s);
      } catch (e) {
        // A connection kept from an earlier round may have died with a server restart: once more, afresh.
        if (!this.client || classify(e).code !== 'SERVER_UNREACHABLE') throw e;
        await this.drop();
        pushed = await this.exchange(s);
      }
      this.state = {
        mode: 'connected',
        text: serverStatusText.connected,
        pcName: s.pcName,
        code: null,
        message: null,
        detail: null,
        lastSyncAt: (this.o.clock ?? Date.now)(),
        pushedSeq: pushed.head,
        reconciler: this.state.reconciler,
      };
    } catch (e) {
      const err = classify(e);
      await this.drop();
      this.state = {
        ...this.state,
        mode: 'local',
        text: serverStatusText.local,
        pcName: s.pcName,
        code: err.code,
        message: serverMessages[err.code],
        detail: err.detail,
      };
    }
    return this.status();
  }

  private async exchange(s: ServerSettings): Promise<{ head: number }> {
    // A connection opened with other settings (changed since) is not reused.
    const key = JSON.stringify(s);
    if (this.client && this.clientFor !== key) await this.drop();
    if (!this.client) {
      this.client = await open(s, await this.o.secrets.get(), this.o.appVersion ?? '');
      this.clientFor = key;
    }
    const pushed = await pushAll(this.client, this.o.store, s.pcName, this.o.pushBatch);
    await pullAll(this.client, this.o.mirror);
    // Reviews and re-claims made on other PCs of visits this PC holds: recorded now, pushed with the next round.
    await applyForwarded(this.client, this.o.store, s.pcName);
    return pushed;
  }

  /**
   * Hands a review over to the PC that holds the visit (server/forward.ts), on a connection of its own (the
   * rounds keep theirs); throws a ServerError when the server cannot take it.
   */
  forwardReview(input: ReviewInput, staffName: string): Promise<Forwarded> {
    return this.once((c, pc) => forwardReview(c, { fromPc: pc, staffName, input }));
  }

  /** Hands 返戻 a month export re-claimed over to the PCs that hold them (server/forward.ts). */
  forwardReclaimed(month: string, returns: { id: string; visitId: string }[]): Promise<Forwarded[]> {
    return this.once((c, pc) => forwardReclaimed(c, { fromPc: pc, month, returns }));
  }

  private async once<T>(fn: (c: pg.ClientBase, pc: string) => Promise<T>): Promise<T> {
    const s = this.settings();
    if (!s.enabled) throw new ServerError('SERVER_NOT_CONFIGURED');
    const c = await open(s, await this.o.secrets.get(), this.o.appVersion ?? '');
    try {
      return await fn(c, s.pcName);
    } catch (e) {
      throw classify(e);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Rounds every intervalMs until stop(). */
  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      void this.syncOnce().then(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs ?? 2000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
    await this.drop();
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
