// Opening the journal at startup, in this order:
//  1. A file from a newer app (header user_version, then schema_migrations read through a read-only
//     connection) is refused and left byte-identical.
//  2. quick_check (read-only; a hot rollback journal left by a crash is first rolled back through a short
//     read-write connection, which a read-only one cannot do). On damage: the damaged file (and its -wal/-shm) is renamed aside, the newest
//     sound backup is copied in, visits still readable from the damaged file are salvaged, and the startup
//     report says what happened.
//  3. Read-write connection: WAL, synchronous=FULL, foreign_keys, busy timeout. A folder that cannot be
//     written opens read-only (degraded) when the schema is current.
//  4. Pending migrations, each after an online backup, each in one transaction with its bookkeeping row.
//  5. The daily backup when due, then the checkpoint / backup schedules.
import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cleanUpPartialsAtStart, listBackups, takeBackup } from './backup.ts';
import { fsyncDir, fsyncFile } from './durable.ts';
import { startupMessages } from './messages.ts';
import {
  applyMigration,
  isFromNewerApp,
  migrations as shippedMigrations,
  pendingMigrations,
  readSchemaState,
  schemaVersion,
  type Migration,
} from './migrations.ts';
import type { OutboxPolicy } from './outbox.ts';
import { backupDir, dbPath, resolveDataDir } from './paths.ts';
import { fail, ok, storageFailure, type Result } from './result.ts';
import { applyPragmas } from './connection.ts';
import { Store, type StoreOptions } from './store.ts';

export interface OpenStoreOptions {
  /** Data folder; default SHIKAKU_DATA_DIR, else the OS user data folder. */
  dataDir?: string;
  appVersion?: string;
  /** Epoch ms; tests inject a fake clock. */
  clock?: () => number;
  /** [0, 1); tests inject it to pin backoff jitter. */
  random?: () => number;
  busyTimeoutMs?: number;
  /**
   * Scheduled PASSIVE checkpoints: when writes rest for checkpointIdleMs (default 2 s), at the latest every
   * checkpointIntervalMs (default 60 s); SQLite's checkpoint inside a commit is then off. 0 disables the
   * schedule (SQLite's own checkpoints stay on: the CLI, one-shot tools).
   */
  checkpointIntervalMs?: number;
  checkpointIdleMs?: number;
  checkpointIdleMinChanges?: number;
  /** How often to check whether the daily backup is due; 0 disables (default 1 h). */
  backupCheckIntervalMs?: number;
  /** While degraded, how often to probe for recovery; 0 disables (default 10 s). */
  probeIntervalMs?: number;
  /** Take the daily backup at startup when due (default true). */
  backupOnOpen?: boolean;
  /** Try to re-save visits readable from a damaged file after restoring a backup (default true). */
  salvage?: boolean;
  outboxPolicy?: Partial<OutboxPolicy>;
  /** The migration list (tests add a future migration to exercise the upgrade path). Default: shipped. */
  migrations?: readonly Migration[];
}

/** 'rolled_back': not a startup outcome: staff put the running journal back to a backup (設定 → データ). */
export type StartupOutcome = 'created' | 'opened' | 'migrated' | 'restored' | 'damaged_no_backup' | 'rolled_back';

export interface StartupReport {
  outcome: StartupOutcome;
  dataDir: string;
  file: string;
  /** Schema version before and after startup. */
  fromVersion: number;
  toVersion: number;
  /** Migrations applied now, and the backups taken before them. */
  migrationsApplied: number[];
  backupsTaken: string[];
  /** The store opened read-only (the folder cannot be written). */
  readOnly: boolean;
  /** Set when damage was found. */
  damage?: {
    problems: string[];
    /** Where the damaged file was kept. */
    keptAs: string;
    restoredFrom: { file: string; takenAt: string } | null;
    salvagedVisits: number;
  };
  /** Japanese, for the UI to show once. */
  notices: string[];
}

export interface OpenedStore {
  store: Store;
  report: StartupReport;
}

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Reads the header without opening SQLite: nothing at all is written. */
function peekHeader(file: string): { sqlite: boolean; userVersion: number } {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = readSync(fd, buf, 0, 100, 0);
    if (n === 0) return { sqlite: true, userVersion: 0 }; // empty file: SQLite treats it as a new database
    if (n < 100 || !buf.subarray(0, 16).equals(MAGIC)) return { sqlite: false, userVersion: 0 };
    return { sqlite: true, userVersion: buf.readUInt32BE(60) };
  } finally {
    closeSync(fd);
  }
}

