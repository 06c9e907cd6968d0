// The 設定 keys: the 医療機関コード rule, the per-field Japanese reasons, the terminal folder check, the staff
// list editor (an id used by past records can only be deactivated) and the settings requests through the
// real dispatcher and a real journal file.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { institutionCodeProblem } from '../../src/claims/institution.ts';
import { openJournal } from '../../src/main/core/journal.ts';
import { terminalSettings } from '../../src/main/core/handlers/settings.ts';
import { buildHandlers, createDispatcher, type CoreDeps } from '../../src/main/core/service.ts';
import { testCoreDeps } from '../support/core.ts';
import {
  checkTerminalDir,
  saveSetting,
  saveStaff,
  validateSetting,
  settingMessages,
} from '../../src/main/core/handlers/settings.ts';
import { knownSettings, settingDefaults } from '../../src/main/core/store/settings.ts';
import { makeVisit, openTestStore, removeDir, STAFF, tempDir, unwrap, type Store } from './helpers.ts';

// 0110113719: the worked example of the public description (北海道・医科). The others were checked by hand:
// weights 2,1,2,… from the 9th digit leftwards, digit sums of the products, (10 − sum mod 10) mod 10.
const VALID = ['0110113719', '1312345679', '2731000127', '1345123408'];

describe('医療機関コード', () => {
  it('accepts codes whose 検証番号 matches over the 9 digits before it', () => {
    for (const c of VALID) expect(institutionCodeProblem(c), c).toBeNull();
  });
  it('names the first problem of a wrong code', () => {
    expect(institutionCodeProblem('0110113718')).toBe('checkDigit');
    expect(institutionCodeProblem('1312345670')).toBe('checkDigit');
    // swapped neighbours: caught by the check digit
    expect(institutionCodeProblem('1312435679')).toBe('checkDigit');
    expect(institutionCodeProblem('011011371')).toBe('length');
    expect(institutionCodeProblem('01101137190')).toBe('length');
    expect(institutionCodeProblem('011O113719')).toBe('digits');
    expect(institutionCodeProblem('0010113719')).toBe('prefecture');
    expect(institutionCodeProblem('4810113719')).toBe('prefecture');
    expect(institutionCodeProblem('0120113719')).toBe('tensuhyo');
    expect(institutionCodeProblem('0150113719')).toBe('tensuhyo');
  });
  it('is a known setting: empty (not set yet) or a valid code', () => {
    const s = knownSettings['clinic.institutionCode'];
    expect(settingDefaults['clinic.institutionCode']).toBe('');
    expect(s.safeParse('').success).toBe(true);
    expect(s.safeParse('0110113719').success).toBe(true);
    expect(s.safeParse('0110113718').success).toBe(false);
  });
  it('gives a Japanese reason per problem, after NFKC and hyphen removal', () => {
    expect(validateSetting('clinic.institutionCode', '０１１０１１３７１９')).toEqual({
      ok: true,
      value: '0110113719',
    });
    expect(validateSetting('clinic.institutionCode', '01-1-0113719')).toEqual({ ok: true, value: '0110113719' });
    const bad = (v: string) => {
      const r = validateSetting('clinic.institutionCode', v);
      if (r.ok) throw new Error(`${v} accepted`);
      return r.errors[0]!.message;
    };
    expect(bad('0110113718')).toBe(settingMessages.institution.checkDigit);
    expect(bad('01101137')).toBe(settingMessages.institution.length);
    expect(bad('0120113719')).toBe(settingMessages.institution.tensuhyo);
    expect(bad('9910113719')).toBe(settingMessages.institution.prefecture);
    expect(bad('abc')).toBe(settingMessages.institution.digits);
  });
});

