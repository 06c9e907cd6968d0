// The システム障害時モード screen and printing, in Chromium against the web host, the REAL core and the real
// SQLite journal: staff record an activation with the keyboard (asserted in the journal file: the incident row
// and its audit entry), visits are taken while it is on, staff record its end, and the incident report for the
// 利用報告書 is printed for the period (the PDF read back with poppler: A4, the Noto CJK font embedded, the
// reference number and the counts in the text). Axe on the screen and on the print preview; screenshots in
// .tmp/screenshots/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitInput } from '../../src/claims/visit.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, Actions, expectAccessible } from './actions.ts';
import { pdfInfo } from './pdf.ts';
import { openApp, startSession, type E2eSession, type OpenedPage } from './session.ts';

const STAFF = { id: 's1', name: '受付 花子', active: true };
const CLINIC = { name: 'しかく内科クリニック', code: '' };
const REFERENCE = 'CC-2026-0457';
const CALLER = '院長 山本';
const s = strings.incidentScreen;

let session: E2eSession;
const report = new ActionReport('incidents');

beforeAll(async () => {
  session = await startSession('incidents', {
    seed: (store) => {
      expect(store.setStaff([STAFF], SYSTEM_ACTOR).ok).toBe(true);
      expect(store.setSetting('clinic.name', CLINIC.name, SYSTEM_ACTOR).ok).toBe(true);
    },
    context: { timezoneId: 'Asia/Tokyo' },
  });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

const journal: E2eSession['journal'] = (fn) => session.journal(fn);

async function openScreen(): Promise<OpenedPage> {
  const opened = await openApp(session);
  await opened.page.getByRole('button', { name: strings.navIncidents, exact: true }).click();
  await opened.page.getByTestId('incidents').waitFor();
  return opened;
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName);

/** A visit taken under システム障害時モード (or with another evidence), received at `at`. */
function visit(id: string, at: string, kind: 'emergency_mode' | 'portal', incidentRef?: string): VisitInput {
  return {
    id,
    serviceDate: at.slice(0, 10),
    receivedAt: at,
    staff: STAFF.id,
    patient: { name: '障害 太郎', nameKana: 'ショウガイ タロウ', birthDate: '1970-04-01', sex: 'male' },
    cause: 'wide_area_network',
    identity: { method: 'visual', confirmedBy: STAFF.id },
    evidence:
      kind === 'emergency_mode'
        ? {
            kind,
            fourItems: { name: '障害 太郎', birthDate: '1970-04-01', sex: 'male', address: '東京都千代田区1-1' },
            ...(incidentRef ? { incidentRef } : {}),
          }
        : { kind, insurance: { insurerNumber: '01130012', symbol: '1', number: '2', branch: '00' } },
    copay: { percent: 30, source: 'age' },
  };
}

describe('システム障害時モード', () => {
  it('records an activation with the keyboard, its visits and its end, and prints the report', async () => {
    const { page, problems } = await openScreen();
    const act = new Actions(page, 'incident-record', report);
    await page.getByText(s.noneActive).waitFor();
    await act.shot('screen');
    await act.axe();

    // The time defaults to now; the reference field has the focus: staff type it and the caller, pick
    // themselves, Enter records.
    expect(await page.getByLabel(s.startedAt).inputValue()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expect.poll(() => focused(page)).toBe('incident-reference');
    // Leaving the empty reference field shows its reason at once; the caller's field was not left yet: no error.
    // (Plain key presses: the counted path below stays as it was.)
    await page.keyboard.press('Tab');
    await page.getByText(s.referenceRequired).waitFor();
    expect(await page.getByText(s.calledByRequired).count()).toBe(0);
    await page.keyboard.press('Shift+Tab');
    await act.press('Enter'); // nothing typed yet: the errors, and focus on the first one
    await page.getByText(s.referenceRequired).waitFor();
    expect(await page.getByText(s.calledByRequired).count()).toBe(1);
    await expect.poll(() => focused(page)).toBe('incident-reference');
    await act.axe();
    await act.type(page.getByLabel(s.reference), REFERENCE);
    await act.press('Tab');
    await act.type(page.getByLabel(s.calledBy), CALLER);
    await act.press('Tab');
    expect(await focused(page)).toBe('incident-staff');
    await act.press('ArrowDown'); // the one staff member
    expect(await page.getByLabel(s.staff).inputValue()).toBe(STAFF.id);
    await act.press('Tab');
    await act.type(page.getByLabel(s.note), '回線障害のため');
    await act.press('Enter');

    const active = page.getByTestId('incident-active');
    await active.waitFor();
    await page.getByText(s.recorded).waitFor();
    expect(await active.textContent()).toContain(REFERENCE);
    expect(await active.textContent()).toContain(CALLER);
    await act.shot('active');
    await act.axe();

    // The journal file: the incident row and its audit entry.
    const row = journal(
      (db) =>
        db.prepare("SELECT * FROM incidents WHERE kind = 'emergency_mode'").all() as {
          id: string;
          kind: string;
          cause: string;
          started_at: string;
          ended_at: string | null;
          reference_number: string;
          called_by: string;
          note: string;
          staff: string;
        }[],
    );
    expect(row).toHaveLength(1);
    const inc = row[0]!;
    expect(inc).toMatchObject({
      reference_number: REFERENCE,
      called_by: CALLER,
      staff: STAFF.id,
      note: '回線障害のため',
      ended_at: null,
    });
    expect(inc.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+09:00$/);
    expect(Math.abs(Date.parse(inc.started_at) - Date.now())).toBeLessThan(5 * 60_000);
    const audits = journal((db) =>
      db.prepare("SELECT actor, action FROM audit_log WHERE entity = 'incident' AND entity_id = ?").all(inc.id),
    );
    expect(audits).toEqual([{ actor: STAFF.id, action: 'incident.open' }]);

    // Visits while it is on: two under it (one recorded with its id, one by time), one from the day before.
    const now = Date.now();
    const under = [
      visit('0199a000-0000-7000-8000-000000000001', new Date(now).toISOString(), 'emergency_mode', inc.id),
      visit('0199a000-0000-7000-8000-000000000002', new Date(now + 1000).toISOString(), 'portal'),
    ];
    const before = visit('0199a000-0000-7000-8000-000000000003', new Date(now - 86_400_000).toISOString(), 'portal');
    for (const v of [...under, before]) {
      await page.evaluate((input) => window.shikaku!.invoke('visits.save', input), v);
    }

    // The end: typed into the time field (two minutes ahead, so both visits fall inside) over the proposed
    // now, then Enter.
    // Formatted in the page: the clinic's local time (Asia/Tokyo here), not the test runner's.
    const endText = await page.evaluate((ms) => {
      const d = new Date(ms);
      const p2 = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
    }, now + 120_000);
    const ended = page.getByLabel(s.endedAt);
    await ended.focus();
    await act.press('ControlOrMeta+a');
    await act.type(ended, endText);
    expect(await ended.inputValue()).toBe(endText);
    await act.press('Enter');
    await page.getByText(s.ended).waitFor();
    await page.getByText(s.noneActive).waitFor();
    const closed = journal(
      (db) => db.prepare('SELECT ended_at FROM incidents WHERE id = ?').get(inc.id) as { ended_at: string | null },
    );
    expect(closed.ended_at).not.toBeNull();
    expect(Date.parse(closed.ended_at!)).toBeGreaterThan(now);
    expect(
      journal((db) =>
        db
          .prepare("SELECT action FROM audit_log WHERE entity = 'incident' AND entity_id = ? ORDER BY seq")
          .pluck()
          .all(inc.id),
      ),
    ).toEqual(['incident.open', 'incident.close']);
    const listed = page.getByTestId('incident-list').locator('tr[data-kind="emergency_mode"]');
    expect(await listed.count()).toBe(1);
    expect(await listed.first().getAttribute('data-open')).toBe('false');
    expect(await listed.first().textContent()).toContain(REFERENCE);
    await act.shot('ended');

    // The report for the period (this month up to today by default): the preview is a modal dialog.
    const printButton = page.getByRole('button', { name: s.reportPrint });
    await printButton.focus();
    await act.press('Enter');
    const preview = page.getByRole('dialog', { name: strings.printing.previewTitle.incident_report });
    await preview.waitFor();
    expect(await preview.getAttribute('data-testid')).toBe('print-preview');
    const sheet = preview.getByTestId('sheet-incident-report');
    await sheet.waitFor();
    expect(
      await page.getByRole('button', { name: strings.printDo }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    expect(await page.getByRole('button', { name: strings.printSavePdf }).count()).toBe(0); // web host: no PDF save
    const reportRow = sheet.locator(`tr[data-incident="${inc.id}"]`);
    const rowText = (await reportRow.textContent()) ?? '';
    expect(rowText).toContain(REFERENCE);
    expect(rowText).toContain(CALLER);
    expect(rowText).toContain(STAFF.name);
    expect(rowText).toContain(strings.incidentReport.count(2));
    expect(rowText).toContain(`${strings.evidence.emergency_mode}：${strings.incidentReport.count(1)}`);
    expect(rowText).toContain(`${strings.evidence.portal}：${strings.incidentReport.count(1)}`);
    expect(await sheet.textContent()).toContain(CLINIC.name);
    await act.shot('report-preview');
    await act.axe();

    // Focus stays in the dialog: Tab from the last button goes back to the first.
    await page.getByRole('button', { name: strings.printClose }).focus();
    await act.press('Tab');
    expect(
      await page.getByRole('button', { name: strings.printDo }).evaluate((el) => el === document.activeElement),
    ).toBe(true);

    // On paper: only the sheet, A4, in the Noto CJK font, with the reference number.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#root').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: strings.printDo }).isVisible()).toBe(false);
    await page.emulateMedia({ media: null }); // (page.pdf prints with print media unless 'screen' is emulated)
    const pdf = pdfInfo(await page.pdf({ format: 'A4' }));
    expect(pdf.pages).toBeGreaterThanOrEqual(1);
    expect(Math.abs(pdf.widthPt - 595.28)).toBeLessThan(2);
    expect(Math.abs(pdf.heightPt - 841.89)).toBeLessThan(2);
    expect(pdf.fonts.length).toBeGreaterThanOrEqual(1);
    for (const f of pdf.fonts) expect(f).toMatch(/^Noto(Sans|Serif)CJKjp-/);
    expect(pdf.text).toContain('システム障害時モード');
    expect(pdf.text).toContain(REFERENCE);
    expect(pdf.text).toContain(CLINIC.name);
    expect(pdf.text).not.toContain(strings.printDo); // the toolbar does not print
    expect(pdf.text).not.toContain(strings.navIncidents + '\n'); // nor the app behind

    // Esc closes it and focus goes back to the button that opened it.
    await act.press('Escape');
    await preview.waitFor({ state: 'detached' });
    await expect.poll(() => printButton.evaluate((el) => el === document.activeElement)).toBe(true);
    act.done();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refuses an end before the start, and a report period that runs backwards', async () => {
    const { page, problems } = await openScreen();
    await page.getByLabel(s.reference).fill('CC-2');
    await page.getByLabel(s.calledBy).fill('事務長');
    await page.getByLabel(s.staff).selectOption(STAFF.id);
    await page.getByLabel(s.startedAt).fill('2026-11-20 10:00');
    await page.getByRole('button', { name: s.record }).click();
    await page.getByTestId('incident-active').waitFor();
    await page.getByLabel(s.endedAt).fill('2026-11-20 09:00');
    await page.getByRole('button', { name: s.end }).click();
    await page.getByText(s.endBeforeStart).waitFor();
    expect(await page.getByLabel(s.endedAt).getAttribute('aria-invalid')).toBe('true');
    const open = journal((db) =>
      db.prepare("SELECT count(*) FROM incidents WHERE reference_number = 'CC-2' AND ended_at IS NULL").pluck().get(),
    );
    expect(open).toBe(1);
    await page.getByLabel(s.endedAt).fill('１１:３０');
    await page.getByRole('button', { name: s.end }).click();
    await page.getByText(s.ended).waitFor();

    await page.getByLabel(s.reportFrom).fill('2026-11-21');
    await page.getByLabel(s.reportTo).fill('2026-11-20');
    await page.getByRole('button', { name: s.reportPrint }).click();
    await page.getByText(s.reportRange).waitFor();
    expect(await page.getByTestId('print-preview').count()).toBe(0);
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await page.close();
  });
});
