// Month export bench: `node --import tsx bench/export.ts [--sizes 1000,10000] [--runs 1]`. One month of N visits
// in a real journal (a third reconciled), exported as 「今月の請求データを作成」 and `shikaku export --all` do:
// the core's exportMonthFiles writing the Shift_JIS set (請求データ Shift_JIS and UTF-8, 不詳一覧, 入力票) into a
// folder, staged and fsynced. Each export runs in a process of its own that only opens the journal (filled
// beforehand by another process), so the peak RSS the kernel records is the export's: printed as the peak above
// the RSS before the export, with the JS heap (+ external buffers) sampled during the run (each progress report,
// a 2 ms timer, the end). The floor, in the same process after the export: reading the same month's visit rows
// and parsing their JSON, nothing else. "Memory flat": the peak should not grow with the month. A third process
// exports again under V8's sampling heap profiler (every allocation counted, collected or not: an estimate) for the
// bytes allocated per visit, garbage included, which is what makes V8's heap grow between collections; its export
// is not the one timed. Figures only.
import { spawnSync } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClaimSettings } from '../src/claims/settings.ts';
import type { Visit } from '../src/claims/visit.ts';
import { claimSettingsOf } from '../src/main/core/reconcile/claim.ts';
import { exportMonthFiles } from '../src/main/core/reconcile/month-files.ts';
import type { Store } from '../src/main/core/store/index.ts';
import { makeVisit } from '../test/store/helpers.ts';
import { BENCH_CLERK, openBenchJournal, reconcileEveryThird } from './journal.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    runs: { type: 'string', default: '1' },
    fill: { type: 'string' },
    run: { type: 'string' },
    alloc: { type: 'string' },
    size: { type: 'string' },
  },
});
const MONTH = '2026-11';
const MB = 1024 * 1024;

/** A complete visit on day 1–28 of MONTH (the store tests' visit, moved into the month). */
function visit(i: number): Visit {
  const date = `${MONTH}-${String((i % 28) + 1).padStart(2, '0')}`;
  return makeVisit(i, {
    serviceDate: date,
    receivedAt: `${date}T09:15:00+09:00`,
    staff: BENCH_CLERK.id,
    identity: { method: 'visual', confirmedBy: BENCH_CLERK.id },
  });
}

/** The journal: n visits of the month, a third reconciled. */
async function fill(dataDir: string, n: number): Promise<void> {
  const store = await openBenchJournal(dataDir);
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const r = store.saveVisit(visit(i));
      if (!r.ok) throw new Error(r.error.code);
    }
  })();
  reconcileEveryThird(store, '{"askedTerminal":true}');
  store.checkpoint('TRUNCATE');
  store.close();
}

interface Figures {
  n: number;
  ms: number;
  floorMs: number;
  bytes: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapBeforeMb: number;
  heapPeakMb: number;
  samples: number;
}

/** The month's Shift_JIS set into `out`, as 「今月の請求データを作成」 writes it. */
function exportOnce(store: Store, settings: ClaimSettings, out: string, onProgress?: () => void) {
  return exportMonthFiles(store, {
    month: MONTH,
    settings,
    encoding: 'shift_jis',
    actor: BENCH_CLERK.id,
    dir: out,
    ...(onProgress ? { onProgress } : {}),
  });
}

/** One export of the filled journal, measured (this process does nothing else before it). */
async function run(dataDir: string, n: number): Promise<Figures> {
  const store = await openBenchJournal(dataDir);
  const settings = claimSettingsOf(store);
  const out = join(dataDir, '..', 'out');
  mkdirSync(out, { recursive: true });
  const heap = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = heap();
  let heapPeak = heap0;
  let samples = 0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, heap());
    samples++;
  };
  const timer = setInterval(sample, 2);
  const t0 = performance.now();
  const r = await exportOnce(store, settings, out, sample);
  const ms = performance.now() - t0;
  sample();
  clearInterval(timer);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  if (!r.ok) throw new Error(r.error.code);
  if (r.value.status !== 'ready') throw new Error(r.value.status);
  const bytes = r.value.files.reduce((s, f) => s + f.size, 0);

  // The floor: the month's rows read and their JSON parsed.
  const f0 = performance.now();
  const rows = store.db
    .prepare(`SELECT json FROM visits WHERE service_date >= ? AND service_date < ?`)
    .pluck()
    .all(`${MONTH}-01`, `${MONTH}-32`) as string[];
  let parsed = 0;
  for (const j of rows) parsed += (JSON.parse(j) as Visit).id.length > 0 ? 1 : 0;
  const floorMs = performance.now() - f0;
  if (parsed !== n) throw new Error(`floor read ${parsed} rows`);
  store.close();
  return {
    n,
    ms,
    floorMs,
    bytes,
    rssBeforeMb: rss0 / MB,
    peakRssMb: peakRss / MB,
    heapBeforeMb: heap0 / MB,
    heapPeakMb: heapPeak / MB,
    samples,
  };
}

