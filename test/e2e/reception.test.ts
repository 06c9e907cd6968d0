// The reception slice in Chromium against the web host, the REAL core and the real SQLite journal: one spec
// per evidence path (verbal confirmation of a returning patient, 資格確認書 with typed numbers, 申立書, 目視 +
// お知らせ, マイナポータル). Each asserts what was saved (the stored JSON, read from the journal file), counts
// the keystrokes and clicks it needed (test/e2e/actions.ts → .tmp/actions/reception.json) and screenshots every wizard step
// (.tmp/screenshots/). An axe check asserts no serious accessibility violations on each step.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/claims/insurer.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { SYSTEM_ACTOR, dbPath, openStore } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, Actions, expectAccessible } from './actions.ts';
import { ensureRendererBuilt, isAlive, launchChromium, startE2eApp, type E2eApp } from './helpers.ts';

const withCheck = (body: string) => body + String(checkDigit(body));
const KYOKAI = withCheck('0113001'); // 協会けんぽ 東京
const KUMIAI = withCheck('0613001'); // 組合健保 東京
/** A 3-year-old on any service date: 未就学 → 2割. */
const PRESCHOOL_BIRTH = `${new Date().getFullYear() - 3}-06-15`;
const STAFF = { id: 's1', name: '受付 花子', active: true };

let browser: Browser;
let context: BrowserContext;
let app: E2eApp;
let dataDir: string;
let seededPatientId: string;
const report = new ActionReport('reception');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'shikaku-reception-'));
  // Seed the journal before the app opens it: the staff list and one returning patient with insurance.
  const opened = await openStore({ dataDir, appVersion: '0.0.0-e2e', backupOnOpen: false, checkpointIntervalMs: 0 });
  if (!opened.ok) throw new Error(opened.error.message);
  const { store } = opened.value;
  expect(store.setStaff([STAFF], SYSTEM_ACTOR).ok).toBe(true);
  const p = store.upsertPatient(
    {
      patientId: 'K-1001',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      birthDate: '1960-05-20',
      sex: 'male',
      postalCode: '1000001',
      address: '東京都千代田区千代田1-1',
      phone: '0312345678',
      insurance: { insurerNumber: KUMIAI, symbol: '12', number: '3456', branch: '00' },
      lastVisitDate: '2026-10-01',
    },
    SYSTEM_ACTOR,
  );
  if (!p.ok) throw new Error(p.error.message);
  seededPatientId = p.value.id;
  store.close();

  await ensureRendererBuilt();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
  app = await startE2eApp({ dataDir });
});

afterAll(async () => {
  await browser?.close();
  await app?.dispose();
  for (const pid of app?.pids ?? []) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
  rmSync(dataDir, { recursive: true, force: true });
  report.write();
});

async function openReception(name: string): Promise<{ page: Page; act: Actions; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(app.host.url);
  await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
  await page.getByRole('option', { name: STAFF.name }).waitFor({ state: 'attached' });
  const act = new Actions(page, name, report);
  await act.select(page.getByLabel(strings.staffLabel, { exact: true }), STAFF.name);
  return { page, act, problems };
}

/** The saved visit's JSON as the journal holds it (read-only, beside the running core). */
function storedVisit(id: string): Visit {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT json, status FROM visits WHERE id = ?').get(id) as
      { json: string; status: string } | undefined;
    expect(row?.status).toBe('pending');
    return JSON.parse(row!.json) as Visit;
  } finally {
    db.close();
  }
}

async function finish(page: Page, act: Actions): Promise<string> {
  expect(await act.step()).toBe('summary');
  expect(await page.getByRole('button', { name: strings.save }).evaluate((el) => el === document.activeElement)).toBe(
    true,
  );
  await act.press('Enter');
  await page.getByTestId('saved').waitFor();
  await act.axe();
  const id = (await page.getByTestId('saved-id').textContent())!.trim();
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const listed = await page.evaluate(() => window.shikaku!.invoke('visits.list', { status: 'pending' }));
  expect(listed.items.map((v) => v.id)).toContain(id);
  act.done();
  return id;
}

