// Online backups (better-sqlite3's db.backup(), safe while the app writes), written under a temporary name,
// fsynced, then renamed, so a backup that exists under its final name is complete. Rotated: keep N newest.
import type Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const NAME = /^journal-(\d{8}T\d{9}Z)-([a-z0-9-]+)\.sqlite3$/;

export interface BackupInfo {
  file: string;
  /** ISO time the backup was taken. */
  takenAt: string;
  reason: string;
  bytes: number;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(s: string): string {
  // 20250102T030405678Z → 2025-01-02T03:04:05.678Z
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
}

export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be fsynced on every platform (Windows); the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function listBackups(dir: string): BackupInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const n of names) {
    const m = NAME.exec(n);
    if (!m) continue;
    const file = join(dir, n);
    try {
      out.push({ file, takenAt: parseStamp(m[1]!), reason: m[2]!, bytes: statSync(file).size });
    } catch {
      // vanished meanwhile
    }
  }
  return out.sort((a, b) => (a.takenAt < b.takenAt ? 1 : a.takenAt > b.takenAt ? -1 : 0));
}

export async function takeBackup(
  db: Database.Database,
  dir: string,
  reason: string,
  keep: number,
  now: Date,
): Promise<BackupInfo> {
  mkdirSync(dir, { recursive: true });
  const safeReason =
    reason
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 40) || 'manual';
  let at = now;
  let name = `journal-${stamp(at)}-${safeReason}.sqlite3`;
  // Two backups in the same millisecond (tests, a migration right after the daily one): keep both.
  while (listBackups(dir).some((b) => b.file === join(dir, name))) {
    at = new Date(at.getTime() + 1);
    name = `journal-${stamp(at)}-${safeReason}.sqlite3`;
  }
  const tmp = join(dir, `.partial-${name}`);
  rmSync(tmp, { force: true });
  try {
    await db.backup(tmp);
    fsyncPath(tmp);
    renameSync(tmp, join(dir, name));
    fsyncPath(dir);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  rotate(dir, keep);
  const file = join(dir, name);
  return { file, takenAt: at.toISOString(), reason: safeReason, bytes: statSync(file).size };
}

/** Deletes all but the `keep` newest backups, and leftovers of interrupted ones. */
export function rotate(dir: string, keep: number): string[] {
  const removed: string[] = [];
  for (const b of listBackups(dir).slice(Math.max(1, keep))) {
    rmSync(b.file, { force: true });
    removed.push(b.file);
  }
  for (const n of readdirSync(dir)) {
    // Another process (the CLI beside the app) may be writing one right now: only clear old leftovers.
    if (n.startsWith('.partial-')) {
      const f = join(dir, n);
      try {
        if (Date.now() - statSync(f).mtimeMs > 10 * 60_000) {
          rmSync(f, { force: true });
          removed.push(f);
        }
      } catch {
        // gone already
      }
    }
  }
  return removed;
}
