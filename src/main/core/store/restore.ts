// Restoring a backup while the app runs (設定 → データ 「この時点に戻す」), the file side; Connection.restoreBackup
// drives it. In this order, so that a backup that fails its check is refused before anything is replaced:
//  1. prepare: the backup copied to `<journal>.restoring` (fsynced), opened, `integrity_check`ed, refused when from
//     a newer app, brought to this app's schema (migrations), closed with its WAL folded in, fsynced again;
//  2. (Connection) the current journal kept as a backup 'before-restore' (listed, restorable like any other);
//  3. swap: the current journal (and its -wal/-shm) renamed aside to `journal.before-restore-<time>.sqlite3`,
//     `.restoring` renamed into place, the folder fsynced. A power cut between the two renames leaves no journal and
//     a sound `.restoring`, which openStore finishes at the next start.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncDir, fsyncFile } from './durable.ts';
import type { StoreErrorCode } from './messages.ts';
import { applyMigration, isFromNewerApp, migrations, pendingMigrations, readSchemaState } from './migrations.ts';

export type Prepared = { ok: true; restoring: string } | { ok: false; code: StoreErrorCode; detail: string };

/** Step 1: a checked, migrated copy of the backup beside the journal; nothing of the journal is touched. */
export function prepareRestore(backupFile: string, journalFile: string, appVersion: string): Prepared {
  const restoring = `${journalFile}.restoring`;
  const refuse = (code: StoreErrorCode, detail: string): Prepared => {
    rmSync(restoring, { force: true });
    for (const s of ['-wal', '-shm']) rmSync(restoring + s, { force: true });
    return { ok: false, code, detail };
  };
  try {
    rmSync(restoring, { force: true });
    copyFileSync(backupFile, restoring);
    fsyncFile(restoring);
  } catch (e) {
    return refuse('RESTORE_FAILED', `copy ${backupFile}: ${(e as Error).message}`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(restoring, { fileMustExist: true });
    const rows = db.pragma('integrity_check') as Record<string, string>[];
    const msgs = rows.map((r) => String(Object.values(r)[0]));
    if (msgs.length !== 1 || msgs[0] !== 'ok') {
      db.close();
      db = undefined;
      return refuse('RESTORE_DAMAGED', `integrity_check: ${msgs.slice(0, 5).join('; ')}`);
    }
    const state = readSchemaState(db);
    if (isFromNewerApp(state, migrations)) {
      db.close();
      db = undefined;
      return refuse('RESTORE_NEWER_VERSION', `schema v${state.userVersion}`);
    }
    for (const m of pendingMigrations(state, migrations)) applyMigration(db, m, appVersion);
    db.pragma('journal_mode = DELETE');
    db.close();
    db = undefined;
    fsyncFile(restoring);
    return { ok: true, restoring };
  } catch (e) {
    try {
      db?.close();
    } catch {
      // already unusable
    }
    const c = (e as { code?: unknown } | null)?.code;
    const damaged = c === 'SQLITE_NOTADB' || (typeof c === 'string' && c.startsWith('SQLITE_CORRUPT'));
    return refuse(damaged ? 'RESTORE_DAMAGED' : 'RESTORE_FAILED', `${String(c)}: ${(e as Error).message}`);
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

/**
 * Step 3, with the journal's connection closed: the current file and its -wal/-shm renamed aside (a stale WAL must
 * never meet the restored file), the prepared copy renamed into place, the folder fsynced. Returns the name the
 * old journal was kept under. On failure before the copy is in place, the old journal is put back and it throws.
 */
export function swapIn(journalFile: string, restoring: string, now: number): string {
  const dir = dirname(journalFile);
  const keptAs = join(dir, `${basename(journalFile, '.sqlite3')}.before-restore-${stamp(now)}.sqlite3`);
  const moved: [string, string][] = [];
  try {
    for (const s of ['', '-wal', '-shm']) {
      if (!existsSync(journalFile + s)) continue;
      renameSync(journalFile + s, keptAs + s);
      moved.push([journalFile + s, keptAs + s]);
    }
    renameSync(restoring, journalFile);
  } catch (e) {
    for (const [from, to] of moved.reverse()) {
      try {
        renameSync(to, from);
      } catch {
        // left aside under keptAs: openStore finishes the restore or finds the file there
      }
    }
    throw e;
  }
  fsyncDir(dir);
  return keptAs;
}
