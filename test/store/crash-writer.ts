// Child process for the crash harness: opens the store in argv[2] and saves visits in a loop, printing
// `ACK <visit json>` only after saveVisit has returned ok. The parent SIGKILLs it at random moments.
// Also claims/completes outbox jobs and checkpoints now and then, so kills land in those too.
import { writeSync } from 'node:fs';
import { openStore } from '../../src/main/core/store/index.ts';
import { makeVisit, STAFF } from './helpers.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: crash-writer.ts <dataDir>\n');
  process.exit(2);
}
writeSync(1, 'OPENING\n');
const r = await openStore({ dataDir: dir, checkpointIntervalMs: 20, backupCheckIntervalMs: 0, probeIntervalMs: 0 });
if (!r.ok) {
  writeSync(1, `FAIL ${r.error.code} ${r.error.detail ?? ''}\n`);
  process.exit(1);
}
const { store } = r.value;
if (store.listStaff().length === 0) {
  const s = store.setStaff(STAFF, 'system');
  if (!s.ok) process.exit(1);
}
writeSync(1, 'READY\n');

let i = Math.floor(Math.random() * 1e6);
for (;;) {
  const v = makeVisit(i++);
  const saved = store.saveVisit(v);
  if (!saved.ok) {
    writeSync(1, `FAIL ${saved.error.code} ${saved.error.detail ?? ''}\n`);
    process.exit(1);
  }
  writeSync(1, `ACK ${JSON.stringify(v)}\n`);
  if (i % 7 === 0) {
    const jobs = store.claimOutbox({ limit: 2 });
    if (jobs.ok) for (const j of jobs.value) store.completeOutbox(j.id, j.leaseToken!);
  }
  if (i % 29 === 0) store.checkpoint('PASSIVE');
  // Yield now and then so the checkpoint timer runs between saves.
  if (i % 5 === 0) await new Promise((res) => setImmediate(res));
}
