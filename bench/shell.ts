// Shell bench (`node --import tsx bench/shell.ts`): figures only, no asserts.
//  - web host cold start (core child + server) and first paint in Chromium
//  - renderer bundle size (raw and gzip)
//  - contract round-trip latency p50/p99: direct in-process dispatcher call, through the core client
//    (IPC to the child), and through the WebSocket relay (browser path), with ratios
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { HealthMonitor } from '../src/hardware/health/index.ts';
import { buildHandlers, createDispatcher } from '../src/main/core/service.ts';
import { DEFAULT_RENDERER_DIR, startWebApp } from '../src/main/web/app.ts';

const root = join(import.meta.dirname, '..');
const N = Number(process.env.BENCH_N ?? 2000);
const ms = (x: number): string => `${x.toFixed(3)} ms`;

function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function measure(n: number, once: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(200, n); i++) await once(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  return percentiles(samples);
}

// --- bundle -------------------------------------------------------------------------------------------
console.log('Building the renderer…');
await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
let raw = 0;
let gz = 0;
for (const f of readdirSync(join(DEFAULT_RENDERER_DIR, 'assets'))) {
  if (!/\.(js|css)$/.test(f)) continue;
  const buf = readFileSync(join(DEFAULT_RENDERER_DIR, 'assets', f));
  raw += buf.length;
  gz += gzipSync(buf, { level: 9 }).length;
}
console.log(`renderer bundle (js+css): ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);

// --- cold start ---------------------------------------------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'shikaku-bench-'));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const t0 = performance.now();
const app = await startWebApp({
  launch: { demo: false, dataDir, testHooks: false, version: 'bench' },
  client: { log: () => undefined },
});
const tHost = performance.now();
const page = await browser.newPage();
await page.goto(app.host.url);
await page.locator('[data-testid="core-state"][data-state="ready"]').waitFor();
const tReady = performance.now();
const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
console.log(
  `cold start: web host + core ready ${ms(tHost - t0)}; page load → 接続中 shown ${ms(tReady - tHost)}; total ${ms(tReady - t0)}`,
);
console.log(`first contentful paint (page clock): ${ms(fcp)}`);
await browser.close();

// --- latency -----------------------------------------------------------------------------------------
const dispatch = createDispatcher(
  buildHandlers({
    info: { version: 'bench', demo: false, dataDir, pid: process.pid, testHooks: false },
    emit: () => undefined,
    health: new HealthMonitor(),
    journal: { store: null, report: null, error: null },
    reconciler: null,
    acChanged: () => undefined,
    crash: () => process.exit(1),
    sleep: () => Promise.resolve(),
  }),
  { testHooks: false },
);
let id = 0;
const direct = await measure(N, () => dispatch({ id: ++id, name: 'app.ping', input: { echo: 'x' } }));
const viaClient = await measure(N, () => app.core.call('app.ping', { echo: 'x' }));

const ws = new WebSocket(app.host.wsUrl, { headers: { Origin: app.host.origin } });
const waiting = new Map<number, () => void>();
ws.on('message', (d) => {
  const m = JSON.parse(d.toString()) as { id?: number };
  if (m.id !== undefined) waiting.get(m.id)?.();
});
await new Promise((r) => ws.once('open', r));
const viaWs = await measure(N, () => {
  const myId = ++id;
  return new Promise<void>((resolve) => {
    waiting.set(myId, () => {
      waiting.delete(myId);
      resolve();
    });
    ws.send(JSON.stringify({ id: myId, name: 'app.ping', input: { echo: 'x' } }));
  });
});
ws.close();

console.log(`round trip app.ping, n=${N}:`);
console.log(`  direct in-process handler: p50 ${ms(direct.p50)}  p99 ${ms(direct.p99)}`);
console.log(
  `  core client (IPC to child): p50 ${ms(viaClient.p50)}  p99 ${ms(viaClient.p99)}  (${(viaClient.p50 / direct.p50).toFixed(1)}× direct at p50)`,
);
console.log(
  `  WebSocket relay (browser path): p50 ${ms(viaWs.p50)}  p99 ${ms(viaWs.p99)}  (${(viaWs.p50 / direct.p50).toFixed(1)}× direct at p50, ${(viaWs.p99 / direct.p99).toFixed(1)}× at p99)`,
);

await app.close();
rmSync(dataDir, { recursive: true, force: true });
