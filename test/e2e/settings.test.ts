// The 設定 screen in Chromium against the web host, the REAL core and the real SQLite journal: the
// administrator picks who is changing the settings, fixes a 医療機関コード (a wrong check digit first), sets
// the terminal folder (a missing folder first), switches the ③ 不詳 保険者番号 to 77777779 and adds a staff
// member. Each change is asserted in the journal file (settings table + audit log) and again after a reload.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { institutionCodeMessages } from '../../src/claims/institution.ts';
import { ClaimSettings } from '../../src/claims/settings.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, Actions } from './actions.ts';
import { openApp, startSession, type E2eSession, type OpenedPage } from './session.ts';

const t = strings.settings;
const STAFF = [
  { id: 's1', name: '受付 花子', active: true },
  { id: 'admin', name: '管理 一郎', active: true },
];
// 東京都(13)・医科(1)・1234567 → 検証番号 9 (worked by hand: weights 2,1,2,… from the right, digit sums).
const CODE_OK = '1312345679';
const CODE_BAD = '1312345670';

let session: E2eSession;
let shareDir: string;
const report = new ActionReport('settings');

beforeAll(async () => {
  delete process.env.SHIKAKU_TERMINAL_DIR; // the stored folder must be the one in use
  session = await startSession('settings', {
    seed: (store, dataDir) => {
      shareDir = join(dataDir, 'oqs-share');
      for (const sub of ['req', 'res', 'face']) mkdirSync(join(shareDir, sub), { recursive: true });
      expect(store.setStaff(STAFF, SYSTEM_ACTOR).ok).toBe(true);
    },
  });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

async function openSettings(): Promise<OpenedPage> {
  const opened = await openApp(session);
  await opened.page.getByRole('button', { name: strings.navSettings }).click();
  await opened.page.getByTestId('settings-clinic').waitFor();
  return opened;
}

const journal: E2eSession['journal'] = (fn) => session.journal(fn);
const stored = (key: string): unknown =>
  journal((db) => {
    const raw = db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  });

describe('設定', () => {
  it('changes the 医療機関コード, the terminal folder, the 不詳 保険者番号 and the staff list', async () => {
    const { page, problems } = await openSettings();
    const act = new Actions(page, 'settings', report);
    await act.shot('open');
    await act.axe();

    // No actor yet: saving is refused and the select says why.
    const code = page.getByLabel(t.institutionCode, { exact: true });
    await act.type(code, CODE_OK);
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('settings-status-clinic').textContent()).toBe(t.actorRequired);
    expect(stored('clinic.institutionCode')).toBeUndefined();

    await act.select(page.getByLabel(t.actor, { exact: true }), '管理 一郎');

    // A wrong check digit: the reason beside the field as typed, nothing saved.
    await code.fill('');
    await act.type(code, CODE_BAD);
    await expect.poll(() => code.getAttribute('aria-invalid')).toBe('true');
    await page.getByText(institutionCodeMessages.checkDigit).waitFor();
    await act.press('Enter');
    await expect
      .poll(() => page.getByTestId('settings-status-clinic').textContent())
      .toBe(t.notSaved(t.sections.clinic));
    expect(stored('clinic.institutionCode')).toBeUndefined();
    await act.shot('institution-invalid');

    // Full-width digits are fine: NFKC.
    await code.fill('');
    await act.type(code, '１３１２３４５６７９');
    await page.getByText(t.institutionOk('東京都', '医科')).waitFor();
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('settings-status-clinic').textContent()).toBe(t.saved(t.sections.clinic));
    expect(stored('clinic.institutionCode')).toBe(CODE_OK);

    // The terminal folder: a missing folder is refused by the core with its reason beside the field.
    const dir = page.getByLabel(t.terminalDir, { exact: true });
    const missing = join(session.dataDir, 'no-such-share');
    await act.type(dir, missing);
    await act.press('Enter');
    await page.getByText(`フォルダが見つかりません: ${missing}`).waitFor();
    expect(await dir.getAttribute('aria-invalid')).toBe('true');
    expect(stored('terminal.dir')).toBeUndefined();
    await act.shot('terminal-missing');
    await dir.fill('');
    await act.type(dir, shareDir);
    await act.press('Enter');
    await expect
      .poll(() => page.getByTestId('settings-status-terminal').textContent())
      .toBe(t.saved(t.sections.terminal));
    expect(stored('terminal.dir')).toBe(shareDir);

    // A field of a section not saved yet shows its reason once it is left, not while typed (the 医療機関コード and
    // the dates: as typed); once its section was saved, as the fields stand.
    const keep = page.getByTestId('setting-backup.keep');
    const was = await keep.inputValue();
    await keep.fill('abc');
    expect(await keep.getAttribute('aria-invalid')).toBeNull();
    await keep.press('Tab');
    await expect.poll(() => keep.getAttribute('aria-invalid')).toBe('true');
    await keep.fill(was);
    await expect.poll(() => keep.getAttribute('aria-invalid')).toBeNull();

    // ③ 不詳: 77777779 for レセコン that enforce the check digit.
    await act.click(page.getByRole('radio', { name: t.unknownInsurer['77777779'], exact: true }));
    await act.click(page.getByRole('button', { name: t.save(t.sections.claims) }));
    await expect.poll(() => page.getByTestId('settings-status-claims').textContent()).toBe(t.saved(t.sections.claims));
    expect(stored('claims')).toMatchObject({
      unknownInsurerNumber: '77777779',
      unknownNumberLength: 9, // 「777777777」: the 2023-07-19 事務連絡 (issue #12)
      mode: 'normal',
    });

    // A new staff member.
    await act.click(page.getByRole('button', { name: t.staffAdd }));
    await act.type(page.getByLabel(t.staffId(3), { exact: true }), 'n1');
    await act.type(page.getByLabel(t.staffName(3), { exact: true }), '新人 次郎');
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('settings-status-staff').textContent()).toBe(t.saved(t.sections.staff));
    expect(stored('staff')).toEqual([...STAFF, { id: 'n1', name: '新人 次郎', active: true }]);
    await act.shot('saved');
    await act.axe();

    // Every change is in the audit log under the administrator's id.
    const audit = journal(
      (db) =>
        db.prepare("SELECT actor, entity_id FROM audit_log WHERE action = 'setting.set' ORDER BY seq").all() as {
          actor: string;
          entity_id: string;
        }[],
    );
    const byAdmin = audit.filter((a) => a.actor === 'admin').map((a) => a.entity_id);
    for (const key of [
      'clinic.institutionCode',
      'clinic.name',
      'terminal.dir',
      'terminal.timeoutMs',
      'claims',
      'staff',
    ]) {
      expect(byAdmin, key).toContain(key);
    }
    expect(audit.filter((a) => a.entity_id === 'terminal.dir')).toHaveLength(1); // the refused folder wrote nothing
    act.done();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000); // five saves and two axe runs over the whole 設定 page (with every claims field): slow on a busy rig

  it('applies the stored terminal folder after a restart, and shows the saved values after a reload', async () => {
    // 「再起動後に反映されます」: take the share's res folder away and restart the app with real devices (the
    // simulated set always answers on its own demo share). Unconfigured, the terminal was 'unknown'; now the
    // core probes the STORED folder and finds its res folder missing.
    rmSync(join(shareDir, 'res'), { recursive: true });
    const app = await session.restartApp({}, { SHIKAKU_DEVICES: 'real', SHIKAKU_RECONCILE: 'manual' });
    await expect
      .poll(async () => (await app.core.request('health.get', {})).devices.terminal.status, { timeout: 15_000 })
      .toMatch(/^(warning|fault)$/); // debounced: 確認中 first, then fault
    mkdirSync(join(shareDir, 'res'));
    const { page, problems } = await openSettings();
    const act = new Actions(page, 'settings-reload', report);
    expect(await page.getByLabel(t.institutionCode, { exact: true }).inputValue()).toBe(CODE_OK);
    expect(await page.getByLabel(t.terminalDir, { exact: true }).inputValue()).toBe(shareDir);
    expect(await page.getByRole('radio', { name: t.unknownInsurer['77777779'], exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel(t.staffName(3), { exact: true }).inputValue()).toBe('新人 次郎');
    expect(await page.getByLabel(t.terminalTimeout, { exact: true }).inputValue()).toBe('30');
    await page.getByRole('option', { name: '新人 次郎' }).waitFor({ state: 'attached' });
    await act.shot('reloaded');
    await act.axe();
    act.done();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every claims setting at 1366×768, checks dates as typed, and a save resets no other claims key', async () => {
    // A key set elsewhere (the core, as a script or a newer screen would) before the page opens.
    const viaCore = await session.app.core.request('settings.set', {
      key: 'claims',
      value: { transitionalUntil: '2026-06-30' },
      staff: 'admin',
    });
    expect(viaCore).toMatchObject({ saved: true });
    const before = stored('claims') as Record<string, unknown>;
    expect(before).toMatchObject({ transitionalUntil: '2026-06-30', unknownInsurerNumber: '77777779' });

    const context = await session.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(session.app.host.url);
    await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
    await page.getByRole('button', { name: strings.navSettings }).click();
    const claims = page.getByTestId('settings-claims');
    await claims.waitFor();
    const act = new Actions(page, 'settings-claims-1366', report);

    // Every key of the schema has its field, showing the stored value.
    for (const key of Object.keys(ClaimSettings.shape)) await claims.getByTestId(`setting-claims.${key}`).waitFor();
    const kouki = page.getByLabel(t.numberLengthKouki, { exact: true });
    expect(await kouki.inputValue()).toBe('8');
    expect(await page.getByLabel(t.transitionalUntil, { exact: true }).inputValue()).toBe('2026-06-30');
    expect(await page.getByLabel(t.cardValidUntil, { exact: true }).inputValue()).toBe('2025-12-01');
    expect(await page.getByRole('radio', { name: t.notFoundOptions.review, exact: true }).isChecked()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await act.select(page.getByLabel(t.actor, { exact: true }), '管理 一郎');

    // A date that is not one: the reason beside the field as typed, nothing saved.
    const cardDate = page.getByLabel(t.cardValidUntil, { exact: true });
    await cardDate.fill('');
    await act.type(cardDate, '2025-02-30');
    await expect.poll(() => cardDate.getAttribute('aria-invalid')).toBe('true');
    await claims.getByText(t.dateFormat).waitFor();
    await act.click(page.getByRole('button', { name: t.save(t.sections.claims) }));
    await expect
      .poll(() => page.getByTestId('settings-status-claims').textContent())
      .toBe(t.notSaved(t.sections.claims));
    expect(stored('claims')).toEqual(before);
    await act.shot('claims-date-invalid');

    await cardDate.fill('');
    await act.type(cardDate, '２０２５－１２－０１');
    await kouki.fill('');
    await act.type(kouki, '7');
    await act.click(page.getByRole('radio', { name: t.notFoundOptions.evidence, exact: true }));
    await act.click(page.getByRole('button', { name: t.save(t.sections.claims) }));
    await expect.poll(() => page.getByTestId('settings-status-claims').textContent()).toBe(t.saved(t.sections.claims));
    // Exactly the two changes: every other key (the one set by the core included) as it was.
    expect(stored('claims')).toEqual({ ...before, unknownNumberLengthKouki: 7, notFoundWithEvidence: 'evidence' });
    await act.shot('claims-saved');
    await act.axe();
    act.done();
    expect(problems).toEqual([]);
    await context.close();
  });
});
