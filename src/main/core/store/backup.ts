// Online backups (better-sqlite3's db.backup(), safe while the app writes), written under a temporary name
// (`.partial-<pid>-…`), fsynced, then renamed and the folder fsynced, so a backup that exists under its final
// name is complete and a backup reported done survives a power cut. Rotated: keep N newest. Leftovers of
// interrupted backups are removed at startup and by rotation, once no running process can be writing them.
import type Database from 'better-sqlite3';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { durableFs, fsyncDir, fsyncFile } from './durable.ts';

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

/** Creates `dir` (and missing parents), fsyncing each parent whose entries changed. */
function makeDir(dir: string): void {
  const created = mkdirSync(dir, { recursive: true });
  if (created === undefined) return;
  for (let d = dir; dirname(d) !== d; d = dirname(d)) {
    fsyncDir(dirname(d));
    if (d === created) break;
  }
}

/**
 * Takes a backup. Resolves only when it is durable: the copy fsynced, renamed into place, the folder fsynced.
 * Throws (errno code kept: EIO, ENOSPC…) when any step fails; the copy is then removed, so nothing incomplete
 * or not durable is left under a final name, and earlier backups are untouched. Rotation comes after: a
 * failure to make the rotation durable is thrown too, the new backup being kept (it is complete and durable).
 */
export async function takeBackup(
  db: Database.Database,
  dir: string,
  reason: string,
  keep: number,
  now: Date,
): Promise<BackupInfo> {
  const fs = durableFs();
  makeDir(dir);
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
  const tmp = join(dir, `${PARTIAL}${process.pid}-${name}`);
  const file = join(dir, name);
  fs.rmSync(tmp, { force: true });
  try {
    await db.backup(tmp);
    fsyncFile(tmp);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    fsyncDir(dir);
  } catch (e) {
    fs.rmSync(file, { force: true });
    throw e;
  }
  if (rotate(dir, keep).length > 0) fsyncDir(dir);
  return { file, takenAt: at.toISOString(), reason: safeReason, bytes: statSync(file).size };
}

const PARTIAL = '.partial-';
/** A leftover this old is stale whoever wrote it (db.backup() touches its file at every step). */
const PARTIAL_STALE_MS = 10 * 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * A `.partial-*` no running process can still be writing: its writer's pid is gone (the name carries it), or
 * it has not been touched for 10 minutes (a pid reused after a restart, names from older versions).
 */
function isStalePartial(path: string, name: string, now: number): boolean {
  const pid = /^\.partial-(\d+)-journal-/.exec(name)?.[1];
  if (pid !== undefined && Number(pid) !== process.pid && !isAlive(Number(pid))) return true;
  try {
    return now - statSync(path).mtimeMs > PARTIAL_STALE_MS;
  } catch {
    return false; // gone already
  }
}

/** Deletes all but the `keep` newest backups, and stale leftovers of interrupted ones. */
export function rotate(dir: string, keep: number, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const b of listBackups(dir).slice(Math.max(1, keep))) {
    durableFs().rmSync(b.file, { force: true });
    removed.push(b.file);
  }
  return [...removed, ...removeStalePartials(dir, now).removed];
}

export interface PartialBackups {
  /** `.partial-*` files found in the backup folder when the store was opened. */
  foundAtStart: number;
  /** Of those, removed then (the others may still be being written by another process). */
  removedAtStart: number;
  /** `.partial-*` files there now. */
  present: number;
}

/** What the startup cleanup of each backup folder found, for `db check`. */
const startupCleanups = new Map<string, { found: number; removed: number }>();

/** Removes stale `.partial-*` leftovers (see isStalePartial); the caller fsyncs the folder. */
export function removeStalePartials(dir: string, now = Date.now()): { found: string[]; removed: string[] } {
  const found: string[] = [];
  const removed: string[] = [];
  for (const n of partialNames(dir)) {
    const f = join(dir, n);
    found.push(f);
    if (!isStalePartial(f, n, now)) continue;
    durableFs().rmSync(f, { force: true });
    removed.push(f);
  }
  return { found, removed };
}

function partialNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.startsWith(PARTIAL));
  } catch {
    return [];
  }
}

/** At store start: removes stale leftovers of interrupted backups and remembers the counts for `db check`. */
export function cleanUpPartialsAtStart(dir: string, writable: boolean): void {
  let r: { found: string[]; removed: string[] } = { found: partialNames(dir), removed: [] };
  try {
    if (writable) r = removeStalePartials(dir);
    if (r.removed.length > 0) fsyncDir(dir);
  } catch {
    // Housekeeping only: a leftover that could not be removed is counted by `db check` and retried by rotation.
  }
  startupCleanups.set(dir, { found: r.found.length, removed: r.removed.length });
}

export function partialBackups(dir: string): PartialBackups {
  const start = startupCleanups.get(dir);
  return {
    foundAtStart: start?.found ?? 0,
    removedAtStart: start?.removed ?? 0,
    present: partialNames(dir).length,
  };
}
