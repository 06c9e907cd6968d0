// The renderer in Debian's Chromium against the web host and the REAL core child process: it loads under
// the CSP, shows the connection state, survives a core crash (再起動中 → 接続中), and shows 訓練モード in
// demo mode. Nothing is left running afterwards.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strings } from '../../src/renderer/strings.ts';
import { ensureRendererBuilt, isAlive, launchChromium, startE2eApp, type E2eApp } from './helpers.ts';

let browser: Browser;
const apps: E2eApp[] = [];

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(apps.map((a) => a.dispose()));
  for (const app of apps) for (const pid of app.pids) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
});

async function openPage(app: E2eApp): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(app.host.url);
  return { page, problems };
}

const coreState = (page: Page) => page.getByTestId('core-state');

describe('web host in Chromium, real core', () => {
  let app: E2eApp;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    app = await startE2eApp();
    apps.push(app);
    ({ page, problems } = await openPage(app));
  });

  it('loads the app and shows the core as connected, with app.info from the core', async () => {
    await coreState(page).and(page.locator('[data-state="ready"]')).waitFor();
    expect(await coreState(page).textContent()).toContain(strings.coreState.ready);
    await page.getByTestId('app-info').waitFor();
    expect(await page.getByTestId('app-info').textContent()).toContain('0.0.0-e2e');
    expect(await page.getByTestId('demo-banner').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows the health bar with the mode and every device, from the core`s health state', async () => {
    const bar = page.getByTestId('health-bar');
    await bar.and(page.locator('[data-mode="normal"], [data-mode="degraded"], [data-mode="outage"]')).waitFor();
    expect(['通常', '一部障害', '障害時']).toContain((await page.getByTestId('health-mode').textContent())?.trim());
    const devices = page.getByTestId('health-devices').locator('li');
    expect(await devices.count()).toBe(5);
    expect(await page.locator('[data-device="reader"]').getAttribute('data-status')).toBe('ok');
    expect(await page.getByRole('region', { name: '機器の状態' }).count()).toBe(1);
  });

  it('exposes only invoke and on as window.shikaku, and no Node globals', async () => {
    const shape = await page.evaluate(() => ({
      keys: Object.keys(window.shikaku ?? {}).sort(),
      node: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
    }));
    expect(shape).toEqual({ keys: ['invoke', 'on'], node: 'undefined', require: 'undefined' });
  });

  it('round-trips a request and gets typed errors for bad ones', async () => {
    const result = await page.evaluate(async () => {
      const api = window.shikaku!;
      const ping = await api.invoke('app.ping', { echo: 'こんにちは' });
      const bad = await api.invoke('app.ping', { echo: 1 } as never).then(
        () => null,
        (e: unknown) => e,
      );
      const unknown = await api.invoke('no.such' as never, {} as never).then(
        () => null,
        (e: unknown) => e,
      );
      return { ping, bad, unknown };
    });
    expect(result.ping).toMatchObject({ pong: true, echo: 'こんにちは' });
    expect(result.bad).toMatchObject({ code: 'CONTRACT_INVALID_REQUEST' });
    expect(result.unknown).toMatchObject({ code: 'CONTRACT_UNKNOWN_REQUEST' });
  });

  it('survives a core crash: pending request rejected, 再起動中 shown, then 接続中 again with a new core', async () => {
    const before = await page.evaluate(() => window.shikaku!.invoke('app.info', {}));
    // Watch the state in the page so a short 再起動中 cannot be missed.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      window.shikaku!.on('core.status', (s) => seen.push(s.state));
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="core-state"]');
        if (el?.getAttribute('data-state') === 'restarting') seen.push(`shown:${el.textContent ?? ''}`);
      }).observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
    });
    const outcome = await page.evaluate(async () => {
      const api = window.shikaku!;
      const pending = api.invoke('test.sleep', { ms: 60_000 }).then(
        () => 'resolved',
        (e: { code: string }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 50));
      void api.invoke('test.crash', {}).catch(() => undefined);
      return pending;
    });
    expect(outcome).toBe('CORE_RESTARTING');
    await page.waitForFunction(() => (window as unknown as { seen: string[] }).seen.at(-1) === 'ready');
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen).toContain('restarting');
    expect(seen).toContain(`shown:${strings.coreStateLabel}: ${strings.coreState.restarting}`);
    await coreState(page).and(page.locator('[data-state="ready"]')).waitFor();
    const after = await page.evaluate(() => window.shikaku!.invoke('app.info', {}));
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(before.pid)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('shows 停止 when the web host goes away', async () => {
    const other = await startE2eApp();
    apps.push(other);
    const { page: p } = await openPage(other);
    await coreState(p).and(p.locator('[data-state="ready"]')).waitFor();
    await other.dispose();
    await coreState(p).and(p.locator('[data-state="failed"]')).waitFor();
    expect(await coreState(p).textContent()).toContain(strings.coreState.failed);
    await p.close();
  });

  it('a page on another origin cannot use the relay, even knowing the URL', async () => {
    const evil: Server = createServer((_req, res) => res.end('<html><body>evil</body></html>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const p = await browser.newPage();
      await p.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const result = await p.evaluate(
        (wsUrl) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(wsUrl);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        app.host.wsUrl,
      );
      expect(result).toBe('refused');
      await p.close();
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });
});

describe('page served while the core starts (npm start)', () => {
  it('renders its shell saying 起動中, then 接続中 with app.info once the core is ready', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'shikaku-e2e-gate-')), 'open');
    const app = await startE2eApp(
      {},
      { SHIKAKU_TEST_CORE_GATE: gate },
      { coreEntry: join(import.meta.dirname, '..', 'support', 'gated-core.ts'), waitForCore: false },
    );
    apps.push(app);
    try {
      const { page, problems } = await openPage(app);
      await coreState(page).and(page.locator('[data-state="starting"]')).waitFor();
      expect(await coreState(page).textContent()).toContain(strings.coreState.starting);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(strings.appTitle);
      expect(await page.getByTestId('app-info').count()).toBe(0);

      writeFileSync(gate, '');
      await coreState(page).and(page.locator('[data-state="ready"]')).waitFor();
      expect(await coreState(page).textContent()).toContain(strings.coreState.ready);
      await page.getByTestId('app-info').waitFor();
      expect(await page.getByTestId('app-info').textContent()).toContain('0.0.0-e2e');
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      rmSync(dirname(gate), { recursive: true, force: true });
    }
  });
});

describe('demo mode', () => {
  it('shows 訓練モード and uses the demo data folder', async () => {
    const app = await startE2eApp({ demo: true });
    apps.push(app);
    const { page, problems } = await openPage(app);
    await page.getByTestId('demo-banner').waitFor();
    expect(await page.getByTestId('demo-banner').textContent()).toContain(strings.demoBanner);
    const info = await page.evaluate(() => window.shikaku!.invoke('app.info', {}));
    expect(info.demo).toBe(true);
    expect(info.dataDir.endsWith('/demo')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('journal state on screen', () => {
  it('says the journal cannot be opened when the data file is from a newer version, and keeps it untouched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'shikaku-e2e-newer-'));
    const file = join(dataDir, 'journal.sqlite3');
    copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'store', 'newer.sqlite3'), file);
    const before = readFileSync(file);
    try {
      const app = await startE2eApp({ dataDir });
      apps.push(app);
      const { page } = await openPage(app);
      const notice = page.getByTestId('journal-notice');
      await notice.waitFor();
      expect(await notice.getAttribute('data-mode')).toBe('unavailable');
      expect(await page.getByRole('alert').filter({ hasText: strings.journalMode.unavailable }).count()).toBe(1);
      const status = await page.evaluate(() => window.shikaku!.invoke('store.status', {}));
      expect(status.error?.code).toBe('STORE_NEWER_VERSION');
      await page.close();
      expect(readFileSync(file).equals(before)).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
