// Month-end in Chromium at 1366×768 against the web host and the REAL core: 「今月の請求データを作成」 from
// 事後確認の一覧. A month with ①②③ and one ③ without 住所・連絡先: the export is blocked naming that patient (date,
// reason), the name opens the review, where the ③ asks for 住所 and 連絡先 (refused empty); once typed, the month is
// exported as downloads whose bytes equal what `shikaku export --all` writes for the same journal. The UI is
// driven only through the page; the CLI runs afterwards as the reference. Action counts go to bench/ui.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { monthFileNames } from '../../src/main/core/reconcile/month-files.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { ukeText } from '../claims/helpers.ts';
import { shikaku } from '../cli/run.ts';
import { ActionReport, Actions } from './actions.ts';
import { openApp, startSession, type E2eSession } from './session.ts';
import type { Page } from 'playwright-core';

const m = strings.monthExport;
const q = strings.queue;
const STAFF = { id: 's1', name: '月末 事務長', active: true };
const ROOT = join(import.meta.dirname, '..', '..');
const MONTH = '2026-11';
const report = new ActionReport('month-export');

function example(name: string, over: (v: Visit) => void = () => undefined): Visit {
  const v = JSON.parse(readFileSync(join(ROOT, 'docs/examples', `${name}.json`), 'utf8')) as Visit;
  const out = { ...v, id: uuidv7(), staff: STAFF.id, identity: { ...v.identity, confirmedBy: STAFF.id } };
  over(out);
  return out;
}

// ① portal, ② expired card with a past record, ③ 申立書 with 住所・連絡先, ③ without them (blocks the month).
const current = example('portal');
const past = example('invalid-past');
const unknown = example('declaration-unknown');
const noContact = example('declaration-unknown', (v) => {
  v.patient = { ...v.patient, name: '住所 なし子', nameKana: 'ジュウショ ナシコ', address: '', phone: '' };
  v.evidence = {
    ...v.evidence,
    declaration: {
      ...v.evidence.declaration!,
      name: '住所 なし子',
      nameKana: 'ジュウショ ナシコ',
      address: '',
      phone: '',
    },
  };
});

let session: E2eSession;
let downloads: string;

beforeAll(async () => {
  session = await startSession('month', {
    context: { viewport: { width: 1366, height: 768 }, acceptDownloads: true },
    seed: (store) => {
      const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      };
      ok(store.setStaff([STAFF], SYSTEM_ACTOR));
      for (const v of [current, past, unknown, noContact]) ok(store.saveVisit(v));
      // The reconciler proposed ③ and stopped at 住所・連絡先: 「提案どおりにする」 is offered.
      ok(
        store.recordReconciliation({
          visitId: noContact.id,
          decision: 'none',
          detail: { askedTerminal: false, basis: 'unknown', rule: 'seeded', needsDecision: ['UNKNOWN_NO_ADDRESS'] },
          staff: SYSTEM_ACTOR,
        }),
      );
    },
  });
  downloads = mkdtempSync(join(tmpdir(), 'shikaku-month-dl-'));
});

afterAll(async () => {
  await session?.close();
  rmSync(downloads, { recursive: true, force: true });
  report.write();
});

// One page through the three steps (each its own test, in order): blocked → the review → the export.
let page: Page;
let problems: string[];
let act: Actions;

