// Store migration 4 on real SQLite files written the way the build before issue #12 wrote them (schema v3, the
// 設定 screen's whole 'claims' object with the then-default ③ 不詳 番号 length 8): the old default becomes the
// published 9 digits / 後期 8 (2023-07-19 保険局医療課 事務連絡 [S1b]) once, audited; a length the clinic chose is kept.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultClaimSettings, readClaimSettings } from '../../src/claims/settings.ts';
import { claimSettingsOf } from '../../src/main/core/reconcile/claim.ts';
import { appendAudit } from '../../src/main/core/store/audit.ts';
import { canonicalJson, sha256Hex } from '../../src/main/core/store/canonical.ts';
import { dbPath, openStore } from '../../src/main/core/store/index.ts';
import { migrateTo } from '../../src/main/core/store/migrations.ts';
import { quiet, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

/** Every key the old 設定 screen saved, with the old defaults (before unknownNumberLengthKouki existed). */
const OLD_CLAIMS = {
  mode: 'normal',
  unknownInsurerNumber: '77777777',
  kokuhoUnknownForm: '8digit',
  unknownSymbolLength: 0,
  unknownNumberLength: 8,
  commentCode: '810000001',
  commentShinryoShikibetsu: '99',
  notFoundWithEvidence: 'unknown',
  unknownInsuranceTypePayer: 'shiharai_kikin',
  disasterInsurerNumber: '99999999',
  disasterNumber: '999999999',
};

/** A journal at schema v3 holding `claims` as the old build's settings.set stored it (value + audit entry). */
function writeOldJournal(claims: Record<string, unknown> | undefined): void {
  const db = new Database(dbPath(dir));
  try {
    migrateTo(db, 3);
    if (claims === undefined) return;
    const json = JSON.stringify(claims);
    db.transaction(() => {
      db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run(
        'claims',
        json,
        1_733_000_000_000,
      );
      appendAudit(db, {
        actor: 'admin',
        action: 'setting.set',
        entity: 'setting',
        entityId: 'claims',
        detail: { sha256: sha256Hex(json) },
        at: '2026-11-01T00:00:00.000Z',
      });
    })();
  } finally {
    db.close();
  }
}

async function open() {
  return unwrap(await openStore({ dataDir: dir, backupOnOpen: false, ...quiet }));
}

function storedClaims(): unknown {
  const db = new Database(dbPath(dir), { readonly: true });
  try {
    const raw = db.prepare(`SELECT value FROM settings WHERE key = 'claims'`).pluck().get() as string | undefined;
    return raw === undefined ? undefined : JSON.parse(raw);
  } finally {
    db.close();
  }
}

describe('migration 4: the ③ 不詳 番号 length', () => {
  it('moves the old default 8 to 9 / 後期 8 once, keeps every other key, and audits it as the system', async () => {
    writeOldJournal({ ...OLD_CLAIMS, unknownInsurerNumber: '77777779' });
    const { store, report } = await open();
    expect(report.migrationsApplied).toContain(4); // (and any later ones)
    expect(claimSettingsOf(store)).toMatchObject({
      unknownNumberLength: 9,
      unknownNumberLengthKouki: 8,
      unknownInsurerNumber: '77777779', // chosen by the clinic: kept
      notFoundWithEvidence: 'unknown', // not this migration's business
    });
    const entries = unwrap(store.listAudit({ entity: 'setting', entityId: 'claims' }));
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['setting.migrate', 'system'],
      ['setting.set', 'admin'],
    ]);
    expect(entries[0]!.detail).toMatchObject({
      from: { unknownNumberLength: 8 },
      to: { unknownNumberLength: 9, unknownNumberLengthKouki: 8 },
      sha256: sha256Hex(JSON.stringify(storedClaims())),
    });
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true, entries: 2 });
    store.close();

    // Once: opening again changes nothing, and a deliberate 8 set afterwards (new shape) stays 8.
    const again = await open();
    expect(again.report.migrationsApplied).toEqual([]);
    unwrap(again.store.setSetting('claims', { ...claimSettingsOf(again.store), unknownNumberLength: 8 }, 'system'));
    again.store.close();
    const third = await open();
    expect(claimSettingsOf(third.store).unknownNumberLength).toBe(8);
    expect(
      unwrap(third.store.listAudit({ entity: 'setting', entityId: 'claims' })).filter(
        (e) => e.action === 'setting.migrate',
      ),
    ).toHaveLength(1);
    third.store.close();
  });

  it('keeps a length the clinic chose (not the old default), and leaves a journal without claims settings alone', async () => {
    writeOldJournal({ ...OLD_CLAIMS, unknownNumberLength: 10 });
    const before = canonicalJson(storedClaims());
    const { store } = await open();
    expect(canonicalJson(storedClaims())).toBe(before);
    expect(claimSettingsOf(store)).toMatchObject({ unknownNumberLength: 10, unknownNumberLengthKouki: 8 });
    expect(unwrap(store.listAudit({ entity: 'setting' })).map((e) => e.action)).toEqual(['setting.set']);
    store.close();

    removeDir(dir);
    dir = tempDir();
    writeOldJournal(undefined);
    const empty = await open();
    expect(empty.report.migrationsApplied).toContain(4);
    expect(storedClaims()).toBeUndefined();
    expect(unwrap(empty.store.verifyAudit())).toMatchObject({ ok: true, entries: 0 });
    empty.store.close();
  });

  it('keeps 8 stored in the new shape (the 後期 key present: saved after the split, so chosen)', async () => {
    writeOldJournal({ ...OLD_CLAIMS, unknownNumberLength: 8, unknownNumberLengthKouki: 8 });
    const { store } = await open();
    expect(claimSettingsOf(store)).toMatchObject({ unknownNumberLength: 8, unknownNumberLengthKouki: 8 });
    expect(unwrap(store.listAudit({ entity: 'setting' })).map((e) => e.action)).toEqual(['setting.set']);
    store.close();
  });
});

describe('claim settings read key by key', () => {
  it('a stored value out of today’s range falls back alone; the clinic’s other choices are kept', async () => {
    // An older build allowed a 記号 fill of up to 38; today's rule is 0–19 (the UKE 記号・番号 bytes).
    writeOldJournal({ ...OLD_CLAIMS, unknownNumberLength: 10, mode: 'disaster', unknownSymbolLength: 30 });
    const { store } = await open();
    expect(claimSettingsOf(store)).toMatchObject({
      mode: 'disaster',
      unknownNumberLength: 10,
      notFoundWithEvidence: 'unknown',
      unknownSymbolLength: 0,
    });
    store.close();
  });

  it('names what fell back, and reads a value that is not an object as the defaults', () => {
    expect(readClaimSettings({ mode: 'disaster', commentMaxBytes: 5, extra: 1 })).toMatchObject({
      settings: { mode: 'disaster', commentMaxBytes: defaultClaimSettings.commentMaxBytes },
      invalid: ['commentMaxBytes'],
    });
    expect(readClaimSettings('x')).toEqual({ settings: defaultClaimSettings, invalid: ['(not an object)'] });
    expect(readClaimSettings({ ...defaultClaimSettings })).toEqual({ settings: defaultClaimSettings, invalid: [] });
  });
});
