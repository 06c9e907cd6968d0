// The wizard under システム障害時モード, in Chromium against the web host and the REAL core: staff record the
// call centre's activation ('incidents.openEmergency'), the evidence step then offers システム障害時モード, and
// its detail step captures the card's 4 items (氏名・生年月日・性別・住所) prefilled from the patient form. The
// stored JSON is asserted, and the saved visit is valid for the claim decision. (The simulated devices are
// healthy and their UPS overrides the OS power source, so no fault can be raised from here: the cause is
// chosen with one key; the preselection from a detected fault is covered by test/renderer/reception-model.test.ts.)
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import { Visit } from '../../src/claims/visit.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, type Actions } from './actions.ts';
import { openReceptionAs, startSession, type E2eSession } from './session.ts';

const STAFF = { id: 's1', name: '受付 花子', active: true };

let session: E2eSession;
const report = new ActionReport('emergency');

beforeAll(async () => {
  session = await startSession('emergency', {
    seed: (store) => expect(store.setStaff([STAFF], SYSTEM_ACTOR).ok).toBe(true),
  });
});

afterAll(async () => {
  await session?.close();
  report.write();
});

const openReception = (name: string) => openReceptionAs(session, STAFF.name, name, report);

function storedVisit(id: string): Visit {
  const row = session.journal(
    (db) => db.prepare('SELECT json FROM visits WHERE id = ?').get(id) as { json: string } | undefined,
  );
  return JSON.parse(row!.json) as Visit;
}

const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true });

async function chooseByKey(page: Page, act: Actions, name: string): Promise<void> {
  const key = await radio(page, name).getAttribute('aria-keyshortcuts');
  expect(key).toMatch(/^[0-9]$/);
  await act.press(key!);
}

async function newPatient(
  page: Page,
  act: Actions,
  p: { name: string; birth: string; address: string; phone: string },
): Promise<void> {
  await act.click(page.getByRole('button', { name: strings.newPatient }));
  await act.type(page.getByLabel(strings.patientName, { exact: true }), p.name);
  await act.type(page.getByLabel(strings.patientBirth, { exact: true }), p.birth);
  await act.click(radio(page, strings.sexFemale));
  await act.type(page.getByLabel(strings.patientAddress, { exact: true }), p.address);
  await act.press('Tab');
  await act.type(page.getByLabel(strings.patientPhone, { exact: true }), p.phone);
  await act.press('Enter');
}

describe('reception under システム障害時モード', () => {
  it('システム障害時モード: the 4 items from the patient form, checked against the card, saved with the incident', async () => {
    const { page, act, problems } = await openReception('emergency_mode');
    const incident = await page.evaluate(
      (staff) =>
        window.shikaku!.invoke('incidents.openEmergency', {
          startedAt: new Date().toISOString(),
          referenceNumber: 'CC-20261125-01',
          calledBy: '受付 花子',
          staff,
        }),
      STAFF.id,
    );
    expect(incident.kind).toBe('emergency_mode');

    await newPatient(page, act, {
      name: '中村 美咲',
      birth: 'H5.7.7',
      address: '東京都中野区中野1-1',
      phone: '090-2222-3333',
    });
    expect(await act.step()).toBe('cause');
    expect(await page.getByTestId('emergency-active').textContent()).toContain('CC-20261125-01');
    await chooseByKey(page, act, strings.causes.wide_area_network);
    expect(await act.step()).toBe('identity');
    await chooseByKey(page, act, strings.identity.visual);
    expect(await act.step()).toBe('evidenceKind');
    // Offered last, after the official order (whose keys stay as they are).
    const options = await page
      .getByRole('radio')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-keyshortcuts')));
    expect(options.at(-1)).toBe(await radio(page, strings.evidence.emergency_mode).getAttribute('aria-keyshortcuts'));
    await chooseByKey(page, act, strings.evidence.emergency_mode);
    expect(await act.step()).toBe('evidenceDetail');

    // The 4 items are the patient form's own: prefilled, checked against the card. The card gives the room
    // number the form did not have: staff add it (the one field typed here).
    expect(await page.getByLabel(strings.patientName, { exact: true }).inputValue()).toBe('中村 美咲');
    expect(await page.getByLabel(strings.patientBirth, { exact: true }).inputValue()).toBe('H5.7.7');
    expect(await page.getByText('1993年7月7日（平成5年7月7日）').count()).toBe(1);
    expect(await radio(page, strings.sexFemale).isChecked()).toBe(true);
    const address = page.getByLabel(strings.patientAddress, { exact: true });
    expect(await address.inputValue()).toBe('東京都中野区中野1-1');
    await act.click(address);
    await act.press('End');
    await act.type(address, ' 101号');
    await act.press('Enter');
    expect(await act.step()).toBe('copay');
    await act.press('Enter');
    expect(await act.step()).toBe('summary');
    const summary = (await page.getByTestId('summary').textContent()) ?? '';
    expect(summary).toContain('東京都中野区中野1-1 101号');
    expect(summary).toContain('CC-20261125-01');
    await act.press('Enter');
    await page.getByTestId('saved').waitFor();
    act.done();
    const id = (await page.getByTestId('saved-id').textContent())!.trim();

    const v = storedVisit(id);
    expect(v.cause).toBe('wide_area_network');
    expect(v.identity).toMatchObject({ method: 'visual', confirmedBy: STAFF.id });
    expect(v.evidence).toEqual({
      kind: 'emergency_mode',
      fourItems: { name: '中村 美咲', birthDate: '1993-07-07', sex: 'female', address: '東京都中野区中野1-1 101号' },
      incidentRef: incident.id,
    });
    expect(v.patient).toMatchObject({ address: '東京都中野区中野1-1 101号', phone: '090-2222-3333' });
    // Valid for the claim decision: nothing missing (the numbers come after restoration, from the 4 items).
    const decision = decideClaim(Visit.parse(v), defaultClaimSettings);
    expect(decision.needsDecision.map((n) => n.code)).toEqual([]);
    expect(decision.remarks.join('\n')).toContain('東京都中野区中野1-1 101号');

    // Once the activation is closed, the option is greyed (its key kept, issue #15).
    await page.evaluate(
      ({ incidentId, staff }) =>
        window.shikaku!.invoke('incidents.close', { id: incidentId, endedAt: new Date().toISOString(), staff }),
      { incidentId: incident.id, staff: STAFF.id },
    );
    await page.getByRole('button', { name: strings.doneNext }).click();
    await page.getByRole('button', { name: strings.newPatient }).click();
    await page.getByLabel(strings.patientName, { exact: true }).fill('中村 美咲');
    await page.getByLabel(strings.patientBirth, { exact: true }).fill('H5.7.7');
    await radio(page, strings.sexFemale).click();
    await page.getByRole('button', { name: strings.cannotConfirm }).click();
    await page.keyboard.press('1');
    await page.keyboard.press('3');
    await radio(page, strings.evidence.portal).waitFor();
    expect(await page.getByTestId('emergency-active').count()).toBe(0);
    expect(await radio(page, strings.evidence.emergency_mode).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});