describe('今月の請求データを作成', () => {
  it('is blocked by a ③ without 住所・連絡先, named by date, patient and reason (never an id)', async () => {
    ({ page, problems } = await openApp(session));
    act = new Actions(page, 'month_end', report);
    await page.getByRole('button', { name: strings.navQueue }).click();
    await page.getByTestId('queue').waitFor();

    // From 事後確認の一覧: open the month-end panel; the month is set (the default depends on today's date).
    await act.click(page.getByRole('button', { name: m.open }));
    await page.getByTestId('month-input').fill(MONTH);
    const blockers = page.getByTestId('month-blockers');
    await blockers.waitFor();
    const text = (await blockers.textContent()) ?? '';
    expect(text).toContain(m.blocked(1));
    expect(text).toContain(`${noContact.serviceDate} 住所 なし子`);
    expect(text).toContain('住所と連絡先');
    expect(text).not.toContain(noContact.id);
    expect(await page.getByTestId('month-create').isDisabled()).toBe(true);
    await act.shot('month-blocked');
    await act.axe();
  });

  it('opens that review from the name; ③ asks for 住所 and 連絡先, refused empty, recorded when typed', async () => {
    // The name opens that visit's review; 「提案どおり」 to ③ needs 住所 and 連絡先.
    await page.getByRole('button', { name: m.openVisit(noContact.serviceDate, '住所 なし子') }).click();
    const detail = page.getByTestId('queue-detail');
    await detail.getByRole('heading', { name: q.detailTitle('住所 なし子') }).waitFor();
    await page.getByTestId('review-staff').selectOption({ label: STAFF.name });
    const contact = page.getByTestId('review-contact');
    await contact.waitFor();
    await page.getByRole('button', { name: q.submit }).click();
    expect(await contact.getByText(q.contactRequired).count()).toBe(2);
    expect(
      session.journal((db) =>
        db.prepare(`SELECT count(*) FROM reconciliations WHERE visit_id = ?`).pluck().get(noContact.id),
      ),
    ).toBe(1);
    await act.shot('review-contact');
    await act.axe();
    await page.getByTestId('review-address').fill('東京都中野区中野2-2-2');
    await page.getByTestId('review-phone').fill('090-9999-0000');
    await page.getByRole('button', { name: q.submit }).click();
    await page.getByTestId('review-notice').getByText(q.done(q.basis.unknown)).waitFor();
    await detail.getByText('住所：東京都中野区中野2-2-2').waitFor();
  });

  it('exports the month as downloads, audited, byte for byte what `shikaku export --all` writes', async () => {
    // Back in the panel: checked again, the month is ready; the web host downloads each file.
    await act.click(page.getByTestId('month-recheck'));
    await page
      .getByTestId('month-counts')
      .getByText(m.counts({ visits: 4, current: 1, past: 1, unknown: 2, reclaims: 0 }))
      .waitFor();
    await act.select(page.getByTestId('month-staff'), STAFF.name);
    await act.click(page.getByTestId('month-create'));
    const links = page.getByTestId('month-download');
    await page.getByTestId('month-status').getByText(m.downloads).waitFor();
    const names = monthFileNames(MONTH, 'shift_jis');
    expect(await links.count()).toBe(names.length);
    for (let i = 0; i < names.length; i++) {
      const [download] = await Promise.all([page.waitForEvent('download'), act.click(links.nth(i))]);
      expect(download.suggestedFilename()).toBe(names[i]);
      await download.saveAs(join(downloads, names[i]!));
    }
    await act.shot('month-downloaded');
    await act.axe();
    act.done();
    expect(problems).toEqual([]);

    // The audit names who, the month and each file's sha256.
    const audit = session.journal(
      (db) =>
        db
          .prepare(`SELECT actor, detail FROM audit_log WHERE action = 'claims.export' ORDER BY seq DESC LIMIT 1`)
          .get() as {
          actor: string;
          detail: string;
        },
    );
    expect(audit.actor).toBe(STAFF.id);
    const detailJson = JSON.parse(audit.detail) as { month: string; files: { name: string; sha256: string }[] };
    expect(detailJson.month).toBe(MONTH);
    expect(detailJson.files.map((f) => f.name)).toEqual(names);

    // The reference: the CLI on the same journal writes the same bytes.
    const cliDir = join(downloads, 'cli');
    mkdirSync(cliDir);
    const cli = shikaku([
      'export',
      '--month',
      MONTH,
      '--all',
      '--out',
      cliDir,
      '--data-dir',
      session.dataDir,
      '--json',
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    for (const name of names) {
      const ui = readFileSync(join(downloads, name));
      expect(ui.equals(readFileSync(join(cliDir, name))), name).toBe(true);
    }
    const claims = readFileSync(join(downloads, names[0]!));
    expect(new TextDecoder('shift_jis').decode(claims)).toContain(
      '住所：東京都中野区中野2-2-2 / 連絡先：090-9999-0000',
    );
  });

  it('請求前点検: a UKE file without the month`s visits lists each one by patient, as `export --check-uke` does', async () => {
    // The レセコン wrote no receipt for the outage visits (a file of another month, say): each is missing.
    const uke = join(downloads, 'RECEIPTC.UKE');
    writeFileSync(uke, ukeText([]));
    await page.getByTestId('uke-file').setInputFiles(uke);
    const findings = page.getByTestId('uke-findings');
    await findings.waitFor();
    const cli = shikaku(['export', '--month', MONTH, '--check-uke', uke, '--data-dir', session.dataDir]);
    expect(cli.status).toBe(1);
    const [summary, ...lines] = cli.stdout.trimEnd().split('\n');
    expect(await page.getByTestId('uke-status').textContent()).toBe(summary);
    expect(await findings.locator('li').allTextContents()).toEqual(lines);
    expect(lines.join('\n')).toContain('住所 なし子');
    await act.shot('month-uke-check');
    await act.axe();
    expect(act.axeViolations).toBe(0);
    expect(problems).toEqual([]);
  });
});
