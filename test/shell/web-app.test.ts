// The web host with its real core, started the way `npm start` starts it: the page is served while the core is
// still starting (held back by a gate file here, test/support/gated-core.ts); a page connecting then hears
// 'starting', its requests wait and are answered once the core is ready, and it hears 'ready'.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebApp, type WebApp } from '../../src/main/web/app.ts';
import { isAlive, launchOptions, tempDir, until } from './helpers.ts';

const GATED_CORE = join(import.meta.dirname, '..', 'support', 'gated-core.ts');
const dir = tempDir('shikaku-web-app-');
const rendererDir = join(dir.path, 'renderer');
mkdirSync(rendererDir, { recursive: true });
writeFileSync(
  join(rendererDir, 'index.html'),
  '<!doctype html><html><head><title>t</title></head><body></body></html>',
);
const apps: WebApp[] = [];
const pids: number[] = [];

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  for (const pid of pids) expect(isAlive(pid), `core ${pid} left running`).toBe(false);
  dir.remove();
});

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('web app, page served before the core is ready', () => {
  it('serves the page at once; a connected page hears starting, then ready, and its early request is answered', async () => {
    const gate = join(dir.path, 'gate');
    const app = await startWebApp({
      launch: launchOptions(join(dir.path, 'data')),
      rendererDir,
      coreEntry: GATED_CORE,
      env: { SHIKAKU_TEST_CORE_GATE: gate },
      client: { log: () => undefined },
      waitForCore: false,
    });
    apps.push(app);
    pids.push(app.core.pid()!);
    expect(app.core.status().state).toBe('starting');
    expect(await getStatus(app.host.url)).toBe(200);

    const ws = new WebSocket(app.host.wsUrl, { headers: { Origin: app.host.origin } });
    const received: Array<{ id?: number; name?: string; payload?: { state?: string }; ok?: boolean; value?: unknown }> =
      [];
    ws.on('message', (d) => received.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ id: 1, name: 'app.info', input: {} }));
    await until(() => received.length >= 1);
    expect(received[0]).toMatchObject({ name: 'core.status', payload: { state: 'starting' } });

    writeFileSync(gate, '');
    await app.coreReady;
    await until(() => received.some((m) => m.id === 1));
    const states = received.filter((m) => m.name === 'core.status').map((m) => m.payload?.state);
    expect(states).toEqual(['starting', 'ready']);
    expect(received.find((m) => m.id === 1)).toMatchObject({ ok: true, value: { dataDir: join(dir.path, 'data') } });
    ws.close();
  });

  it('by default resolves only once the core is ready', async () => {
    const gate = join(dir.path, 'gate-2');
    writeFileSync(gate, '');
    const app = await startWebApp({
      launch: launchOptions(join(dir.path, 'data-2')),
      rendererDir,
      coreEntry: GATED_CORE,
      env: { SHIKAKU_TEST_CORE_GATE: gate },
      client: { log: () => undefined },
    });
    apps.push(app);
    pids.push(app.core.pid()!);
    expect(app.core.status().state).toBe('ready');
  });
});
