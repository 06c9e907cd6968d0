// Clinic server benchmark: `node --import tsx bench/server.ts [--visits 5000] [--samples 100] [--interval 250]`.
// A throw-away PostgreSQL (Debian's, as in the tests: test/support/postgres.ts), two PCs with their own journals.
// Prints push throughput (visits/s, one PC's backlog pushed after the server was away) and the consolidation lag
// from a visit saved on PC A to it being readable in PC B's clinic data (both PCs syncing every --interval ms),
// p50/p95; and one 事後確認 request asked through the clinic's reconciler (relay.ts: PC B hands it to the leader
// PC A, which asks the terminal simulator on a real share) against the same request asked directly, p50/p95 and
// their ratio. Figures only, no asserts.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { open, memorySecretStore } from '../src/main/core/server/client.ts';
import { pushAll } from '../src/main/core/server/push.ts';
import { ClinicSync } from '../src/main/core/server/sync.ts';
import { ClinicReconciler } from '../src/main/core/server/relay.ts';
import { FileTerminalClient, TerminalSimulator } from '../src/hardware/terminal/index.ts';
import { HANAKO } from '../test/reconcile/helpers.ts';
import { openStore, SYSTEM_ACTOR, type Store } from '../src/main/core/store/index.ts';
import { makeVisit, openTestStore, quiet, removeDir, tempDir } from '../test/store/helpers.ts';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';

const { values } = parseArgs({
  options: { visits: { type: 'string' }, samples: { type: 'string' }, interval: { type: 'string' } },
});
const VISITS = Number(values.visits ?? 5000);
const SAMPLES = Number(values.samples ?? 100);
const INTERVAL = Number(values.interval ?? 250);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function pcOf(pgs: TestPostgres, name: string, dir = tempDir('shikaku-bench-pc-')) {
  const { store } = await openTestStore(dir);
  const settings = {
    enabled: true,
    host: pgs.host,
    port: pgs.port,
    database: pgs.database,
    user: pgs.user,
    tls: false,
    tlsFingerprint: '',
    pcName: name,
  };
  store.setSetting('server', settings, SYSTEM_ACTOR);
  const m = await openStore({ dataDir: join(dir, 'clinic-mirror'), ...quiet });
  if (!m.ok) throw new Error(m.error.code);
  const mirror: Store = m.value.store;
  const sync = new ClinicSync({ store, mirror, secrets: memorySecretStore(pgs.password), intervalMs: INTERVAL });
  return { dir, store, mirror, sync, settings };
}

const pgs = await startPostgres();
const dirs: string[] = [];
try {
  const a = await pcOf(pgs, 'bench-A');
  const b = await pcOf(pgs, 'bench-B');
  dirs.push(a.dir, b.dir);

  for (let i = 0; i < VISITS; i++) a.store.saveVisit(makeVisit(i));
  const c = await open(a.settings, pgs.password);
  const t0 = performance.now();
  const r = await pushAll(c, a.store, 'bench-A');
  const sec = (performance.now() - t0) / 1000;
  await c.end();
  console.log(
    `push: ${VISITS} visits (${r.pushed} journal entries, batches of 500) in ${sec.toFixed(2)} s = ${(VISITS / sec).toFixed(0)} visits/s`,
  );
  const t1 = performance.now();
  await b.sync.syncOnce();
  const pullSec = (performance.now() - t1) / 1000;
  console.log(
    `pull: ${VISITS} visits into PC B's clinic data in ${pullSec.toFixed(2)} s = ${(VISITS / pullSec).toFixed(0)} visits/s`,
  );

  a.sync.start();
  b.sync.start();
  const lags: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const v = makeVisit(VISITS + i);
    const saved = performance.now();
    a.store.saveVisit(v);
    while (!b.mirror.getVisit(v.id).ok) await new Promise((res) => setTimeout(res, 5));
    lags.push(performance.now() - saved);
  }
  await a.sync.stop();
  await b.sync.stop();
  console.log(
    `consolidation lag, saved on PC A → readable on PC B (sync every ${INTERVAL} ms, n=${SAMPLES}): ` +
      `p50 ${pct(lags, 50).toFixed(0)} ms, p95 ${pct(lags, 95).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms`,
  );

  // 事後確認 through the clinic's reconciler against the terminal asked directly (same simulator, same share).
  const share = tempDir('shikaku-bench-share-');
  dirs.push(share);
  const sim = await TerminalSimulator.start({ dir: share, pollMs: 10, registry: [HANAKO] });
  const client = new FileTerminalClient({ dir: share, pollMs: 10, settleMs: 5, stableReads: 2 });
  const clinicOf = (pc: typeof a) =>
    new ClinicReconciler({
      settings: () => pc.settings,
      secrets: memorySecretStore(pgs.password),
      terminal: () => client,
      timeoutMs: () => 5000,
      pollMs: 20,
      tickMs: 200,
    });
  const ra = clinicOf(a);
  const rb = clinicOf(b);
  ra.start();
  while (ra.route !== 'leader') await new Promise((res) => setTimeout(res, 20));
  rb.start();
  while (rb.route !== 'relay') await new Promise((res) => setTimeout(res, 20));
  const relay = rb.terminalFor(client);
  const query = {
    insurerNumber: HANAKO.insurerNumber,
    symbol: HANAKO.symbol,
    number: HANAKO.number,
    branch: HANAKO.branch,
    birthDate: HANAKO.birthDate,
  };
  const N = 40;
  const timed = async (t: typeof client | typeof relay, tag: string): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < N; i++) {
      const key = `bench_${tag}_${i}`;
      const t0 = performance.now();
      await t.confirm(query, { key, timeoutMs: 5000 });
      out.push(performance.now() - t0);
      await t.discardAnswer(key);
    }
    return out;
  };
  const direct = await timed(client, 'direct');
  const relayed = await timed(relay, 'relay');
  console.log(
    `事後確認 request, n=${N}: direct p50 ${pct(direct, 50).toFixed(0)} ms, p95 ${pct(direct, 95).toFixed(0)} ms; ` +
      `through the leader p50 ${pct(relayed, 50).toFixed(0)} ms, p95 ${pct(relayed, 95).toFixed(0)} ms ` +
      `(${(pct(relayed, 50) / pct(direct, 50)).toFixed(2)}× at p50; the relay polls every 20 ms here, 250 ms in the app)`,
  );
  await rb.stop();
  await ra.stop();
  await client.close();
  await sim.stop();
  for (const p of [a, b]) {
    p.store.close();
    p.mirror.close();
  }
} finally {
  pgs.destroy();
  for (const d of dirs) removeDir(d);
}
