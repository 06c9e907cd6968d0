// The 事後確認 queue in Chromium against the web host, the REAL core and the real SQLite journal. The journal is
// seeded before start (staff, visits, reconciliations in different states, a dead outbox job); staff review
// decisions are made through the UI with the keyboard and asserted in the journal file (reconciliation rows,
// audit entries). A second app runs the reconciler for real against a terminal simulator on a temp share: the
// progress bar reaches its total and the rows move to 確認済み. Axe on each screen state; screenshots via act.shot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/claims/insurer.ts';
import type { TerminalFinding, Visit } from '../../src/claims/visit.ts';
import { TerminalSimulator } from '../../src/hardware/terminal/index.ts';
import { SYSTEM_ACTOR, dbPath, openStore, type Store } from '../../src/main/core/store/index.ts';
import { formatMonthDay } from '../../src/renderer/print/format.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ActionReport, Actions, expectAccessible } from './actions.ts';
import { exampleVisit, OLD, STAFF, unwrap, visitOf } from './queue-seed.ts';
import { ensureRendererBuilt, isAlive, launchChromium, startE2eApp, type E2eApp } from './helpers.ts';

const q = strings.queue;
const withCheck = (body: string) => body + String(checkDigit(body));
const KYOKAI = withCheck('0113001');
const report = new ActionReport('queue');

/** A 申立書 visit without numbers (docs/examples/declaration-unknown.json) under another name. */
function declarationOf(name: string, kana: string): Visit {
  const v = exampleVisit('declaration-unknown.json', name, kana);
  return { ...v, evidence: { ...v.evidence, declaration: { ...v.evidence.declaration!, name, nameKana: kana } } };
}

/** A reconciliation as the reconciler records it (finding, proposed basis, needsDecision codes). */
function reconcile(store: Store, v: Visit, finding: TerminalFinding, basis: string, needs: string[]) {
  unwrap(
    store.recordReconciliation({
      visitId: v.id,
      decision: needs.length ? 'none' : (basis as 'current'),
      detail: { askedTerminal: true, finding, basis, rule: 'seeded', needsDecision: needs },
      staff: SYSTEM_ACTOR,
    }),
  );
}

async function seededStore(dataDir: string): Promise<Store> {
  const opened = await openStore({ dataDir, appVersion: '0.0.0-e2e', backupOnOpen: false, checkpointIntervalMs: 0 });
  if (!opened.ok) throw new Error(opened.error.message);
  const { store } = opened.value;
  unwrap(store.setStaff([STAFF], SYSTEM_ACTOR));
  return store;
}

function journal<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function statusOf(dataDir: string, visitId: string): string {
  return journal(dataDir, (db) => db.prepare('SELECT status FROM visits WHERE id = ?').pluck().get(visitId) as string);
}

function latestRow(dataDir: string, visitId: string) {
  return journal(dataDir, (db) => {
    const r = db
      .prepare(
        'SELECT idempotency_key, decision, json, staff FROM reconciliations WHERE visit_id = ? ORDER BY id DESC LIMIT 1',
      )
      .get(visitId) as { idempotency_key: string; decision: string; json: string; staff: string };
    const a = db
      .prepare(`SELECT actor, action, detail FROM audit_log WHERE entity_id = ? ORDER BY seq DESC LIMIT 1`)
      .get(visitId) as { actor: string; action: string; detail: string };
    const status = db.prepare('SELECT status FROM visits WHERE id = ?').pluck().get(visitId) as string;
    return {
      key: r.idempotency_key,
      decision: r.decision,
      staff: r.staff,
      detail: JSON.parse(r.json) as { review?: Record<string, unknown> },
      audit: { ...a, detail: JSON.parse(a.detail) as Record<string, unknown> },
      status,
    };
  });
}

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'ja-JP' });
});

afterAll(async () => {
  await browser?.close();
  report.write();
});

async function openQueue(app: E2eApp, name: string): Promise<{ page: Page; act: Actions; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(app.host.url);
  await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
  const act = new Actions(page, name, report);
  await act.click(page.getByRole('button', { name: strings.navQueue }));
  await page.getByTestId('queue').waitFor();
  return { page, act, problems };
}

const tab = (page: Page, cat: keyof typeof q.tabs, n: number) =>
  page.getByRole('tab', { name: q.tab(q.tabs[cat], n), exact: true });
