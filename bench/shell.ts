// Shell bench (`node --import tsx bench/shell.ts`): figures only, no asserts.
//  - cold start to 接続中 (a fresh host process and its core, the page in Chromium), each phase, against a bare
//    `node -e 0` in the same run; the bundles `npm start` runs and the sources through tsx (before issue 19)
//  - renderer bundle size (raw and gzip)
//  - contract round-trip latency p50/p99: direct in-process dispatcher call, through the core client
//    (IPC to the child), and through the WebSocket relay (browser path), with ratios
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { HealthMonitor } from '../src/hardware/health/index.ts';
import { buildHandlers, createDispatcher } from '../src/main/core/service.ts';
import { DEFAULT_RENDERER_DIR, startWebApp } from '../src/main/web/app.ts';
import { CoreClient, forkCoreSpawner } from '../src/main/host/core-client.ts';
import { coreEnv } from '../src/main/host/options.ts';
// @ts-expect-error scripts/build.mjs is plain JavaScript without types
import { WEB_CORE_BUNDLE, buildWebHost } from '../scripts/build.mjs';

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
// The whole start as a clerk sees it: a fresh process runs the host (which forks the core), prints its URL, and
// Chromium (already running, its tab open: not the app's cost) loads the page until 接続中. The host serves the
// page while its core starts, so the phases overlap: each is timed from the spawn (host listening, core ready)
// or from the page's navigation (index.html, the entry chunk, the shell rendered, first paint, 接続中), and the
// core's own marks from its log. Three ways, in turn, RUNS times each: `npm start`'s path (scripts/start.mjs: the
// bundles in dist/web, built before the runs) on a new data folder (the first start after installing) and on one
// the app started on before (its journal, and the core's code cache in the user's cache folder: a clinic's every
// morning), and the sources
// through tsx (how the host and core started before issue 19). The floor, in the same run, is a bare
// `node -e 0` (spawn to exit) on this machine at this load.
const RUNS = Number(process.env.BENCH_START_RUNS ?? 3);
await buildWebHost();
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

function nodeFloor(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const c = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', () => resolve(performance.now() - t));
  });
}

/**
 * The clinic's daily start: the app ran on this data folder before (its journal, checked at open, and the core's
 * code cache in cache/, written a little after that first start said 'ready').
 */
async function startedBefore(dataDir: string, cacheDir: string): Promise<void> {
  const client = new CoreClient({
    spawn: forkCoreSpawner({
      entry: WEB_CORE_BUNDLE,
      env: coreEnv({ demo: false, dataDir, testHooks: false, version: 'bench', cacheDir }),
    }),
    log: () => undefined,
  });
  await client.start();
  for (let i = 0; i < 200 && !(existsSync(cacheDir) && readdirSync(cacheDir).length > 0); i++) await sleep(50);
  await client.stop();
  if (!existsSync(cacheDir)) throw new Error('the core wrote no code cache');
}

