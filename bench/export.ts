// Month export bench: `node --import tsx bench/export.ts [--sizes 1000,10000]`. One month of N visits in a real
// journal (a third reconciled), exported by the core's exportMonth (src/main/core/reconcile/export.ts: what
// `shikaku export` and the 出力 screen run) as CSV in Shift_JIS. Each size in its own process, so its peak RSS is
// its own: time, peak RSS above the filled store's, and the ratios between sizes ("memory flat": RSS should not
// grow with the month). The floor, in the same process: reading the same month's visit rows and parsing their
// JSON, nothing else. Figures only, no asserts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Visit } from '../src/claims/visit.ts';
import { claimSettingsOf } from '../src/main/core/reconcile/claim.ts';
import { exportMonth } from '../src/main/core/reconcile/export.ts';
import { openStore } from '../src/main/core/store/index.ts';
import { makeVisit } from '../test/store/helpers.ts';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000' }, size: { type: 'string' } },
});
const MONTH = '2026-11';

/** A complete visit on day 1–28 of MONTH (the store tests' visit, moved into the month). */
function visit(i: number): Visit {
  const date = `${MONTH}-${String((i % 28) + 1).padStart(2, '0')}`;
  return makeVisit(i, {
    serviceDate: date,
    receivedAt: `${date}T09:15:00+09:00`,
    staff: 'bench',
    identity: { method: 'visual', confirmedBy: 'bench' },
  });
}

async function one(n: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shikaku-bench-export-'));
  try {
    const opened = await openStore({ dataDir, checkpointIntervalMs: 0, backupCheckIntervalMs: 0, probeIntervalMs: 0 });
    if (!opened.ok) throw new Error(opened.error.code);
    const store = opened.value.store;
    store.setStaff([{ id: 'bench', name: 'ベンチ' }], 'system');
    store.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const r = store.saveVisit(visit(i));
        if (!r.ok) throw new Error(r.error.code);
      }
    })();
    store.db.prepare(`UPDATE visits SET status = 'reconciled' WHERE rowid % 3 = 0`).run();
    store.db
      .prepare(
        `INSERT INTO reconciliations (idempotency_key, visit_id, decision, json, staff, created_at)
         SELECT id || ':reconcile', id, 'current', '{"askedTerminal":true}', 'bench', created_at
           FROM visits WHERE rowid % 3 = 0`,
      )
      .run();
    store.checkpoint('TRUNCATE');
    const settings = claimSettingsOf(store);

    // The floor: the month's rows read and their JSON parsed.
    const f0 = performance.now();
    const rows = store.db
      .prepare(`SELECT json FROM visits WHERE service_date >= ? AND service_date < ?`)
      .pluck()
      .all(`${MONTH}-01`, `${MONTH}-32`) as string[];
    let parsed = 0;
    for (const j of rows) parsed += (JSON.parse(j) as Visit).id.length > 0 ? 1 : 0;
    const floorMs = performance.now() - f0;

    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = exportMonth(store, MONTH, 'csv', settings, 'shift_jis');
    const ms = performance.now() - t0;
    if (!r.ok) throw new Error(r.error.code);
    if (!r.value.file.ok) throw new Error(JSON.stringify(r.value.file.errors));
    const bytes = r.value.file.value.bytes.length;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    store.close();
    process.stdout.write(JSON.stringify({ n, ms, floorMs, parsed, bytes, rssBeforeMb: rss0 / 1024 / 1024, peakMb }));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (values.size) {
  await one(Number(values.size));
} else {
  type R = { n: number; ms: number; floorMs: number; bytes: number; rssBeforeMb: number; peakMb: number };
  const results: R[] = [];
  const self = fileURLToPath(import.meta.url);
  for (const n of values.sizes.split(',').map(Number)) {
    const c = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', self, '--size', String(n)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (c.status !== 0) throw new Error(`size ${n} failed (${c.status ?? c.signal})`);
    const x = JSON.parse(c.stdout) as R;
    results.push(x);
    console.log(
      `month export of ${String(n).padStart(6)} visits (CSV, Shift_JIS): ${(x.ms / 1000).toFixed(2)} s ` +
        `(${x.floorMs.toFixed(0)} ms to read and parse the rows alone: ${(x.ms / x.floorMs).toFixed(1)}× that floor), ` +
        `${(x.bytes / 1024).toFixed(0)} KiB; peak RSS ${x.peakMb.toFixed(0)} MB, ${(x.peakMb - x.rssBeforeMb).toFixed(0)} MB above the store before the export`,
    );
  }
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    console.log(
      `${b.n} vs ${a.n}: size ×${(b.n / a.n).toFixed(1)}, time ×${(b.ms / a.ms).toFixed(2)}, ` +
        `RSS growth during the export ×${((b.peakMb - b.rssBeforeMb) / Math.max(1, a.peakMb - a.rssBeforeMb)).toFixed(2)}`,
    );
  }
}