type Inspection =
  | { kind: 'absent' }
  | { kind: 'newer'; version: number }
  | { kind: 'damaged'; problems: string[] }
  | { kind: 'sound'; version: number }
  | { kind: 'unreadable'; error: unknown };

function isCorruption(e: unknown): boolean {
  const c = (e as { code?: unknown } | null)?.code;
  return c === 'SQLITE_CORRUPT' || c === 'SQLITE_NOTADB' || (typeof c === 'string' && c.startsWith('SQLITE_CORRUPT'));
}

/** Looks at a database file through a read-only connection; never modifies the main file. */
export function inspectFile(file: string, list: readonly Migration[] = shippedMigrations): Inspection {
  const seen = inspectOnce(file, list);
  // A crash in rollback-journal mode (a journal from before WAL, or while converting one to WAL) leaves a
  // hot journal that a read-only connection cannot roll back (SQLITE_READONLY_ROLLBACK): a short read-write
  // connection rolls it back, as any writer would, and the file is looked at again.
  const code = (seen.kind === 'unreadable' && (seen.error as { code?: unknown } | null)?.code) || '';
  if (code === 'SQLITE_READONLY_ROLLBACK' && rollBackHotJournal(file)) return inspectOnce(file, list);
  return seen;
}

function rollBackHotJournal(file: string): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('schema_version'); // the first read rolls the hot journal back
    return true;
  } catch {
    return false; // still unreadable: reported as before
  } finally {
    db?.close();
  }
}

function inspectOnce(file: string, list: readonly Migration[]): Inspection {
  const latest = list[list.length - 1]?.id ?? 0;
  if (!existsSync(file)) return { kind: 'absent' };
  let header: { sqlite: boolean; userVersion: number };
  try {
    header = peekHeader(file);
  } catch (e) {
    return { kind: 'unreadable', error: e };
  }
  if (!header.sqlite) return { kind: 'damaged', problems: ['not a SQLite database (bad header)'] };
  if (header.userVersion > latest) return { kind: 'newer', version: header.userVersion };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const state = readSchemaState(db);
    if (isFromNewerApp(state, list)) return { kind: 'newer', version: schemaVersion(state) };
    const rows = db.pragma('quick_check') as Record<string, string>[];
    const msgs = rows.map((r) => String(Object.values(r)[0]));
    if (msgs.length !== 1 || msgs[0] !== 'ok') return { kind: 'damaged', problems: msgs.slice(0, 20) };
    return { kind: 'sound', version: schemaVersion(state) };
  } catch (e) {
    if (isCorruption(e))
      return { kind: 'damaged', problems: [`${(e as { code?: string }).code}: ${(e as Error).message}`] };
    return { kind: 'unreadable', error: e };
  } finally {
    db?.close();
  }
}

function stampNow(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/** Renames the damaged database and its WAL/SHM aside, keeping their association. */
function keepDamaged(file: string, now: number): string {
  const kept = join(dirname(file), `${basename(file, '.sqlite3')}.damaged-${stampNow(now)}.sqlite3`);
  renameSync(file, kept);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, kept + suffix);
  }
  fsyncDir(dirname(file));
  return kept;
}

/** Reads whatever visits can still be read from a damaged file, row by row. */
function readSalvage(file: string): unknown[] {
  const out: unknown[] = [];
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const ids = (() => {
      try {
        return db.prepare('SELECT rowid FROM visits').pluck().all() as number[];
      } catch {
        return [] as number[];
      }
    })();
    const one = db.prepare('SELECT json FROM visits WHERE rowid = ?').pluck();
    for (const rowid of ids) {
      try {
        out.push(JSON.parse(one.get(rowid) as string));
      } catch {
        // this row sits on a damaged page
      }
    }
  } catch {
    // nothing readable
  } finally {
    try {
      db?.close();
    } catch {
      // ignore
    }
  }
  return out;
}

