// 設定 → データ in Chromium at 1366×768 against the web host, the REAL core and journal, driving only the UI: a visit
// saved at reception, the second backup folder set (a missing one refused first), 「今すぐバックアップ」 copied there,
// a second visit saved, then 「この時点に戻す」 from the second folder — the journal reopened without a restart:
// the earlier visit is there, the later one is gone. Then a レセコン CSV in Shift_JIS with bad rows: the preview
// lists them with their row numbers before anything is written, and 「取り込む」 imports the good ones.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, importMessages, storeMessages } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, expectAccessible } from './actions.ts';
import { openApp, openReceptionAs, saveCertificateVisit, startSession, type E2eSession } from './session.ts';

const t = strings.data;
const STAFF = { id: 'admin', name: '管理 一郎', active: true };
let session: E2eSession;
let usb: string;
const report = new ActionReport('data');

beforeAll(async () => {
  session = await startSession('data', {
    context: { viewport: { width: 1366, height: 768 } },
    seed: (store, dataDir) => {
      usb = join(dataDir, 'usb-stick');
      mkdirSync(usb);
      expect(store.setStaff([STAFF], SYSTEM_ACTOR).ok).toBe(true);
    },
  });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });
const keyOf = async (page: Page, option: string) => (await radio(page, option).getAttribute('aria-keyshortcuts'))!;
const visitCount = (): number =>
  session.journal((db) => db.prepare('SELECT count(*) FROM visits').pluck().get() as number);

/** A new patient's visit saved through the reception wizard (資格確認書). */
async function saveVisit(page: Page, name: string, birth: string): Promise<void> {
  await page.getByRole('button', { name: strings.navReception, exact: true }).click();
  await page.getByRole('button', { name: strings.newPatient }).click();
  await page.getByLabel(strings.patientName, { exact: true }).fill(name);
  await page.getByLabel(strings.patientBirth, { exact: true }).fill(birth);
  await radio(page, strings.sexMale).check();
  await page.getByRole('button', { name: strings.cannotConfirm }).click();
  await page.getByTestId('wizard').waitFor();
  await page.keyboard.press(await keyOf(page, strings.causes.reader_fault));
  await page.keyboard.press(await keyOf(page, strings.identity.visual));
  await page.keyboard.press(await keyOf(page, strings.evidence.qualification_certificate));
  await saveCertificateVisit(page);
  await page.getByRole('button', { name: strings.doneNext }).click(); // 次の受付: the form is empty again
  await page.getByRole('button', { name: strings.newPatient }).waitFor();
}

async function openData(page: Page): Promise<void> {
  await page.getByRole('button', { name: strings.navSettings, exact: true }).click();
  await page.getByTestId('settings-data').waitFor();
  await page.getByLabel(strings.settings.actor, { exact: true }).selectOption(STAFF.id);
}

