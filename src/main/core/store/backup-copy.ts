// The second backup folder (a USB stick or a NAS share, setting 'backup.secondDir'): every backup, once durable in
// the data folder, is copied there too: under a temporary name (`.partial-<pid>-…`), fsynced, renamed, the folder
// fsynced, then the folder rotated like the first (keep N). A folder that disappears mid-copy (USB pulled), a full
// stick or a read-only share fails the copy with its own code; nothing incomplete is left under a final name and
// the backup in the data folder is untouched. Also: the check that a folder can take backups at all.
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { rotate } from './backup.ts';
import { durableFs, fsyncDir, writeFileDurable } from './durable.ts';
import type { StoreErrorCode } from './messages.ts';

function removeQuietly(path: string): void {
  try {
    durableFs().rmSync(path, { force: true });
  } catch {
    // the folder itself is gone (USB pulled): nothing is left there to look complete
  }
}

/** A failed copy or check as the store's code (Japanese message in storeMessages). */
export function copyFailureCode(e: unknown): StoreErrorCode {
  const c = (e as { code?: unknown } | null)?.code;
  if (c === 'ENOENT' || c === 'ENODEV' || c === 'ENXIO' || c === 'ESTALE' || c === 'ENOTDIR') return 'BACKUP_COPY_GONE';
  if (c === 'ENOSPC' || c === 'EDQUOT') return 'BACKUP_COPY_FULL';
  if (c === 'EROFS' || c === 'EACCES' || c === 'EPERM') return 'BACKUP_DIR_NOT_WRITABLE';
  return 'BACKUP_COPY_FAILED';
}

/**
 * Copies a finished backup into the second folder and rotates that folder (keep N). The folder must exist (a
 * stick that is not plugged in is not silently replaced by a new folder on the PC's own disk).
 */
export function copyToSecondDir(backupFile: string, dir: string, keep: number): string {
  if (!isDir(dir)) throw Object.assign(new Error(`second backup folder missing: ${dir}`), { code: 'ENOENT' });
  const dest = join(dir, basename(backupFile));
  // A journal is a few MB to a few hundred: read whole, written by the one durable writer (temporary name, fsync,
  // rename, folder fsync; the temporary file removed on failure).
  writeFileDurable(dest, readFileSync(backupFile));
  if (rotate(dir, keep).length > 0) fsyncDir(dir);
  return dest;
}

function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether a folder can take backups: absolute, present, and a small file written there durably and removed.
 * Null when it can ('' = no second folder is fine too), else the code of the reason.
 */
export function checkBackupDir(dir: string): StoreErrorCode | null {
  if (dir === '') return null;
  if (!isAbsolute(dir)) return 'BACKUP_DIR_RELATIVE';
  if (!isDir(dir)) return 'BACKUP_DIR_MISSING';
  const probe = join(dir, `.shikaku-write-test-${process.pid}`);
  try {
    writeFileDurable(probe, Buffer.from('shikaku-fallback backup folder check\n'));
    durableFs().rmSync(probe, { force: true });
    return null;
  } catch (e) {
    removeQuietly(probe);
    const code = copyFailureCode(e);
    return code === 'BACKUP_COPY_GONE'
      ? 'BACKUP_DIR_MISSING'
      : code === 'BACKUP_COPY_FULL'
        ? code
        : 'BACKUP_DIR_NOT_WRITABLE';
  }
}
