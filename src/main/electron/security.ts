// The Electron window's security settings, in one module with no runtime `electron` import, so a test can
// assert them without Electron (test/shell/electron-security.test.ts mirrors Electron's security checklist,
// https://www.electronjs.org/docs/latest/tutorial/security, item by item).
import type { App, CustomScheme, Session, WebContents, WebPreferences } from 'electron';
import { CSP_HEADER } from '../host/csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'shikaku';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The renderer is served from app://shikaku/ (checklist 18: a custom protocol, not file://). `codeCache`: V8 keeps
 * the compiled renderer code between starts (Chromium does so for http(s) only unless a custom scheme asks), so the
 * first screen's script is not compiled again at every start.
 */
export const privilegedSchemes: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
];

/** BrowserWindow webPreferences (checklist 2, 3, 4, 6, 8, 9, 10, 11). */
export function secureWebPreferences(options: { preload: string; devTools: boolean }): WebPreferences {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: options.devTools,
  };
}

/** True for a URL of the app's own renderer. */
export function isAppUrl(raw: string | undefined | null): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Requests the renderer's session may make at all: its own files, inline data, DevTools. */
export function isAllowedRequestUrl(raw: string): boolean {
  if (isAppUrl(raw)) return true;
  return raw.startsWith('data:') || raw.startsWith('devtools:');
}

/** IPC sender validation (checklist 17): only the app's own top-level page may call the contract. */
export function isTrustedSender(frame: { url: string; parent?: unknown } | null | undefined): boolean {
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null && frame.parent !== undefined) return false;
  return isAppUrl(frame.url);
}

/**
 * Session-level hardening (checklist 1, 5, 7): deny every permission request and check, refuse any
 * request that is not for the app's own content, and set the CSP header on every response.
 */
export function hardenSession(
  ses: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'webRequest'
  >,
): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    }
    headers['Content-Security-Policy'] = [CSP_HEADER];
    callback({ responseHeaders: headers });
  });
}

/** Per-webContents hardening (checklist 12, 13, 14): no navigation, no redirects, no new windows, no webviews. */
export function hardenWebContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Applies hardenWebContents to every webContents the app ever creates. */
export function hardenApp(app: Pick<App, 'on'>): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