describe('設定 → データ', () => {
  it('backs up to a second folder, restores from it, and the journal reopens with the earlier visits', async () => {
    const { page, problems } = await openReceptionAs(session, STAFF.name, 'data-backup', report);
    await saveVisit(page, '前回 一郎', '1970-04-01');
    expect(visitCount()).toBe(1);

    await openData(page);
    const dirField = page.getByLabel(t.secondDir, { exact: true });
    // A folder that is not there (the stick not plugged in) is refused with the reason beside the field.
    await dirField.fill(join(usb, 'not-plugged'));
    await page.getByRole('button', { name: t.secondDirSave }).click();
    await page.getByText(storeMessages.BACKUP_DIR_MISSING).waitFor();
    await dirField.fill(usb);
    await page.getByRole('button', { name: t.secondDirSave }).click();
    await expect.poll(() => page.getByTestId('data-status').textContent()).toBe(t.secondDirSaved);

    await page.getByRole('button', { name: t.backupNow }).click();
    await expect.poll(() => page.getByTestId('data-status').textContent()).toContain(t.secondCopied(usb));
    const copies = readdirSync(usb).filter((n) => n.endsWith('.sqlite3'));
    expect(copies).toHaveLength(1);
    expect(existsSync(join(session.dataDir, 'backups', copies[0]!))).toBe(true);
    const secondRow = page.locator('[data-testid="backup-row"][data-folder="second"][data-reason="manual"]');
    await secondRow.waitFor();
    await expectAccessible(page);

    await saveVisit(page, '後日 花子', '1985-09-09');
    expect(visitCount()).toBe(2);

    await openData(page);
    await secondRow.getByRole('button').click();
    const confirm = page.getByTestId('restore-confirm');
    await confirm.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(t.confirmNo);
    await page.getByRole('button', { name: t.confirmYes, exact: true }).click();

    // No restart: the notice says what happened and the screens show the restored journal.
    const notice = page.getByTestId('journal-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/の時点に戻しました/);
    expect(visitCount()).toBe(1);
    await page.getByRole('button', { name: strings.navReception, exact: true }).click();
    await page.getByRole('button', { name: strings.today.title }).click();
    await page.getByTestId('today-row').first().waitFor();
    const rows = await page.getByTestId('today-row').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('前回 一郎');
    // The journal as it was before the restore is kept, listed as a backup that can be restored in turn.
    await openData(page);
    await page.locator('[data-testid="backup-row"][data-reason="before-restore"]').first().waitFor();
    // and the app-made patient record of the earlier visit is found by the returning-patient search
    await page.getByRole('button', { name: strings.navReception, exact: true }).click();
    await page.getByLabel(strings.searchBirth, { exact: true }).fill('S45.4.1');
    await page.getByText('1970年4月1日（昭和45年4月1日）').waitFor();
    expect(session.journal((db) => db.prepare('SELECT name, source FROM patients ORDER BY name').all())).toEqual([
      { name: '前回 一郎', source: 'app' },
    ]);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: strings.choosePatient('前回 一郎') }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it('previews a Shift_JIS CSV with bad rows, listing each before anything is written, then imports', async () => {
    const { page, problems } = await openApp(session);
    await openData(page);
    const csv = [
      '患者番号,氏名,カナ氏名,生年月日,性別,住所',
      'K-1,山田 太郎,ヤマダ タロウ,S35.5.20,男,東京都千代田区1-1',
      'K-2,,スズキ,1970-01-01,男,',
      'K-3,田中 一郎,タナカ イチロウ,1970-13-01,男,',
      'K-4,伊藤 桜,イトウ サクラ,1980-04-01,女,',
    ].join('\r\n');
    const patients = () => session.journal((db) => db.prepare('SELECT count(*) FROM patients').pluck().get());
    const before = patients();
    await page.getByLabel(t.fileLabel).setInputFiles({
      name: 'kanja.csv',
      mimeType: 'text/csv',
      buffer: iconv.encode(csv, 'cp932'),
    });
    const preview = page.getByTestId('import-preview');
    await preview.waitFor();
    expect(await page.getByTestId('import-encoding').textContent()).toBe(t.encodingLine('Shift_JIS'));
    expect(await page.getByTestId('import-counts').textContent()).toBe(t.counts(4, 2, 2, 2, 0));
    expect(await page.getByTestId('import-refused').locator('li').allTextContents()).toEqual([
      t.refusedRow(3, '氏名', importMessages.missingName),
      t.refusedRow(4, '生年月日', importMessages.badBirthDate),
    ]);
    expect(await preview.textContent()).toContain('山田 太郎');
    expect(patients()).toBe(before); // nothing written by the preview
    await expectAccessible(page);

    await page.getByRole('button', { name: t.importNow }).click();
    await expect.poll(() => page.getByTestId('import-status').textContent()).toBe(t.imported(2, 0, 2));
    expect(patients()).toBe(Number(before) + 2);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
