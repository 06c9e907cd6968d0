// Issue #15: 事後確認の一覧 at 1366×768 (a typical reception PC), in Chromium through the web host with the REAL core
// and a journal seeded before start (visits in every tab, the reconciler's decisions recorded as the system). The
// detail opens in view (a side panel within the viewport), no column wraps to one character a line (cell widths
// measured), dates and times are in Japanese form (12月7日 14:01), the main view shows no English or jargon, ①②③
// are explained where they are chosen, the progress figures agree with the tabs, and the reviewer is never
// preselected: saving without one is refused beside the field. Screenshots to .tmp/screens/queue-*.png; axe.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalFinding, Visit } from '../../src/claims/visit.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { formatMonthDay } from '../../src/renderer/print/format.ts';
import { strings } from '../../src/renderer/strings.ts';
import { expectAccessible, OUT_DIR } from './actions.ts';
import { OLD, STAFF, unwrap, visitOf } from './queue-seed.ts';
import { openApp, startSession, type E2eSession } from './session.ts';

const q = strings.queue;
const VIEWPORT = { width: 1366, height: 768 };
const SCREENS = join(OUT_DIR, 'screens');

function reconcile(store: Store, v: Visit, finding: TerminalFinding, needs: string[]): void {
  unwrap(
    store.recordReconciliation({
      visitId: v.id,
      decision: needs.length ? 'none' : 'current',
      detail: { askedTerminal: true, finding, basis: 'current', rule: 'seeded', needsDecision: needs },
      staff: SYSTEM_ACTOR,
    }),
  );
}

const needs = visitOf('要確 一子', 'ヨウカク イチコ');
const needs2 = visitOf('要確 二郎', 'ヨウカク ジロウ');
const done = visitOf('確認 三子', 'カクニン ミツコ');
const waiting = visitOf('未確 四郎', 'ミカク シロウ');

let session: E2eSession;

beforeAll(async () => {
  mkdirSync(SCREENS, { recursive: true });
  session = await startSession('queue-1366', {
    context: { viewport: VIEWPORT },
    seed: (store) => {
      unwrap(store.setStaff([STAFF, { id: 's2', name: '医事 次郎', active: true }], SYSTEM_ACTOR));
      for (const v of [needs, needs2, done, waiting]) unwrap(store.saveVisit(v));
      reconcile(store, needs, { validity: 'multiple' }, ['MULTIPLE_MATCHES']);
      reconcile(store, needs2, { validity: 'multiple' }, ['MULTIPLE_MATCHES']);
      reconcile(store, done, { validity: 'valid', insurance: OLD }, []);
    },
  });
});

afterAll(async () => {
  await session?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENS, `queue-${name}.png`) });
const tab = (page: Page, cat: keyof typeof q.tabs, n: number) =>
  page.getByRole('tab', { name: q.tab(q.tabs[cat], n), exact: true });

/** Every header and cell of the table: its width, and how many lines its text takes. */
async function cellShapes(page: Page) {
  return page.getByTestId('queue-table').evaluate((table) =>
    [...table.querySelectorAll('th, td')].map((el) => {
      const cell = el as HTMLElement;
      const style = getComputedStyle(cell);
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      // The widest single character of this font size: a column narrower than two would wrap a character a line.
      return {
        text: cell.innerText,
        width: cell.getBoundingClientRect().width,
        fontSize: parseFloat(style.fontSize),
        lines: cell.tagName === 'TH' ? Math.round(range.getBoundingClientRect().height / lineHeight) : 0,
      };
    }),
  );
}