export async function openStore(options: OpenStoreOptions = {}): Promise<Result<OpenedStore>> {
  const dataDir = resolveDataDir(options.dataDir);
  const file = dbPath(dataDir);
  const clock = options.clock ?? Date.now;
  const list = options.migrations ?? shippedMigrations;
  const latest = list[list.length - 1]?.id ?? 0;
  const storeOpts: StoreOptions = {
    dataDir,
    file,
    appVersion: options.appVersion ?? '',
    clock,
    random: options.random ?? Math.random,
    busyTimeoutMs: options.busyTimeoutMs ?? 5_000,
    checkpointIntervalMs: options.checkpointIntervalMs ?? 60_000,
    ...(options.checkpointIdleMs === undefined ? {} : { checkpointIdleMs: options.checkpointIdleMs }),
    ...(options.checkpointIdleMinChanges === undefined
      ? {}
      : { checkpointIdleMinChanges: options.checkpointIdleMinChanges }),
    backupCheckIntervalMs: options.backupCheckIntervalMs ?? 3_600_000,
    probeIntervalMs: options.probeIntervalMs ?? 10_000,
    outboxPolicy: options.outboxPolicy ?? {},
  };
  const report: StartupReport = {
    outcome: 'opened',
    dataDir,
    file,
    fromVersion: 0,
    toVersion: 0,
    migrationsApplied: [],
    backupsTaken: [],
    readOnly: false,
    notices: [],
  };

  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    if (!existsSync(file))
      return fail('STORE_READ_ONLY', `cannot create data folder ${dataDir}: ${(e as Error).message}`);
  }

  // A restore interrupted after the damaged file was moved aside: the complete copy is waiting.
  const restoring = `${file}.restoring`;
  if (!existsSync(file) && existsSync(restoring) && inspectFile(restoring, list).kind === 'sound') {
    try {
      renameSync(restoring, file);
      fsyncDir(dataDir);
      report.notices.push(startupMessages.restoreFinished);
    } catch (e) {
      return fail('STORE_READ_ONLY', `cannot finish the interrupted restore: ${(e as Error).message}`);
    }
  }

  // 1–2. Inspect without writing.
  let salvage: unknown[] = [];
  const seen = inspectFile(file, list);
  if (seen.kind === 'newer') {
    return fail(
      'STORE_NEWER_VERSION',
      `database schema v${seen.version} is newer than this app's v${latest}; file left untouched`,
    );
  }
  if (seen.kind === 'unreadable') {
    const f = storageFailure(seen.error);
    if (!f) return fail('STORE_IO_ERROR', `${(seen.error as Error).message}`);
    return openSnapshot(storeOpts, report, list, f);
  }
  if (seen.kind === 'damaged') {
    let keptAs: string;
    try {
      rmSync(restoring, { force: true });
      keptAs = keepDamaged(file, clock());
    } catch (e) {
      return fail('STORE_READ_ONLY', `damaged database cannot be moved aside: ${(e as Error).message}`);
    }
    let restoredFrom: { file: string; takenAt: string } | null = null;
    for (const b of listBackups(backupDir(dataDir))) {
      const c = inspectFile(b.file, list);
      if (c.kind !== 'sound') continue;
      // The copy sits complete under its temporary name before it takes the journal's place; a power cut
      // in between is finished at the next start (see `finishInterruptedRestore`).
      try {
        copyFileSync(b.file, restoring);
        fsyncFile(restoring);
        renameSync(restoring, file);
        fsyncDir(dataDir);
      } catch (e) {
        rmSync(restoring, { force: true });
        return fail(
          'STORE_IO_ERROR',
          `cannot restore ${b.file}: ${(e as Error).message}; damaged file kept as ${keptAs}`,
        );
      }
      restoredFrom = { file: b.file, takenAt: b.takenAt };
      break;
    }
    if (options.salvage !== false) salvage = readSalvage(keptAs);
    report.outcome = restoredFrom ? 'restored' : 'damaged_no_backup';
    report.damage = { problems: seen.problems, keptAs, restoredFrom, salvagedVisits: 0 };
    report.notices.push(
      restoredFrom
        ? startupMessages.restored(restoredFrom.takenAt, basename(keptAs))
        : startupMessages.damagedNoBackup(basename(keptAs)),
    );
  }
  const isNew = !existsSync(file);

  // 3. Read-write connection (falls back to read-only on a read-only medium).
  let db: Database.Database;
  try {
    db = new Database(file);
    applyPragmas(db, storeOpts.busyTimeoutMs);
  } catch (e) {
    const f = storageFailure(e);
    if (!f) throw e;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${storeOpts.busyTimeoutMs}`);
    } catch (e2) {
      return fail(f.code, `${f.sqlite}: ${(e2 as Error).message}`);
    }
  }

  const state = readSchemaState(db);
  report.fromVersion = schemaVersion(state);
  if (isFromNewerApp(state, list)) {
    // Raced with a newer app between inspection and open: still refuse, and write nothing.
    db.close();
    return fail('STORE_NEWER_VERSION', `database schema v${report.fromVersion} is newer than this app's v${latest}`);
  }

  const store = new Store(db, storeOpts);
  const pending = pendingMigrations(state, list);
  try {
    // 4. Migrations, each after a backup of the data it is about to change.
    const hasData = report.fromVersion > 0;
    for (const m of pending) {
      if (hasData) {
        const b = await takeBackup(
          store.db,
          backupDir(dataDir),
          `pre-migration-v${m.id}`,
          1_000_000,
          new Date(clock()),
        );
        report.backupsTaken.push(b.file);
      }
      applyMigration(store.db, m, storeOpts.appVersion);
      report.migrationsApplied.push(m.id);
    }
  } catch (e) {
    const f = storageFailure(e);
    store.close();
    if (f) return fail(f.code, `migration failed: ${f.sqlite}: ${(e as Error).message}`);
    throw e;
  }
  report.toVersion = schemaVersion(readSchemaState(store.db));
  if (report.outcome === 'opened') {
    report.outcome =
      isNew || report.fromVersion === 0 ? 'created' : report.migrationsApplied.length ? 'migrated' : 'opened';
  }
  if (report.outcome === 'created') report.notices.push(startupMessages.created);
  if (report.outcome === 'migrated')
    report.notices.push(startupMessages.migrated(report.fromVersion, report.toVersion));

  // Can we write at all? A read-only folder gives a read-only store, not a failure.
  const probe = store.probe();
  if (!probe.ok) {
    report.readOnly = true;
    report.notices.push(probe.error.code === 'STORE_DISK_FULL' ? startupMessages.diskFull : startupMessages.readOnly);
  }

  if (report.damage && salvage.length && !report.readOnly) {
    try {
      report.damage.salvagedVisits = store.salvageVisits(salvage);
      if (report.damage.salvagedVisits > 0) report.notices.push(startupMessages.salvaged(report.damage.salvagedVisits));
    } catch {
      // salvage is best effort
    }
  }

  // Leftovers of backups a power cut interrupted (counted for `db check`).
  cleanUpPartialsAtStart(backupDir(dataDir), !report.readOnly);

  // 5. Daily backup and schedules.
  if (!report.readOnly && options.backupOnOpen !== false && report.outcome !== 'created') {
    const b = await store.backupIfDue();
    if (b.ok && b.value) report.backupsTaken.push(b.value.file);
  }
  store.startSchedules();
  return ok({ store, report });
}