describe('the other new keys', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('shikaku-settings-');
  });
  afterEach(() => removeDir(dir));

  it('terminal.dir: empty, or an existing folder that can be read and written', () => {
    expect(checkTerminalDir('')).toBeNull();
    expect(checkTerminalDir(dir)).toBeNull();
    expect(checkTerminalDir(join(dir, 'nope'))).toBe(settingMessages.folderMissing(join(dir, 'nope')));
    expect(checkTerminalDir('relative/share')).toBe(settingMessages.folderRelative);
    writeFileSync(join(dir, 'file.txt'), 'x');
    expect(checkTerminalDir(join(dir, 'file.txt'))).toBe(settingMessages.folderNotDir(join(dir, 'file.txt')));
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      // root may write anywhere: only assert the refusal where permissions apply
      if (process.getuid?.() !== 0) expect(checkTerminalDir(locked)).toBe(settingMessages.folderNoAccess(locked));
    } finally {
      chmodSync(locked, 0o700);
    }
    const v = validateSetting('terminal.dir', `  ${dir}  `);
    expect(v).toEqual({ ok: true, value: dir });
  });

  it('terminal.timeoutMs and the numeric keys: ranges with Japanese reasons', () => {
    expect(settingDefaults['terminal.timeoutMs']).toBe(30_000);
    expect(validateSetting('terminal.timeoutMs', 5000)).toEqual({ ok: true, value: 5000 });
    expect(validateSetting('terminal.timeoutMs', 500)).toEqual({
      ok: false,
      errors: [{ path: '', message: settingMessages.min(1000) }],
    });
    expect(validateSetting('reconcile.concurrency', 17)).toEqual({
      ok: false,
      errors: [{ path: '', message: settingMessages.max(16) }],
    });
    expect(validateSetting('backup.keep', 'ten')).toEqual({
      ok: false,
      errors: [{ path: '', message: settingMessages.number }],
    });
    expect(validateSetting('reconcile.pauseAfterTimeouts', 2.5)).toEqual({
      ok: false,
      errors: [{ path: '', message: settingMessages.integer }],
    });
    expect(validateSetting('clinic.name', '　ＡＢＣクリニック ')).toEqual({ ok: true, value: 'ABCクリニック' });
    expect(validateSetting('no.such.key', 1)).toEqual({
      ok: false,
      errors: [{ path: '', message: settingMessages.unknownKey('no.such.key') }],
    });
  });

  it('claims: reasons per field', () => {
    const r = validateSetting('claims', {
      unknownInsurerNumber: '77777778',
      commentCode: '12',
      unknownNumberLength: 0,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
    expect(byPath).toEqual({
      unknownInsurerNumber: settingMessages.choice,
      commentCode: settingMessages.digitsN('9'),
      unknownNumberLength: settingMessages.min(1),
    });
    const ok = validateSetting('claims', { unknownInsurerNumber: '77777779' });
    expect(ok.ok && (ok.value as { unknownInsurerNumber: string }).unknownInsurerNumber).toBe('77777779');
  });
});

