// The web host: static serving (CSP, no listing, no traversal, loopback only) and the WebSocket relay's
// admission rules (token, Origin, Host), against a fake core relay and a temporary renderer folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthMonitor } from '../../src/hardware/health/index.ts';
import WebSocket from 'ws';
import type { CallResult, EventMessage } from '../../src/main/contract.ts';
import { CSP_HEADER } from '../../src/main/host/csp.ts';
import { startWebHost, type CoreRelay, type WebHost } from '../../src/main/web/server.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('shikaku-web-');
const rendererDir = join(dir.path, 'renderer');
let host: WebHost;
const calls: Array<{ name: string; input: unknown }> = [];
const eventListeners = new Set<(m: EventMessage) => void>();

const fakeCore: CoreRelay = {
  call: (name, input): Promise<CallResult> => {
    calls.push({ name, input });
    return Promise.resolve({ ok: true, value: { pong: true, at: 'now' } });
  },
  onEvent: (listener) => {
    eventListeners.add(listener);
    return () => void eventListeners.delete(listener);
  },
  status: () => ({ state: 'ready', detail: '' }),
};

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><title>t</title></head><body></body></html>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir.path, 'secret.txt'), 'TOP-SECRET');
  host = await startWebHost({ rendererDir, core: fakeCore, token: 'a'.repeat(64) });
});

afterAll(async () => {
  await host.close();
  dir.remove();
});

/** Raw HTTP GET: the path is sent exactly as given (no URL normalisation). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Tries a WebSocket upgrade; resolves with 'open' or the refusal's HTTP status. */
function tryUpgrade(
  url: string,
  headers: Record<string, string>,
): Promise<{ open: true; ws: WebSocket; received: unknown[] } | { open: false; status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const received: unknown[] = [];
    ws.on('message', (d) => received.push(JSON.parse(d.toString())));
    ws.on('open', () => resolve({ open: true, ws, received }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ open: false, status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe('web host: static files', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
  });

  it('serves index.html with the per-launch token and the CSP header', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toBe(CSP_HEADER);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain(`<meta name="shikaku-token" content="${host.token}">`);
  });

  it('sends the CSP header on every response, errors included', async () => {
    for (const path of ['/assets/app.js', '/missing.js', '/../secret.txt']) {
      expect((await get(path)).headers['content-security-policy']).toBe(CSP_HEADER);
    }
  });

  it('does not list directories', async () => {
    for (const path of ['/assets', '/assets/']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('app.js');
    }
  });

  it('refuses path traversal, plain or encoded', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/%E0%A4%A',
    ]) {
      const res = await get(path);
      expect([400, 403, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain('TOP-SECRET');
    }
  });

  it('refuses other methods and foreign Host headers (DNS rebinding)', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(405);
    expect((await get('/', { Host: `evil.example:${host.port}` })).status).toBe(421);
  });
});

describe('web host: WebSocket admission', () => {
  const origin = () => host.origin;
  const base = () => `ws://127.0.0.1:${host.port}/ws`;

  it('refuses an upgrade without a token', async () => {
    expect(await tryUpgrade(base(), { Origin: origin() })).toEqual({ open: false, status: 401 });
  });

  it('refuses an upgrade with a wrong token (same length or not)', async () => {
    for (const token of ['b'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), '']) {
      expect(await tryUpgrade(`${base()}?token=${token}`, { Origin: origin() })).toEqual({ open: false, status: 401 });
    }
  });

  it('refuses a cross-origin upgrade even with the right token', async () => {
    for (const o of [
      'http://evil.example',
      `http://127.0.0.1:${host.port + 1}`,
      'null',
      `https://127.0.0.1:${host.port}`,
    ]) {
      expect(await tryUpgrade(host.wsUrl, { Origin: o })).toEqual({ open: false, status: 403 });
    }
    expect(await tryUpgrade(host.wsUrl, {})).toEqual({ open: false, status: 403 });
  });

  it('refuses an upgrade with a foreign Host header', async () => {
    expect(await tryUpgrade(host.wsUrl, { Origin: 'http://evil.example', Host: 'evil.example' })).toEqual({
      open: false,
      status: 421,
    });
  });

  it('admits the right token from the host origin, pushes the current status, and relays requests and events', async () => {
    const result = await tryUpgrade(host.wsUrl, { Origin: origin() });
    if (!result.open) throw new Error(`refused: ${result.status}`);
    const { ws, received } = result;
    ws.send(JSON.stringify({ id: 7, name: 'app.ping', input: { echo: 'x' } }));
    while (received.length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(received[0]).toEqual({ name: 'core.status', payload: { state: 'ready', detail: '' } });
    expect(received[1]).toEqual({ id: 7, ok: true, value: { pong: true, at: 'now' } });
    expect(calls.at(-1)).toEqual({ name: 'app.ping', input: { echo: 'x' } });

    const health = new HealthMonitor().state();
    for (const l of eventListeners) l({ name: 'health.changed', payload: health });
    while (received.length < 3) await new Promise((r) => setTimeout(r, 10));
    expect(received[2]).toEqual({ name: 'health.changed', payload: health });

    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.removeAllListeners('message');
    ws.send('not json');
    expect(await closed).toBe(1007);
  });
});
