// Reconciler bench: N queued visits against the terminal simulator answering at once (real files, real SQLite),
// for N = 1,000 and 10,000 by default. Each size runs in its own child process so peak RSS is per size, and the
// simulator runs in a process of its own (as the terminal's connector does): the figures are the core's alone.
// Mode 'bulk' (default): the reconciler as configured (一括照会 from 'reconcile.bulkThreshold' due jobs on);
// mode 'single': the 一括照会 disabled, one request per visit.
// Prints total time, visits/s, peak RSS, the event loop's delay while reconciling (p50/p99/max: what a UI request
// waits for at worst meanwhile) and the ratios between sizes; asserts nothing. Meanwhile a reception request
// (visits.save through the core's dispatcher, as the renderer sends it) arrives every 100 ms: its latency from
// arrival to answer is printed next to the loop delay. Both are also measured for a few seconds on the idle core
// before the run (the same requests, no reconciler): each figure is printed with its ratio to that floor. A bare
// 512 B write+fsync in the same run is printed too (a save cannot answer before its fsync).
// The backlog is saved in one transaction before anything is measured.
// Run: node --import tsx bench/reconcile.ts [--sizes 1000,10000] [--mode bulk|single] [--concurrency 2]
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../src/claims/visit.ts';
import { FileTerminalClient, type SimPerson } from '../src/hardware/terminal/index.ts';
import { HealthMonitor } from '../src/hardware/health/index.ts';
import { Reconciler } from '../src/main/core/reconcile/reconciler.ts';
import { buildHandlers, createDispatcher } from '../src/main/core/service.ts';
import { startSim } from './sim.ts';
import { openBenchJournal } from './journal.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    mode: { type: 'string', default: 'bulk' },
    concurrency: { type: 'string', default: '2' },
    size: { type: 'string' },
  },
});
const concurrency = Number(values.concurrency);
const mode = values.mode === 'single' ? 'single' : 'bulk';
const self = fileURLToPath(import.meta.url);
/** How long the idle floors are measured before the run (reception requests every 100 ms, no reconciler). */
const IDLE_MS = 3_000;

interface Figures {
  p50: number;
  p99: number;
  max: number;
}

/**
 * A birth date of its own for each patient (1966-01-01 + i days: aged 27 to 60 on the service date, 30 % copay).
 * Every patient the same 山田 花子 born the same day made each save look through all the earlier ones for a match
 * (patient-merge's findMatch: same kana, same birth date), so the requests measured that, not the reconciler.
 */
function birthDate(i: number): string {
  return new Date(Date.UTC(1966, 0, 1 + i)).toISOString().slice(0, 10);
}

function visit(i: number): Visit {
  return {
    id: uuidv7(),
    serviceDate: '2026-11-20',
    receivedAt: '2026-11-20T09:15:00+09:00',
    staff: 'uketsuke-01',
    patient: {
      patientId: `P${i}`,
      name: '山田 花子',
      nameKana: 'ヤマダ ハナコ',
      birthDate: birthDate(i),
      sex: 'female',
      postalCode: '',
      address: '',
      phone: '',
    },
    cause: 'terminal_fault',
    identity: { method: 'visual', confirmedBy: 'uketsuke-01' },
    evidence: {
      kind: 'portal',
      insurance: { insurerNumber: '06132013', symbol: '1234', number: String(100000 + i), branch: '01' },
    },
    copay: { percent: 30, source: 'age', reason: '' },
    note: '',
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** Bare 512 B write + fsync in the data folder, n times (ms each): the floor of any save. */
function fsyncFloor(dir: string, n: number): number[] {
  const file = path.join(dir, 'fsync-floor.bin');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(512, 7);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    writeSync(fd, buf, 0, buf.length, 0);
    fsyncSync(fd);
    out.push(performance.now() - t);
  }
  closeSync(fd);
  rmSync(file);
  return out;
}

async function one(n: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shikaku-bench-rec-data-'));
  const shareDir = mkdtempSync(path.join(tmpdir(), 'shikaku-bench-rec-share-'));
  try {
    const store = await openBenchJournal(dataDir);
    const registry: SimPerson[] = [];
    // The backlog in one transaction (setup, not measured: n fsyncs would take minutes on a busy disk).
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const v = visit(i);
        const r = store.saveVisit(v);
        if (!r.ok) throw new Error(r.error.code);
        registry.push({
          ...v.evidence.insurance!,
          name: v.patient.name,
          birthDate: v.patient.birthDate,
          sex: 'female',
        });
      }
    })();
    const registryFile = path.join(dataDir, 'registry.json');
    writeFileSync(registryFile, JSON.stringify(registry));
    const stopSim = await startSim(shareDir, registryFile);
    const client = new FileTerminalClient({ dir: shareDir, pollMs: 50 });
    const reconciler = new Reconciler({
      store,
      terminal: client,
      concurrency,
      timeoutMs: 30_000,
      ...(mode === 'single' ? { bulk: { enabled: false } } : { bulk: { pollMs: 50 } }),
    });
    const dispatch = createDispatcher(
      buildHandlers({
        info: { version: 'bench', demo: false, dataDir, pid: process.pid, testHooks: false },
        emit: () => undefined,
        health: new HealthMonitor(),
        journal: { store, report: null, error: null },
        reconciler: null,
        acChanged: () => undefined,
        crash: () => process.exit(1),
        sleep: () => Promise.resolve(),
      }),
      { testHooks: false },
    );
    const floor = fsyncFloor(dataDir, 50);
    // Reception requests every 100 ms, timed from when each arrives (so a busy loop's lateness counts).
    let k = 0;
    const receptionLoad = (): { stop(): number[] } => {
      const times: number[] = [];
      let running = true;
      const arrive = (at: number): void => {
        setTimeout(
          () => {
            if (!running) return;
            const v = { ...visit(n + k), serviceDate: '2026-11-21' };
            void dispatch({ id: ++k, name: 'visits.save', input: v }).then((res) => {
              if (res && 'error' in res && res.error) throw new Error(JSON.stringify(res.error));
              times.push(performance.now() - at);
            });
            arrive(at + 100);
          },
          Math.max(0, at - performance.now()),
        );
      };
      arrive(performance.now() + 100);
      return {
        stop: () => {
          running = false;
          return times;
        },
      };
    };
    const loopFigures = (h: ReturnType<typeof monitorEventLoopDelay>) => ({
      p50: h.percentile(50) / 1e6,
      p99: h.percentile(99) / 1e6,
      max: h.max / 1e6,
    });
    const figures = (xs: number[]) => ({ n: xs.length, p50: pct(xs, 50), p99: pct(xs, 99), max: pct(xs, 100) });
    // The floors: the same requests and the loop delay on the idle core (the reconciler not running), this run.
    const idleDelay = monitorEventLoopDelay({ resolution: 1 });
    idleDelay.enable();
    const idle = receptionLoad();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleReception = idle.stop();
    idleDelay.disable();
    await new Promise((r) => setTimeout(r, 200)); // the last idle request answered
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const rss0 = process.memoryUsage().rss;
    delay.enable();
    const t0 = performance.now();
    const load = receptionLoad();
    // Each request's visit joins the queue too (as at a clinic): the arrivals stop once the backlog's n are
    // worked, so a slow run (a busy machine) still ends.
    let stopped: number[] | undefined;
    reconciler.on('progress', (p: { processed: number }) => {
      if (!stopped && p.processed >= n) stopped = load.stop();
    });
    const summary = await reconciler.run({ once: true });
    const ms = performance.now() - t0;
    const reception = stopped ?? load.stop();
    delay.disable();
    floor.push(...fsyncFloor(dataDir, 50));
    const left = store.listOutbox({ limit: 1 });
    const unfinished = left.ok ? left.value.counts.pending + left.value.counts.inflight : NaN;
    await client.close();
    await stopSim();
    store.close();
    process.stdout.write(
      JSON.stringify({
        n,
        ms,
        processed: summary.processed,
        current: summary.decisions.current,
        failed: summary.failed,
        dead: summary.dead,
        already: summary.already,
        leaseLost: unfinished,
        bulk: summary.bulk,
        rssMb: process.resourceUsage().maxRSS / 1024,
        rssBeforeMb: rss0 / 1024 / 1024,
        loop: loopFigures(delay),
        idleLoop: loopFigures(idleDelay),
        reception: figures(reception),
        idleReception: figures(idleReception),
        fsync: { p50: pct(floor, 50), p99: pct(floor, 99) },
      }),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(shareDir, { recursive: true, force: true });
  }
}