const bundles = [join(root, 'scripts', 'start.mjs'), '--port=0'];
const variants: Record<string, { args: string[]; prepare?: (dataDir: string, cacheDir: string) => Promise<void> }> = {
  bundles: { args: bundles },
  'bundles, started before (journal, code cache)': { args: bundles, prepare: startedBefore },
  'sources (tsx)': {
    args: [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { runWebHost } from ${JSON.stringify(join(root, 'src/main/web/main.ts'))}; await runWebHost(['--port=0']);`,
    ],
  },
};

/** Times in ms: from the spawn (host, core, total) or from the page's navigation (the page's own phases). */
interface Phases {
  /** spawn → the host prints its URL (listening) */
  host: number;
  /** spawn → the core is ready (seen by a WebSocket client of the host's, like the page) */
  core: number;
  /** spawn → the page's navigation started (Playwright's goto once the host listens) */
  nav: number;
  /** navigation → index.html received */
  html: number;
  /** navigation → the entry chunk received */
  chunk: number;
  /** navigation → the shell rendered (the status bar in the DOM) */
  shell: number;
  /** navigation → first contentful paint */
  fcp: number;
  /** navigation → 接続中 shown */
  ready: number;
  /** spawn → 接続中 in the page's DOM (the page's own mark, on the same clock as the spawn) */
  total: number;
  /** The core's own marks (its log), from its process start: its code evaluated, its journal opened, 'ready' sent */
  coreCode: number;
  coreJournal: number;
  coreReady: number;
}

/** The core's start-up line in its log (runtime.ts): its phases in ms since its process started, and the cache. */
function corePhases(dataDir: string): { coreCode: number; coreJournal: number; coreReady: number; cache: string } {
  const logs = join(dataDir, 'logs');
  const text = readdirSync(logs)
    .filter((f) => f.startsWith('core-'))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('\n');
  const all = [
    ...text.matchAll(
      /core ready (\d+) ms after its process started \(code evaluated (\d+) ms, journal opened (\d+) ms; code cache (\w+)/g,
    ),
  ];
  const m = all[all.length - 1];
  if (m === undefined) throw new Error(`no start-up line in the core's log (${logs})`);
  return { coreReady: Number(m[1]), coreCode: Number(m[2]), coreJournal: Number(m[3]), cache: m[4]! };
}

/**
 * Records in the page when the status bar first appears and when it first says ready (performance.now()). A string,
 * not a function: tsx's transform would put its helpers into a function's body, undefined in the page.
 */
const WATCH_CORE_STATE = `
  const marks = (window.__startMarks = {});
  const look = () => {
    const el = document.querySelector('[data-testid="core-state"]');
    if (el && marks.shell === undefined) marks.shell = performance.now();
    if (el && el.getAttribute('data-state') === 'ready' && marks.ready === undefined) marks.ready = performance.now();
    return marks.ready !== undefined;
  };
  new MutationObserver((_, observer) => {
    if (look()) observer.disconnect();
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;

/** Resolves with the time the host's core is first seen ready, through a WebSocket client of its own. */
async function coreReadyAt(url: string): Promise<number> {
  const html = await (await fetch(url)).text();
  const token = /<meta name="shikaku-token" content="([0-9a-f]+)">/.exec(html)?.[1] ?? '';
  const origin = new URL(url).origin;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, { headers: { Origin: origin } });
  try {
    return await new Promise<number>((resolve, reject) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { name?: string; payload?: { state?: string } };
        if (m.name === 'core.status' && m.payload?.state === 'ready') resolve(performance.now());
      });
      ws.once('error', reject);
    });
  } finally {
    ws.close();
  }
}

async function coldStart(
  args: string[],
  prepare?: (dataDir: string, cacheDir: string) => Promise<void>,
): Promise<Phases & { cache: string }> {
  const runDir = mkdtempSync(join(tmpdir(), 'shikaku-bench-start-'));
  const dataDir = join(runDir, 'data');
  const cacheDir = join(runDir, 'cache');
  await prepare?.(dataDir, cacheDir);
  const page = await browser.newPage();
  await page.addInitScript({ content: WATCH_CORE_STATE });
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, SHIKAKU_DATA_DIR: dataDir, SHIKAKU_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`host exited (${code}) before its URL: ${out}`)));
    });
    const tHost = performance.now();
    const coreReady = coreReadyAt(url);
    await page.goto(url);
    await page.locator('[data-testid="core-state"][data-state="ready"]').waitFor();
    const inPage = await page.evaluate(async () => {
      const performance = window.performance;
      // The paint entry can come after 接続中 is in the DOM (the core ready before the first frame): wait for it.
      // (No named functions here: tsx would wrap them in its __name helper, undefined in the page.)
      const paint = await new Promise<number>((resolve) => {
        const observer = new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry === undefined) return;
          observer.disconnect();
          resolve(entry.startTime);
        });
        observer.observe({ type: 'paint', buffered: true });
        setTimeout(() => {
          observer.disconnect();
          resolve(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
        }, 3000);
      });
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const chunk = performance.getEntriesByType('resource').find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name)) as
        PerformanceResourceTiming | undefined;
      const marks = (window as unknown as { __startMarks: Record<string, number> }).__startMarks;
      return {
        origin: performance.timeOrigin,
        html: nav.responseEnd,
        chunk: chunk?.responseEnd ?? NaN,
        shell: marks.shell ?? NaN,
        fcp: paint,
        ready: marks.ready ?? NaN,
      };
    });
    // performance.timeOrigin is wall-clock time in both Node and Chromium: the page's marks on the spawn's clock.
    const { origin, ...pagePhases } = inPage;
    const nav = origin - (performance.timeOrigin + t0);
    return {
      host: tHost - t0,
      core: (await coreReady) - t0,
      nav,
      ...pagePhases,
      total: nav + pagePhases.ready,
      ...corePhases(dataDir),
    };
  } finally {
    await page.close();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    rmSync(runDir, { recursive: true, force: true });
  }
}

const runs: Record<string, Array<Phases & { cache: string }>> = Object.fromEntries(
  Object.keys(variants).map((k) => [k, []]),
);
const floors: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floors.push(await nodeFloor());
  for (const [name, v] of Object.entries(variants)) runs[name]!.push(await coldStart(v.args, v.prepare));
}
await browser.close();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const floor = median(floors);
console.log(
  `cold start to 接続中, ${RUNS} runs each (median, range in ms; × = median / floor); floor \`node -e 0\` ${floor.toFixed(0)} ms (${spread(floors)}):`,
);
for (const [name, xs] of Object.entries(runs)) {
  const fig = (k: keyof Phases): string => {
    const v = xs.map((x) => x[k]).filter((x) => Number.isFinite(x));
    if (v.length === 0) return 'not seen';
    const missing = xs.length - v.length;
    return `${median(v).toFixed(0)} (${spread(v)}) = ${(median(v) / floor).toFixed(1)}×${missing > 0 ? ` (not seen in ${missing} runs)` : ''}`;
  };
  console.log(`  ${name}:`);
  console.log(
    `    from the spawn: host listening ${fig('host')}, navigation ${fig('nav')}, core ready ${fig('core')}, ` +
      `接続中 shown ${fig('total')}`,
  );
  console.log(
    `    from the navigation: index.html ${fig('html')}, entry chunk ${fig('chunk')}, shell rendered ${fig('shell')}, ` +
      `first contentful paint ${fig('fcp')}, 接続中 ${fig('ready')}`,
  );
  console.log(
    `    the core's own marks from its process start: code evaluated ${fig('coreCode')}, journal opened ` +
      `${fig('coreJournal')}, 'ready' sent ${fig('coreReady')} (code cache: ${[...new Set(xs.map((x) => x.cache))].join(', ')})`,
  );
}

// An in-process host for the latency figures below (its core from the bundle).
const dataDir = mkdtempSync(join(tmpdir(), 'shikaku-bench-'));
const app = await startWebApp({
  launch: { demo: false, dataDir, testHooks: false, version: 'bench' },
  coreEntry: WEB_CORE_BUNDLE,
  client: { log: () => undefined },
});

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