const isFocused = (l: ReturnType<Page['getByRole']>) => l.evaluate((el) => el === document.activeElement);

describe('事後確認 queue: staff review', () => {
  let app: E2eApp;
  let dataDir: string;
  const needs = visitOf('要確 一子', 'ヨウカク イチコ');
  const current = visitOf('現資 二郎', 'ゲンシ ジロウ');
  const dead = visitOf('送信 三子', 'ソウシン ミツコ');
  const past = visitOf('旧資 四郎', 'キュウシ シロウ', {
    evidence: { kind: 'portal', insurance: { insurerNumber: KYOKAI, symbol: '1', number: '2', branch: '' } },
    pastInsurance: OLD,
  });
  const edit = visitOf('修正 五子', 'シュウセイ イツコ');
  // 申立書 without numbers: one already decided ③ by the reconciler (no terminal request), one not worked yet.
  const declFound = declarationOf('申立 六郎', 'モウシタテ ロクロウ');
  const declMissing = declarationOf('申立 七子', 'モウシタテ ナナコ');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shikaku-queue-'));
    const store = await seededStore(dataDir);
    for (const v of [needs, current, dead, past, edit, declFound, declMissing]) unwrap(store.saveVisit(v));
    reconcile(store, needs, { validity: 'multiple' }, 'current', ['MULTIPLE_MATCHES']);
    reconcile(store, current, { validity: 'valid', insurance: OLD }, 'current', []);
    reconcile(store, past, { validity: 'multiple' }, 'current', ['MULTIPLE_MATCHES']);
    reconcile(store, edit, { validity: 'multiple' }, 'current', ['MULTIPLE_MATCHES']);
    unwrap(
      store.recordReconciliation({
        visitId: declFound.id,
        decision: 'unknown',
        detail: { askedTerminal: false, reason: 'no_numbers', basis: 'unknown', rule: 'seeded', needsDecision: [] },
        staff: SYSTEM_ACTOR,
      }),
    );
    for (const job of unwrap(store.claimOutbox({ limit: 10 }))) {
      // declMissing's job stays waiting (released unworked: pending, due)
      if (job.visitId === declMissing.id) unwrap(store.releaseOutbox(job.id, job.leaseToken!));
      else if (job.visitId === dead.id)
        unwrap(
          store.failOutbox(job.id, job.leaseToken!, {
            permanent: true,
            code: 'TERMINAL_REJECTED',
            message: '資格確認端末が照会を受け付けませんでした。',
          }),
        );
      else unwrap(store.completeOutbox(job.id, job.leaseToken!));
    }
    store.close();
    app = await startE2eApp({ dataDir });
  });

  afterAll(async () => {
    await app?.dispose();
    for (const pid of app?.pids ?? []) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the tabs with counts and the columns; reviews by keyboard are recorded with audit entries', async () => {
    const { page, act, problems } = await openQueue(app, 'review');
    await tab(page, 'needs_review', 3).waitFor();
    expect(await tab(page, 'unconfirmed', 1).count()).toBe(1);
    expect(await tab(page, 'confirmed', 2).count()).toBe(1);
    expect(await tab(page, 'dead', 1).count()).toBe(1);
    // The bar counts as the tabs count: 要確認 3 + 確認済み 2 of the 7 visits in the four tabs.
    const seededBar = page.getByRole('progressbar', { name: q.progressLabel });
    expect(await seededBar.getAttribute('aria-valuemax')).toBe('7');
    expect(await seededBar.getAttribute('aria-valuenow')).toBe('5');
    expect(await page.getByTestId('queue-remaining').textContent()).toBe(q.counts(1, 1));
    expect(await page.getByTestId('reconciler-state').textContent()).toBe(q.reconciler.off);

    // Tabs by keyboard: → from 未確認 to 要確認.
    await tab(page, 'unconfirmed', 1).focus();
    await act.press('ArrowRight');
    await page.getByTestId('queue-table').waitFor();
    const headers = await page.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(Object.values(q.cols));
    const row = page.locator(`tr[data-id="${needs.id}"]`);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[0]).toBe(formatMonthDay(needs.serviceDate));
    expect(cells[1]).toContain('要確 一子');
    expect(cells[2]).toBe(strings.causes[needs.cause]);
    expect(cells[3]).toBe(strings.evidence.portal);
    expect(cells[4]).toBe(strings.queueStatuses.needs_review);
    expect(cells[5]).toContain(q.needsDecision);
    expect(cells[5]).toContain('複数の資格が該当');
    await act.shot('needs-review');
    await act.axe();

    // accept: Enter on the row opens the panel; Enter in the reason field records.
    const open = page.getByRole('button', { name: q.open('要確 一子') });
    await open.focus();
    await act.press('Enter');
    const detail = page.getByTestId('queue-detail');
    await detail.getByTestId('proposal').waitFor();
    expect(await detail.getByTestId('proposal').textContent()).toBe(q.proposal(q.basis.current));
    expect(await detail.getByTestId('proposal-reasons').textContent()).toContain('複数の資格が該当');
    expect(await detail.getByTestId('answer').textContent()).toContain(q.validity.multiple);
    expect(await page.getByRole('radio', { name: q.actions.accept }).isChecked()).toBe(true);
    await act.shot('detail-needs-review');
    await act.axe();
    await act.select(page.getByLabel(q.staff, { exact: true }), STAFF.name);
    await act.type(page.getByLabel(q.reasonOptional, { exact: true }), '端末の回答を確認');
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.current));
    const accepted = latestRow(dataDir, needs.id);
    expect(accepted).toMatchObject({ decision: 'current', staff: STAFF.id, status: 'reconciled' });
    expect(accepted.key).toMatch(new RegExp(`^${needs.id}:review:`));
    expect(accepted.detail.review).toMatchObject({
      action: 'accept',
      reason: '端末の回答を確認',
      acknowledged: ['MULTIPLE_MATCHES'],
    });
    expect(accepted.audit).toMatchObject({ actor: STAFF.id, action: 'visit.review' });
    expect(accepted.audit.detail).toMatchObject({ action: 'accept', before: 'none', after: 'current' });
    await expect.poll(() => detail.getByTestId('claim').textContent()).toContain(q.basis.current);
    await act.shot('detail-accepted');
    await act.axe();
    // Esc closes the panel and gives the focus back to the list.
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await tab(page, 'needs_review', 2).waitFor();

    // choose_basis ② with a reason: without one it is refused and nothing is stored.
    await page.getByRole('button', { name: q.open('旧資 四郎') }).focus();
    await act.press('Enter');
    await detail.getByTestId('proposal').waitFor();
    await act.click(page.getByRole('radio', { name: q.actions.choose_basis }));
    await act.click(page.getByRole('radio', { name: q.basis.past }));
    expect(await detail.textContent()).toContain(q.candidate(q.numbersLine(OLD)));
    await act.select(page.getByLabel(q.staff, { exact: true }), STAFF.name);
    const reason = page.getByLabel(q.reason, { exact: true });
    await reason.focus();
    await act.press('Enter');
    await detail.getByText(q.reasonRequired).waitFor();
    expect(latestRow(dataDir, past.id).decision).toBe('none');
    await act.shot('choose-basis-reason-required');
    await act.axe();
    await act.type(reason, '保険者に電話で確認');
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.past));
    const chosen = latestRow(dataDir, past.id);
    expect(chosen).toMatchObject({ decision: 'past', staff: STAFF.id, status: 'reconciled' });
    expect(chosen.detail.review).toMatchObject({ action: 'choose_basis', reason: '保険者に電話で確認', numbers: OLD });
    expect(chosen.audit.detail).toMatchObject({ action: 'choose_basis', reason: '保険者に電話で確認', after: 'past' });
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // edit_numbers: the check digit is validated as typed; the corrected numbers are stored.
    await page.getByRole('button', { name: q.open('修正 五子') }).focus();
    await act.press('Enter');
    await detail.getByTestId('proposal').waitFor();
    await act.click(page.getByRole('radio', { name: q.actions.edit_numbers }));
    await act.select(page.getByLabel(q.staff, { exact: true }), STAFF.name);
    const insurer = page.getByLabel(strings.insurerNumber, { exact: true });
    const wrong = KYOKAI.slice(0, 7) + String((Number(KYOKAI[7]) + 1) % 10);
    await act.type(insurer, wrong);
    await detail.getByText(/検証番号/).waitFor();
    expect(await insurer.getAttribute('aria-invalid')).toBe('true');
    await act.shot('edit-numbers-check-digit');
    await act.axe();
    await insurer.fill('');
    await act.type(insurer, KYOKAI);
    expect(await insurer.getAttribute('aria-invalid')).toBeNull();
    await act.type(page.getByLabel(strings.symbol, { exact: true }), '77');
    await act.type(page.getByLabel(strings.number, { exact: true }), '88');
    await act.type(page.getByLabel(q.reason, { exact: true }), '保険証を再確認');
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.current));
    const edited = latestRow(dataDir, edit.id);
    expect(edited).toMatchObject({ decision: 'current', status: 'reconciled' });
    expect(edited.detail.review).toMatchObject({
      action: 'edit_numbers',
      numbers: { insurerNumber: KYOKAI, symbol: '77', number: '88', branch: '' },
    });
    await expect.poll(() => detail.getByTestId('claim').textContent()).toContain(KYOKAI);
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    // The row has left the tab: the focus goes back to the tab itself.
    await tab(page, 'needs_review', 0).waitFor();
    await expect.poll(() => isFocused(tab(page, 'needs_review', 0))).toBe(true);
    await tab(page, 'confirmed', 5).waitFor();

    // 送信不可: the dead job's visit, with its last error.
    await act.click(tab(page, 'dead', 1));
    const deadRow = page.locator(`tr[data-id="${dead.id}"]`);
    await deadRow.waitFor();
    expect((await deadRow.getByRole('cell').allTextContents())[4]).toBe(q.dead);
    const openDead = page.getByRole('button', { name: q.open('送信 三子') });
    await openDead.focus();
    await act.press('Enter');
    await detail.getByTestId('job').waitFor();
    expect(await detail.getByTestId('job').textContent()).toContain(q.jobLine(q.jobStatus.dead!, 1));
    expect(await detail.getByTestId('job').textContent()).toContain('照会を受け付けませんでした');
    await act.shot('dead-detail');
    await act.axe();
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(await isFocused(openDead)).toBe(true);
    act.done();
    expect(problems).toEqual([]);
  });

  it('manual_lookup (申立書, looked up by hand in the 緊急時 function): not found → ③, found → ① with the numbers', async () => {
    const { page, act, problems } = await openQueue(app, 'manual-lookup');
    const detail = page.getByTestId('queue-detail');
    const jobOf = (visitId: string) =>
      journal(dataDir, (db) =>
        db.prepare(`SELECT status FROM outbox WHERE visit_id = ? AND kind = 'reconcile'`).pluck().all(visitId),
      );

    // 未確認: the job still waits; not found → ③, and the waiting job is closed.
    expect(jobOf(declMissing.id)).toEqual(['pending']);
    await act.click(tab(page, 'unconfirmed', 1));
    await page.getByRole('button', { name: q.open('申立 七子') }).focus();
    await act.press('Enter');
    await detail.getByTestId('proposal').waitFor();
    expect(await page.getByRole('radio', { name: q.actions.accept }).count()).toBe(0); // nothing to accept yet
    await expect.poll(() => detail.getByTestId('evidence').textContent()).toContain(q.evidenceNone);
    await act.click(page.getByRole('radio', { name: q.actions.manual_lookup }));
    await act.select(page.getByLabel(q.staff, { exact: true }), STAFF.name);
    const reasonField = page.getByLabel(q.reasonOptional, { exact: true });
    await reasonField.focus();
    await act.press('Enter');
    await detail.getByText(q.manualFoundRequired).waitFor(); // the result must be chosen
    expect(statusOf(dataDir, declMissing.id)).toBe('pending');
    await act.click(page.getByRole('radio', { name: q.manualFoundNo }));
    await act.shot('manual-lookup-not-found');
    await act.axe();
    await act.type(reasonField, '緊急時の照会で該当なし');
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.unknown));
    const missing = latestRow(dataDir, declMissing.id);
    expect(missing).toMatchObject({ decision: 'unknown', staff: STAFF.id, status: 'reconciled' });
    expect(missing.key).toMatch(new RegExp(`^${declMissing.id}:review:`));
    expect(missing.detail.review).toMatchObject({
      action: 'manual_lookup',
      found: false,
      basis: 'unknown',
      numbers: null,
      reason: '緊急時の照会で該当なし',
      previous: { decision: null, key: null },
    });
    expect(missing.audit).toMatchObject({ actor: STAFF.id, action: 'visit.review' });
    expect(missing.audit.detail).toMatchObject({
      action: 'manual_lookup',
      reason: '緊急時の照会で該当なし',
      before: null,
      after: 'unknown',
      from: 'pending',
      key: missing.key,
      closedJobs: [':reconcile'],
    });
    expect(jobOf(declMissing.id)).toEqual(['done']);
    await expect.poll(() => detail.getByTestId('claim').textContent()).toContain(q.basis.unknown);
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await tab(page, 'unconfirmed', 0).waitFor();

    // 確認済み ③ (no numbers on the 申立書): found by hand → ① with the numbers typed, 検証番号 checked.
    await act.click(tab(page, 'confirmed', 6));
    await page.getByRole('button', { name: q.open('申立 六郎') }).focus();
    await act.press('Enter');
    await detail.getByTestId('proposal').waitFor();
    expect(await detail.getByTestId('claim').textContent()).toContain(q.basis.unknown);
    await act.click(page.getByRole('radio', { name: q.actions.manual_lookup }));
    await act.click(page.getByRole('radio', { name: q.manualFoundYes }));
    await act.select(page.getByLabel(q.staff, { exact: true }), STAFF.name);
    const insurer = page.getByLabel(strings.insurerNumber, { exact: true });
    await insurer.focus();
    await act.press('Enter');
    await expect.poll(() => insurer.getAttribute('aria-invalid')).toBe('true'); // numbers required when found
    expect(latestRow(dataDir, declFound.id).decision).toBe('unknown');
    await act.type(insurer, KYOKAI);
    await act.type(page.getByLabel(strings.symbol, { exact: true }), '55');
    await act.type(page.getByLabel(strings.number, { exact: true }), '66');
    await act.shot('manual-lookup-found');
    await act.axe();
    await act.press('Enter');
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.current));
    const foundRow = latestRow(dataDir, declFound.id);
    expect(foundRow).toMatchObject({ decision: 'current', staff: STAFF.id, status: 'reconciled' });
    expect(foundRow.detail.review).toMatchObject({
      action: 'manual_lookup',
      found: true,
      basis: 'current',
      numbers: { insurerNumber: KYOKAI, symbol: '55', number: '66', branch: '' },
      reason: '',
      previous: { decision: 'unknown' },
    });
    expect(foundRow.audit).toMatchObject({ actor: STAFF.id, action: 'visit.review' });
    expect(foundRow.audit.detail).toMatchObject({
      action: 'manual_lookup',
      before: 'unknown',
      after: 'current',
      from: 'reconciled',
      key: foundRow.key,
    });
    expect(foundRow.audit.detail.closedJobs).toBeUndefined(); // its job was done already
    await expect.poll(() => detail.getByTestId('claim').textContent()).toContain(KYOKAI);
    expect(await detail.getByTestId('claim').textContent()).toContain(q.basis.current);
    expect(await detail.getByTestId('history').textContent()).toContain(q.reviewed(q.actions.manual_lookup, ''));
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    act.done();
    expect(problems).toEqual([]);
  });
});