describe('事後確認の一覧 at 1366×768', () => {
  it('fits: columns never one character wide, Japanese dates, progress as the tabs count', async () => {
    const { page, problems } = await openApp(session);
    await page.getByRole('button', { name: strings.navQueue }).click();
    await tab(page, 'needs_review', 2).waitFor();
    expect(await tab(page, 'unconfirmed', 1).count()).toBe(1);
    expect(await tab(page, 'confirmed', 1).count()).toBe(1);
    expect(await tab(page, 'dead', 0).count()).toBe(1);
    // The bar and the line beside it count what the tabs count: 要確認 2 + 確認済み 1 of 4.
    const bar = page.getByRole('progressbar', { name: q.progressLabel });
    expect([await bar.getAttribute('aria-valuenow'), await bar.getAttribute('aria-valuemax')]).toEqual(['3', '4']);
    expect(await bar.getAttribute('aria-valuetext')).toBe(q.progressText(3, 4));
    expect(await page.getByTestId('queue-remaining').textContent()).toBe(q.counts(1, 0));

    await tab(page, 'needs_review', 2).click();
    await page.locator(`tr[data-id="${needs.id}"]`).waitFor();
    const shapes = await cellShapes(page);
    expect(shapes.length).toBeGreaterThan(7);
    for (const c of shapes) {
      // At least three characters wide, every header on one line.
      expect(c.width, `「${c.text}」 is ${c.width} px wide`).toBeGreaterThanOrEqual(3 * c.fontSize);
      if (c.lines) expect(c.lines, `header 「${c.text}」`).toBe(1);
    }
    const cells = await page.locator(`tr[data-id="${needs.id}"]`).getByRole('cell').allTextContents();
    expect(cells[0]).toBe(formatMonthDay(needs.serviceDate));
    expect(cells[0]).toMatch(/^(\d{4}年)?\d{1,2}月\d{1,2}日$/);
    await expectAccessible(page);
    await shot(page, 'list');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens the detail in view; plain Japanese; ①②③ explained; no reviewer preselected', async () => {
    const { page, problems } = await openApp(session);
    await page.getByRole('button', { name: strings.navQueue }).click();
    await tab(page, 'needs_review', 2).click();
    // The second row from the top: the panel still opens in view, without scrolling.
    await page.getByRole('button', { name: q.open('要確 二郎') }).click();
    const detail = page.getByTestId('queue-detail');
    await detail.getByTestId('proposal').waitFor();
    const box = (await detail.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
    expect(
      await page
        .getByRole('heading', { name: q.detailTitle('要確 二郎') })
        .evaluate((el) => el === document.activeElement),
    ).toBe(true);

    // Times as 12月7日 14:01; the reconciler shown as 自動, never 'system'; no English on the main view.
    const text = await detail.evaluate((el) => (el as HTMLElement).innerText);
    expect(text).toMatch(/\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(text).toContain(q.systemActor);
    expect(text).not.toMatch(/system|SHA-256|\.xml|T\d{2}:\d{2}/i);
    expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);

    // The reviewer is chosen deliberately: nothing preselected; recording without one is refused beside the field.
    const reviewer = page.getByLabel(q.staff, { exact: true });
    expect(await reviewer.inputValue()).toBe('');
    await page.getByRole('button', { name: q.submit }).click();
    await expect.poll(() => reviewer.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await reviewer.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe(q.staffRequired);
    expect(await reviewer.evaluate((el) => el === document.activeElement)).toBe(true);
    const fieldBox = (await reviewer.boundingBox())!;
    const errorBox = (await page.locator(`[id="${describedBy}"]`).boundingBox())!;
    expect(errorBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(40); // right under the field
    expect(
      session.journal((db) => db.prepare('SELECT COUNT(*) FROM reconciliations WHERE staff = ?').pluck().get(STAFF.id)),
    ).toBe(0);

    // ①②③ explained where they are chosen.
    await page.getByRole('radio', { name: q.actions.choose_basis }).check();
    for (const b of ['current', 'past', 'unknown'] as const) {
      const radio = page.getByRole('radio', { name: q.basis[b], exact: true });
      const id = (await radio.getAttribute('aria-describedby'))!;
      expect(await page.locator(`[id="${id}"]`).textContent()).toBe(q.basisExplained[b]);
    }
    await shot(page, 'detail');
    await expectAccessible(page);

    // The panel scrolls inside itself; the review form is reached there, still in view.
    await reviewer.selectOption({ label: STAFF.name });
    await page.getByRole('radio', { name: q.basis.unknown, exact: true }).check();
    await page.getByLabel(q.reason, { exact: true }).fill('番号が分からない');
    await page.getByRole('button', { name: q.submit }).click();
    await expect.poll(() => page.getByTestId('review-notice').textContent()).toBe(q.done(q.basis.unknown));
    expect(
      session.journal((db) =>
        db
          .prepare('SELECT decision FROM reconciliations WHERE visit_id = ? ORDER BY id DESC LIMIT 1')
          .pluck()
          .get(needs2.id),
      ),
    ).toBe('unknown');
    await shot(page, 'detail-reviewed');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
    await page.close();
  });
});
