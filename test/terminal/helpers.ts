// Shared helpers for the terminal tests: real temp share folders, fixtures, cleanup.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'terminal');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export function tempDir(prefix = 'shikaku-term-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function makeShare(dir: string): Promise<void> {
  for (const d of ['req', 'res', 'face']) await mkdir(path.join(dir, d), { recursive: true });
}

/** Resolve when `cond` holds, polling; rejects after `limitMs` (a guard against hangs, not a timing assertion). */
export async function until(cond: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
