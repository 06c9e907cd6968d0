// Shared helpers for the reconciler tests: a real store in a temp folder (staff 'uketsuke-01'), a real terminal
// share with the simulator answering on real files, visits from docs/examples.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../../src/claims/visit.ts';
import type { SimPerson } from '../../src/hardware/terminal/index.ts';
import { openStore, type OpenStoreOptions, type Store } from '../../src/main/core/store/index.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'reconcile');

export const STAFF = [{ id: 'uketsuke-01', name: '受付 一郎', active: true }];

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const quiet: OpenStoreOptions = {
  checkpointIntervalMs: 0,
  backupCheckIntervalMs: 0,
  probeIntervalMs: 0,
  backupOnOpen: false,
};

export async function openTestStore(dataDir: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const r = await openStore({ dataDir, ...quiet, ...opts });
  if (!r.ok) throw new Error(`openStore failed: ${r.error.code} ${r.error.detail ?? ''}`);
  const store = r.value.store;
  if (store.listStaff().length === 0) unwrap(store.setStaff(STAFF, 'system'));
  return store;
}

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; detail?: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.detail ?? ''}`);
  return r.value;
}

export function example(name: string): Visit {
  return JSON.parse(readFileSync(path.join(ROOT, 'docs', 'examples', `${name}.json`), 'utf8')) as Visit;
}

/** A portal visit of 山田 花子 with the given numbers and a fresh id. */
export function visitWith(
  numbers: { insurerNumber: string; symbol?: string; number: string; branch?: string },
  over: Partial<Visit> = {},
): Visit {
  const v = example('portal');
  return {
    ...v,
    id: uuidv7(),
    evidence: { kind: 'portal', insurance: { symbol: '', branch: '', ...numbers } },
    ...over,
  };
}

export const HANAKO: SimPerson = {
  insurerNumber: '06132013',
  symbol: '1234',
  number: '567',
  branch: '01',
  name: '山田 花子',
  nameKana: 'ヤマダ ハナコ',
  birthDate: '1980-05-15',
  sex: 'female',
  copayPercent: 30,
};

/** A fake clock for the store: retries and leases come due when the test says so. */
export function fakeClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/**
 * An answer file's bytes with one result row's 記号 changed on the way, as a flipped byte would (`3-200457` →
 * `3@200457`): only inside ResultOfQualificationConfirmation, so the echo of the query stays as it was asked. The
 * file's other bytes (Shift_JIS included) are untouched: the replaced characters are ASCII.
 */
export function flipResultSymbol(bytes: Uint8Array, from: string, to: string): Buffer {
  const text = Buffer.from(bytes).toString('latin1');
  const flipped = text.replace(
    /<ResultOfQualificationConfirmation>[\s\S]*?<\/ResultOfQualificationConfirmation>/g,
    (row) =>
      row.replace(`<InsuredCardSymbol>${from}</InsuredCardSymbol>`, `<InsuredCardSymbol>${to}</InsuredCardSymbol>`),
  );
  if (flipped === text) throw new Error(`no result row with 記号 ${from} in the answer`);
  return Buffer.from(flipped, 'latin1');
}
