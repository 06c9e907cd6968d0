// One reconciler per clinic (docs/clinic-server.md): the PC holding a session-level PostgreSQL advisory lock
// (LOCK_RECONCILER) is the one that asks the 資格確認端末 about visits for 事後確認. The lock lives as long as its
// connection: a leader that shuts down, crashes or loses the network loses it, and the next tick of another PC
// takes it (failover). Before asking about visits the leader claims them on the server, in a transaction that
// checks it still holds the lock; a visit claimed by another PC within `claimLeaseMs` is not taken, so two PCs
// never ask about the same visit, even across a failover. Reception requests still go from each PC directly.
import type pg from 'pg';
import type { ServerSettings } from '../store/settings.ts';
import { open, type SecretStore } from './client.ts';
import { LOCK_RECONCILER } from './schema.ts';

export interface LeaderOptions {
  settings: () => ServerSettings;
  secrets: SecretStore;
  /** How long a claim keeps a visit from other PCs (at least the terminal's answer timeout). */
  claimLeaseMs?: number;
  onChange?: (leader: boolean) => void;
}

export class ReconcilerLeader {
  private client: pg.Client | null = null;
  private leader = false;
  /** One statement or transaction at a time on the session (the relay shares it: server/relay.ts). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: LeaderOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  private set(v: boolean): void {
    if (v === this.leader) return;
    this.leader = v;
    this.o.onChange?.(v);
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async connection(): Promise<pg.Client> {
    if (!this.client) {
      const c = await open(this.o.settings(), await this.o.secrets.get());
      c.on('end', () => {
        if (this.client === c) {
          this.client = null;
          this.set(false);
        }
      });
      this.client = c;
    }
    return this.client;
  }

  /**
   * Runs `fn` on this PC's session with the server, serialised with the lock's own statements (the relay's
   * requests and answers). A failure drops the session (and the lead with it) and is thrown.
   */
  session<T>(fn: (c: pg.ClientBase) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      try {
        return await fn(await this.connection());
      } catch (e) {
        await this.drop();
        this.set(false);
        throw e;
      }
    });
  }

  /** Takes the lock when free, checks a held one is still held; never throws. */
  tick(): Promise<boolean> {
    return this.serial(() => this.tickNow());
  }

  private async tickNow(): Promise<boolean> {
    const s = this.o.settings();
    if (!s.enabled) {
      await this.drop();
      this.set(false);
      return false;
    }
    try {
      const c = await this.connection();
      const r = await c.query<{ held: boolean }>(`SELECT pg_try_advisory_lock($1) AS held`, [LOCK_RECONCILER]);
      // pg_try_advisory_lock stacks when already held: release the extra hold at once.
      if (this.leader && r.rows[0]!.held) await c.query('SELECT pg_advisory_unlock($1)', [LOCK_RECONCILER]);
      this.set(r.rows[0]!.held);
    } catch {
      await this.drop();
      this.set(false);
    }
    return this.leader;
  }

  /**
   * Claims requests (a visit's request key) before asking the terminal: the keys this PC may ask about now (none
   * when it is not the leader any more, or another PC claimed them less than claimLeaseMs ago).
   */
  claim(pc: string, visitIds: readonly string[]): Promise<string[]> {
    return this.serial(() => this.claimNow(pc, visitIds));
  }

  private async claimNow(pc: string, visitIds: readonly string[]): Promise<string[]> {
    const c = this.client;
    if (!this.leader || !c || visitIds.length === 0) return [];
    try {
      await c.query('BEGIN');
      const held = await c.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
            AND ((classid::bigint << 32) | objid::bigint) = $1`,
        [LOCK_RECONCILER],
      );
      if (Number(held.rows[0]!.n) === 0) {
        await c.query('ROLLBACK');
        this.set(false);
        return [];
      }
      const r = await c.query<{ visit_id: string }>(
        `INSERT INTO reconcile_claims (visit_id, pc) SELECT unnest($1::text[]), $2
           ON CONFLICT (visit_id) DO UPDATE SET pc = excluded.pc, claimed_at = clock_timestamp()
           WHERE reconcile_claims.pc = excluded.pc
              OR reconcile_claims.claimed_at < clock_timestamp() - make_interval(secs => $3::double precision / 1000)
         RETURNING visit_id`,
        [visitIds, pc, this.o.claimLeaseMs ?? 120_000],
      );
      await c.query('COMMIT');
      return r.rows.map((x) => x.visit_id);
    } catch {
      await c.query('ROLLBACK').catch(() => undefined);
      await this.drop();
      this.set(false);
      return [];
    }
  }

  /** Gives the lock up but keeps the session (a PC that cannot reach the terminal any more); never throws. */
  release(): Promise<void> {
    return this.serial(async () => {
      if (!this.leader || !this.client) return;
      try {
        await this.client.query('SELECT pg_advisory_unlock($1)', [LOCK_RECONCILER]);
        this.set(false);
      } catch {
        await this.drop();
        this.set(false);
      }
    });
  }

  /** Gives the lock up (closing the connection releases it). */
  stop(): Promise<void> {
    return this.serial(async () => {
      await this.drop();
      this.set(false);
    });
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
