// The 受付控え printed from the saved screen, in Chromium against the web host and the REAL core: a returning
// patient taken with 「前回から変更なし」, saved, then 受付控えを印刷: the preview (a modal dialog with the visit's
// details, the clinic's name, the staff member's name), axe on it, and the PDF read back with poppler (A4, the
// Noto CJK font embedded, the 受付番号 and the patient in the text). The 申立書 sheet is printed in
// reception.test.ts (the wizard's 申立書 step); the incident report in incidents.test.ts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkDigit } from '../../src/claims/insurer.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, type Actions } from './actions.ts';
import { pdfInfo } from './pdf.ts';
import { openReceptionAs, startSession, type E2eSession } from './session.ts';

const KUMIAI = `0613001${checkDigit('0613001')}`;
const STAFF = { id: 's1', name: '受付 花子', active: true };
const CLINIC = 'しかく内科クリニック';

let session: E2eSession;
const report = new ActionReport('print');

beforeAll(async () => {
  session = await startSession('print', {
    seed: (store) => {
      expect(store.setStaff([STAFF], SYSTEM_ACTOR).ok).toBe(true);
      expect(store.setSetting('clinic.name', CLINIC, SYSTEM_ACTOR).ok).toBe(true);
      const p = store.upsertPatient(
        {
          patientId: 'K-2002',
          name: '佐藤 次郎',
          nameKana: 'サトウ ジロウ',
          birthDate: '1965-08-10',
          sex: 'male',
          postalCode: '1000001',
          address: '東京都千代田区千代田1-1',
          phone: '0312345678',
          insurance: { insurerNumber: KUMIAI, symbol: '34', number: '5678', branch: '01' },
          lastVisitDate: '2026-10-01',
        },
        SYSTEM_ACTOR,
      );
      if (!p.ok) throw new Error(p.error.message);
    },
  });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

async function chooseByKey(page: Page, act: Actions, name: string): Promise<void> {
  const key = await page.getByRole('radio', { name, exact: true }).getAttribute('aria-keyshortcuts');
  await act.press(key!);
}

const compact = (s: string) => s.replace(/\s+/g, '');

it('prints the 受付控え of a saved visit from the saved screen', async () => {
  const { page, act, problems } = await openReceptionAs(session, STAFF.name, 'receipt', report);
  await act.type(page.getByLabel(strings.searchKana, { exact: true }), 'さとう');
  await act.press('Enter');
  await act.click(page.getByRole('button', { name: strings.choosePatient('佐藤 次郎') }));
  await act.click(page.getByRole('button', { name: strings.cannotConfirm }));
  await chooseByKey(page, act, strings.causes.reader_fault);
  await chooseByKey(page, act, strings.identity.visual);
  await chooseByKey(page, act, strings.verbalOption);
  await page.getByTestId('copay-proposal').waitFor();
  await act.press('Enter');
  await page.getByTestId('summary').waitFor();
  await act.press('Enter');
  await page.getByTestId('saved').waitFor();
  const id = (await page.getByTestId('saved-id').textContent())!.trim();
  const no = (await page.getByTestId('saved-no').textContent())!.trim(); // the 受付番号 printed (issue #15)

  const open = page.getByRole('button', { name: strings.printReceipt });
  await act.click(open);
  const preview = page.getByRole('dialog', { name: strings.printing.previewTitle.receipt });
  await preview.waitFor();
  const sheet = preview.getByTestId('sheet-receipt');
  await expect.poll(async () => (await sheet.textContent()) ?? '').toContain(CLINIC); // clinic loaded
  const text = compact((await sheet.textContent()) ?? '');
  expect(text).not.toContain(id); // the internal id is never shown
  for (const part of [
    no,
    '佐藤次郎',
    'サトウジロウ',
    'K-2002',
    compact(strings.causes.reader_fault),
    compact(strings.identity.visual),
    compact(strings.evidence.verbal),
    KUMIAI,
    '3割',
    STAFF.name.replace(/\s/g, ''),
  ])
    expect(text).toContain(part);
  await act.shot('receipt-preview');
  await act.axe();

  const pdf = pdfInfo(await page.pdf({ format: 'A4' }));
  expect(pdf.pages).toBe(1);
  expect(Math.abs(pdf.widthPt - 595.28)).toBeLessThan(2);
  expect(Math.abs(pdf.heightPt - 841.89)).toBeLessThan(2);
  expect(pdf.fonts.length).toBeGreaterThanOrEqual(1);
  for (const f of pdf.fonts) expect(f).toMatch(/^Noto(Sans|Serif)CJKjp-/);
  expect(compact(pdf.text)).toContain(no);
  expect(compact(pdf.text)).toContain('佐藤次郎');
  expect(pdf.text).not.toContain(strings.doneNext); // the saved screen behind does not print

  await act.press('Escape');
  await preview.waitFor({ state: 'detached' });
  await expect.poll(() => open.evaluate((el) => el === document.activeElement)).toBe(true);
  act.done();
  expect(problems).toEqual([]);
});
