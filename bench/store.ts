// Store benchmark: `node --import tsx bench/store.ts [--visits 100000] [--dir DIR]`. Prints figures and
// ratios; asserts nothing. The save figures come first (about 15 s), then the fill to 100,000 visits (a minute or
// more: each visit saved as the app saves it, its patient record included) and the queries over it. The data folder defaults to a temp folder on the OS temp file system: pass
// --dir to measure the disk the app will really use.
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../src/claims/visit.ts';
import { openStore, type Store } from '../src/main/core/store/index.ts';
import { reconcileEveryThird } from './journal.ts';
import { walPagesPerSave } from './wal-pages.ts';

const { values } = parseArgs({
  options: { visits: { type: 'string' }, dir: { type: 'string' }, samples: { type: 'string' } },
});
const TOTAL = Number(values.visits ?? 100_000);
const SAMPLES = Number(values.samples ?? 400);
const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'shikaku-bench-'));

const CAUSES = [
  'reader_fault',
  'terminal_fault',
  'card_fault',
  'power_outage',
  'facility_network',
  'wide_area_network',
] as const;
const KINDS = ['portal', 'qualification_certificate', 'insurance_card', 'verbal', 'declaration'] as const;

function visit(i: number): Visit {
  const d = new Date(Date.UTC(2024, 0, 1) + (i % 730) * 86_400_000).toISOString().slice(0, 10);
  const kind = KINDS[i % KINDS.length]!;
  return {
    id: uuidv7(),
    serviceDate: d,
    receivedAt: `${d}T09:${String(i % 60).padStart(2, '0')}:00+09:00`,
    staff: 'bench',
    patient: {
      patientId: `P${i}`,
      name: `患者 ${i}`,
      nameKana: `カンジャ ${i}`,
      birthDate: '1960-05-01',
      sex: i % 2 ? 'female' : 'male',
      postalCode: '100-0001',
      address: '東京都千代田区千代田1-1 ○○マンション101',
      phone: '03-1234-5678',
    },
    cause: CAUSES[i % CAUSES.length]!,
    identity: { method: 'visual', confirmedBy: 'bench' },
    evidence:
      kind === 'verbal'
        ? {
            kind,
            pastRecordRef: `P${i}`,
            confirmedUnchanged: true,
            insurance: { insurerNumber: '06130012', symbol: '12', number: String(i), branch: '00' },
          }
        : kind === 'declaration'
          ? { kind }
          : { kind, insurance: { insurerNumber: '06130012', symbol: '12', number: String(i), branch: '00' } },
    copay: { percent: 30, source: 'age', reason: '' },
    note: '',
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const ms = (ns: bigint) => Number(ns) / 1e6;
const f = (x: number) => x.toFixed(x < 1 ? 3 : x < 10 ? 2 : 1);

function time<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const r = fn();
  return [r, ms(process.hrtime.bigint() - t)];
}

/** A bench journal (no backups, no probe) with the bench's one clerk. */
async function openJournal(
  dataDir: string,
  checkpoints: { checkpointIntervalMs: number; checkpointIdleMs?: number },
): Promise<Store> {
  const opened = await openStore({ dataDir, ...checkpoints, backupCheckIntervalMs: 0, probeIntervalMs: 0 });
  if (!opened.ok) throw new Error(opened.error.code);
  opened.value.store.setStaff([{ id: 'bench', name: 'ベンチ' }], 'system');
  return opened.value.store;
}

async function main(): Promise<void> {
  // The store as the app opens it: checkpoints on the store's schedule (when writes rest), never inside a save.
  // Receptions are seconds apart, so the idle checkpoint runs between two of them: the bench runs it after each
  // save, outside the sample (and times it on its own), instead of its timer (set far out here).
  const scheduled = { checkpointIntervalMs: 3_600_000, checkpointIdleMs: 3_600_000 };
  const store = await openJournal(dir, scheduled);
  // The same with SQLite's own checkpoint inside the commit that crosses 1000 WAL pages (before issue 19).
  const oldDir = mkdtempSync(join(values.dir ?? tmpdir(), 'shikaku-bench-old-'));
  const oldStore = await openJournal(oldDir, { checkpointIntervalMs: 0 });
  // The same saves with no sync at all (synchronous=OFF, this bench only): the save's own work, CPU and the writes
  // into the page cache, without the fsync that makes it durable.
  const noSyncDir = mkdtempSync(join(values.dir ?? tmpdir(), 'shikaku-bench-nosync-'));
  const noSyncStore = await openJournal(noSyncDir, scheduled);
  noSyncStore.db.pragma('synchronous = OFF');

  // What one save appends to the WAL (a frame per B-tree page it changes: the visit, the outbox job, the patient
  // record, the audit entry and each of their indexes), measured on the second journal (dropped afterwards).
  oldStore.checkpoint('TRUNCATE');
  const probeSaves = 10;
  for (let k = 0; k < probeSaves; k++) {
    const r = oldStore.saveVisit(visit(TOTAL + k));
    if (!r.ok) throw new Error(r.error.code);
  }
  const pageSize = oldStore.db.pragma('page_size', { simple: true }) as number;
  const walPerSave = Math.round(statSync(`${oldStore.file}-wal`).size / probeSaves);
  oldStore.checkpoint('TRUNCATE');
  // The same by table, one save at a time: a new patient's visit (as every visit below), then a returning patient's
  // (a later visit of a patient saved just before, the same insurance).
  const probe = (v: Visit) => {
    const r = oldStore.saveVisit(v);
    if (!r.ok) throw new Error(r.error.code);
  };
  const pagesNew = walPagesPerSave(oldStore, 20, (k) => probe(visit(TOTAL + 100 + k)));
  const pagesReturning = walPagesPerSave(oldStore, 20, (k) => {
    const earlier = visit(TOTAL + 100 + k);
    probe({ ...visit(TOTAL + 101 + k), patient: earlier.patient, evidence: earlier.evidence });
  });

  // 1. Bare fsync floor (a small write + fsync on the same folder; and the same with as many bytes as a save
  // appends to the WAL) and 2. saveVisit latency (its own transaction each, synchronous=FULL), sampled in turn so
  // that the other jobs on this machine weigh on all of them alike.
  const floorFile = join(dir, 'fsync-floor.bin');
  const fd = openSync(floorFile, 'w');
  const small = Buffer.alloc(512, 7);
  const walSized = Buffer.alloc(walPerSave, 7);
  const floor: number[] = [];
  const floorWal: number[] = [];
  const save: number[] = [];
  const saveOld: number[] = [];
  const saveNoSync: number[] = [];
  const idleCheckpoint: number[] = [];
  // Enough saves to cross SQLite's 1000-page checkpoint threshold several times.
  const savesPerSample = 4;
  for (let i = 0; i < SAMPLES; i++) {
    floor.push(
      time(() => {
        writeSync(fd, small, 0, small.length, 0);
        fsyncSync(fd);
      })[1],
    );
    floorWal.push(
      time(() => {
        writeSync(fd, walSized, 0, walSized.length, 0);
        fsyncSync(fd);
      })[1],
    );
    for (let k = 0; k < savesPerSample; k++) {
      const v = visit(i * savesPerSample + k);
      const [r, t] = time(() => store.saveVisit(v));
      if (!r.ok) throw new Error(r.error.code);
      save.push(t);
      // Seconds pass before the next reception: the schedule's timer looks twice (a write, then quiet).
      for (let tick = 0; tick < 2; tick++) {
        const [folded, tc] = time(() => store.checkpointIfDue());
        if (folded) idleCheckpoint.push(tc);
      }
      const [r2, t2] = time(() => oldStore.saveVisit(v));
      if (!r2.ok) throw new Error(r2.error.code);
      saveOld.push(t2);
      const [r3, t3] = time(() => noSyncStore.saveVisit(v));
      if (!r3.ok) throw new Error(r3.error.code);
      saveNoSync.push(t3);
      for (let tick = 0; tick < 2; tick++) noSyncStore.checkpointIfDue();
    }
  }
  closeSync(fd);
  rmSync(floorFile);
  oldStore.close();
  rmSync(oldDir, { recursive: true, force: true });
  noSyncStore.close();
  rmSync(noSyncDir, { recursive: true, force: true });
  const SAVED = SAMPLES * savesPerSample;

  // The save figures first: the fill below takes a minute or more.
  console.log(
    `store bench — ${TOTAL} visits in ${dir}, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (${process.platform}, node ${process.version})`,
  );
  const line = (name: string, xs: number[]): string =>
    `${name.padEnd(58)} p50 ${f(pct(xs, 50)).padStart(6)} ms  p99 ${f(pct(xs, 99)).padStart(6)} ms  max ${f(pct(xs, 100)).padStart(6)} ms`;
  const ratio = (xs: number[]): string =>
    `p50 ${f(pct(xs, 50) / pct(floor, 50))}×  p99 ${f(pct(xs, 99) / pct(floor, 99))}×`;
  console.log(line(`bare write+fsync of 512 B (n=${SAMPLES}), the floor:`, floor));
  console.log(line(`save a visit, checkpoints on the store's schedule (n=${SAVED}):`, save));
  console.log(line(`save a visit, SQLite's checkpoint inside commits (n=${SAVED}):`, saveOld));
  console.log(
    line(`  (the idle checkpoints between saves, n=${idleCheckpoint.length}, off the save path)`, idleCheckpoint),
  );
  console.log(
    line(
      `bare write+fsync of ${(walPerSave / 1024).toFixed(0)} KiB (what a save appends to the WAL, n=${SAMPLES}):`,
      floorWal,
    ),
  );
  console.log(
    `  (a save appends ${(walPerSave / 1024).toFixed(1)} KiB: ${(walPerSave / (pageSize + 24)).toFixed(1)} WAL frames of ${pageSize} B, one per B-tree page it changes; one fsync per save)`,
  );
  const pagesLine = (name: string, w: ReturnType<typeof walPagesPerSave>): string =>
    `  ${name} ${f(w.frames)} frames = ${f((w.frames * (pageSize + 24)) / 512)}× the floor's 512 B: ${[...w.byTable]
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${t} ${n.toFixed(1)}${w.trees.has(t) ? `/${w.trees.get(t)}` : ''}`)
      .join(', ')}`;
  console.log(`pages a save changes, by table (pages/B-trees of the table; n=20 each, WAL started over before each):`);
  console.log(pagesLine('new patient:      ', pagesNew));
  console.log(pagesLine('returning patient:', pagesReturning));
  console.log(line(`save without its fsync (synchronous=OFF: its own work, n=${SAVED}):`, saveNoSync));
  console.log(
    `  its own work against the floor: ${ratio(saveNoSync)}; own work + write+fsync of its bytes: p50 ${f(pct(saveNoSync, 50) + pct(floorWal, 50))} ms, p99 ${f(pct(saveNoSync, 99) + pct(floorWal, 99))} ms (a save: p50 ${f(pct(save, 50))} ms, p99 ${f(pct(save, 99))} ms)`,
  );
  console.log(`ratio save/fsync, schedule (the app):    ${ratio(save)}  (target p99 ≤ 1.5×)`);
  console.log(
    `ratio save/(write+fsync of the same bytes): p50 ${f(pct(save, 50) / pct(floorWal, 50))}×  p99 ${f(pct(save, 99) / pct(floorWal, 99))}×`,
  );
  console.log(`ratio save/fsync, SQLite's checkpoints:  ${ratio(saveOld)}`);

  // 3. Fill to TOTAL visits (batched: this is set-up, not a figure).
  const [, fillMs] = time(() => {
    for (let i = SAVED; i < TOTAL;) {
      const end = Math.min(TOTAL, i + 5000);
      store.db.transaction(() => {
        for (; i < end; i++) {
          const r = store.saveVisit(visit(i));
          if (!r.ok) throw new Error(r.error.code);
        }
      })();
      store.checkpoint('PASSIVE');
      if (i % 20_000 === 0 && i < TOTAL) console.log(`  (filling: ${i} of ${TOTAL} visits saved)`);
    }
  });
  // Some of them reconciled, as in a real month-end queue.
  reconcileEveryThird(store, '{"basis":"current","needsDecision":[]}');
  store.checkpoint('TRUNCATE');
  store.db.pragma('optimize');

  // 4. The 事後確認 queue screen: pending visits of one month, first page, with the total.
  const queries: Record<string, Parameters<Store['listVisits']>[0]> = {
    'pending, one month (queue screen)': { status: 'pending', month: '2024-06', limit: 100 },
    'pending + cause, one month': { status: 'pending', month: '2024-06', cause: 'power_outage', limit: 100 },
    'all statuses, one month': { month: '2024-06', limit: 100 },
    'pending, all months, first page': { status: 'pending', limit: 100 },
    'confirmed tab + tab counts, one month': { category: 'confirmed', month: '2024-06', withCounts: true, limit: 100 },
  };
  const rows: string[] = [];
  for (const [name, q] of Object.entries(queries)) {
    const ts: number[] = [];
    let total = 0;
    for (let i = 0; i < 30; i++) {
      const [r, t] = time(() => store.listVisits(q));
      if (!r.ok) throw new Error(r.error.code);
      total = r.value.total;
      ts.push(t);
    }
    rows.push(
      `  ${name.padEnd(36)} median ${f(pct(ts, 50)).padStart(6)} ms  p99 ${f(pct(ts, 99)).padStart(6)} ms  (${total} matching)`,
    );
  }
  // 5. What the visits.list request needs per row (the visit, its latest reconciliation): read row by row after
  // the page (getVisit + latestReconciliation twice, as the handler did) or in the page's one statement (withDetail).
  const screen: Parameters<Store['listVisits']>[0] = { month: '2024-06', withCounts: true, limit: 500 };
  const perRow: number[] = [];
  const oneStatement: number[] = [];
  for (let i = 0; i < 20; i++) {
    perRow.push(
      time(() => {
        const page = store.listVisits(screen);
        if (!page.ok) throw new Error(page.error.code);
        for (const s of page.value.items) {
          store.getVisit(s.id);
          store.latestReconciliation(s.id);
          store.latestReconciliation(s.id);
        }
      })[1],
    );
    const [page, t] = time(() => store.listVisits({ ...screen, withDetail: true }));
    if (page.ok && page.value.items[0]?.visit !== undefined) oneStatement.push(t);
  }
  const [, searchMs] = time(() => store.searchPatients({ name: 'ｶﾝｼﾞｬ' }));
  const bytes = statSync(store.file).size;

  console.log(
    `fill: ${TOTAL - SAVED} visits in batches of 5000: ${f(fillMs / 1000)} s (${f(((TOTAL - SAVED) / fillMs) * 1000)} visits/s)`,
  );
  console.log(`listVisits over ${TOTAL} visits (30 runs each, target < 50 ms):`);
  for (const r of rows) console.log(r);
  console.log(`visits.list reads, one month, up to 500 rows with visit + latest reconciliation (20 runs):`);
  console.log(`  page + 3 reads per row               median ${f(pct(perRow, 50)).padStart(6)} ms`);
  console.log(
    oneStatement.length
      ? `  one statement (withDetail)           median ${f(pct(oneStatement, 50)).padStart(6)} ms  (${f(pct(perRow, 50) / pct(oneStatement, 50))}× faster)`
      : '  one statement (withDetail)           n/a (this store has no withDetail)',
  );
  console.log(`(empty patients table) searchPatients: ${f(searchMs)} ms`);
  console.log(
    `database size: ${(bytes / 1e6).toFixed(1)} MB total, ${(((bytes / TOTAL) * 10_000) / 1e6).toFixed(2)} MB per 10,000 visits (visit + outbox + audit rows)`,
  );
  store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`(bench ran ${f(performance.now() / 1000)} s)`);
}

await main();
