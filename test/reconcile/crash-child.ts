// Child process for the crash test: runs the reconciler once over the journal in argv[2] against the share in
// argv[3]. Mode 'crash': SIGKILLs itself at the 3rd completeOutbox call, i.e. after that job's reconciliation
// was recorded and before its outbox job was completed (the worst moment). Mode 'finish': the store's clock runs
// an hour ahead so the leases of the killed run have expired; prints the summary as JSON.
// Modes 'bulk-crash' / 'bulk-finish': the same with the 一括照会 (every job in one batch, applied 3 per transaction);
// 'bulk-crash' SIGKILLs itself at the 5th reconciliation, i.e. inside the second chunk's open transaction.
import { FileTerminalClient } from '../../src/hardware/terminal/index.ts';
import { Reconciler } from '../../src/main/core/reconcile/reconciler.ts';
import { openStore } from '../../src/main/core/store/index.ts';

const [dataDir, shareDir, mode] = process.argv.slice(2) as [
  string,
  string,
  'crash' | 'finish' | 'bulk-crash' | 'bulk-finish',
];
const bulk = mode.startsWith('bulk-');
const opened = await openStore({
  dataDir,
  checkpointIntervalMs: 0,
  backupCheckIntervalMs: 0,
  probeIntervalMs: 0,
  backupOnOpen: false,
  ...(mode === 'finish' || mode === 'bulk-finish' ? { clock: () => Date.now() + 3_600_000 } : {}),
});
if (!opened.ok) throw new Error(opened.error.code);
const store = opened.value.store;
if (mode === 'crash') {
  const complete = store.completeOutbox.bind(store);
  let calls = 0;
  store.completeOutbox = (id, token) => {
    calls += 1;
    if (calls === 3) process.kill(process.pid, 'SIGKILL');
    return complete(id, token);
  };
}
if (mode === 'bulk-crash') {
  const record = store.recordReconciliation.bind(store);
  let calls = 0;
  store.recordReconciliation = (input) => {
    calls += 1;
    if (calls === 5) process.kill(process.pid, 'SIGKILL');
    return record(input);
  };
}
const terminal = new FileTerminalClient({ dir: shareDir, pollMs: 50 });
const summary = await new Reconciler({
  store,
  terminal,
  concurrency: 2,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  // Chunks of exactly 3 (sliceMs that large never shrinks a transaction by the clock): the kill lands in the second.
  bulk: bulk ? { threshold: 1, batchSize: 100, commitChunk: 3, pollMs: 20, sliceMs: 60_000 } : { enabled: false },
}).run({
  once: true,
});
await terminal.close();
store.close();
process.stdout.write(JSON.stringify(summary));
