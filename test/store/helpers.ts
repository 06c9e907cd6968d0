// Shared helpers for the store tests: temp folders, complete visits, a store with a staff list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../../src/claims/visit.ts';
import { openStore, type OpenStoreOptions, type OpenedStore, type Store } from '../../src/main/core/store/index.ts';

export const STAFF = [
  { id: 'yamada', name: '山田 花子', active: true },
  { id: 'suzuki', name: '鈴木 一郎', active: true },
];

export function tempDir(prefix = 'shikaku-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const CAUSES = ['reader_fault', 'terminal_fault', 'card_fault', 'power_outage', 'facility_network'] as const;
const KANA = ['ヤマダ タロウ', 'スズキ ハナコ', 'タナカ イチロウ', 'サトウ ジロウ', 'イトウ サクラ'];

/**
 * A complete visit: every defaulted field is present, so what is sent deep-equals what the store keeps.
 */
export function makeVisit(i = 0, over: Partial<Visit> = {}): Visit {
  const day = String((i % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
  return {
    id: uuidv7(),
    serviceDate: `2025-${month}-${day}`,
    receivedAt: `2025-${month}-${day}T09:15:00+09:00`,
    staff: 'yamada',
    patient: {
      patientId: `P${String(i).padStart(6, '0')}`,
      name: `患者 ${i}`,
      nameKana: KANA[i % KANA.length]!,
      birthDate: '1960-05-01',
      sex: i % 2 ? 'female' : 'male',
      postalCode: '100-0001',
      address: '東京都千代田区千代田1-1',
      phone: '03-1234-5678',
    },
    cause: CAUSES[i % CAUSES.length]!,
    identity: { method: 'visual', confirmedBy: 'yamada' },
    evidence: {
      kind: 'insurance_card',
      insurance: { insurerNumber: '06130012', symbol: '12', number: String(1000 + i), branch: '00' },
    },
    copay: { percent: 30, source: 'age', reason: '' },
    note: '',
    ...over,
  };
}

export const quiet: OpenStoreOptions = { checkpointIntervalMs: 0, backupCheckIntervalMs: 0, probeIntervalMs: 0 };

/** Opens a store in `dir` with timers off and the staff list set. */
export async function openTestStore(dir: string, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  const r = await openStore({ dataDir: dir, ...quiet, ...opts });
  if (!r.ok) throw new Error(`openStore failed: ${r.error.code} ${r.error.detail ?? ''}`);
  if (r.value.store.listStaff().length === 0) {
    const s = r.value.store.setStaff(STAFF, 'system');
    if (!s.ok) throw new Error(`setStaff failed: ${s.error.code}`);
  }
  return r.value;
}

export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; detail?: string } }): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.detail ?? ''}`);
  return r.value;
}

export type { Store };
