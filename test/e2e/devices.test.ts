// 設定 → 機器の点検, settings applied without a restart, and the first start, in Chromium at 1366×768 against the
// web host, the REAL core and the real journal, driven only through the UI:
// - 機器の点検 shows the report, 「再点検」 makes a new one, 「診断情報を保存」 downloads a zip that holds no patient
//   name and no 個人番号 (read back with the terminal's zip reader);
// - a visit waits on a terminal folder whose terminal does not answer; the folder is changed on the 設定 screen
//   (its 接続テスト first) and the same core reconciles the visit through the new folder's terminal;
// - a fresh journal shows the first-start screen; 「設定せずに訓練モードで試す」 restarts the core in 訓練モード
//   (nothing written to the real journal) and 「訓練モードを終わる」 comes back to the first-start screen.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { institutionCodeMessages } from '../../src/claims/institution.ts';
import { containsMyNumber } from '../../src/claims/mynumber.ts';
import { TerminalSimulator, type SimLogEntry } from '../../src/hardware/terminal/index.ts';
import { zipEntries, zipEntryData } from '../../src/hardware/terminal/zip.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { HANAKO, visitWith } from '../reconcile/helpers.ts';
import { openApp, readJournal, startSession, type E2eSession } from './session.ts';

const t = strings.settings;
const d = strings.devices;
const VIEWPORT = { viewport: { width: 1366, height: 768 } };
const STAFF = [
  { id: 'admin', name: '管理 一郎', active: true },
  { id: 'uketsuke-01', name: '受付 一郎', active: true }, // who took the seeded visit (docs/examples)
];

