// Child process for the crash and power-cut harnesses: opens the store in argv[2] and saves visits in a
// loop, printing `ACK <visit json>` only after saveVisit has returned ok. The parent SIGKILLs it at random
// moments. Also claims/completes outbox jobs and checkpoints now and then, so kills land in those too.
// Options after the folder:
//   --backups        every 23rd save also takes store.backup() and prints `BACKUP <file>` once it returned
//   --sync=MODE      after opening, switch the connection to synchronous=MODE (off, normal: to show what
//                    the store's FULL is for)
//   --stop-after=N   after N saves print DONE and idle until killed (no checkpoints then: the parent
//                    decides exactly what was written)
import { writeSync } from 'node:fs';
import { openStore } from '../../src/main/core/store/index.ts';
import { makeVisit, STAFF } from './helpers.ts';

/**
 * One line to the parent. stdout is a pipe the parent reads between its own synchronous work: when it is
 * full, wait for room (EAGAIN) rather than die; a line is complete before the next one starts.
 */
function say(line: string): void {
  const buf = Buffer.from(`${line}\n`);
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

const [dir, ...flags] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: crash-writer.ts <dataDir> [--backups] [--sync=off|normal] [--stop-after=N]\n');
  process.exit(2);
}
const backups = flags.includes('--backups');
const sync = flags.find((f) => f.startsWith('--sync='))?.slice('--sync='.length);
const stopAfter = Number(flags.find((f) => f.startsWith('--stop-after='))?.slice('--stop-after='.length) ?? Infinity);
const checkpoints = stopAfter === Infinity;

say('OPENING');
const r = await openStore({
  dataDir: dir,
  checkpointIntervalMs: checkpoints ? 20 : 0,
  backupCheckIntervalMs: 0,
  probeIntervalMs: 0,
});
if (!r.ok) {
  say(`FAIL ${r.error.code} ${r.error.detail ?? ''}`);
  process.exit(1);
}
const { store } = r.value;
if (store.listStaff().length === 0) {
  const s = store.setStaff(STAFF, 'system');
  if (!s.ok) process.exit(1);
}
if (sync === 'off' || sync === 'normal') store.db.pragma(`synchronous = ${sync}`);
say('READY');

let i = Math.floor(Math.random() * 1e6);
for (let n = 1; ; n++) {
  const v = makeVisit(i++);
  const saved = store.saveVisit(v);
  if (!saved.ok) {
    say(`FAIL ${saved.error.code} ${saved.error.detail ?? ''}`);
    process.exit(1);
  }
  say(`ACK ${JSON.stringify(v)}`);
  if (n >= stopAfter) {
    say('DONE');
    setInterval(() => {}, 60_000);
    break;
  }
  if (i % 7 === 0) {
    const jobs = store.claimOutbox({ limit: 2 });
    if (jobs.ok) for (const j of jobs.value) store.completeOutbox(j.id, j.leaseToken!);
  }
  if (checkpoints && i % 29 === 0) store.checkpoint(i % 3 === 0 ? 'TRUNCATE' : 'PASSIVE');
  if (backups && i % 23 === 0) {
    const b = await store.backup('manual');
    if (!b.ok) {
      say(`FAIL ${b.error.code} ${b.error.detail ?? ''}`);
      process.exit(1);
    }
    say(`BACKUP ${b.value.file}`);
  }
  // Yield now and then so the checkpoint timer runs between saves.
  if (i % 5 === 0) await new Promise((res) => setImmediate(res));
}
