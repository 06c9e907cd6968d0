// Durable file operations: a file's data is fsynced before its name appears, and a directory is fsynced after
// its entries change, so "done" means "survives a power cut". An fsync error is a failure, never swallowed:
// only a directory that the platform cannot open or fsync at all (Windows) is let through.
import * as nodeFs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file-system calls durable writes make. Tests swap in failing ones with `replaceDurableFs`. */
export interface DurableFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: boolean }): void;
}

const realFs: DurableFs = {
  openSync: (p, f) => nodeFs.openSync(p, f),
  writeSync: (fd, d) => nodeFs.writeSync(fd, d),
  fsyncSync: (fd) => nodeFs.fsyncSync(fd),
  closeSync: (fd) => nodeFs.closeSync(fd),
  renameSync: (a, b) => nodeFs.renameSync(a, b),
  rmSync: (p, o) => nodeFs.rmSync(p, o),
};

let fs: DurableFs = realFs;

/** Tests only: replaces some of the calls (e.g. an fsync that fails with EIO). Returns the undo. */
export function replaceDurableFs(over: Partial<DurableFs>): () => void {
  const before = fs;
  fs = { ...fs, ...over };
  return () => {
    fs = before;
  };
}

/** The calls in use (backup.ts renames and removes through them too). */
export function durableFs(): DurableFs {
  return fs;
}

/** Errors meaning "directories cannot be opened or fsynced here" (Windows, some network file systems). */
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP']);

/** The error, its errno code kept, its message naming the step and the path. */
function failure(step: string, path: string, e: unknown): Error {
  const code = (e as { code?: unknown } | null)?.code;
  return Object.assign(new Error(`${step} ${path}: ${(e as Error).message}`), {
    code: typeof code === 'string' ? code : 'EIO',
    cause: e,
  });
}

/** fsyncs a file's data; throws on any error (opened read-write: Windows flushes only writable handles). */
export function fsyncFile(path: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r+');
    fs.fsyncSync(fd);
  } catch (e) {
    throw failure('fsync', path, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** fsyncs a directory's entries. Throws on I/O errors; platforms that cannot fsync directories pass. */
export function fsyncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && DIR_FSYNC_UNSUPPORTED.has(code)) return;
    throw failure('fsync directory', path, e);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `path` so that, after a power cut, `path` holds either its previous content or all of
 * `data`: written under a temporary name, fsynced, renamed, the directory fsynced. On failure the temporary
 * file is removed and the error thrown (errno code kept); `path` is left as it was, except when only the last
 * step (the directory fsync) fails: the new content is then in place but may not survive a power cut.
 */
export function writeFileDurable(path: string, data: Uint8Array): void {
  const tmp = join(dirname(path), `.partial-${process.pid}-${basename(path)}`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w');
    for (let at = 0; at < data.length;) at += fs.writeSync(fd, data.subarray(at));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw failure('write', path, e);
  }
  fsyncDir(dirname(path));
}

/** A file written piece by piece (a month's export): `finish` makes it durable; `abort` leaves no file. */
export interface StreamedFile {
  write(data: Uint8Array): void;
  /** fsyncs and closes the file (its name is the caller's to rename and the folder's to fsync). */
  finish(): void;
  /** Closes and removes the file; never throws. */
  abort(): void;
}

/**
 * Creates `path` (replacing a file of that name) for writing in pieces. Any failure throws with its errno code
 * kept; the caller then calls `abort`.
 */
export function openStreamedFile(path: string): StreamedFile {
  let fd: number | undefined = fs.openSync(path, 'w');
  const open = (): number => {
    if (fd === undefined) throw failure('write', path, new Error('file already closed'));
    return fd;
  };
  return {
    write(data) {
      const f = open();
      try {
        for (let at = 0; at < data.length;) at += fs.writeSync(f, data.subarray(at));
      } catch (e) {
        throw failure('write', path, e);
      }
    },
    finish() {
      const f = open();
      try {
        fs.fsyncSync(f);
        fd = undefined;
        fs.closeSync(f);
      } catch (e) {
        throw failure('fsync', path, e);
      }
    },
    abort() {
      try {
        if (fd !== undefined) fs.closeSync(fd);
      } catch {
        // closing a file that is being removed: nothing to keep
      }
      fd = undefined;
      try {
        fs.rmSync(path, { force: true });
      } catch {
        // the staging folder is removed after this in any case
      }
    },
  };
}