describe('機器の点検 and settings applied at once', () => {
  let session: E2eSession;
  let silentDir: string;
  let answeringDir: string;
  const sims: TerminalSimulator[] = [];
  const silentLog: SimLogEntry[] = [];
  const answeringLog: SimLogEntry[] = [];
  const visit = visitWith({ insurerNumber: HANAKO.insurerNumber, symbol: '1234', number: '567', branch: '01' });

  beforeAll(async () => {
    delete process.env.SHIKAKU_TERMINAL_DIR; // the stored folder must be the one in use
    session = await startSession('devices', {
      context: VIEWPORT,
      seed: (store, dataDir) => {
        silentDir = join(dataDir, 'share-silent');
        answeringDir = join(dataDir, 'share-answering');
        for (const share of [silentDir, answeringDir])
          for (const sub of ['req', 'res', 'face']) mkdirSync(join(share, sub), { recursive: true });
        expect(store.setStaff(STAFF, SYSTEM_ACTOR).ok).toBe(true);
        expect(store.setSetting('terminal.dir', silentDir, 'admin').ok).toBe(true);
        // Long enough that the visit's request is still waiting when the folder changes.
        expect(store.setSetting('terminal.timeoutMs', 120_000, 'admin').ok).toBe(true);
        const saved = store.saveVisit(visit);
        expect(saved.ok ? '' : saved.error.code).toBe('');
      },
    });
    // The terminal link on the stored folder (not the simulated devices' own share) and 事後確認 running.
    await session.restartApp({}, { SHIKAKU_DEVICES: 'real', SHIKAKU_RECONCILE: 'auto' });
    // The simulators answer from now on (the silent one never does).
    sims.push(
      await TerminalSimulator.start({
        dir: silentDir,
        pollMs: 50,
        defaultAnswer: { kind: 'never' },
        onLog: (e) => silentLog.push(e),
      }),
      await TerminalSimulator.start({
        dir: answeringDir,
        pollMs: 50,
        registry: [HANAKO],
        onLog: (e) => answeringLog.push(e),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    for (const s of sims) await s.stop();
    await session?.close();
  });

  it('shows the report, makes a new one with 再点検, and downloads the 診断情報 without patient data', async () => {
    const { page, problems } = await openApp(session);
    await page.getByRole('button', { name: strings.navSettings }).click();
    await page.getByRole('tab', { name: strings.settingsTabs.devices }).click();
    const report = page.getByTestId('devices-report');
    await report.waitFor();
    for (const key of ['reader', 'card', 'terminal', 'network', 'power'])
      expect(await page.getByTestId(`device-${key}`).count()).toBe(1);
    expect(await page.getByRole('table', { name: d.devicesCaption }).count()).toBe(1);
    const first = await report.getAttribute('data-at');

    await page.getByRole('button', { name: d.recheck }).click();
    await expect.poll(() => report.getAttribute('data-at'), { timeout: 20_000 }).not.toBe(first);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: d.saveDiagnostics }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^shikaku-diagnostics-\d{8}-\d{6}\.zip$/);
    const file = join(session.dataDir, 'downloaded.zip');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    const names = zipEntries(bytes).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['doctor.txt', 'db-check.json', 'versions.json', 'settings.json']));
    expect(names.some((n) => n.startsWith('logs/core-'))).toBe(true);
    for (const e of zipEntries(bytes)) {
      const text = Buffer.from(zipEntryData(bytes, e, 1 << 26)).toString('utf8');
      expect(text, e.name).not.toContain(visit.patient.name);
      expect(text, e.name).not.toContain(visit.patient.name.replace(' ', ''));
      expect(containsMyNumber(text), e.name).toBe(false);
    }
    await page.getByTestId('diagnostics-status').getByText(download.suggestedFilename()).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a new terminal folder (接続テスト first) is used by the next reconcile, without a restart', async () => {
    // The visit's request went to the silent terminal and waits there.
    await expect.poll(() => silentLog.length, { timeout: 20_000 }).toBeGreaterThan(0);
    const pid = session.app.core.pid();
    const { page, problems } = await openApp(session);
    await page.getByRole('button', { name: strings.navSettings }).click();
    await page.getByTestId('settings-terminal').waitFor();
    await page.getByLabel(t.actor, { exact: true }).selectOption({ label: STAFF[0]!.name });

    const folder = page.getByLabel(t.terminalDir, { exact: true });
    await folder.fill(answeringDir);
    await page.getByTestId('terminal-test').getByRole('button', { name: strings.terminalTest.test }).click();
    const result = page.getByTestId('terminal-test-result');
    await result.getByText(strings.terminalTest.ok).waitFor({ timeout: 20_000 });
    expect(await result.textContent()).toContain('端末の応答: あり');

    await page.getByRole('button', { name: t.save(t.sections.terminal) }).click();
    await expect
      .poll(() => page.getByTestId('settings-status-terminal').textContent())
      .toContain(t.saved(t.sections.terminal));

    // The same core (no restart) reconciles the waiting visit through the new folder.
    const decision = () =>
      readJournal(session.dataDir, (db) =>
        db.prepare('SELECT decision FROM reconciliations WHERE visit_id = ?').pluck().get(visit.id),
      );
    await expect.poll(decision, { timeout: 30_000 }).toBe('current');
    expect(answeringLog.some((e) => e.answer !== 'never')).toBe(true);
    expect(session.app.core.pid()).toBe(pid);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('first start', () => {
  let session: E2eSession;

  beforeAll(async () => {
    session = await startSession('first-start', { context: VIEWPORT });
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows the setup screen on a fresh journal; skipped into 訓練モード and back', async () => {
    const { page, problems } = await openApp(session);
    const setup = page.getByTestId('first-start');
    await setup.waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByText(strings.staffEmpty).count()).toBe(0); // no red line on a reception screen

    const code = page.getByLabel(t.institutionCode, { exact: true });
    await code.fill('1312345670');
    await page.getByText(institutionCodeMessages.checkDigit).waitFor();
    await page.getByRole('button', { name: strings.setup.start }).click();
    await page.getByText(strings.setup.staffIdRequired).waitFor();

    await page.getByRole('button', { name: strings.setup.demo }).click();
    await page.getByTestId('demo-banner').waitFor({ timeout: 30_000 });
    await setup.waitFor({ state: 'detached' });
    await page.getByRole('navigation').waitFor();
    const info = await page.evaluate(() => window.shikaku!.invoke('app.info', {}));
    expect(info).toMatchObject({ demo: true, dataDir: join(session.dataDir, 'demo') });
    // Nothing was written to the real journal.
    expect(
      readJournal(session.dataDir, (db) => db.prepare("SELECT value FROM settings WHERE key = 'staff'").get()),
    ).toBeUndefined();

    await page.getByRole('button', { name: strings.demoLeave }).click();
    await setup.waitFor({ timeout: 30_000 });
    await page.getByTestId('demo-banner').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });
});