describe('saving with an actor, and the staff list', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = tempDir('shikaku-settings-');
    store = (await openTestStore(dir)).store;
  });
  afterEach(() => {
    store.close();
    removeDir(dir);
  });

  it('needs an active staff member; writes the value and an audit entry by that actor', () => {
    expect(saveSetting(store, { key: 'backup.keep', value: 20, staff: '' })).toMatchObject({
      saved: false,
      errors: [{ path: 'staff', message: settingMessages.actorRequired }],
    });
    expect(saveSetting(store, { key: 'backup.keep', value: 20, staff: 'nobody' })).toMatchObject({ saved: false });
    // the system actor is for the first setup only
    expect(saveSetting(store, { key: 'backup.keep', value: 20, staff: 'system' })).toMatchObject({ saved: false });
    const r = saveSetting(store, { key: 'backup.keep', value: 20, staff: 'yamada' });
    expect(r).toMatchObject({ saved: true, item: { key: 'backup.keep', value: 20, default: 14, isDefault: false } });
    expect(unwrap(store.getSetting('backup.keep'))).toBe(20);
    const audit = unwrap(store.listAudit({ entity: 'setting', entityId: 'backup.keep' }));
    expect(audit.at(-1)).toMatchObject({ actor: 'yamada', action: 'setting.set' });
    // invalid: nothing written
    expect(saveSetting(store, { key: 'backup.keep', value: 0, staff: 'yamada' })).toMatchObject({ saved: false });
    expect(unwrap(store.getSetting('backup.keep'))).toBe(20);
    expect(saveSetting(store, { key: 'staff', value: [], staff: 'yamada' })).toMatchObject({
      saved: false,
      errors: [{ message: settingMessages.staffViaOwnRequest }],
    });
  });

  it('adds, renames and deactivates; an id used by a visit cannot be removed', () => {
    unwrap(store.saveVisit(makeVisit(0, { staff: 'yamada' })));
    const added = saveStaff(store, {
      list: [...STAFF, { id: 'ｔａｎａｋａ', name: '田中 三郎', active: true }],
      staff: 'suzuki',
    });
    expect(added).toMatchObject({ saved: true });
    expect(store.listStaff().map((s) => s.id)).toEqual(['yamada', 'suzuki', 'tanaka']);

    const dup = saveStaff(store, {
      list: [...STAFF, { id: 'suzuki', name: '別人', active: true }],
      staff: 'suzuki',
    });
    expect(dup).toMatchObject({
      saved: false,
      errors: [{ path: '2.id', message: settingMessages.staffIdDuplicate('suzuki') }],
    });

    const removeUsed = saveStaff(store, { list: [STAFF[1]!], staff: 'suzuki' });
    expect(removeUsed).toMatchObject({
      saved: false,
      errors: [{ path: '', message: settingMessages.staffInUse('yamada') }],
    });
    expect(store.listStaff()).toHaveLength(3);

    // rename + deactivate the used id, remove the unused one
    const edited = saveStaff(store, {
      list: [
        { id: 'yamada', name: '山田 花子（旧姓）', active: false },
        { id: 'suzuki', name: '鈴木 一郎', active: true },
      ],
      staff: 'suzuki',
    });
    expect(edited).toMatchObject({ saved: true });
    expect(store.listStaff()).toEqual([
      { id: 'yamada', name: '山田 花子(旧姓)', active: false }, // NFKC
      { id: 'suzuki', name: '鈴木 一郎', active: true },
    ]);
    // a deactivated member can no longer change settings
    expect(saveSetting(store, { key: 'backup.keep', value: 3, staff: 'yamada' })).toMatchObject({ saved: false });
    const audit = unwrap(store.listAudit({ entity: 'setting', entityId: 'staff' }));
    expect(audit.map((a) => a.actor).sort()).toEqual(['suzuki', 'suzuki', 'system']); // setup, add, edit

    expect(
      saveStaff(store, {
        list: [
          { id: 'yamada', name: '山田', active: false },
          { id: 'suzuki', name: '鈴木', active: false },
        ],
        staff: 'suzuki',
      }),
    ).toMatchObject({ saved: false, errors: [{ message: settingMessages.staffNoneActive }] });
  });
});

function deps(journal: CoreDeps['journal'], terminalDirEnv: string | null = null): CoreDeps {
  return testCoreDeps(journal, '/tmp/x', { terminalDirEnv });
}