/** One export under the sampling heap profiler: the bytes it allocated (sampled every 32 KB). */
async function allocated(dataDir: string): Promise<number> {
  const store = await openBenchJournal(dataDir);
  const settings = claimSettingsOf(store);
  const out = join(dataDir, '..', 'out-alloc');
  mkdirSync(out, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 32 * 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const r = await exportOnce(store, settings, out);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  store.close();
  if (!r.ok || r.value.status !== 'ready') throw new Error(r.ok ? r.value.status : r.error.code);
  let bytes = 0;
  const walk = (node: typeof profile.head): void => {
    bytes += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  return bytes;
}

function child(args: string[]): string {
  const self = fileURLToPath(import.meta.url);
  const c = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (c.status !== 0) throw new Error(`${args.join(' ')} failed (${c.status ?? c.signal})`);
  return c.stdout;
}

if (values.fill) await fill(values.fill, Number(values.size));
else if (values.alloc) process.stdout.write(String(await allocated(values.alloc)));
else if (values.run) process.stdout.write(JSON.stringify(await run(values.run, Number(values.size))));
else {
  const results = new Map<number, Figures[]>();
  const allocs = new Map<number, number>();
  const sizes = values.sizes.split(',').map(Number);
  const runs = Number(values.runs);
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'shikaku-bench-export-'));
    try {
      const dataDir = join(dir, 'data');
      child(['--fill', dataDir, '--size', String(n)]);
      const alloc = Number(child(['--alloc', dataDir, '--size', String(n)]));
      allocs.set(n, alloc);
      for (let k = 0; k < runs; k++) {
        rmSync(join(dir, 'out'), { recursive: true, force: true });
        const x = JSON.parse(child(['--run', dataDir, '--size', String(n)])) as Figures;
        results.set(n, [...(results.get(n) ?? []), x]);
        console.log(
          `month export of ${String(n).padStart(6)} visits (the Shift_JIS set, 4 files, ${(x.bytes / MB).toFixed(1)} MB, written and fsynced): ` +
            `${(x.ms / 1000).toFixed(2)} s = ${(x.ms / x.floorMs).toFixed(1)}× the floor (${x.floorMs.toFixed(0)} ms to read and parse the rows alone); ` +
            `peak RSS +${(x.peakRssMb - x.rssBeforeMb).toFixed(1)} MB above the ${x.rssBeforeMb.toFixed(0)} MB before, ` +
            `heap+external peak +${(x.heapPeakMb - x.heapBeforeMb).toFixed(1)} MB (${x.samples} samples); ` +
            `≈ ${(alloc / n / 1024).toFixed(1)} KB allocated per visit (sampled, another export)`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const signed = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)}`;
  const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
  for (let i = 1; i < sizes.length; i++) {
    const a = results.get(sizes[i - 1]!)!;
    const b = results.get(sizes[i]!)!;
    const rss = (xs: Figures[]) => med(xs.map((x) => Math.max(1, x.peakRssMb - x.rssBeforeMb)));
    const heap = (xs: Figures[]) => med(xs.map((x) => Math.max(1, x.heapPeakMb - x.heapBeforeMb)));
    const rawRss = (xs: Figures[]) => med(xs.map((x) => x.peakRssMb - x.rssBeforeMb));
    const rawHeap = (xs: Figures[]) => med(xs.map((x) => x.heapPeakMb - x.heapBeforeMb));
    console.log(
      `${sizes[i]} vs ${sizes[i - 1]}: size ×${(sizes[i]! / sizes[i - 1]!).toFixed(1)}, time ×${(med(b.map((x) => x.ms)) / med(a.map((x) => x.ms))).toFixed(2)}, ` +
        `peak RSS growth ×${(rss(b) / rss(a)).toFixed(2)} (${signed(rawRss(b) - rawRss(a))} MB), ` +
        `heap peak growth ×${(heap(b) / heap(a)).toFixed(2)} (${signed(rawHeap(b) - rawHeap(a))} MB) (medians, growths of at least 1 MB)`,
    );
  }
}
