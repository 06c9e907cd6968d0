// One browser end-to-end session, the set-up the specs share: a journal seeded with openStore BEFORE the app
// opens it, Debian's Chromium with one context, the web host with the REAL core, pages that collect console
// and page errors, read-only reads of the journal file beside the running core, and a close that proves no
// core process is left running.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LaunchOptions } from '../../src/main/host/options.ts';
import { dbPath, openStore, type Store } from '../../src/main/core/store/index.ts';
import { strings } from '../../src/renderer/strings.ts';
import { Actions, type ActionReport } from './actions.ts';
import { ensureRendererBuilt, isAlive, launchChromium, startE2eApp, type E2eApp } from './helpers.ts';

export interface SessionOptions {
  /** Writes the journal before the app starts (staff, settings, patients); the store is closed afterwards. */
  seed?: (store: Store, dataDir: string) => void;
  /** Added to the default context: 1280×900, ja-JP. */
  context?: BrowserContextOptions;
}

export interface E2eSession {
  readonly dataDir: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** The running app (replaced by restartApp). */
  readonly app: E2eApp;
  /** Disposes the app and starts it again on the same data folder (`env`: extra environment for the core). */
  restartApp(overrides?: Partial<LaunchOptions>, env?: NodeJS.ProcessEnv): Promise<E2eApp>;
  /** Reads the journal file read-only beside the running core. */
  journal<T>(fn: (db: Database.Database) => T): T;
  /** Closes the browser and the app, asserts that no core pid is left running, removes the data folder. */
  close(): Promise<void>;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught page errors, in order. */
  problems: string[];
}

/** `name` prefixes the temporary data folder (shikaku-<name>-…). */
export async function startSession(name: string, options: SessionOptions = {}): Promise<E2eSession> {
  const dataDir = mkdtempSync(join(tmpdir(), `shikaku-${name}-`));
  let browser: Browser | undefined;
  let app: E2eApp | undefined;
  const pids = new Set<number>();
  const close = async (): Promise<void> => {
    await browser?.close();
    await app?.dispose();
    for (const pid of [...pids, ...(app?.pids ?? [])]) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const opened = await openStore({ dataDir, appVersion: '0.0.0-e2e', backupOnOpen: false, checkpointIntervalMs: 0 });
    if (!opened.ok) throw new Error(opened.error.message);
    try {
      options.seed?.(opened.value.store, dataDir);
    } finally {
      opened.value.store.close();
    }
    await ensureRendererBuilt();
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'ja-JP',
      ...options.context,
    });
    app = await startE2eApp({ dataDir });
    const b = browser;
    return {
      dataDir,
      browser: b,
      context,
      get app() {
        return app!;
      },
      restartApp: async (overrides = {}, env) => {
        await app?.dispose();
        for (const pid of app?.pids ?? []) pids.add(pid);
        app = undefined;
        app = await startE2eApp({ dataDir, ...overrides }, env);
        return app;
      },
      journal: (fn) => readJournal(dataDir, fn),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The journal in `dataDir`, opened read-only for `fn` and closed again. */
export function readJournal<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** A new page on the app, collecting console errors and page errors, once the core is ready. */
export async function openApp(session: E2eSession): Promise<OpenedPage> {
  const page = await session.context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(session.app.host.url);
  await page.getByTestId('core-state').and(page.locator('[data-state="ready"]')).waitFor();
  return { page, problems };
}

/** openApp, then the reception screen with `staff` (a seeded staff member's name) chosen, counted by `act`. */
export async function openReceptionAs(
  session: E2eSession,
  staff: string,
  name: string,
  report: ActionReport,
): Promise<OpenedPage & { act: Actions }> {
  const { page, problems } = await openApp(session);
  await page.getByRole('option', { name: staff }).waitFor({ state: 'attached' });
  const act = new Actions(page, name, report);
  await act.select(page.getByLabel(strings.staffLabel, { exact: true }), staff);
  return { page, act, problems };
}

/**
 * On the 資格確認書 details step: types the card's numbers (保険者番号 01130012, 番号 1234) and goes on with Enter
 * through the 負担割合 proposal and the summary until the visit is saved.
 */
export async function saveCertificateVisit(page: Page): Promise<void> {
  await page.getByLabel(strings.insurerNumber, { exact: true }).fill('01130012');
  await page.getByLabel(strings.number, { exact: true }).fill('1234');
  await page.keyboard.press('Enter');
  await page.getByTestId('copay-proposal').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('summary').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('saved').waitFor();
}
