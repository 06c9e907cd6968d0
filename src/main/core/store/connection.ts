// The journal's connection: one SQLite file (WAL, synchronous=FULL), its health (storage failures put it in a
// degraded mode that a probe leaves as soon as writing works again), the write/read wrappers that turn storage
// failures into typed errors, the transactions the aggregate modules run in, checkpoints and backups on a schedule,
// and the settings cache. Store (store.ts) builds the public API on it.
import Database from 'better-sqlite3';
import { rmSync, statfsSync } from 'node:fs';
import { basename } from 'node:path';
import type { z } from 'zod';
import { listBackups, takeBackup, type BackupInfo } from './backup.ts';
import { copyFailureCode, copyToSecondDir } from './backup-copy.ts';
import { prepareRestore, swapIn } from './restore.ts';
import { storeMessages, type StoreErrorCode } from './messages.ts';
import type * as outbox from './outbox.ts';
import { backupDir } from './paths.ts';
import { prep } from './prep.ts';
import { fail, ok, storageFailure, type Result, type StoreMode } from './result.ts';
import * as settings from './settings.ts';
import type { KnownSettingKey, StaffMember } from './settings.ts';
import * as staff from './staff.ts';
import { auditTx, isId, parseInput, type Tx } from './tx.ts';

export interface StoreHealth {
  mode: StoreMode;
  since: number | null;
  /** SQLite's code for the failure that caused the mode (help desk). */
  cause: string | null;
}

/** Where a backup is: the data folder's backups folder, or the second backup folder. */
export type BackupFolder = 'primary' | 'second';

/** The outcome of copying a backup to the second folder. */
export interface SecondCopy {
  dir: string;
  /** ISO time of the attempt. */
  at: string;
  ok: boolean;
  file: string | null;
  error: { code: StoreErrorCode; message: string; detail: string } | null;
}

export interface StoreOptions {
  dataDir: string;
  file: string;
  appVersion: string;
  clock: () => number;
  random: () => number;
  busyTimeoutMs: number;
  checkpointIntervalMs: number;
  /**
   * With the schedule on (checkpointIntervalMs > 0), SQLite's own checkpoint after a commit is off and the
   * WAL is folded by the store's timer instead: once no write came for this long (idle), or at the latest every
   * checkpointIntervalMs while writes keep coming. Saves then never pay for a checkpoint's copy and fsyncs.
   */
  checkpointIdleMs?: number;
  /** Rows written since the last checkpoint before an idle moment folds them (default 400, ~100 visits). */
  checkpointIdleMinChanges?: number;
  backupCheckIntervalMs: number;
  probeIntervalMs: number;
  outboxPolicy: Partial<outbox.OutboxPolicy>;
  /**
   * The connection is an in-memory copy of the file, because the folder could not even be opened read-only
   * (a WAL database needs its -shm file). Writes are refused outright; the probe reopens the real file.
   */
  snapshot?: boolean;
}

