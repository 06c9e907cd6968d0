// Visits for the 事後確認 specs' journals (queue.test.ts, queue-1366.test.ts): docs/examples/portal.json under another
// name, taken by STAFF, with the old numbers; and the store's Result unwrapped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../../src/claims/visit.ts';

export const STAFF = { id: 's1', name: '受付 花子', active: true };
export const OLD = { insurerNumber: '06132013', symbol: '1234', number: '567', branch: '01' };
const ROOT = join(import.meta.dirname, '..', '..');

/** A visit of docs/examples/ under another name, taken by STAFF. */
export function exampleVisit(file: string, name: string, kana: string): Visit {
  const v = JSON.parse(readFileSync(join(ROOT, 'docs/examples', file), 'utf8')) as Visit;
  return {
    ...v,
    id: uuidv7(),
    staff: STAFF.id,
    identity: { ...v.identity, confirmedBy: STAFF.id },
    patient: { ...v.patient, name, nameKana: kana },
  };
}

export function visitOf(name: string, kana: string, over: Partial<Visit> = {}): Visit {
  return { ...exampleVisit('portal.json', name, kana), evidence: { kind: 'portal', insurance: OLD }, ...over };
}

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}
