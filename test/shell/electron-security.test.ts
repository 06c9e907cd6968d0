// Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by item,
// asserted against the code without running Electron: the webPreferences module, the session / webContents /
// app hardening functions driven with fake objects that have Electron's method names, the app:// protocol
// handler (plain Fetch Request/Response), and the main process source for the wiring.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App, Session, WebContents } from 'electron';
import { CSP_HEADER, CSP_META } from '../../src/main/host/csp.ts';
import { serveAppRequest } from '../../src/main/electron/app-protocol.ts';
import {
  APP_INDEX_URL,
  hardenApp,
  hardenSession,
  hardenWebContents,
  isAllowedRequestUrl,
  isTrustedSender,
  privilegedSchemes,
  secureWebPreferences,
} from '../../src/main/electron/security.ts';
import { tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const mainSource = readFileSync(join(root, 'src/main/electron/main.ts'), 'utf8');
const preloadSource = readFileSync(join(root, 'src/main/electron/preload.ts'), 'utf8');
const prefs = secureWebPreferences({ preload: '/app/preload.cjs', devTools: false });

type Handler = (...args: never[]) => unknown;

/** A fake Session recording what the hardening registers. */
function fakeSession() {
  const registered: Record<string, Handler> = {};
  const ses = {
    setPermissionRequestHandler: (h: Handler) => void (registered.permissionRequest = h),
    setPermissionCheckHandler: (h: Handler) => void (registered.permissionCheck = h),
    setDevicePermissionHandler: (h: Handler) => void (registered.devicePermission = h),
    webRequest: {
      onBeforeRequest: (h: Handler) => void (registered.beforeRequest = h),
      onHeadersReceived: (h: Handler) => void (registered.headersReceived = h),
    },
  };
  hardenSession(ses as unknown as Session);
  return registered as Record<string, (...args: unknown[]) => unknown>;
}

/** A fake WebContents recording its event handlers and window-open handler. */
function fakeWebContents() {
  const on: Record<string, (event: { preventDefault(): void }, ...rest: unknown[]) => void> = {};
  let openHandler: ((details: { url: string }) => unknown) | undefined;
  const contents = {
    on: (name: string, h: (typeof on)[string]) => {
      on[name] = h;
      return contents;
    },
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
  };
  hardenWebContents(contents as unknown as WebContents);
  return { on, openHandler: () => openHandler };
}

function prevented(handler: ((event: { preventDefault(): void }) => void) | undefined): boolean {
  let called = false;
  handler?.({ preventDefault: () => void (called = true) });
  return called;
}

describe('Electron security checklist', () => {
  it('1. only loads secure content: the window loads app://, and the session cancels remote requests', () => {
    expect(mainSource).toMatch(/loadURL\(APP_INDEX_URL\)/);
    expect(APP_INDEX_URL.startsWith('app://')).toBe(true);
    const { beforeRequest } = fakeSession();
    const decide = (url: string): boolean => {
      let cancel: boolean | undefined;
      beforeRequest?.({ url }, (r: { cancel: boolean }) => (cancel = r.cancel));
      return cancel === true;
    };
    expect(decide('app://shikaku/assets/index.js')).toBe(false);
    for (const url of ['http://example.com/x.js', 'https://example.com/', 'file:///etc/passwd', 'ws://127.0.0.1:1/']) {
      expect(decide(url), url).toBe(true);
    }
  });

  it('2. does not enable Node.js integration for any content', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3. enables context isolation', () => {
    expect(prefs.contextIsolation).toBe(true);
  });

  it('4. enables process sandboxing (per window and app-wide)', () => {
    expect(prefs.sandbox).toBe(true);
    expect(mainSource).toMatch(/app\.enableSandbox\(\)/);
  });

  it('5. denies every session permission request and check', () => {
    const s = fakeSession();
    let granted: boolean | undefined;
    s.permissionRequest?.({}, 'media', (g: boolean) => (granted = g), {});
    expect(granted).toBe(false);
    expect(s.permissionCheck?.({}, 'hid', 'app://shikaku', {})).toBe(false);
    expect(s.devicePermission?.({})).toBe(false);
  });

  it('6. does not disable webSecurity', () => {
    expect(prefs.webSecurity).toBe(true);
  });

  it('7. defines a Content Security Policy, as a header on every response and a meta tag', () => {
    const { headersReceived } = fakeSession();
    let out: { responseHeaders: Record<string, string[]> } | undefined;
    headersReceived?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      (r: typeof out) => (out = r),
    );
    expect(out?.responseHeaders['Content-Security-Policy']).toEqual([CSP_HEADER]);
    expect(out?.responseHeaders['content-security-policy']).toBeUndefined();
    expect(out?.responseHeaders['X-Other']).toEqual(['1']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
      expect(CSP_HEADER).toContain(directive);
    }
    expect(CSP_HEADER).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CSP_HEADER).toContain("frame-ancestors 'none'");
    expect(CSP_META).not.toContain('frame-ancestors');
  });

  it('8. does not allow running insecure content', () => {
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });

  it('9. does not enable experimental features', () => {
    expect(prefs.experimentalFeatures).toBe(false);
  });

  it('10. does not use enableBlinkFeatures', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });

  it('11. <webview>: the tag is disabled, so no allowpopups', () => {
    expect(prefs.webviewTag).toBe(false);
  });

  it('12. <webview>: attaching one is prevented', () => {
    expect(prevented(fakeWebContents().on['will-attach-webview'])).toBe(true);
  });

  it('13. disables navigation (will-navigate, will-frame-navigate, will-redirect)', () => {
    const { on } = fakeWebContents();
    for (const e of ['will-navigate', 'will-frame-navigate', 'will-redirect']) expect(prevented(on[e]), e).toBe(true);
  });

  it('14. disables the creation of new windows', () => {
    const open = fakeWebContents().openHandler();
    expect(open?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(open?.({ url: 'app://shikaku/index.html' })).toEqual({ action: 'deny' });
  });

  it('applies 12–14 to every webContents the app creates', () => {
    let created: ((event: unknown, contents: unknown) => void) | undefined;
    const app = {
      on: (name: string, h: typeof created) => (name === 'web-contents-created' ? (created = h) : undefined),
    };
    hardenApp(app as unknown as App);
    const { on, openHandler } = (() => {
      const handlers: Record<string, unknown> = {};
      let oh: unknown;
      const contents = {
        on: (n: string, h: unknown) => ((handlers[n] = h), contents),
        setWindowOpenHandler: (h: unknown) => (oh = h),
      };
      created?.({}, contents);
      return { on: handlers, openHandler: () => oh };
    })();
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    expect(typeof openHandler()).toBe('function');
  });

  it('15. does not use shell.openExternal at all', () => {
    expect(mainSource).not.toMatch(/openExternal/);
    expect(preloadSource).not.toMatch(/openExternal|shell/);
  });

  it('16. uses a current Electron (a supported major, 43 or later, installed and pinned)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    };
    expect(Number(pkg.version.split('.')[0])).toBeGreaterThanOrEqual(43);
    const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(ours.devDependencies.electron).toBe(pkg.version);
  });

  it('17. validates the sender of every IPC message', () => {
    expect(isTrustedSender({ url: 'app://shikaku/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://shikaku/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/index.html', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    // Every ipcMain.handle in main.ts checks the sender.
    const handles = mainSource.match(/ipcMain\.handle\([^]*?\n {2}\}?\)?;/g) ?? [];
    expect(handles.length).toBeGreaterThanOrEqual(2);
    for (const h of handles) expect(h).toContain('isTrustedSender(event.senderFrame)');
  });

  it('18. serves the renderer from a custom privileged protocol, not file://', () => {
    expect(privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(privilegedSchemes[0]?.privileges).not.toHaveProperty('bypassCSP');
    expect(mainSource).toMatch(/protocol\.handle\(APP_SCHEME/);
    expect(mainSource).not.toMatch(/loadFile\(|file:\/\//);
    expect(isAllowedRequestUrl('file:///etc/passwd')).toBe(false);
  });

  it('19. flips the Electron fuses the app does not need (electron-builder electronFuses)', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    // runAsNode is needed: the core forks the PC/SC worker (Electron as Node), and so do the CLI scripts.
    expect(yml).toContain('runAsNode: true');
    for (const line of [
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'onlyLoadAppFromAsar: true',
      'enableEmbeddedAsarIntegrityValidation: true',
      'grantFileProtocolExtraPrivileges: false',
    ]) {
      expect(yml).toContain(line);
    }
  });

  it('20. does not expose Electron APIs to the page: the preload exposes invoke, on and the three file dialogs', () => {
    const exposed = [...preloadSource.matchAll(/exposeInMainWorld\('(\w+)'/g)].map((m) => m[1]);
    expect(exposed).toEqual(['shikaku']);
    expect(preloadSource).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    const body = preloadSource.slice(preloadSource.indexOf('exposeInMainWorld'));
    expect([...body.matchAll(/^ {2}(\w+): /gm)].map((m) => m[1]).sort()).toEqual(
      ['chooseFile', 'invoke', 'on', 'pickFolder', 'saveFile'].sort(),
    );
    // Each dialog is one fixed channel of channels.ts with its arguments coerced, never a channel the page names.
    for (const [fn, channel] of [
      ['chooseFile', 'IPC.chooseFile'],
      ['saveFile', 'IPC.saveFile'],
      ['pickFolder', 'IPC.pickFolder'],
    ] as const) {
      const at = body.indexOf(`  ${fn}: `);
      const next = body.slice(at + 3).search(/\n {2}\w+: |\n\}\)/);
      expect(body.slice(at, at + 3 + next)).toContain(`ipcRenderer.invoke(${channel}, `);
    }
  });

  it('the main process wires every hardening function and the single-instance lock', () => {
    expect(mainSource).toMatch(/hardenApp\(app\)/);
    expect(mainSource).toMatch(/hardenSession\(session\.defaultSession\)/);
    expect(mainSource).toMatch(/requestSingleInstanceLock\(\)/);
    expect(mainSource).toMatch(/webPreferences: secureWebPreferences\(/);
    expect(mainSource).toMatch(/registerSchemesAsPrivileged\(privilegedSchemes\)/);
    expect(mainSource).toMatch(/powerMonitor\.on\('on-battery'[^\n]*power\.acChanged/);
    expect(mainSource).toMatch(/powerMonitor\.on\('on-ac'[^\n]*power\.acChanged/);
  });
});

describe('app:// protocol handler', () => {
  const dir = tempDir('shikaku-app-proto-');
  const rendererDir = join(dir.path, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<html></html>');
  writeFileSync(join(rendererDir, 'assets', 'a.js'), 'x');
  writeFileSync(join(dir.path, 'secret.txt'), 'TOP-SECRET');
  afterAll(() => dir.remove());

  it('serves files with the CSP header', async () => {
    const res = await serveAppRequest(rendererDir, new Request('app://shikaku/assets/a.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CSP_HEADER);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect((await serveAppRequest(rendererDir, new Request('app://shikaku/'))).status).toBe(200);
  });

  it('refuses traversal, other hosts and directories', async () => {
    for (const url of [
      'app://shikaku/%2e%2e/secret.txt',
      'app://shikaku/assets/..%2f..%2fsecret.txt',
      'app://shikaku/..%5csecret.txt',
      'app://other/index.html',
      'app://shikaku/assets',
    ]) {
      const res = await serveAppRequest(rendererDir, new Request(url));
      expect([403, 404], url).toContain(res.status);
      expect(await res.text(), url).not.toContain('TOP-SECRET');
    }
  });
});
