// 設定 → 院内サーバー in Chromium at 1366×768 against the web host, the real core and a real PostgreSQL with TLS
// (a self-signed certificate, started by the test): the administrator fills the connection, runs 「接続テスト」,
// trusts the certificate the test showed, saves — and without a restart the card says 「院内サーバーに接続中」 and
// that this PC asks the terminal for the clinic; the journal's entries reach the server under the PC's name.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient } from '../server/helpers.ts';
import { ActionReport, Actions, SHOT_DIR } from './actions.ts';
import { openApp, startSession, type E2eSession } from './session.ts';

const t = strings.server;
const STAFF = [{ id: 'admin', name: '管理 一郎', active: true }];

let pgs: TestPostgres;
let session: E2eSession;
const report = new ActionReport('server');

beforeAll(async () => {
  pgs = await startPostgres({ tls: true });
  session = await startSession('server', {
    context: { viewport: { width: 1366, height: 768 } },
    seed: (store) => expect(store.setStaff(STAFF, SYSTEM_ACTOR).ok).toBe(true),
  });
}, 120_000);

afterAll(async () => {
  await session?.close();
  pgs?.destroy();
  report.write();
});

describe('設定 → 院内サーバー', () => {
  it('connects with a pinned certificate, at once, and says which PC asks the terminal', async () => {
    const { page, problems } = await openApp(session);
    const act = new Actions(page, 'server', report);
    await page.getByRole('button', { name: strings.navSettings }).click();
    await page.getByTestId('settings-clinic').waitFor();
    await act.select(page.getByLabel(strings.settings.actor, { exact: true }), '管理 一郎');

    const card = page.getByTestId('settings-server');
    await card.scrollIntoViewIfNeeded();
    await expect.poll(() => card.getByTestId('server-status').textContent()).toContain('このPCのデータのみ');
    await act.click(card.getByLabel(t.enabled));
    const fill = async (label: string, value: string) => {
      const field = card.getByLabel(label, { exact: true });
      await field.fill('');
      await act.type(field, value);
    };
    await fill(t.host, pgs.host);
    await fill(t.port, String(pgs.port));
    await fill(t.database, pgs.database);
    await fill(t.user, pgs.user);
    await fill(t.pcName, '受付1');
    await fill(t.password, pgs.password);
    await act.click(card.getByLabel(t.tls));

    // 接続テスト: connects and shows the certificate's fingerprint, with the button to trust it.
    await act.click(card.getByRole('button', { name: t.test }));
    await card.getByText(pgs.fingerprint!, { exact: false }).waitFor();
    await act.click(card.getByTestId('server-trust'));
    expect(await card.getByTestId('server-fingerprint').inputValue()).toBe(pgs.fingerprint);
    await act.shot('tested');

    await act.click(card.getByRole('button', { name: t.save }));
    await card.getByText(t.saved).waitFor();
    // No restart: connected, and the only PC with a terminal asks it for the clinic.
    await expect
      .poll(() => card.getByTestId('server-status').textContent(), { timeout: 20_000 })
      .toContain('院内サーバーに接続中（受付1）');
    await expect
      .poll(() => card.getByTestId('server-reconciler').getAttribute('data-route'), { timeout: 20_000 })
      .toBe('leader');
    await act.shot('connected');
    await card.screenshot({ path: join(SHOT_DIR, 'server-card-connected.png') });
    await act.axe();

    // The password is not in the journal; the server holds this PC's entries.
    const settingsRow = session.journal((db) =>
      db.prepare(`SELECT value FROM settings WHERE key = 'server'`).pluck().get(),
    );
    expect(String(settingsRow)).not.toContain(pgs.password);
    expect(JSON.parse(String(settingsRow))).toMatchObject({
      tls: true,
      tlsFingerprint: pgs.fingerprint!.replace(/:/g, ''),
    });
    const c = await adminClient(pgs);
    try {
      await expect
        .poll(async () => Number((await c.query(`SELECT count(*) AS n FROM audit_log WHERE pc = '受付1'`)).rows[0].n))
        .toBeGreaterThan(0);
    } finally {
      await c.end();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
