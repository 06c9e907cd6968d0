// Where the journal lives: `--data-dir` / a setting, else SHIKAKU_DATA_DIR, else the default data folder:
// one per PC on Windows (%ProgramData%\shikaku-fallback, created by the installer so every account can write
// it), the user's folder elsewhere. The app, the core and the CLI all resolve it here.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'shikaku-fallback';
export const DB_FILE_NAME = 'journal.sqlite3';
export const BACKUP_DIR_NAME = 'backups';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', APP_DIR_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_DIR_NAME);
}

/**
 * The per-user folder for the core's V8 code cache (boot.ts): %LOCALAPPDATA% on Windows, ~/Library/Caches on macOS,
 * $XDG_CACHE_HOME or ~/.cache elsewhere. Never the data folder: on Windows every account of the PC may write that
 * one, and a cache planted there would run as code in another account's app.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), APP_DIR_NAME, 'cache');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', APP_DIR_NAME);
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), APP_DIR_NAME);
}

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined && explicit !== '') return explicit;
  const fromEnv = env.SHIKAKU_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return defaultDataDir(env);
}

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE_NAME);
}

export function backupDir(dataDir: string): string {
  return join(dataDir, BACKUP_DIR_NAME);
}