describe('事後確認 queue: progress with the reconciler running', () => {
  let app: E2eApp;
  let dataDir: string;
  let share: string;
  let sim: TerminalSimulator;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shikaku-queue-run-'));
    share = mkdtempSync(join(tmpdir(), 'shikaku-queue-share-'));
    (await seededStore(dataDir)).close();
    sim = await TerminalSimulator.start({
      dir: share,
      registry: [{ ...OLD, name: '山田 花子', nameKana: 'ヤマダ ハナコ', birthDate: '1980-05-15', sex: 'female' }],
      // Slow enough that the page sees the bar move.
      defaultAnswer: { kind: 'registry', delayMs: 300 },
    });
    // The device set the app uses (not the e2e project's simulated one, which brings its own terminal share), the
    // terminal link on our share, and the reconciler on as in the clinic.
    app = await startE2eApp(
      { dataDir },
      { SHIKAKU_DEVICES: 'real', SHIKAKU_TERMINAL_DIR: share, SHIKAKU_RECONCILE: 'auto' },
    );
  });

  afterAll(async () => {
    await app?.dispose();
    await sim?.stop();
    for (const pid of app?.pids ?? []) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(share, { recursive: true, force: true });
  });

  it('the bar reaches its total and the rows move to 確認済み', async () => {
    const { page, act, problems } = await openQueue(app, 'progress');
    await expect.poll(() => page.getByTestId('reconciler-state').textContent()).toBe(q.reconciler.running);
    const visits = [1, 2, 3].map(() => visitOf('山田 花子', 'ヤマダ ハナコ'));
    for (const v of visits) {
      await page.evaluate((visit) => window.shikaku!.invoke('visits.save', visit), v);
    }
    const bar = page.getByRole('progressbar', { name: q.progressLabel });
    await expect
      .poll(async () => [await bar.getAttribute('aria-valuenow'), await bar.getAttribute('aria-valuemax')], {
        timeout: 60_000,
      })
      .toEqual(['3', '3']);
    expect(await bar.getAttribute('aria-valuetext')).toBe(q.progressText(3, 3));
    await tab(page, 'confirmed', 3).waitFor({ timeout: 30_000 });
    await act.click(tab(page, 'confirmed', 3));
    expect(sim.log.filter((l) => l.request === 'qualification').length).toBeGreaterThanOrEqual(3);
    for (const v of visits) {
      const cells = await page.locator(`tr[data-id="${v.id}"]`).getByRole('cell').allTextContents();
      expect(cells[4]).toBe(strings.queueStatuses.reconciled);
      expect(cells[5]).toBe(q.basis.current);
    }
    await act.shot('progress-done');
    await act.axe();

    // The answer the decision rests on, archived: listed under the terminal's answer and readable as text.
    const v = visits[0]!;
    const archived = journal(dataDir, (db) =>
      db
        .prepare(
          `SELECT e.file, e.sha256, e.request, b.size FROM answer_evidence e JOIN answer_blobs b USING (sha256)
           WHERE e.visit_id = ?`,
        )
        .all(v.id),
    ) as { file: string; sha256: string; request: string; size: number }[];
    expect(archived).toHaveLength(1);
    const ev = archived[0]!;
    expect(ev.request).toBe('qualification');
    await page.locator(`tr[data-id="${v.id}"]`).getByRole('button').focus();
    await act.press('Enter');
    const detail = page.getByTestId('queue-detail');
    const evidence = detail.getByTestId('evidence');
    // The main view says how many answers are kept; file names and SHA-256 are under 「詳細」.
    await evidence.getByTestId('evidence-summary').waitFor();
    expect(await evidence.getByTestId('evidence-summary').textContent()).not.toContain(ev.file);
    await act.click(evidence.getByText(q.more, { exact: true }));
    const evRow = evidence.locator(`tr[data-sha256="${ev.sha256}"]`);
    await evRow.waitFor();
    expect(await detail.getByTestId('answer').textContent()).toContain(q.validity.valid);
    const evCells = await evRow.getByRole('cell').allTextContents();
    expect(evCells[0]).toBe(ev.file);
    expect(evCells[2]).toBe(q.evidenceVia.single);
    expect(evCells[3]).toBe(q.evidenceSize(ev.size));
    expect(evCells[4]).toBe(ev.sha256);
    const show = evidence.getByRole('button', { name: q.evidenceShow(ev.file) });
    await show.focus();
    await act.press('Enter');
    const text = page.getByRole('region', { name: q.evidenceTextLabel(ev.file) });
    await text.waitFor();
    expect(await show.getAttribute('aria-expanded')).toBe('true');
    expect(await evidence.textContent()).toContain(q.evidenceTextNote(q.evidenceEncoding.shift_jis!, false));
    const xml = (await text.textContent()) ?? '';
    expect(xml).toMatch(/^<\?xml[^>]*Shift_JIS/i);
    expect(xml).toContain('山田 花子'); // decoded from Shift_JIS, not mojibake
    expect(xml).toContain(`<InsuredIdentificationNumber>${OLD.number}<`);
    await text.focus(); // the region scrolls by keyboard
    await act.shot('evidence-text');
    await act.axe();
    await act.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await expectAccessible(page);
    act.done();
    expect(problems).toEqual([]);
  }, 120_000);
});
