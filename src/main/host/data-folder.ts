// One journal per PC: on Windows the data folder is %ProgramData%\shikaku-fallback (store/paths.ts), created by
// the installer with write access for every account (resources/installer.nsh). Versions before kept it per
// account under %APPDATA%; the first start after the update moves that folder's contents over, once.
import { cpSync, existsSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { APP_DIR_NAME, DB_FILE_NAME } from '../core/store/paths.ts';

/** Where versions before 0.2 kept the data folder on Windows (one per account). */
export function legacyWindowsDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
}

/** Left in the old folder after the move, saying where the data went (for the help desk). */
export const MOVED_NOTE = 'MOVED.txt';

export type MoveResult =
  | { moved: false; reason: 'same-folder' | 'nothing-to-move' | 'target-has-journal' | 'already-moved' }
  | { moved: true; entries: string[] };

/**
 * Moves the old folder's contents (journal with its -wal/-shm, backups, logs, …) into `to`, unless `to`
 * already has a journal (then nothing is touched: two journals are never merged here). Entry by entry, by
 * rename, or copy-then-delete across volumes. Leaves MOVED.txt in the old folder so it is not moved again.
 */
export function moveLegacyDataDir(from: string, to: string): MoveResult {
  if (from === to) return { moved: false, reason: 'same-folder' };
  if (existsSync(join(from, MOVED_NOTE))) return { moved: false, reason: 'already-moved' };
  if (!existsSync(join(from, DB_FILE_NAME))) return { moved: false, reason: 'nothing-to-move' };
  if (existsSync(join(to, DB_FILE_NAME))) return { moved: false, reason: 'target-has-journal' };
  mkdirSync(to, { recursive: true });
  // The journal's companions first, the journal last: a move cut short leaves no journal without its WAL.
  const entries = readdirSync(from).sort((a, b) => Number(a === DB_FILE_NAME) - Number(b === DB_FILE_NAME));
  for (const name of entries) {
    const src = join(from, name);
    const dst = join(to, name);
    if (existsSync(dst)) continue;
    try {
      renameSync(src, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      cpSync(src, dst, { recursive: true, errorOnExist: true, force: false });
      rmSync(src, { recursive: true, force: true });
    }
  }
  writeFileSync(
    join(from, MOVED_NOTE),
    `このフォルダーのデータは ${to} へ移しました（${new Date().toISOString()}）。\r\n` +
      `The data in this folder was moved to ${to}.\r\n`,
  );
  return { moved: true, entries };
}