if (values.size) {
  await one(Number(values.size));
} else {
  type Result = {
    n: number;
    ms: number;
    processed: number;
    current: number;
    failed: number;
    dead: number;
    already: number;
    leaseLost: number;
    rssMb: number;
    loop: Figures;
    idleLoop: Figures;
    bulk: { batches: number; answered: number; fallback: number };
    reception: Figures & { n: number };
    idleReception: Figures & { n: number };
    fsync: { p50: number; p99: number };
  };
  const results: Result[] = [];
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const line = (x: Figures, floor: Figures) =>
    `p50 ${x.p50.toFixed(1)} ms (${ratio(x.p50, floor.p50)}) / p99 ${x.p99.toFixed(1)} ms (${ratio(x.p99, floor.p99)}) / ` +
    `max ${x.max.toFixed(1)} ms (${ratio(x.max, floor.max)}); idle floor p50 ${floor.p50.toFixed(1)} / ` +
    `p99 ${floor.p99.toFixed(1)} / max ${floor.max.toFixed(1)} ms`;
  for (const n of values.sizes.split(',').map(Number)) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', self, '--size', String(n), '--concurrency', String(concurrency), '--mode', mode],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    if (r.status !== 0) throw new Error(`size ${n} failed (${r.status ?? r.signal})`);
    const x = JSON.parse(r.stdout) as Result;
    results.push(x);
    console.log(
      `${String(n).padStart(6)} visits (${mode}): ${(x.ms / 1000).toFixed(2)} s, ${((x.processed / x.ms) * 1000).toFixed(0)} visits/s, ` +
        `peak RSS ${x.rssMb.toFixed(0)} MB (reconciled ${x.current}/${n}, failed ${x.failed}, dead ${x.dead}, ` +
        `already ${x.already}, not finished ${x.leaseLost}, concurrency ${concurrency}` +
        (mode === 'bulk' ? `, ${x.bulk.batches} bulk batches, ${x.bulk.fallback} fallbacks)` : ')'),
    );
    console.log(`        core event loop delay: ${line(x.loop, x.idleLoop)}`);
    console.log(
      `        ${x.reception.n} reception requests (visits.save, one per 100 ms; idle floor from ${x.idleReception.n}), ` +
        `arrival → answer: ${line(x.reception, x.idleReception)}; bare 512 B write+fsync p50 ${x.fsync.p50.toFixed(2)} ms`,
    );
  }
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    console.log(
      `${b.n} vs ${a.n}: size ×${(b.n / a.n).toFixed(1)}, time ×${(b.ms / a.ms).toFixed(2)}, RSS ×${(b.rssMb / a.rssMb).toFixed(2)}`,
    );
  }
}