const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });

describe('reception: マイナ保険証で確認できない', () => {
  it('returning patient, verbal confirmation 「変更なし」 of the stored insurance', async () => {
    const { page, act, problems } = await openReception('verbal');
    await act.type(page.getByLabel(strings.searchKana, { exact: true }), 'やまだ');
    await act.press('Enter');
    await act.click(page.getByRole('button', { name: strings.choosePatient('山田 太郎') }));
    await expect.poll(() => page.getByLabel(strings.patientName, { exact: true }).inputValue()).toBe('山田 太郎');
    expect(await page.getByText('1960年5月20日（昭和35年5月20日）').count()).toBeGreaterThan(0);
    await act.click(page.getByRole('button', { name: strings.cannotConfirm }));

    expect(await act.step()).toBe('cause');
    await act.click(radio(page, strings.causes.card_fault));
    await act.press('Enter');
    expect(await act.step()).toBe('identity');
    await act.click(radio(page, strings.identity.visual));
    await act.press('Enter'); // not yet confirmed: stays, with the reason
    expect(await page.getByText(strings.visualRequired).count()).toBe(1);
    await act.click(page.getByRole('checkbox', { name: strings.visualConfirm }));
    expect(await page.getByTestId('visual-recorded').textContent()).toContain(STAFF.name);
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceKind');
    expect(await radio(page, strings.evidence.notice_with_card).count()).toBe(1);
    await act.click(radio(page, strings.evidence.verbal));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceDetail');
    expect(await page.getByTestId('past-record').textContent()).toContain(KUMIAI);
    await act.click(page.getByRole('checkbox', { name: strings.verbalConfirm }));
    await act.press('Enter');
    expect(await act.step()).toBe('copay');
    expect(await page.getByTestId('copay-proposal').textContent()).toContain('3割');
    await act.press('Enter');
    const id = await finish(page, act);

    const v = storedVisit(id);
    expect(v.staff).toBe(STAFF.id);
    expect(v.patient).toMatchObject({ patientId: 'K-1001', name: '山田 太郎', birthDate: '1960-05-20', sex: 'male' });
    expect(v.cause).toBe('card_fault');
    expect(v.identity.method).toBe('visual');
    expect(v.identity.confirmedBy).toBe(STAFF.id);
    expect(v.identity.confirmedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(v.evidence).toEqual({
      kind: 'verbal',
      insurance: { insurerNumber: KUMIAI, symbol: '12', number: '3456', branch: '00' },
      pastRecordRef: seededPatientId,
      confirmedUnchanged: true,
    });
    expect(v.copay).toMatchObject({ percent: 30, source: 'age' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('new patient, 資格確認書 with typed numbers validated as typed; Esc goes back without losing input', async () => {
    const { page, act, problems } = await openReception('qualification_certificate');
    await act.click(page.getByRole('button', { name: strings.newPatient }));
    await act.type(page.getByLabel(strings.patientName, { exact: true }), '佐藤 花子');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.patientKana, { exact: true }), 'ｻﾄｳ ﾊﾅｺ'); // half-width: NFKC on leaving the field
    await act.press('Tab');
    await act.type(page.getByLabel(strings.patientBirth, { exact: true }), 'S45.4.1');
    expect(await page.getByText('1970年4月1日（昭和45年4月1日）').count()).toBe(1);
    expect(await page.getByLabel(strings.patientKana, { exact: true }).inputValue()).toBe('サトウ ハナコ');
    await act.click(radio(page, strings.sexFemale));
    await act.click(page.getByRole('button', { name: strings.cannotConfirm }));

    expect(await act.step()).toBe('cause');
    await act.click(radio(page, strings.causes.reader_fault));
    await act.press('Enter');
    expect(await act.step()).toBe('identity');
    await act.click(radio(page, strings.identity.none));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceKind');
    // お知らせ needs the card; verbal needs a stored record.
    expect(await radio(page, strings.evidence.notice_with_card).count()).toBe(0);
    expect(await radio(page, strings.evidence.verbal).count()).toBe(0);
    await act.click(radio(page, strings.evidence.qualification_certificate));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceDetail');

    const insurer = page.getByLabel(strings.insurerNumber, { exact: true });
    const wrong = KYOKAI.slice(0, 7) + String((Number(KYOKAI[7]) + 1) % 10);
    await act.type(insurer, wrong);
    expect(await insurer.getAttribute('aria-invalid')).toBe('true');
    const reason = await page
      .locator(`#${(await insurer.getAttribute('aria-describedby'))!.split(' ')[0]}`)
      .textContent();
    expect(reason).toMatch(/検証番号|チェック|確認番号/);
    await act.press('Backspace');
    await act.type(insurer, KYOKAI[7]!);
    expect(await insurer.getAttribute('aria-invalid')).toBeNull();
    await act.press('Tab');
    await act.type(page.getByLabel(strings.symbol, { exact: true }), '１２３');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.number, { exact: true }), '4567');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.branch, { exact: true }), '1');

    // Esc back to the evidence kind and Enter forward again: the numbers are still there.
    await act.press('Escape');
    expect(await page.getByTestId('wizard').getAttribute('data-step')).toBe('evidenceKind');
    expect(await radio(page, strings.evidence.qualification_certificate).isChecked()).toBe(true);
    await act.press('Enter');
    expect(await page.getByLabel(strings.number, { exact: true }).inputValue()).toBe('4567');
    await act.press('Enter'); // focus is back on the first field; Enter advances
    expect(await act.step()).toBe('copay');
    await act.press('Enter');
    const id = await finish(page, act);

    const v = storedVisit(id);
    expect(v.patient).toMatchObject({
      name: '佐藤 花子',
      nameKana: 'サトウ ハナコ',
      birthDate: '1970-04-01',
      sex: 'female',
    });
    expect(v.cause).toBe('reader_fault');
    expect(v.identity).toMatchObject({ method: 'none', confirmedBy: '' });
    expect(v.evidence).toEqual({
      kind: 'qualification_certificate',
      insurance: { insurerNumber: KYOKAI, symbol: '123', number: '4567', branch: '01' },
    });
    expect(v.copay).toMatchObject({ percent: 30, source: 'age' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('new patient with ●, 被保険者資格申立書 typed in, 負担割合 changed with a reason', async () => {
    const { page, act, problems } = await openReception('declaration');
    await act.click(page.getByRole('button', { name: strings.newPatient }));
    await act.type(page.getByLabel(strings.patientName, { exact: true }), '髙●　一郎');
    expect(await page.getByTestId('mark-note').textContent()).toBe(strings.unrepresentableNote);
    await act.press('Tab');
    await act.type(page.getByLabel(strings.patientKana, { exact: true }), 'タカ イチロウ');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.patientBirth, { exact: true }), '昭和30年1月15日');
    await act.click(radio(page, strings.sexMale));
    await act.press('Enter'); // the patient form submits on Enter too

    expect(await act.step()).toBe('cause');
    await act.click(radio(page, strings.causes.qualification_not_found));
    await act.press('Enter');
    expect(await act.step()).toBe('identity');
    await act.click(radio(page, strings.identity.none));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceKind');
    await act.click(radio(page, strings.evidence.declaration));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceDetail');

    await act.select(page.getByLabel(strings.declInsuranceType, { exact: true }), strings.insuranceTypes.kyokai);
    await act.press('Enter'); // address, phone and 事業所名 are missing: each says so next to its field
    expect(await page.getByLabel(strings.patientAddress, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel(strings.patientPhone, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel(strings.declEmployer, { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await act.type(page.getByLabel(strings.patientAddress, { exact: true }), '東京都港区芝公園4-2-8');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.patientPhone, { exact: true }), '090-1234-5678');
    await act.type(page.getByLabel(strings.declEmployer, { exact: true }), '株式会社テスト');
    await act.press('Enter');
    expect(await act.step()).toBe('copay');
    // Born 1955-01-15: 70 or over → 2割 proposed; staff choose 3割 (現役並み) and must give the reason.
    expect(await page.getByTestId('copay-proposal').textContent()).toContain('2割');
    await act.click(radio(page, '3割'));
    await act.press('Enter');
    expect(await page.getByText(strings.copayReasonRequired).count()).toBe(1);
    await act.type(page.getByLabel(strings.copayReason, { exact: true }), '現役並み所得と本人申告');
    await act.press('Enter');
    const id = await finish(page, act);

    const v = storedVisit(id);
    expect(v.patient.name).toBe('髙●　一郎'.normalize('NFKC'));
    expect(v.patient.name).toContain('●');
    expect(v.cause).toBe('qualification_not_found');
    expect(v.evidence.kind).toBe('declaration');
    expect(v.evidence.declaration).toMatchObject({
      name: '髙● 一郎',
      birthDate: '1955-01-15',
      sex: 'male',
      address: '東京都港区芝公園4-2-8',
      phone: '09012345678',
      insuranceType: 'kyokai',
      relationship: 'self',
      employerName: '株式会社テスト',
    });
    expect(v.copay).toEqual({ percent: 30, source: 'staff', reason: '現役並み所得と本人申告' });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('returning patient, 目視 + 資格情報のお知らせ with the card, then マイナポータル on the next visit', async () => {
    const { page, act, problems } = await openReception('notice_with_card');
    await act.type(page.getByLabel(strings.searchBirth, { exact: true }), 'S35.5.20');
    expect(await page.getByText('1960年5月20日（昭和35年5月20日）').count()).toBe(1);
    await act.press('Enter');
    await act.click(page.getByRole('button', { name: strings.choosePatient('山田 太郎') }));
    await act.click(page.getByRole('button', { name: strings.cannotConfirm }));
    expect(await act.step()).toBe('cause');
    await act.click(radio(page, strings.causes.terminal_fault));
    await act.press('Enter');
    await act.step();
    await act.click(radio(page, strings.identity.visual));
    await act.click(page.getByRole('checkbox', { name: strings.visualConfirm }));
    await act.press('Enter');
    await act.step();
    await act.click(radio(page, strings.evidence.notice_with_card));
    await act.press('Enter');
    expect(await act.step()).toBe('evidenceDetail');
    await act.type(page.getByLabel(strings.insurerNumber, { exact: true }), KUMIAI);
    await act.press('Tab');
    await act.type(page.getByLabel(strings.symbol, { exact: true }), '12');
    await act.press('Tab');
    await act.type(page.getByLabel(strings.number, { exact: true }), '3456');
    await act.press('Enter');
    await act.step();
    await act.press('Enter');
    const id = await finish(page, act);
    const v = storedVisit(id);
    expect(v.identity.method).toBe('visual');
    expect(v.evidence).toEqual({
      kind: 'notice_with_card',
      insurance: { insurerNumber: KUMIAI, symbol: '12', number: '3456', branch: '' },
    });
    expect(v.pastInsurance).toEqual({ insurerNumber: KUMIAI, symbol: '12', number: '3456', branch: '00' });

    // 次の受付へ (focused) → a clean start; portal path for a new patient.
    await act.press('Enter');
    const portal = new Actions(page, 'portal', report);
    await portal.click(page.getByRole('button', { name: strings.newPatient }));
    await portal.type(page.getByLabel(strings.patientName, { exact: true }), '鈴木 一');
    await portal.press('Tab');
    await portal.press('Tab');
    await portal.type(page.getByLabel(strings.patientBirth, { exact: true }), PRESCHOOL_BIRTH);
    await portal.click(radio(page, strings.sexMale));
    await portal.press('Enter');
    expect(await portal.step()).toBe('cause');
    await portal.click(radio(page, strings.causes.certificate_expired));
    await portal.press('Enter');
    await portal.step();
    await portal.click(radio(page, strings.identity.pin));
    await portal.press('Enter');
    await portal.step();
    await portal.click(radio(page, strings.evidence.portal));
    await portal.press('Enter');
    await portal.step();
    await portal.type(page.getByLabel(strings.insurerNumber, { exact: true }), KYOKAI);
    await portal.press('Tab');
    await portal.press('Tab');
    await portal.type(page.getByLabel(strings.number, { exact: true }), '77');
    await portal.press('Enter');
    await portal.step();
    expect(await page.getByTestId('copay-proposal').textContent()).toContain('2割'); // 未就学
    await portal.press('Enter');
    const id2 = await finish(page, portal);
    const p = storedVisit(id2);
    expect(p.identity.method).toBe('pin');
    expect(p.evidence).toEqual({
      kind: 'portal',
      insurance: { insurerNumber: KYOKAI, symbol: '', number: '77', branch: '' },
    });
    expect(p.copay).toMatchObject({ percent: 20, source: 'age' });
    expect(p.pastInsurance).toBeUndefined();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Esc on the first step returns to the patient form; reopening keeps the wizard draft; 次の受付へ starts clean', async () => {
    const { page, problems } = await openReception('esc');
    await page.getByRole('button', { name: strings.newPatient }).click();
    await page.getByLabel(strings.patientName, { exact: true }).fill('田中 次郎');
    await page.getByLabel(strings.patientBirth, { exact: true }).fill('H2.2.2');
    await radio(page, strings.sexMale).click();
    await page.getByRole('button', { name: strings.cannotConfirm }).click();
    await radio(page, strings.causes.power_outage).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: strings.cannotConfirm }).waitFor();
    expect(await page.getByLabel(strings.patientName, { exact: true }).inputValue()).toBe('田中 次郎');
    expect(await page.getByText('1990年2月2日（平成2年2月2日）').count()).toBe(1);
    await page.getByRole('button', { name: strings.cannotConfirm }).click();
    await page.getByTestId('wizard').waitFor();
    expect(await radio(page, strings.causes.power_outage).isChecked()).toBe(true);
    await page.getByRole('button', { name: strings.back }).click();
    await page.getByRole('button', { name: strings.clearPatient }).click();
    expect(await page.getByLabel(strings.patientName, { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: strings.newPatient }).click();
    expect(await page.getByLabel(strings.patientName, { exact: true }).inputValue()).toBe('');
    await page.getByLabel(strings.patientName, { exact: true }).fill('田中 次郎');
    await page.getByLabel(strings.patientBirth, { exact: true }).fill('H2.2.2');
    await radio(page, strings.sexMale).click();
    await page.getByRole('button', { name: strings.cannotConfirm }).click();
    expect(await radio(page, strings.causes.power_outage).isChecked()).toBe(false); // a new draft
    // No choice: the step stays and says why.
    await page.getByRole('button', { name: strings.next }).click();
    expect(await page.getByText(strings.causeRequired).count()).toBe(1);
    expect(await page.getByTestId('wizard').getAttribute('data-step')).toBe('cause');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('事後確認の一覧 lists the saved visits by status', async () => {
    const page = await context.newPage();
    await page.goto(app.host.url);
    await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
    await page.getByRole('button', { name: strings.navQueue }).click();
    await page.getByTestId('queue-count').waitFor();
    expect(await page.getByTestId('queue-count').textContent()).toBe(strings.queueCount(5)); // the Esc spec saved nothing
    expect(await page.getByRole('row').count()).toBe(6);
    expect(await page.getByRole('cell', { name: strings.evidence.declaration }).count()).toBe(1);
    await page
      .getByLabel(strings.queueStatus, { exact: true })
      .selectOption({ label: strings.queueStatuses.reconciled });
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toBe(strings.queueCount(0));
    expect(await page.getByText(strings.queueEmpty).count()).toBe(1);
    await expectAccessible(page);
    await page.close();
  });
});
