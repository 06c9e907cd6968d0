// 事前確認 bench: N booked patients (default 2,000) fetched ahead against the terminal simulator (real files, real
// SQLite), the simulator in a process of its own (as the terminal's connector is): the figures are the core's.
// Half-way through the fetch a reception request is served: a 資格確認 on the same terminal link (foreground, so the
// fetch's next batch waits for it) and a visit saved in the journal. Prints total time, patients/s, peak RSS, the
// event loop's delay over the whole fetch (p50/p99/max) and the reception request's own latency beside the same
// request on an idle core (the ratio says what the fetch costs it); asserts nothing.
// Run: node --import tsx bench/precheck.ts [--size 2000] [--batch 100]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { jstDate } from '../src/claims/dates.ts';
import type { Visit } from '../src/claims/visit.ts';
import { FileTerminalClient, TerminalPriority, type SimPerson } from '../src/hardware/terminal/index.ts';
import { PrecheckFetcher } from '../src/main/core/precheck/fetch.ts';
import { startSim } from './sim.ts';
import { type ExpectedPerson, type Store } from '../src/main/core/store/index.ts';
import { openBenchJournal } from './journal.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '100' },
  },
});

const person = (i: number): SimPerson => ({
  insurerNumber: '06132013',
  symbol: '1234',
  number: String(100000 + i),
  branch: '01',
  name: `予約 ${i}`,
  nameKana: `ヨヤク ${i}`,
  birthDate: `19${String(40 + (i % 60)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
  sex: 'male',
  copayPercent: 30,
});

async function reception(store: Store, link: FileTerminalClient, p: SimPerson, day: string): Promise<number> {
  const t0 = performance.now();
  await link.confirm({
    insurerNumber: p.insurerNumber,
    symbol: p.symbol!,
    number: p.number,
    branch: p.branch!,
    birthDate: p.birthDate,
    confirmationDate: day,
  });
  const v: Visit = {
    id: uuidv7(),
    serviceDate: day,
    receivedAt: `${day}T09:00:00+09:00`,
    staff: 'uketsuke-01',
    patient: {
      patientId: '',
      name: p.name,
      nameKana: p.nameKana ?? '',
      birthDate: p.birthDate,
      sex: 'male',
      postalCode: '',
      address: '',
      phone: '',
    },
    cause: 'reader_fault',
    identity: { method: 'visual', confirmedBy: 'uketsuke-01' },
    evidence: {
      kind: 'portal',
      insurance: { insurerNumber: p.insurerNumber, symbol: p.symbol!, number: p.number, branch: p.branch! },
    },
    copay: { percent: 30, source: 'age', reason: '' },
    note: '',
  };
  const r = store.saveVisit(v);
  if (!r.ok) throw new Error(r.error.code);
  return performance.now() - t0;
}

async function main(n: number, batch: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shikaku-bench-pre-data-'));
  const shareDir = mkdtempSync(path.join(tmpdir(), 'shikaku-bench-pre-share-'));
  try {
    const store = await openBenchJournal(dataDir);
    const day = jstDate(Date.now());
    const people = Array.from({ length: n + 1 }, (_, i) => person(i));
    const rows = people.slice(0, n).map((p): { day: string; person: ExpectedPerson } => ({
      day,
      person: {
        patientRef: null,
        name: p.name,
        nameKana: p.nameKana!,
        birthDate: p.birthDate,
        insurance: { insurerNumber: p.insurerNumber, symbol: p.symbol!, number: p.number, branch: p.branch! },
        bookedTime: '',
      },
    }));
    const imported = store.importBookings(rows, 'bench', 'system');
    if (!imported.ok) throw new Error(imported.error.code);
    const base = store.getSetting('precheck');
    // 600 uploads a minute (0.1 s apart): the bench measures the core, not the rate limit (30 a minute by default).
    store.setSetting(
      'precheck',
      { ...(base.ok ? (base.value as object) : {}), regularsMonths: 0, batchSize: batch, batchesPerMinute: 600 },
      'system',
    );
    const registryFile = path.join(dataDir, 'registry.json');
    writeFileSync(registryFile, JSON.stringify(people));
    const stopSim = await startSim(shareDir, registryFile);
    const client = new FileTerminalClient({ dir: shareDir, pollMs: 50 });
    const priority = new TerminalPriority();
    const foreground = priority.wrap(client);
    await reception(store, foreground, people[n]!, day); // warm-up (the link's first watch, the first parse)
    const idleMs = await reception(store, foreground, people[n]!, day); // the same request on an idle core
    let receptionMs = 0;
    let served = false;
    const fetcher = new PrecheckFetcher({
      store,
      terminal: client,
      priority,
      timeoutMs: 30_000,
      pollMs: 50,
      onProgress: (p) => {
        if (!served && p.fetched + p.failed >= n / 2) {
          served = true;
          void reception(store, foreground, people[0]!, day).then((ms) => (receptionMs = ms));
        }
      },
    });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    delay.enable();
    const t0 = performance.now();
    const run = await fetcher.start('manual')!;
    const ms = performance.now() - t0;
    delay.disable();
    clearInterval(sampler);
    const ms2 = (v: number) => (v / 1e6).toFixed(1);
    console.log(
      `patients ${n}  batch ${batch}  fetched ${run.fetched}  changed ${run.changed}  failed ${run.failed}  ` +
        `time ${(ms / 1000).toFixed(2)} s  ${((run.fetched / ms) * 1000).toFixed(0)} patients/s  ` +
        `peak RSS ${(peak / 2 ** 20).toFixed(0)} MB (start ${(rss0 / 2 ** 20).toFixed(0)} MB)`,
    );
    console.log(
      `event loop delay during the fetch: p50 ${ms2(delay.percentile(50))} ms  p99 ${ms2(delay.percentile(99))} ms  max ${ms2(delay.max)} ms`,
    );
    console.log(
      `reception request (資格確認 + visit saved) in the middle: ${receptionMs.toFixed(1)} ms; on an idle core ${idleMs.toFixed(1)} ms ` +
        `(ratio ${(receptionMs / idleMs).toFixed(2)}); foreground requests served ${priority.foregroundServed}`,
    );
    await client.close();
    await stopSim();
    store.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(shareDir, { recursive: true, force: true });
  }
}

await main(Number(values.size), Number(values.batch));
