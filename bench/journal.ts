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
