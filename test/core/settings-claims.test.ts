// 設定 › 請求の設定 (issue #12): saving never resets a claim setting the caller did not send. Through the real
// dispatcher and journal ('settings.set'), and the screen's own merge (claimsValue) with a key it does not know.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaimSettings } from '../../src/claims/settings.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { CLAIM_FIELDS, claimsValue } from '../../src/renderer/settings/ClaimsSettings.tsx';
import { openTestStore, removeDir, tempDir, unwrap } from '../reconcile/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = tempDir('shikaku-settings-claims-');
  store = await openTestStore(dataDir);
});
afterEach(() => {
  store.close();
  removeDir(dataDir);
});

describe('claim settings are never reset by a save', () => {
  it("'settings.set' puts the fields sent on top of the stored ones", async () => {
    const chosen = { transitionalUntil: '2026-06-30', unknownNumberLengthKouki: 7, notFoundWithEvidence: 'unknown' };
    unwrap(store.setSetting('claims', chosen, 'uketsuke-01'));
    const call = testDispatcher(testCoreDeps(store, dataDir));
    const r = await call('settings.set', {
      key: 'claims',
      value: { unknownInsurerNumber: '77777779' },
      staff: 'uketsuke-01',
    });
    expect(r).toMatchObject({ ok: true, value: { saved: true } });
    expect(unwrap(store.getSetting('claims'))).toMatchObject({ ...chosen, unknownInsurerNumber: '77777779' });
    // A bad field is still refused with its reason, and nothing changes.
    const bad = await call('settings.set', {
      key: 'claims',
      value: { insuranceCardValidUntil: '2025/12/01' },
      staff: 'uketsuke-01',
    });
    expect(bad).toMatchObject({
      ok: true,
      value: {
        saved: false,
        errors: [{ path: 'insuranceCardValidUntil', message: expect.stringContaining('YYYY-MM-DD') }],
      },
    });
    expect(unwrap(store.getSetting('claims'))).toMatchObject({ ...chosen, insuranceCardValidUntil: '2025-12-01' });
  });

  it('the screen shows every schema key and keeps a stored key it does not show', () => {
    expect([...CLAIM_FIELDS].sort()).toEqual(Object.keys(ClaimSettings.shape).sort());
    const stored = { ...ClaimSettings.parse({}), transitionalUntil: '2026-06-30', someNewerKey: 'kept' };
    const draft = { 'claims.mode': 'disaster', 'claims.unknownNumberLengthKouki': '７' };
    expect(claimsValue(draft, stored)).toEqual({ ...stored, mode: 'disaster', unknownNumberLengthKouki: 7 });
  });
});
