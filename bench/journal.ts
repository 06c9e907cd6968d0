// A journal for the benches that drive the reconciler or 事前確認: nothing on a timer (no checkpoints, backups or
// probes, no backup on open, so the figures are the work measured), and the one clerk the requests name.
import { openStore, type Store } from '../src/main/core/store/index.ts';

export const BENCH_CLERK = { id: 'uketsuke-01', name: '受付 一郎', active: true };

export async function openBenchJournal(dataDir: string): Promise<Store> {
  const opened = await openStore({
    dataDir,
    checkpointIntervalMs: 0,
    backupCheckIntervalMs: 0,
    probeIntervalMs: 0,
    backupOnOpen: false,
  });
  if (!opened.ok) throw new Error(opened.error.code);
  const store = opened.value.store;
  store.setStaff([BENCH_CLERK], 'system');
  return store;
}

/** A third of the journal's visits reconciled ① (their latest reconciliation holding `detail`), as at month end. */
export function reconcileEveryThird(store: Store, detail: string): void {
  store.db.prepare(`UPDATE visits SET status = 'reconciled' WHERE rowid % 3 = 0`).run();
  store.db
    .prepare(
      `INSERT INTO reconciliations (idempotency_key, visit_id, decision, json, staff, created_at)
       SELECT id || ':reconcile', id, 'current', ?, 'bench', created_at FROM visits WHERE rowid % 3 = 0`,
    )
    .run(detail);
}