/**
 * The folder is not writable and SQLite cannot open the WAL database even read-only (its -shm file cannot
 * be created): read an in-memory copy so staff can still look things up. Writes are refused; the probe
 * reopens the real file when the folder becomes writable again.
 */
function openSnapshot(
  storeOpts: StoreOptions,
  report: StartupReport,
  list: readonly Migration[],
  cause: { mode: 'read_only' | 'disk_full'; sqlite: string },
): Result<OpenedStore> {
  let db: Database.Database;
  try {
    const bytes = readFileSync(storeOpts.file);
    // The header says WAL (bytes 18–19 = 2); an in-memory copy must say rollback journal (1) to open.
    if (bytes.length >= 100) bytes[18] = bytes[19] = 1;
    db = new Database(bytes);
  } catch (e) {
    const f = storageFailure(e);
    return fail(f?.code ?? 'STORE_IO_ERROR', `cannot read ${storeOpts.file}: ${(e as Error).message}`);
  }
  const state = readSchemaState(db);
  const latest = list[list.length - 1]?.id ?? 0;
  if (isFromNewerApp(state, list)) {
    db.close();
    return fail('STORE_NEWER_VERSION', `database schema v${schemaVersion(state)} is newer than this app's v${latest}`);
  }
  const rows = db.pragma('quick_check') as Record<string, string>[];
  if (rows.length !== 1 || Object.values(rows[0] ?? {})[0] !== 'ok' || pendingMigrations(state, list).length > 0) {
    db.close();
    return fail('STORE_READ_ONLY', 'read-only folder and the database is damaged or needs an upgrade');
  }
  const store = new Store(db, { ...storeOpts, snapshot: true });
  store.markDegraded(cause.mode, cause.sqlite);
  report.readOnly = true;
  report.fromVersion = report.toVersion = schemaVersion(state);
  report.notices.push(cause.mode === 'disk_full' ? startupMessages.diskFull : startupMessages.readOnly);
  store.startSchedules();
  return ok({ store, report });
}

/** Removes a database file and its companions (tests, `db restore` tooling). */
export function removeDatabaseFiles(file: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
}
