// Logs on disk (a packaged Windows app has no console): electron-log's file transport, one file per process
// and day under <data folder>/logs (main-2025-01-31.log, core-2025-01-31.log), a size cap per file, files
// older than `keepDays` deleted. Every line passes the journal's 個人番号 redaction before it is written, to
// the file and to the console alike. No `electron` import: the Electron main process and the plain-Node core
// process use the same module.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import electronLog from 'electron-log/node';
import { redactMyNumbers } from '../../claims/mynumber.ts';

export const LOG_DIR_NAME = 'logs';
export const DEFAULT_KEEP_DAYS = 30;
/** Set to '0' by a host that captures the core's stdout/stderr itself (no console echo, no double lines). */
export const LOG_CONSOLE_ENV = 'SHIKAKU_LOG_CONSOLE';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Log {
  readonly dir: string;
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  /** The file the next line goes to. */
  currentFile(): string;
  /** console.error/warn/info/log/debug → this log. */
  captureConsole(): void;
  /** Deletes this log's files older than keepDays; returns the names deleted. */
  prune(now?: Date): string[];
  close(): void;
}

export interface LogOptions {
  /** The logs folder (usually <data folder>/logs); created when missing. */
  dir: string;
  /** File name prefix: 'main', 'core'. */
  name: string;
  keepDays?: number;
  /** Also echo lines of this level and above to the console (development); the file gets every line. */
  consoleLevel?: LogLevel | false;
  /** Bytes per file before it is moved to <name>-<date>.old.log (default 10 MiB). */
  maxBytes?: number;
  now?: () => Date;
}

/** YYYY-MM-DD in local time (a clinic's day). */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const fileOf = (name: string) => new RegExp(`^${name}-(\\d{4})-(\\d{2})-(\\d{2})(\\.old)?\\.log$`);

/** The files of log `name` in `dir` whose day is more than keepDays before `now`. */
export function expiredLogFiles(files: readonly string[], name: string, keepDays: number, now: Date): string[] {
  const cutoff = new Date(now.getFullYear(), now.getMonth(), now.getDate() - keepDays);
  const pattern = fileOf(name);
  return files.filter((f) => {
    const m = pattern.exec(f);
    return m !== null && new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) < cutoff;
  });
}

/** Last step of a transport: its finished text (file: one string; console: console.*'s arguments) redacted. */
const redactLine = ({ data }: { data: unknown }): unknown =>
  typeof data === 'string'
    ? redactMyNumbers(data)
    : [redactMyNumbers(format(...(Array.isArray(data) ? (data as unknown[]) : [data])))];

let instances = 0;

export function openLog(options: LogOptions): Log {
  const keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;
  const now = options.now ?? (() => new Date());
  mkdirSync(options.dir, { recursive: true });
  const logger = electronLog.create({ logId: `shikaku-${options.name}-${++instances}` });
  const path = (): string => join(options.dir, `${options.name}-${localDay(now())}.log`);

  const file = logger.transports.file;
  file.level = 'debug';
  file.maxSize = options.maxBytes ?? 10 * 1024 * 1024;
  file.resolvePathFn = path;
  file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}]{scope} {text}';
  file.transforms = [...file.transforms, redactLine];
  const con = logger.transports.console;
  if (options.consoleLevel !== undefined && options.consoleLevel !== false) {
    con.level = options.consoleLevel;
    con.transforms = [...con.transforms, redactLine];
  } else {
    con.level = false;
  }
  for (const t of ['ipc', 'remote'] as const) {
    const transport = logger.transports[t];
    if (transport) transport.level = false;
  }

  const prune = (at: Date = now()): string[] => {
    let names: string[];
    try {
      names = readdirSync(options.dir);
    } catch {
      return [];
    }
    const expired = expiredLogFiles(names, options.name, keepDays, at);
    for (const f of expired) rmSync(join(options.dir, f), { force: true });
    return expired;
  };
  prune();
  // A clinic PC runs for weeks: prune again every 6 hours.
  const timer = setInterval(() => prune(), 6 * 60 * 60 * 1000);
  timer.unref();

  return {
    dir: options.dir,
    error: (...args) => logger.error(...args),
    warn: (...args) => logger.warn(...args),
    info: (...args) => logger.info(...args),
    debug: (...args) => logger.debug(...args),
    currentFile: path,
    captureConsole: () => {
      console.error = (...args: unknown[]) => logger.error(...args);
      console.warn = (...args: unknown[]) => logger.warn(...args);
      console.info = (...args: unknown[]) => logger.info(...args);
      console.log = (...args: unknown[]) => logger.info(...args);
      console.debug = (...args: unknown[]) => logger.debug(...args);
    },
    prune,
    close: () => clearInterval(timer),
  };
}

/** Splits a child's output stream into lines and hands each complete line to `write` (the last on end). */
export function lineSplitter(write: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk.toString()).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.trim() !== '') write(l);
    },
    end() {
      if (rest.trim() !== '') write(rest);
      rest = '';
    },
  };
}
