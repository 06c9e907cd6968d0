// What the installed app needs beyond the window's security: the Japanese menu (no reload), recovery from a
// renderer crash, the 「Windows起動時に開く」 setting (answered here: the core cannot reach Electron's app),
// and crash dumps kept locally. Types-only `electron` import, so test/shell drives it with fakes.
import type { App, MenuItemConstructorOptions, RenderProcessGoneDetails } from 'electron';
import type { CallResult, SettingItemView } from '../contract.ts';
import { shellText } from '../host/messages.ts';
import { resolveLaunchOptions, type LaunchOptions } from '../host/options.ts';

const m = shellText.menu;

/** electron-builder's appId; also the Windows AppUserModelID (taskbar grouping, notifications). */
export const APP_ID = 'jp.shikaku-fallback.app';

/**
 * The application menu: ファイル / 編集 / 表示, in Japanese. No reload (Ctrl+R, F5) and no developer tools in
 * an installed app: a reload in the middle of a reception would throw away what staff typed.
 */
export function appMenuTemplate(options: { devTools: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'zoomIn', label: m.zoomIn },
    { role: 'zoomOut', label: m.zoomOut },
    { role: 'resetZoom', label: m.resetZoom },
    { type: 'separator' },
    { role: 'togglefullscreen', label: m.fullScreen },
  ];
  if (options.devTools) view.push({ type: 'separator' }, { role: 'toggleDevTools', label: m.devTools });
  return [
    { label: m.file, submenu: [{ role: 'quit', label: m.quit }] },
    {
      label: m.edit,
      submenu: [
        { role: 'undo', label: m.undo },
        { role: 'redo', label: m.redo },
        { type: 'separator' },
        { role: 'cut', label: m.cut },
        { role: 'copy', label: m.copy },
        { role: 'paste', label: m.paste },
        { role: 'selectAll', label: m.selectAll },
      ],
    },
    { label: m.view, submenu: view },
  ];
}

/** Every role a menu template uses, submenus included (for the no-reload check). */
export function menuRoles(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : []),
  ]);
}

/**
 * The app's launch options. An installed app (app.isPackaged) refuses SHIKAKU_TEST_HOOKS and SHIKAKU_DEVICES:
 * test hooks stay off and the core gets real devices, unless 訓練モード (--demo) asks for simulated ones.
 */
export function launchOptionsFor(
  app: Pick<App, 'isPackaged' | 'getVersion'>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): LaunchOptions {
  return resolveLaunchOptions(argv, env, { version: app.getVersion(), packaged: app.isPackaged });
}

export function windowTitle(demo: boolean): string {
  return demo ? `${shellText.appName}${shellText.demoTitleSuffix}` : shellText.appName;
}

/** Crash dumps stay on this PC (app.getPath('crashDumps'), set to <data>/crashes): never uploaded. */
export const crashReporterOptions = { uploadToServer: false, compress: true } as const;

export interface RendererRecoveryDeps {
  log: (line: string) => void;
  /** Reload the window's page (the journal is in the core: nothing saved is lost). */
  reload: () => void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  now?: () => number;
}

/**
 * The window's renderer died (crash, OOM, killed): log why and reload the page, at once the first time, then
 * after 1, 2, 4 … 30 s while it keeps dying within a minute. A clean exit (window closing) is not a crash.
 */
export function rendererRecovery(
  deps: RendererRecoveryDeps,
): (details: Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'>) => boolean {
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const now = deps.now ?? Date.now;
  let recent: number[] = [];
  return (details) => {
    if (details.reason === 'clean-exit') return false;
    const t = now();
    recent = [...recent.filter((x) => t - x < 60_000), t];
    const delayMs = recent.length <= 1 ? 0 : Math.min(30_000, 1000 * 2 ** (recent.length - 2));
    deps.log(
      `renderer gone (${details.reason}, exit code ${details.exitCode}); reloading the window in ${delayMs} ms ` +
        `(${recent.length} in the last minute)`,
    );
    setTimer(deps.reload, delayMs);
    return true;
  };
}

// ---------------------------------------------------------------------------------------------------------
// 「Windows起動時に開く」: a setting of this PC's Windows, not of the journal, so Electron main answers it.

export const OPEN_AT_LOGIN_KEY = 'app.openAtLogin';

type LoginItems = Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;

/** Login items exist on Windows and macOS only (Electron's API); elsewhere the setting is not offered. */
export function supportsOpenAtLogin(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

export function openAtLoginItem(app: LoginItems): SettingItemView {
  const value = app.getLoginItemSettings().openAtLogin;
  return { key: OPEN_AT_LOGIN_KEY, value, default: false, isDefault: !value, restartRequired: false };
}

/** settings.get's answer with this PC's login item appended (when the platform has one). */
export function withOpenAtLogin(result: CallResult, app: LoginItems, platform: NodeJS.Platform): CallResult {
  if (!result.ok || !supportsOpenAtLogin(platform)) return result;
  const value = result.value as { items: SettingItemView[]; terminalDirEnv: string | null };
  return { ok: true, value: { ...value, items: [...value.items, openAtLoginItem(app)] } };
}

/** True for a settings.set of the login item (answered by setOpenAtLogin instead of the core). */
export function isOpenAtLoginSet(name: string, input: unknown): boolean {
  return (
    name === 'settings.set' &&
    typeof input === 'object' &&
    input !== null &&
    (input as { key?: unknown }).key === OPEN_AT_LOGIN_KEY
  );
}

export function setOpenAtLogin(input: unknown, app: LoginItems, log: (line: string) => void): CallResult {
  const { value, staff } = input as { value?: unknown; staff?: unknown };
  const fail = (message: string): CallResult => ({
    ok: true,
    value: { saved: false, item: null, errors: [{ path: '', message }], warnings: [] },
  });
  if (typeof value !== 'boolean') return fail(shellText.openAtLogin.notBoolean);
  try {
    app.setLoginItemSettings({ openAtLogin: value });
  } catch (err) {
    return fail(shellText.openAtLogin.failed(err instanceof Error ? err.message : String(err)));
  }
  log(`setting ${OPEN_AT_LOGIN_KEY} = ${String(value)} (by ${typeof staff === 'string' ? staff : '?'})`);
  return { ok: true, value: { saved: true, item: openAtLoginItem(app), errors: [], warnings: [] } };
}
