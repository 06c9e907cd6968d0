// Electron main process: one hardened window on app://shikaku/, the core in a utilityProcess, and the
// contract relayed between them; logs under <data folder>/logs, crash dumps under <data folder>/crashes.
// `<app> --cli …` runs the `shikaku` command instead, before any window (dist/cli/shikaku.cjs).
// Built to dist/electron/main.mjs by scripts/build.mjs.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  safeStorage,
  session,
} from 'electron';
import type { EventMessage } from '../contract.ts';
import { contractError, type CallResult } from '../wire.ts';
import { resolveDataDir } from '../core/store/paths.ts';
import { CoreClient } from '../host/core-client.ts';
import { legacyWindowsDataDir, moveLegacyDataDir, type MoveResult } from '../host/data-folder.ts';
import { LOG_CONSOLE_ENV, LOG_DIR_NAME, openLog, type Log } from '../host/logging.ts';
import { coreEnv, type LaunchOptions } from '../host/options.ts';
import { serveAppRequest } from './app-protocol.ts';
import { IPC } from './channels.ts';
import {
  APP_ID,
  appMenuTemplate,
  crashReporterOptions,
  isOpenAtLoginSet,
  launchOptionsFor,
  rendererRecovery,
  setOpenAtLogin,
  supportsOpenAtLogin,
  windowTitle,
  withOpenAtLogin,
} from './installed.ts';
import { SAVE_PDF_REQUEST, savePdf } from './print-pdf.ts';
import { readServerPassword, SERVER_PASSWORD_REQUEST, setServerPassword } from './secrets.ts';
import { SERVER_PASSWORD_ENV } from '../core/server/client.ts';
import { chooseCsv, pickFolderWithDialog, saveFileWithDialog } from './save-file.ts';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  hardenApp,
  hardenSession,
  isTrustedSender,
  privilegedSchemes,
  secureWebPreferences,
} from './security.ts';
import { utilityCoreSpawner } from './utility-core.ts';

const here = import.meta.dirname;
const paths = {
  preload: join(here, 'preload.cjs'),
  renderer: join(here, '..', 'renderer'),
  core: join(here, '..', 'core', 'process.cjs'),
  cli: join(here, '..', 'cli', 'shikaku.cjs'),
};

let mainWindow: BrowserWindow | undefined;
let core: CoreClient | undefined;

const cliAt = process.argv.indexOf('--cli');
if (cliAt >= 0) void runCli(process.argv.slice(cliAt + 1));
else startApp();

/** `<app> --cli <command> …`: the `shikaku` command on the app's own Node; no window, no lock. */
async function runCli(argv: string[]): Promise<void> {
  let code = 1;
  try {
    const cli = createRequire(import.meta.url)(paths.cli) as { main(args: string[]): Promise<number> };
    code = await cli.main(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  app.exit(code);
}

function startApp(): void {
  const launch = launchOptionsFor(app, process.argv, process.env);
  // One journal per PC: a per-account folder of an older version moves to the per-PC folder, once.
  let moved: MoveResult | Error | undefined;
  if (process.platform === 'win32' && !process.env.SHIKAKU_DATA_DIR) {
    try {
      moved = moveLegacyDataDir(legacyWindowsDataDir(process.env), resolveDataDir(undefined, process.env));
    } catch (err) {
      moved = err instanceof Error ? err : new Error(String(err));
    }
  }
  const log = openLog({
    dir: join(launch.dataDir, LOG_DIR_NAME),
    name: 'main',
    consoleLevel: app.isPackaged ? false : 'debug',
  });
  log.captureConsole();
  log.info(`start ${launch.version} (packaged: ${String(app.isPackaged)}, demo: ${String(launch.demo)})`);
  log.info(`data folder: ${launch.dataDir}`);
  if (moved instanceof Error) log.error('moving the old per-account data folder failed:', moved);
  else if (moved?.moved) log.info(`moved the old per-account data folder: ${moved.entries.join(', ')}`);
  for (const name of launch.refused ?? []) log.warn(`${name} is refused in an installed app; ignored`);
  process.on('uncaughtException', (err) => log.error('uncaught exception:', err));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection:', reason));

  // Crash dumps stay on this PC.
  app.setPath('crashDumps', join(launch.dataDir, 'crashes'));
  crashReporter.start(crashReporterOptions);
  app.setAppUserModelId(APP_ID);

  // Before 'ready': the privileged scheme, the sandbox for every renderer, the hardening hooks.
  protocol.registerSchemesAsPrivileged(privilegedSchemes);
  app.enableSandbox();
  hardenApp(app);
  app.on('child-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit')
      log.warn(`${details.type} process gone: ${details.reason} (${details.exitCode})`);
  });

  if (!app.requestSingleInstanceLock()) {
    log.info('another instance is running; focusing it');
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(() => onReady(launch, log));
  app.on('window-all-closed', () => app.quit());
  // Stop the core cleanly (its store closes its journal) before the app exits.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (core === undefined || quitting) return;
    event.preventDefault();
    quitting = true;
    log.info('quitting: stopping the core');
    void core.stop().finally(() => app.quit());
  });
}

