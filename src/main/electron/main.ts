// Electron main process: one hardened window on app://shikaku/, the core in a utilityProcess, and the
// contract relayed between them. Built to dist/electron/main.mjs by scripts/build.mjs.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, powerMonitor, protocol, session } from 'electron';
import { contractError, type CallResult, type EventMessage } from '../contract.ts';
import { CoreClient } from '../host/core-client.ts';
import { coreEnv, resolveLaunchOptions } from '../host/options.ts';
import { serveAppRequest } from './app-protocol.ts';
import { IPC } from './channels.ts';
import { SAVE_PDF_REQUEST, savePdf } from './print-pdf.ts';
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
};

// Before 'ready': the privileged scheme, the sandbox for every renderer, the hardening hooks.
protocol.registerSchemesAsPrivileged(privilegedSchemes);
app.enableSandbox();
hardenApp(app);

let mainWindow: BrowserWindow | undefined;
let core: CoreClient | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === undefined) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(onReady);
}

async function onReady(): Promise<void> {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(paths.renderer, request));

  const launch = resolveLaunchOptions(process.argv, process.env, {
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
  });
  const client = new CoreClient({ spawn: utilityCoreSpawner(paths.core, coreEnv(launch)) });
  core = client;

  ipcMain.handle(IPC.invoke, async (event, name: unknown, input: unknown): Promise<CallResult> => {
    if (!isTrustedSender(event.senderFrame))
      return { ok: false, error: contractError('CONTRACT_UNKNOWN_REQUEST').toWire() };
    if (typeof name !== 'string') return { ok: false, error: contractError('CONTRACT_INVALID_REQUEST').toWire() };
    // 「PDFで保存」 is the one request the main process answers itself (printToPDF of the page).
    if (name === SAVE_PDF_REQUEST)
      return savePdf(input, {
        contents: event.sender,
        window: BrowserWindow.fromWebContents(event.sender),
        dialog,
        documentsDir: app.getPath('documents'),
      });
    return client.call(name, input);
  });
  ipcMain.handle(IPC.status, (event) => (isTrustedSender(event.senderFrame) ? client.status() : null));
  client.onEvent((message: EventMessage) => {
    if (mainWindow !== undefined && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC.event, message);
  });

  // Power source changes go to the core, which folds them into health.
  powerMonitor.on('on-battery', () => void client.call('power.acChanged', { onBattery: true }));
  powerMonitor.on('on-ac', () => void client.call('power.acChanged', { onBattery: false }));

  createWindow();
  client.start().catch((err: unknown) => console.error('[main] core failed to start:', err));
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 860,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences({ preload: paths.preload, devTools: !app.isPackaged }),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  void mainWindow.loadURL(APP_INDEX_URL);
}

app.on('window-all-closed', () => app.quit());

// Stop the core cleanly (its store closes its journal) before the app exits.
let quitting = false;
app.on('before-quit', (event) => {
  if (core === undefined || quitting) return;
  event.preventDefault();
  quitting = true;
  void core.stop().finally(() => app.quit());
});
