// Shared helpers for the terminal tests: real temp share folders, fixtures, cleanup.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimPerson } from '../../src/hardware/terminal/answers.ts';

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

/** 国保 (travels as 00138057), a name with ● (a character the registry could not represent). */
export const TAKAHASHI: SimPerson = {
  insurerNumber: '138057',
  symbol: '0012',
  number: '0001234',
  branch: '01',
  name: '髙橋　●美',
  nameKana: 'ﾀｶﾊｼ ｴﾐ',
  birthDate: '1950-01-05',
  sex: 'female',
  copayPercent: 20,
  insurerName: '千代田区国民健康保険',
};

/** A 協会けんぽ-style insured person with a valid 資格. */
export const YAMADA: SimPerson = {
  insurerNumber: '06130012',
  symbol: 'ｱｲｳ',
  number: '0456',
  branch: '00',
  name: '山田 太郎',
  birthDate: '1988-12-24',
  sex: 'male',
  copayPercent: 30,
};
