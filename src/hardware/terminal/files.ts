// File-level conventions of the share (DOMAIN.md §5): names, atomic writes, stable reads, folder checks.
import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fsp } from 'node:fs';
import path from 'node:path';
import { TerminalError } from './errors.ts';

export const PREFIX = {
  qualificationReq: 'OQSsiquc01req_',
  qualificationRes: 'OQSsiquc01res_',
  bulkUploadReq: 'OQSmuquc01req_',
  bulkUploadRes: 'OQSmuquc01res_',
  bulkFetchReq: 'OQSmuquc02req_',
  bulkFetchRes: 'OQSmuquc02res_',
  face: 'OQSsiquc01res_face_',
} as const;

export type RequestKind = 'qualification' | 'bulk_upload' | 'bulk_fetch';

const REQ_PREFIX: Record<RequestKind, string> = {
  qualification: PREFIX.qualificationReq,
  bulk_upload: PREFIX.bulkUploadReq,
  bulk_fetch: PREFIX.bulkFetchReq,
};

/** Keys become part of file names and ArbitraryFileIdentifier: ASCII letters, digits, '-' and '_' only. */
export const KEY_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new TerminalError('TERMINAL_INVALID_QUERY', `key must match ${KEY_PATTERN} (got ${JSON.stringify(key)})`, {
      key,
    });
  }
}

/** A fresh key: time-ordered and unique enough for one share (yyyyMMddHHmmss + random). */
export function newKey(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${stamp}${randomBytes(5).toString('hex')}`;
}

export function requestFileName(kind: RequestKind, key: string): string {
  return `${REQ_PREFIX[kind]}${key}.xml`;
}

/** The answer base name for a request file name: `req` → `res` in the prefix, without the extension. */
export function answerBaseName(requestFile: string): string {
  return requestFile.replace(/^(OQS[A-Za-z]+\d\d)req_/, '$1res_').replace(/\.xml$/i, '');
}

export function requestKindOf(fileName: string): RequestKind | undefined {
  for (const [kind, prefix] of Object.entries(REQ_PREFIX) as [RequestKind, string][]) {
    if (fileName.startsWith(prefix) && fileName.toLowerCase().endsWith('.xml')) return kind;
  }
  return undefined;
}

export function keyOfRequestFile(fileName: string): string | undefined {
  const kind = requestKindOf(fileName);
  return kind ? fileName.slice(REQ_PREFIX[kind].length, -'.xml'.length) : undefined;
}

const FACE_RE = /^OQSsiquc01res_face_(.*)_(\d{14})\.xml$/i;

/** Face-reader result file name → its parts, or undefined when the name does not fit. */
export function parseFaceFileName(fileName: string): { id: string; timestamp: string } | undefined {
  const m = FACE_RE.exec(fileName);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { id: m[1], timestamp: m[2] };
}

export function faceFileName(id: string, at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return `${PREFIX.face}${id}_${stamp}.xml`;
}

export interface ShareDirs {
  root: string;
  req: string;
  res: string;
  face: string;
}

export function shareDirs(root: string): ShareDirs {
  return { root, req: path.join(root, 'req'), res: path.join(root, 'res'), face: path.join(root, 'face') };
}

/**
 * Write a file so that a reader never sees it half-written: a temporary name that matches no interface prefix
 * (so the connector ignores it), fsync, rename into place, then fsync the folder where the platform allows it.
 */
export async function atomicWrite(dir: string, name: string, data: Uint8Array): Promise<string> {
  const tmp = path.join(dir, `~shikaku-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const final = path.join(dir, name);
  const fh = await fsp.open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, final);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
  return final;
}

async function syncDir(dir: string): Promise<void> {
  // Directories cannot be opened for fsync on Windows; the rename is durable enough there.
  if (process.platform === 'win32') return;
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort (some network file systems refuse)
  } finally {
    await fh?.close();
  }
}

export async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Read a file only when it holds at most `maxBytes`: the size is checked first (stat on the open handle) and at
 * most `maxBytes + 1` bytes are ever read (the file may still be growing). undefined when the file is absent;
 * `{ tooLarge }` with the size seen when it is over the limit; other read errors are thrown.
 */
export async function readBounded(
  file: string,
  maxBytes: number,
): Promise<{ bytes: Buffer } | { tooLarge: number } | undefined> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size } = await fh.stat();
    if (size > maxBytes) return { tooLarge: size };
    const chunks: Buffer[] = [];
    let got = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - got, 1 << 16));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, got);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      got += bytesRead;
      if (got > maxBytes) return { tooLarge: Math.max(got, size) };
    }
    return { bytes: Buffer.concat(chunks, got) };
  } finally {
    await fh.close();
  }
}

/** The names in a folder; empty when the folder cannot be read (missing, share gone). */
export async function listNames(dir: string): Promise<Set<string>> {
  try {
    return new Set(await fsp.readdir(dir));
  } catch {
    return new Set();
  }
}

export async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function canAccess(p: string, mode: number): Promise<boolean> {
  try {
    await fsp.access(p, mode);
    return true;
  } catch {
    return false;
  }
}

export const ACCESS = { R: fsc.R_OK, W: fsc.W_OK };

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
