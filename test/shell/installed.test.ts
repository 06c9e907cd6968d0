// The installed app (app.isPackaged) without Electron: a fake `app` with Electron's names drives the
// launch options, the menu, the renderer-crash recovery and the login item; a real forked core shows that
// a packaged launch refuses test hooks; real folders show the one-time move to the per-PC data folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App, MenuItemConstructorOptions } from 'electron';
import { defaultDataDir } from '../../src/main/core/store/paths.ts';
import { CoreClient, forkCoreSpawner } from '../../src/main/host/core-client.ts';
import { MOVED_NOTE, legacyWindowsDataDir, moveLegacyDataDir } from '../../src/main/host/data-folder.ts';
import { coreEnv } from '../../src/main/host/options.ts';
import {
  APP_ID,
  OPEN_AT_LOGIN_KEY,
  appMenuTemplate,
  isOpenAtLoginSet,
  launchOptionsFor,
  menuRoles,
  rendererRecovery,
  setOpenAtLogin,
  windowTitle,
  withOpenAtLogin,
} from '../../src/main/electron/installed.ts';
import { hasJapanese, isAlive, tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const mainSource = readFileSync(join(root, 'src/main/electron/main.ts'), 'utf8');
const builderYml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const dir = tempDir('shikaku-installed-');
afterAll(() => dir.remove());

const fakeApp = (isPackaged: boolean) =>
  ({ isPackaged, getVersion: () => '9.9.9' }) as Pick<App, 'isPackaged' | 'getVersion'>;
const devSwitches = { SHIKAKU_TEST_HOOKS: '1', SHIKAKU_DEVICES: 'simulated', SHIKAKU_DATA_DIR: '/srv/shikaku' };

describe('an installed app refuses the development switches', () => {
  it('SHIKAKU_TEST_HOOKS: honoured in development, refused (and reported) when packaged', () => {
    expect(launchOptionsFor(fakeApp(false), [], devSwitches)).toMatchObject({ testHooks: true, refused: [] });
    const packaged = launchOptionsFor(fakeApp(true), [], devSwitches);
    expect(packaged.testHooks).toBe(false);
    expect(packaged.refused).toEqual(['SHIKAKU_TEST_HOOKS', 'SHIKAKU_DEVICES']);
    expect(coreEnv(packaged, devSwitches).SHIKAKU_TEST_HOOKS).toBe('0');
  });

  it('SHIKAKU_DEVICES=simulated: passed to the core in development, removed from its environment when packaged', () => {
    expect(coreEnv(launchOptionsFor(fakeApp(false), [], devSwitches), devSwitches).SHIKAKU_DEVICES).toBe('simulated');
    expect(coreEnv(launchOptionsFor(fakeApp(true), [], devSwitches), devSwitches)).not.toHaveProperty(
      'SHIKAKU_DEVICES',
    );
  });

  it("訓練モード's own switch remains: --demo still selects <data>/demo when packaged", () => {
    const demo = launchOptionsFor(fakeApp(true), ['--demo'], devSwitches);
    expect(demo).toMatchObject({ demo: true, dataDir: join('/srv/shikaku', 'demo'), testHooks: false });
    expect(coreEnv(demo, {}).SHIKAKU_DEMO).toBe('1');
  });

  it('a real core started with the packaged environment answers no test-only request', async () => {
    const launch = launchOptionsFor(fakeApp(true), [], { ...devSwitches, SHIKAKU_DATA_DIR: join(dir.path, 'core') });
    const client = new CoreClient({
      spawn: forkCoreSpawner({ env: coreEnv(launch, { ...process.env, ...devSwitches }) }),
      log: () => undefined,
    });
    try {
      await client.start();
      expect(await client.request('app.info', {})).toMatchObject({ testHooks: false, version: '9.9.9' });
      const sleep = await client.call('test.sleep', { ms: 1 });
      expect(sleep).toMatchObject({ ok: false, error: { code: 'CONTRACT_UNKNOWN_REQUEST' } });
    } finally {
      const pid = client.pid();
      await client.stop();
      expect(isAlive(pid)).toBe(false);
    }
  });

  it('developer tools only when not packaged (window and menu)', () => {
    expect(mainSource).toMatch(/secureWebPreferences\(\{ preload: paths\.preload, devTools: !app\.isPackaged \}\)/);
    expect(mainSource).toMatch(/appMenuTemplate\(\{ devTools: !app\.isPackaged \}\)/);
    expect(menuRoles(appMenuTemplate({ devTools: false }))).not.toContain('toggleDevTools');
    expect(menuRoles(appMenuTemplate({ devTools: true }))).toContain('toggleDevTools');
  });
});

describe('menu, names, window', () => {
  it('the menu is Japanese and has no reload (Ctrl+R / F5 would throw away a reception in progress)', () => {
    const template = appMenuTemplate({ devTools: false });
    const roles = menuRoles(template).map((r) => r.toLowerCase());
    for (const r of ['reload', 'forcereload', 'toggledevtools']) expect(roles).not.toContain(r);
    const labels = (items: readonly MenuItemConstructorOptions[]): string[] =>
      items.flatMap((i) => [
        ...(i.type === 'separator' ? [] : [i.label ?? '']),
        ...(Array.isArray(i.submenu) ? labels(i.submenu) : []),
      ]);
    for (const label of labels(template)) expect(hasJapanese(label), label).toBe(true);
    expect(mainSource).toMatch(/Menu\.setApplicationMenu\(Menu\.buildFromTemplate\(appMenuTemplate/);
  });

  it('appId, AppUserModelID and the Japanese product name agree with electron-builder.yml', () => {
    expect(builderYml).toContain(`appId: ${APP_ID}`);
    expect(mainSource).toMatch(/app\.setAppUserModelId\(APP_ID\)/);
    const productName = /^productName: (.+)$/m.exec(builderYml)?.[1];
    expect(productName && hasJapanese(productName)).toBe(true);
    expect(windowTitle(false)).toBe(productName);
    expect(windowTitle(true)).toContain('訓練モード');
  });

  it('crash dumps are kept on this PC, under the data folder, never uploaded', () => {
    expect(mainSource).toMatch(/app\.setPath\('crashDumps', join\(launch\.dataDir, 'crashes'\)\)/);
    expect(mainSource).toMatch(/crashReporter\.start\(crashReporterOptions\)/);
    expect(mainSource).not.toMatch(/submitURL/);
  });
});

describe('a renderer crash is logged and the window reloaded', () => {
  function harness() {
    const lines: string[] = [];
    const timers: number[] = [];
    let reloads = 0;
    let t = 0;
    const recover = rendererRecovery({
      log: (l) => lines.push(l),
      reload: () => void reloads++,
      setTimer: (fn, ms) => {
        timers.push(ms);
        fn();
      },
      now: () => t,
    });
    return { recover, lines, timers, reloads: () => reloads, advance: (ms: number) => void (t += ms) };
  }

  it('reloads at once after a crash and logs why; a clean exit is no crash', () => {
    const h = harness();
    expect(h.recover({ reason: 'clean-exit', exitCode: 0 })).toBe(false);
    expect(h.reloads()).toBe(0);
    expect(h.recover({ reason: 'crashed', exitCode: 139 })).toBe(true);
    expect(h.reloads()).toBe(1);
    expect(h.timers).toEqual([0]);
    expect(h.lines[0]).toContain('crashed');
  });

  it('backs off while the renderer keeps dying within a minute, and starts over after a quiet minute', () => {
    const h = harness();
    for (let i = 0; i < 7; i++) h.recover({ reason: 'oom', exitCode: 1 });
    expect(h.timers).toEqual([0, 1000, 2000, 4000, 8000, 16000, 30000]);
    h.advance(61_000);
    h.recover({ reason: 'killed', exitCode: 9 });
    expect(h.timers.at(-1)).toBe(0);
    expect(h.reloads()).toBe(8);
  });

  it('the window wires it: render-process-gone → recovery → loadURL of the app', () => {
    expect(mainSource).toMatch(
      /webContents\.on\('render-process-gone', \(_event, details\) => void recover\(details\)\)/,
    );
    expect(mainSource).toMatch(
      /reload: \(\) => \{\s*if \(!window\.isDestroyed\(\)\) void window\.loadURL\(APP_INDEX_URL\);/,
    );
  });
});

describe('「Windows起動時に開く」 (answered by Electron main)', () => {
  function loginApp(initial = false) {
    let openAtLogin = initial;
    const app = {
      getLoginItemSettings: () => ({ openAtLogin }),
      setLoginItemSettings: (s: { openAtLogin?: boolean }) => void (openAtLogin = s.openAtLogin ?? openAtLogin),
    } as unknown as Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;
    return { app, value: () => openAtLogin };
  }
  const core = {
    ok: true as const,
    value: {
      items: [{ key: 'clinic.name', value: '', default: '', isDefault: true, restartRequired: true }],
      terminalDirEnv: null,
    },
  };

  it('settings.get gains the item on Windows, not on Linux (no login items there)', () => {
    const { app } = loginApp(true);
    const win = withOpenAtLogin(core, app, 'win32');
    expect(win.ok && (win.value as typeof core.value).items.at(-1)).toEqual({
      key: OPEN_AT_LOGIN_KEY,
      value: true,
      default: false,
      isDefault: false,
      restartRequired: false,
    });
    expect(withOpenAtLogin(core, app, 'linux')).toBe(core);
  });

  it('settings.set of the item changes the login item; a non-boolean is refused with a Japanese reason', () => {
    const { app, value } = loginApp(false);
    const lines: string[] = [];
    const input = { key: OPEN_AT_LOGIN_KEY, value: true, staff: 'tanaka' };
    expect(isOpenAtLoginSet('settings.set', input)).toBe(true);
    expect(isOpenAtLoginSet('settings.set', { key: 'clinic.name' })).toBe(false);
    expect(setOpenAtLogin(input, app, (l) => lines.push(l))).toMatchObject({
      ok: true,
      value: { saved: true, item: { value: true, isDefault: false } },
    });
    expect(value()).toBe(true);
    expect(lines.join('\n')).toContain('tanaka');
    const bad = setOpenAtLogin({ ...input, value: 'yes' }, app, () => undefined);
    expect(bad).toMatchObject({ ok: true, value: { saved: false } });
    const reason = (bad as { value: { errors: { message: string }[] } }).value.errors[0]?.message ?? '';
    expect(hasJapanese(reason)).toBe(true);
    expect(value()).toBe(true);
  });
});

describe('one journal per PC', () => {
  it('Windows: the data folder is under ProgramData for every account; the old one was per account', () => {
    const env = { ProgramData: 'C:\\ProgramData', APPDATA: 'C:\\Users\\uketsuke\\AppData\\Roaming' };
    expect(defaultDataDir(env, 'win32')).toBe(join('C:\\ProgramData', 'shikaku-fallback'));
    expect(legacyWindowsDataDir(env)).toBe(join('C:\\Users\\uketsuke\\AppData\\Roaming', 'shikaku-fallback'));
    expect(mainSource).toMatch(/moveLegacyDataDir\(legacyWindowsDataDir\(process\.env\)/);
  });

  function oldFolder(name: string): { from: string; to: string } {
    const from = join(dir.path, name, 'old');
    const to = join(dir.path, name, 'new');
    mkdirSync(join(from, 'backups'), { recursive: true });
    writeFileSync(join(from, 'journal.sqlite3'), 'db');
    writeFileSync(join(from, 'journal.sqlite3-wal'), 'wal');
    writeFileSync(join(from, 'backups', 'journal-1.sqlite3'), 'b1');
    return { from, to };
  }

  it('moves the old folder once: journal, WAL and backups; leaves a note; the second start does nothing', () => {
    const { from, to } = oldFolder('move');
    const r = moveLegacyDataDir(from, to);
    expect(r.moved).toBe(true);
    expect(readFileSync(join(to, 'journal.sqlite3'), 'utf8')).toBe('db');
    expect(readFileSync(join(to, 'journal.sqlite3-wal'), 'utf8')).toBe('wal');
    expect(readFileSync(join(to, 'backups', 'journal-1.sqlite3'), 'utf8')).toBe('b1');
    expect(existsSync(join(from, 'journal.sqlite3'))).toBe(false);
    expect(readFileSync(join(from, MOVED_NOTE), 'utf8')).toContain(to);
    expect(moveLegacyDataDir(from, to)).toEqual({ moved: false, reason: 'already-moved' });
  });

  it('never merges: a per-PC folder that already has a journal is left alone, and so is the old one', () => {
    const { from, to } = oldFolder('keep');
    mkdirSync(to, { recursive: true });
    writeFileSync(join(to, 'journal.sqlite3'), 'other PC account');
    expect(moveLegacyDataDir(from, to)).toEqual({ moved: false, reason: 'target-has-journal' });
    expect(readFileSync(join(to, 'journal.sqlite3'), 'utf8')).toBe('other PC account');
    expect(readFileSync(join(from, 'journal.sqlite3'), 'utf8')).toBe('db');
  });
});