async function onReady(launch: LaunchOptions, log: Log): Promise<void> {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate({ devTools: !app.isPackaged })));
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(paths.renderer, request));

  // The core logs to its own file; what it writes to stdout/stderr besides (a crash's trace) comes here.
  const env: NodeJS.ProcessEnv = { ...coreEnv(launch), [LOG_CONSOLE_ENV]: '0' };
  // The clinic server's password, decrypted by the OS keystore, handed to the core at each start (secrets.ts).
  const password = readServerPassword(launch.dataDir, safeStorage, (line) => log.warn(line));
  if (password !== null) env[SERVER_PASSWORD_ENV] = password;
  const client = new CoreClient({
    spawn: utilityCoreSpawner(paths.core, env, (stream, line) =>
      stream === 'stderr' ? log.warn(`[core] ${line}`) : log.info(`[core] ${line}`),
    ),
    log: (line) => log.warn(`[core-client] ${line}`),
  });
  core = client;
  client.on('core.status', (s) => {
    log.info(`core ${s.state}: ${s.detail}`);
    // 訓練モード switched on or off inside the app: the window's title says which, like at a --demo launch.
    if (s.state === 'ready') mainWindow?.setTitle(windowTitle(client.demoMode(launch.demo)));
  });
  const loginItems = supportsOpenAtLogin(process.platform);

  ipcMain.handle(IPC.invoke, async (event, name: unknown, input: unknown): Promise<CallResult> => {
    if (!isTrustedSender(event.senderFrame))
      return { ok: false, error: contractError('CONTRACT_UNKNOWN_REQUEST').toWire() };
    if (typeof name !== 'string') return { ok: false, error: contractError('CONTRACT_INVALID_REQUEST').toWire() };
    // 「PDFで保存」 and 「Windows起動時に開く」 are answered by the main process itself; the server password is kept
    // by it (the OS keystore) once the core has taken it.
    if (name === SERVER_PASSWORD_REQUEST)
      return setServerPassword(input, (i) => client.call(name, i), {
        dataDir: launch.dataDir,
        box: safeStorage,
        env,
        log: (line) => log.warn(line),
      });
    if (name === SAVE_PDF_REQUEST)
      return savePdf(input, {
        contents: event.sender,
        window: BrowserWindow.fromWebContents(event.sender),
        dialog,
        documentsDir: app.getPath('documents'),
      });
    if (loginItems && isOpenAtLoginSet(name, input)) return setOpenAtLogin(input, app, (line) => log.info(line));
    if (name === 'settings.get') return withOpenAtLogin(await client.call(name, input), app, process.platform);
    return client.call(name, input);
  });
  ipcMain.handle(IPC.status, (event) => (isTrustedSender(event.senderFrame) ? client.status() : null));
  const dialogDeps = (sender: Electron.WebContents) => ({
    window: BrowserWindow.fromWebContents(sender),
    dialog,
    documentsDir: app.getPath('documents'),
  });
  ipcMain.handle(IPC.saveFile, (event, name: unknown, base64: unknown) =>
    isTrustedSender(event.senderFrame)
      ? saveFileWithDialog(name, base64, dialogDeps(event.sender))
      : { saved: false, path: '', error: 'UNTRUSTED' },
  );
  ipcMain.handle(IPC.pickFolder, (event, start: unknown) =>
    isTrustedSender(event.senderFrame) ? pickFolderWithDialog(start, dialogDeps(event.sender)) : { path: null },
  );
  ipcMain.handle(IPC.chooseFile, (event) =>
    isTrustedSender(event.senderFrame) ? chooseCsv(dialogDeps(event.sender)) : null,
  );
  client.onEvent((message: EventMessage) => {
    if (mainWindow !== undefined && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC.event, message);
  });

  // Power source changes go to the core, which folds them into health.
  powerMonitor.on('on-battery', () => void client.call('power.acChanged', { onBattery: true }));
  powerMonitor.on('on-ac', () => void client.call('power.acChanged', { onBattery: false }));

  // The core first (its process loads and opens the journal while the window is made and loads the page), as
  // the web host does: the page shows 起動中 until the core says ready.
  client.start().catch((err: unknown) => log.error('core failed to start:', err));
  createWindow(launch, log);
}

function createWindow(launch: LaunchOptions, log: Log): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    title: windowTitle(launch.demo),
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences({ preload: paths.preload, devTools: !app.isPackaged }),
  });
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  // The title is the product's (and says 訓練モード), not the page's.
  window.on('page-title-updated', (event) => event.preventDefault());
  const recover = rendererRecovery({
    log: (line) => log.error(line),
    reload: () => {
      if (!window.isDestroyed()) void window.loadURL(APP_INDEX_URL);
    },
  });
  window.webContents.on('render-process-gone', (_event, details) => void recover(details));
  window.webContents.on('unresponsive', () => log.warn('the window stopped responding'));
  window.webContents.on('responsive', () => log.info('the window responds again'));
  window.on('closed', () => {
    mainWindow = undefined;
  });
  void window.loadURL(APP_INDEX_URL);
}