describe('settings requests through the dispatcher', () => {
  it('settings.get lists every known key; settings.set and staff.save validate and save', async () => {
    const dir = tempDir('shikaku-settings-');
    const journal = await openJournal(dir, 'test');
    try {
      const store = journal.store!;
      const d = createDispatcher(buildHandlers(deps(journal, '/mnt/oqs')), { testHooks: false });
      const call = async (name: string, input: unknown) => {
        const r = await d({ id: 1, name, input });
        if (!r?.ok) throw new Error(JSON.stringify(r));
        return r.value as Record<string, unknown>;
      };
      // first setup: no staff yet, the system actor creates the list
      expect(
        await call('staff.save', { list: [{ id: 'k1', name: '管理 太郎', active: true }], staff: 'system' }),
      ).toMatchObject({
        saved: true,
      });
      const got = await call('settings.get', {});
      const items = got.items as { key: string; isDefault: boolean; restartRequired: boolean }[];
      expect(items.map((i) => i.key).sort()).toEqual(Object.keys(knownSettings).sort());
      expect(got.terminalDirEnv).toBe('/mnt/oqs');
      expect(items.find((i) => i.key === 'terminal.dir')).toMatchObject({ isDefault: true, restartRequired: false }); // applies at once (link.ts re-opens)

      const bad = await call('settings.set', { key: 'clinic.institutionCode', value: '1312345670', staff: 'k1' });
      expect(bad).toEqual({
        saved: false,
        item: null,
        errors: [{ path: '', message: settingMessages.institution.checkDigit }],
        warnings: [],
      });
      const good = await call('settings.set', { key: 'clinic.institutionCode', value: '1312345679', staff: 'k1' });
      expect(good).toMatchObject({ saved: true, item: { value: '1312345679', isDefault: false } });
      expect(unwrap(store.getSetting('clinic.institutionCode'))).toBe('1312345679');

      const missing = await call('settings.set', { key: 'terminal.dir', value: join(dir, 'share'), staff: 'k1' });
      expect(missing).toMatchObject({
        saved: false,
        errors: [{ message: settingMessages.folderMissing(join(dir, 'share')) }],
      });
      mkdirSync(join(dir, 'share'));
      // saved, with a warning: no req/res folders (not the connector's share?)
      expect(await call('settings.set', { key: 'terminal.dir', value: join(dir, 'share'), staff: 'k1' })).toMatchObject(
        {
          saved: true,
          warnings: [settingMessages.folderNoReqRes(join(dir, 'share'))],
        },
      );
      mkdirSync(join(dir, 'share', 'req'));
      mkdirSync(join(dir, 'share', 'res'));
      expect(await call('settings.set', { key: 'terminal.dir', value: join(dir, 'share'), staff: 'k1' })).toMatchObject(
        {
          saved: true,
          warnings: [],
        },
      );
      expect(unwrap(store.getSetting('terminal.dir'))).toBe(join(dir, 'share'));
      // the system actor is refused once an active staff member exists
      expect(await call('settings.set', { key: 'clinic.name', value: 'x', staff: 'system' })).toMatchObject({
        saved: false,
      });

      const shape = await d({ id: 2, name: 'settings.set', input: { key: 'backup.keep', value: 3 } });
      expect(shape?.ok).toBe(false);
    } finally {
      journal.store?.close();
      removeDir(dir);
    }
  });
});

describe('terminalSettings (runtime)', () => {
  it('the environment variable wins; otherwise the stored folder and timeout', () => {
    const stored = new Map<string, unknown>([
      ['terminal.dir', '/srv/oqs'],
      ['terminal.timeoutMs', 12_000],
      ['clinic.institutionCode', '1312345679'],
    ]);
    const store = {
      getSetting: (k: string) =>
        stored.has(k)
          ? { ok: true as const, value: stored.get(k) }
          : { ok: false as const, error: { code: 'NOT_FOUND' as const, message: '' } },
    };
    expect(terminalSettings({ SHIKAKU_TERMINAL_DIR: '/env/oqs' }, store as never)).toEqual({
      dir: '/env/oqs',
      timeoutMs: 12_000,
      institutionCode: '1312345679',
    });
    expect(terminalSettings({}, store as never).dir).toBe('/srv/oqs');
    expect(terminalSettings({}, null)).toEqual({ dir: '', timeoutMs: 30_000, institutionCode: '' });
  });
});