export function applyPragmas(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  try {
    db.pragma('journal_mode = WAL');
  } catch {
    // A read-only medium: the mode stays as the file says; writes are refused and reported.
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Keep the WAL file from staying huge after a burst (it is reused, not shrunk, otherwise).
  db.pragma('journal_size_limit = 8388608');
}

export class Connection {
  /** The open connection. Exposed for the store's own tools (CLI check, tests); others use the methods. */
  db: Database.Database;
  readonly dataDir: string;
  readonly file: string;
  protected readonly opts: StoreOptions;
  private mode: StoreMode = 'ok';
  private degradedSince: number | null = null;
  private degradedCause: string | null = null;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  /** The connection's total_changes() at the last look, and since when changes wait in the WAL (null: none). */
  private changesSeen = -1;
  private changesFolded = 0;
  private unfoldedSince: number | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  private backupRunning: Promise<Result<BackupInfo>> | undefined;
  private listeners = new Set<(h: StoreHealth) => void>();
  private snapshot: boolean;
  protected readonly settingsCache = new settings.SettingsCache();

  constructor(db: Database.Database, opts: StoreOptions) {
    this.db = db;
    this.opts = opts;
    this.dataDir = opts.dataDir;
    this.file = opts.file;
    this.snapshot = opts.snapshot === true;
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Starts the checkpoint and daily-backup schedules (timers do not keep the process alive). */
  startSchedules(): void {
    if (this.opts.checkpointIntervalMs > 0) {
      this.applyCheckpointPolicy();
      const tick = Math.min(this.checkpointIdleMs, this.opts.checkpointIntervalMs);
      this.timers.push(setInterval(() => void this.checkpointIfDue(), tick).unref());
    }
    if (this.opts.backupCheckIntervalMs > 0) {
      this.timers.push(setInterval(() => void this.backupIfDue(), this.opts.backupCheckIntervalMs).unref());
    }
  }

  /** Clean shutdown: stop schedules, fold the WAL into the main file, close. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Read-only or full disk: the WAL stays and is replayed at the next open.
    }
    try {
      this.db.close();
    } catch {
      // A backup still running holds the connection; the process is ending anyway.
    }
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---------------------------------------------------------------------------------------- health

  health(): StoreHealth {
    return { mode: this.mode, since: this.degradedSince, cause: this.degradedCause };
  }

  /** Called with the new health whenever the mode changes. Returns an unsubscribe function. */
  onHealthChange(listener: (h: StoreHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setMode(mode: StoreMode, cause: string | null): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.degradedSince = mode === 'ok' ? null : this.opts.clock();
    this.degradedCause = mode === 'ok' ? null : cause;
    if (mode === 'ok' && this.probeTimer) {
      clearInterval(this.probeTimer);
      this.probeTimer = undefined;
    }
    if (mode !== 'ok' && !this.probeTimer && this.opts.probeIntervalMs > 0 && !this.closed) {
      this.probeTimer = setInterval(() => void this.probe(), this.opts.probeIntervalMs).unref();
    }
    const h = this.health();
    for (const l of this.listeners) {
      try {
        l(h);
      } catch {
        // a listener's bug must not break the store
      }
    }
  }

  /** Marks the store degraded from outside (startup found the folder read-only). */
  markDegraded(mode: Exclude<StoreMode, 'ok'>, cause: string): void {
    this.setMode(mode, cause);
  }

  /**
   * Tries one tiny durable write. Leaves the degraded mode when it works; when it does not and the
   * connection itself may be stale (opened read-only, I/O error), reopens the connection and tries again.
   */
  probe(): Result<StoreHealth> {
    if (this.closed) return fail('STORE_CLOSED');
    const attempt = (): unknown => {
      try {
        prep(this.db, 'UPDATE health_probe SET n = n + 1, at = ? WHERE id = 1').run(this.opts.clock());
        return undefined;
      } catch (e) {
        return e;
      }
    };
    let err = this.snapshot ? Object.assign(new Error('in-memory snapshot'), { code: 'SQLITE_READONLY' }) : attempt();
    if (err !== undefined && this.classify(err)) {
      try {
        const fresh = new Database(this.file, { fileMustExist: true });
        applyPragmas(fresh, this.opts.busyTimeoutMs);
        try {
          this.db.close();
        } catch {
          // already unusable
        }
        this.db = fresh;
        if (this.timers.length > 0) this.applyCheckpointPolicy();
        this.snapshot = false;
        err = attempt();
      } catch (e) {
        err = e;
      }
    }
    if (err === undefined) {
      this.setMode('ok', null);
      return ok(this.health());
    }
    const f = this.classify(err);
    if (!f) throw err;
    this.setMode(f.mode, f.sqlite);
    return fail(f.code, `${f.sqlite}: ${(err as Error).message}`);
  }

  private classify(e: unknown): ReturnType<typeof storageFailure> {
    return storageFailure(e, () => {
      try {
        const s = statfsSync(this.dataDir);
        return s.bavail * s.bsize;
      } catch {
        return undefined;
      }
    });
  }

  /** Runs a write; storage failures become typed errors and a degraded mode, never lost data. */
  protected write<T>(fn: () => Result<T>, proves = true): Result<T> {
    if (this.closed) return fail('STORE_CLOSED');
    if (this.snapshot) {
      // Never "save" into the in-memory copy: try to get the real file back first.
      const p = this.probe();
      if (!p.ok) return p;
    }
    try {
      const r = fn();
      // A committed write proves the medium takes writes again (a checkpoint does not: it only copies
      // pages the WAL already holds into a file that may not need to grow).
      if (proves && this.mode !== 'ok') this.setMode('ok', null);
      return r;
    } catch (e) {
      const f = this.classify(e);
      if (f) {
        this.setMode(f.mode, f.sqlite);
        return fail(f.code, `${f.sqlite}: ${(e as Error).message}`);
      }
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return fail('STORE_BUSY', (e as Error).message);
      throw e;
    }
  }

  protected read<T>(fn: () => Result<T>): Result<T> {
    if (this.closed) return fail('STORE_CLOSED');
    try {
      return fn();
    } catch (e) {
      const f = storageFailure(e);
      if (f)
        return fail(f.code === 'STORE_DISK_FULL' ? 'STORE_IO_ERROR' : f.code, `${f.sqlite}: ${(e as Error).message}`);
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return fail('STORE_BUSY', (e as Error).message);
      throw e;
    }
  }

  // ------------------------------------------------------------------------------- checkpoints, backups

  /** Folds the WAL into the main file. Call on a schedule, at shutdown, and when the UPS reports battery. */
  checkpoint(
    mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE' = 'TRUNCATE',
  ): Result<{ busy: boolean; walFrames: number; checkpointed: number }> {
    return this.write(() => {
      const r = this.db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[];
      const row = r[0] ?? { busy: 0, log: 0, checkpointed: 0 };
      if (row.busy === 0 && row.checkpointed >= row.log) {
        this.unfoldedSince = null;
        this.changesSeen = this.changesFolded = this.totalChanges();
      }
      return ok({ busy: row.busy !== 0, walFrames: row.log, checkpointed: row.checkpointed });
    }, false);
  }

  private get checkpointIdleMs(): number {
    return Math.max(1, this.opts.checkpointIdleMs ?? 2_000);
  }

  /** The schedule folds the WAL, not the commit that happens to cross SQLite's page threshold. */
  private applyCheckpointPolicy(): void {
    try {
      this.db.pragma('wal_autocheckpoint = 0');
    } catch {
      // Not a WAL database (read-only medium): nothing to fold.
    }
  }

  /**
   * The scheduled checkpoint (PASSIVE: never waits for a reader), called every checkpointIdleMs. It folds the WAL
   * when writes rest (none since the previous call) and enough of them wait (checkpointIdleMinChanges), or when the
   * oldest has waited checkpointIntervalMs whatever comes. Then it starts the WAL over with one tiny write, so that
   * the sync of the new WAL header is paid here too and the next save only appends into the file already there
   * (a save right after a checkpoint would otherwise pay two syncs). Returns whether it folded.
   */
  checkpointIfDue(): boolean {
    if (this.closed || this.snapshot) return false;
    const now = this.opts.clock();
    const changes = this.totalChanges();
    const wrote = changes !== this.changesSeen;
    this.changesSeen = changes;
    if (wrote) this.unfoldedSince ??= now;
    if (this.unfoldedSince === null) return false;
    const overdue = now - this.unfoldedSince >= this.opts.checkpointIntervalMs;
    const enough = changes - this.changesFolded >= (this.opts.checkpointIdleMinChanges ?? 400);
    if (!overdue && (wrote || !enough)) return false;
    const r = this.checkpoint('PASSIVE');
    if (r.ok && !r.value.busy && r.value.checkpointed >= r.value.walFrames) {
      try {
        prep(this.db, 'UPDATE health_probe SET n = n + 1, at = ? WHERE id = 1').run(now);
        this.changesSeen = this.changesFolded = this.totalChanges();
      } catch {
        // The next save starts the WAL over itself.
      }
    }
    return true;
  }

  private totalChanges(): number {
    try {
      return (prep(this.db, 'SELECT total_changes() AS n').get() as { n: number }).n;
    } catch {
      return this.changesSeen;
    }
  }

  /**
   * Takes an online backup now and rotates old ones (keep N: setting 'backup.keep'); then copies it to the second
   * backup folder when one is set ('backup.secondDir'). A failed second copy does not fail the backup: it is
   * reported in `second` (and by lastSecondCopy()), the backup in the data folder stands.
   */
  async backup(reason = 'manual'): Promise<Result<BackupInfo & { second: SecondCopy | null }>> {
    if (this.closed) return fail('STORE_CLOSED');
    if (this.backupRunning) await this.backupRunning.catch(() => undefined);
    const run = (async (): Promise<Result<BackupInfo & { second: SecondCopy | null }>> => {
      let info: BackupInfo;
      try {
        info = await takeBackup(
          this.db,
          backupDir(this.dataDir),
          reason,
          this.setting('backup.keep'),
          new Date(this.opts.clock()),
        );
      } catch (e) {
        const f = this.classify(e) ?? fsFailure(e);
        if (f) return fail(f.code, `${f.sqlite}: ${(e as Error).message}`);
        throw e;
      }
      return ok({ ...info, second: this.copyToSecond(info) });
    })();
    this.backupRunning = run;
    try {
      return await run;
    } finally {
      this.backupRunning = undefined;
    }
  }

  private secondCopy: SecondCopy | null = null;

  private copyToSecond(info: BackupInfo): SecondCopy | null {
    const dir = this.setting('backup.secondDir');
    if (dir === '') return null;
    const at = new Date(this.opts.clock()).toISOString();
    try {
      const file = copyToSecondDir(info.file, dir, this.setting('backup.keep'));
      this.secondCopy = { dir, at, ok: true, file, error: null };
    } catch (e) {
      const code = copyFailureCode(e);
      this.secondCopy = {
        dir,
        at,
        ok: false,
        file: null,
        error: { code, message: storeMessages[code], detail: (e as Error).message },
      };
    }
    return this.secondCopy;
  }

  /** The last copy to the second backup folder since the store was opened (null: none tried). */
  lastSecondCopy(): SecondCopy | null {
    return this.secondCopy;
  }

  /** Takes the daily backup when the newest one is older than 'backup.intervalHours'. */
  async backupIfDue(): Promise<Result<BackupInfo | null>> {
    if (this.closed) return ok(null);
    const newest = listBackups(backupDir(this.dataDir))[0];
    const due =
      !newest || this.opts.clock() - Date.parse(newest.takenAt) >= this.setting('backup.intervalHours') * 3_600_000;
    if (!due) return ok(null);
    return this.backup('daily');
  }

  /** The second backup folder in use ('' = none). */
  secondBackupDir(): string {
    return this.setting('backup.secondDir');
  }

  listBackups(): BackupInfo[] {
    return listBackups(backupDir(this.dataDir));
  }

  /** The backups of the data folder and of the second folder, newest first, each with where it is. */
  listAllBackups(): (BackupInfo & { folder: BackupFolder })[] {
    const second = this.setting('backup.secondDir');
    const all = [
      ...this.listBackups().map((b) => ({ ...b, folder: 'primary' as const })),
      ...(second === '' ? [] : listBackups(second).map((b) => ({ ...b, folder: 'second' as const }))),
    ];
    return all.sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
  }

  /**
   * Puts the journal back to a backup (restore.ts: the copy checked and migrated first, refused before anything is
   * replaced; the current journal backed up as 'before-restore' and renamed aside), then reopens the connection
   * on the restored file: this same Store goes on serving, no restart. Audited ('journal.restore') by `actor`.
   */
  async restoreBackup(
    name: string,
    folder: BackupFolder,
    actor: string,
  ): Promise<Result<{ restored: BackupInfo; before: BackupInfo; keptAs: string }>> {
    if (this.closed) return fail('STORE_CLOSED');
    const who = this.resolveActor(actor);
    if (!who.ok) return who;
    const dir = folder === 'primary' ? backupDir(this.dataDir) : this.setting('backup.secondDir');
    const source = dir === '' ? undefined : listBackups(dir).find((b) => basename(b.file) === name);
    if (!source) return fail('RESTORE_NOT_FOUND', `${folder}: ${name}`);
    if (this.backupRunning) await this.backupRunning.catch(() => undefined);
    const prepared = prepareRestore(source.file, this.file, this.opts.appVersion);
    if (!prepared.ok) return fail(prepared.code, prepared.detail);
    const before = await this.backup('before-restore');
    if (!before.ok) {
      rmSync(prepared.restoring, { force: true });
      return before;
    }
    // From here to the reopened connection nothing awaits: no request can reach the store in between.
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // the WAL goes aside with the file
    }
    this.db.close();
    let keptAs: string;
    try {
      keptAs = swapIn(this.file, prepared.restoring, this.opts.clock());
    } catch (e) {
      rmSync(prepared.restoring, { force: true });
      this.reopen();
      return fail('RESTORE_FAILED', (e as Error).message);
    }
    this.reopen();
    const audited = this.tx(actor, (tx) => {
      auditTx(tx, {
        action: 'journal.restore',
        entity: 'journal',
        detail: {
          backup: name,
          folder,
          takenAt: source.takenAt,
          keptAs: basename(keptAs),
          before: basename(before.value.file),
        },
      });
      return ok(null);
    });
    if (!audited.ok) return audited;
    return ok({ restored: source, before: before.value, keptAs });
  }

  /** A fresh connection on the journal file (after a restore swapped it); storage failures leave it degraded. */
  private reopen(): void {
    try {
      const fresh = new Database(this.file, { fileMustExist: true });
      applyPragmas(fresh, this.opts.busyTimeoutMs);
      this.db = fresh;
      this.settingsCache.clear();
      this.setMode('ok', null);
    } catch (e) {
      const f = this.classify(e);
      this.db = new Database(':memory:');
      this.snapshot = true;
      this.setMode(f?.mode ?? 'read_only', f?.sqlite ?? String((e as { code?: unknown }).code));
    }
  }

  // ------------------------------------------------------------------------------------------ transactions

  /**
   * One write transaction (BEGIN IMMEDIATE) by `actor`: a staff id or name from the staff list, or (unless
   * `staffOnly`) the system actor. Runs `body` with the connection, the actor's staff id and the time.
   */
  protected tx<T>(actor: string, body: (tx: Tx) => Result<T>, staffOnly = false): Result<T> {
    return this.write(() =>
      this.db
        .transaction((): Result<T> => {
          const who = staffOnly ? this.resolveStaff(actor) : this.resolveActor(actor);
          if (!who.ok) return who;
          const id = typeof who.value === 'string' ? who.value : who.value.id;
          return body({ db: this.db, actor: id, now: this.opts.clock() });
        })
        .immediate(),
    );
  }

  /** A read about one id: INVALID_INPUT naming `what` when it is not one. */
  protected byId<T>(id: unknown, what: string, fn: (id: string) => Result<T>): Result<T> {
    return isId(id) ? this.read(() => fn(id)) : fail('INVALID_INPUT', what);
  }

  /** A read whose query is checked by its schema first. */
  protected query<S extends z.ZodType, T>(
    schema: S,
    input: unknown,
    what: string,
    fn: (q: z.output<S>) => T,
  ): Result<T> {
    const q = parseInput(schema, input, what);
    return q.ok ? this.read(() => ok(fn(q.value))) : q;
  }

  /** One write transaction with no actor (the reconciler's bookkeeping). */
  protected txBare<T>(body: () => Result<T>): Result<T> {
    return this.write(() => this.db.transaction(body).immediate());
  }

  // ------------------------------------------------------------------------------------------ settings

  /** Known settings, cached (settings.SettingsCache). */
  protected setting<K extends KnownSettingKey>(key: K): z.infer<(typeof settings.knownSettings)[K]> {
    return this.settingsCache.get(this.db, key);
  }

  /** Staff id for an id or a name in the staff list; the system actor passes as itself. */
  protected resolveActor(who: string): Result<string> {
    return staff.resolveActor(this.setting('staff'), who);
  }

  resolveStaff(who: string): Result<StaffMember> {
    return staff.resolve(this.setting('staff'), who);
  }
}

function fsFailure(
  e: unknown,
): { code: 'STORE_DISK_FULL' | 'STORE_READ_ONLY' | 'STORE_IO_ERROR'; sqlite: string } | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  if (c === 'ENOSPC') return { code: 'STORE_DISK_FULL', sqlite: c };
  if (c === 'EIO') return { code: 'STORE_IO_ERROR', sqlite: c };
  if (c === 'EROFS' || c === 'EACCES' || c === 'EPERM') return { code: 'STORE_READ_ONLY', sqlite: c };
  return undefined;
}
