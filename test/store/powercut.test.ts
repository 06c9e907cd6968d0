// Power cuts for real: the journal lives on powercutfs (test/support/powercut), a FUSE file system that
// keeps everything not fsynced in memory and drops it at a cut — unlike SIGKILL (crash.test.ts), which
// leaves the OS page cache intact. First we prove the layer bites (unsynced data, unsynced directory
// entries, and visits saved with synchronous=OFF or NORMAL are lost), then the harness: the real writer (crash-writer.ts: saves, outbox,
// checkpoints, backups; folders start empty or from the v1 fixture, so creation and migrations are cut
// too) is SIGKILLed at a random moment, the power is cut (dropping unsynced state, tearing the last write,
// or letting a random part of it through), the disk is mounted again and the app's own startup path opens
// the journal: every acknowledged visit must be there and whole, the audit chain valid, `db check` clean,
// the newest acknowledged backups sound. 10 cuts here; SHIKAKU_SOAK=1 (`npm run test:soak`) for 240.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fsyncDir, fsyncFile } from '../../src/main/core/store/durable.ts';
import { inspectFile, openStore } from '../../src/main/core/store/index.ts';
import { shikaku } from '../cli/run.ts';
import { PowercutMount, powercutUnavailable, type CutMode, type CutReport } from '../support/powercut/mount.ts';
import { lostVisits, runAndKill, verifyJournal } from './crash-harness.ts';
import { openTestStore, quiet, removeDir, tempDir, unwrap } from './helpers.ts';

const SOAK = process.env.SHIKAKU_SOAK === '1';
const CUTS = Number(process.env.SHIKAKU_POWERCUT_CUTS ?? (SOAK ? 240 : 10));
const LANES = 2; // independent disks cut in parallel (2 cores; spawning the writer dominates)
const FRESH_EVERY = 4; // cuts per data folder; a new one starts empty or from the v1 fixture (a migration)
const V1 = fileURLToPath(new URL('../fixtures/store/v1.sqlite3', import.meta.url));

const missing = powercutUnavailable();
if (missing) console.warn(`power-cut tests skipped: ${missing}`);
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) removeDir(r);
});

/** A fresh disk mounted in a fresh temp folder. */
async function freshDisk(): Promise<PowercutMount> {
  const root = tempDir('shikaku-powercut-');
  roots.push(root);
  return PowercutMount.mount(join(root, 'disk'), join(root, 'mnt'));
}

/** Cuts the power and powers the machine back on: the same disk, mounted again. */
async function cutAndRemount(m: PowercutMount, mode: CutMode = 'drop'): Promise<CutReport> {
  const report = await m.cut(mode);
  await m.remount();
  return report;
}

function writeFile(path: string, data: string, sync: boolean): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, data);
    if (sync) fsyncFile(path);
  } finally {
    closeSync(fd);
  }
}

/**
 * A new data folder, durable (the machine had it for weeks): empty (the app creates the journal) or holding
 * a copy of the v1 journal (the app migrates it).
 */
function durableFolder(mnt: string, name: string, v1: boolean): string {
  const dir = join(mnt, name);
  mkdirSync(dir);
  if (v1) {
    copyFileSync(V1, join(dir, 'journal.sqlite3'));
    fsyncFile(join(dir, 'journal.sqlite3'));
  }
  fsyncDir(dir);
  fsyncDir(mnt);
  return dir;
}

describe.skipIf(missing !== null)(`power cuts (powercutfs)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  it('loses file data that was not fsynced and keeps what was', async () => {
    const m = await freshDisk();
    try {
      const f = join(m.mountpoint, 'f');
      writeFile(f, 'durable', true);
      fsyncDir(m.mountpoint);
      writeFile(f, 'overwritten but never synced', false);
      expect(readFileSync(f, 'utf8')).toBe('overwritten but never synced'); // reads see the page cache
      const report = await cutAndRemount(m);
      expect(report.pendingWrites).toBeGreaterThan(0);
      expect(readFileSync(f, 'utf8')).toBe('durable');

      writeFile(f, 'synced again', true);
      await cutAndRemount(m);
      expect(readFileSync(f, 'utf8')).toBe('synced again');
    } finally {
      await m.stop();
    }
  });

  it('makes directory entries durable only when the directory is fsynced', async () => {
    const m = await freshDisk();
    try {
      const at = (n: string) => join(m.mountpoint, n);
      writeFile(at('kept'), 'k', true);
      writeFile(at('a'), 'renamed', true);
      fsyncDir(m.mountpoint);
      // Neither is followed by a directory fsync:
      writeFile(at('new'), 'data synced, directory not', true);
      renameSync(at('a'), at('b'));
      await cutAndRemount(m);
      expect(existsSync(at('kept'))).toBe(true);
      expect(existsSync(at('new'))).toBe(false);
      expect([existsSync(at('a')), existsSync(at('b'))]).toEqual([true, false]);

      renameSync(at('a'), at('b'));
      fsyncDir(m.mountpoint);
      await cutAndRemount(m);
      expect([existsSync(at('a')), existsSync(at('b'))]).toEqual([false, true]);
      expect(readFileSync(at('b'), 'utf8')).toBe('renamed');
    } finally {
      await m.stop();
    }
  });

  it('tears the last unsynced write: a prefix of it, or some of its sectors, reach the disk', async () => {
    const m = await freshDisk();
    try {
      const f = join(m.mountpoint, 'f');
      writeFile(f, 'A'.repeat(12_288), true);
      fsyncDir(m.mountpoint);
      for (const mode of ['tear-prefix', 'tear-sectors', 'tear-prefix', 'tear-sectors'] as const) {
        // One unsynced write of 9000 'B's at an unaligned offset over the synced 'A's.
        const fd = openSync(f, 'r+');
        writeSync(fd, 'B'.repeat(9000), 700);
        closeSync(fd);
        const report = await cutAndRemount(m, mode);
        const after = readFileSync(f, 'latin1');
        expect(after).toMatch(/^A{700}[AB]{9000}A{2588}$/);
        const runs = [...after.matchAll(/B+/g)].map((r) => ({ start: r.index, end: r.index + r[0].length }));
        const kept = runs.reduce((n, r) => n + r.end - r.start, 0);
        expect(report.torn).toMatchObject({ bytes: 9000, kept });
        if (mode === 'tear-prefix') {
          expect(report.torn!.how).toBe('prefix');
          expect(runs.every((r) => r.start === 700)).toBe(true); // at most one run, from the write's start
        } else {
          expect(report.torn!.how).toMatch(/^sectors(512|4096)$/);
          const sector = Number(report.torn!.how.slice('sectors'.length));
          // Every surviving run starts and ends on a sector boundary (or at the write's own ends).
          for (const r of runs) {
            expect(r.start === 700 || r.start % sector === 0).toBe(true);
            expect(r.end === 9700 || r.end % sector === 0).toBe(true);
          }
        }
        writeFile(f, 'A'.repeat(12_288), true); // all 'A' again (the same length: nothing else to sync)
      }
    } finally {
      await m.stop();
    }
  });

  // This SQLite build defaults WAL connections to synchronous=NORMAL (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1), which
  // syncs only at checkpoints: the store's explicit FULL is what makes a save durable when it returns.
  it('loses acknowledged visits with synchronous=OFF or NORMAL, and none with the store setting (FULL)', async () => {
    const m = await freshDisk();
    try {
      const lost: Record<string, number> = {};
      for (const sync of ['off', 'normal', 'full']) {
        const dir = join(m.mountpoint, sync);
        mkdirSync(dir);
        fsyncDir(m.mountpoint);
        const args = ['--stop-after=25', ...(sync === 'full' ? [] : [`--sync=${sync}`])];
        const run = await runAndKill(dir, { args, kill: 'done' });
        expect(run.failed).toBeNull();
        expect(run.acked.length).toBe(25);
        await cutAndRemount(m);
        const o = await openStore({ dataDir: dir, ...quiet });
        if (!o.ok) throw new Error(`${o.error.code} ${o.error.detail ?? ''}`);
        try {
          const acked = new Map(run.acked.map((v) => [(v as { id: string }).id, v]));
          lost[sync] = lostVisits(o.value.store.db, acked).length;
        } finally {
          o.value.store.close();
        }
      }
      expect(lost).toEqual({ off: 25, normal: 25, full: 0 });
    } finally {
      await m.stop();
    }
  });

  // The harness found this one: takeBackup used to create backups/ without fsyncing the data folder, so the
  // folder, with every backup in it, vanished at a cut until something else fsynced the data folder.
  it('keeps a backup taken into a new backups/ folder', async () => {
    const m = await freshDisk();
    try {
      const dir = join(m.mountpoint, 'data');
      mkdirSync(dir);
      fsyncDir(m.mountpoint);
      const { store } = await openTestStore(dir);
      let file: string;
      try {
        file = unwrap(await store.backup('manual')).file; // resolves once the backup is "durable"
      } finally {
        store.close();
      }
      await cutAndRemount(m);
      expect(inspectFile(file).kind).toBe('sound');
    } finally {
      await m.stop();
    }
  });

  it(
    `keeps every acknowledged visit whole across ${CUTS} power cuts`,
    { timeout: SOAK ? 3_600_000 : 300_000 },
    async () => {
      const started = Date.now();
      const perLane = Math.ceil(CUTS / LANES);
      // Every lane finishes (and unmounts) before anything is judged, even when one of them threw.
      const settled = await Promise.allSettled(Array.from({ length: LANES }, () => runLane(perLane)));
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      const lanes = settled.map((s) => (s as PromiseFulfilledResult<LaneResult>).value);
      const seconds = (Date.now() - started) / 1000;
      const sum = (f: (l: LaneResult) => number) => lanes.reduce((n, l) => n + f(l), 0);
      const cuts = sum((l) => l.cuts);
      const lost = sum((l) => l.lost);
      console.log(
        `power-cut harness: ${cuts} cuts (${sum((l) => l.withPending)} with unsynced state pending, ` +
          `${sum((l) => l.torn)} torn writes), ${sum((l) => l.acked)} acknowledged visits ` +
          `(${sum((l) => l.checks)} visit checks), ${sum((l) => l.backups)} acknowledged backups, ` +
          `${lost} lost; ${seconds.toFixed(1)} s, ${((seconds * LANES) / cuts).toFixed(2)} s per cut per lane`,
      );
      expect(lanes.flatMap((l) => l.problems)).toEqual([]);
      expect(lost).toBe(0);
      expect(cuts).toBeGreaterThanOrEqual(CUTS);
      expect(sum((l) => l.acked)).toBeGreaterThan(CUTS); // the harness really wrote under fire
      expect(sum((l) => l.withPending)).toBeGreaterThan(0); // and the cuts really dropped something
    },
  );
});

interface LaneResult {
  cuts: number;
  acked: number;
  checks: number;
  backups: number;
  lost: number;
  withPending: number;
  torn: number;
  problems: string[];
}

const MODES: CutMode[] = ['drop', 'drop', 'tear', 'tear', 'writeback'];

async function runLane(cuts: number): Promise<LaneResult> {
  const out: LaneResult = { cuts: 0, acked: 0, checks: 0, backups: 0, lost: 0, withPending: 0, torn: 0, problems: [] };
  const m = await freshDisk();
  try {
    let dir = '';
    let acked = new Map<string, unknown>();
    let backups: string[] = [];
    for (let k = 0; k < cuts && out.problems.length === 0; k++) {
      const fresh = k % FRESH_EVERY === 0;
      if (fresh) {
        // Mostly v1 folders, so that migrations (and their backups) are cut too.
        dir = durableFolder(m.mountpoint, `data${k}`, Math.random() < 0.75);
        acked = new Map();
        backups = [];
      }
      // A fresh folder's first start creates or migrates the journal: cut half of those right there.
      const run = await runAndKill(dir, {
        args: ['--backups'],
        ...(fresh && Math.random() < 0.5 ? { kill: 'opening' } : {}),
      });
      if (run.failed) out.problems.push(`cut ${k}: ${run.failed}`);
      for (const v of run.acked) acked.set((v as { id: string }).id, v);
      out.acked += run.acked.length;
      backups.push(...run.backups);
      out.backups += run.backups.length;
      const report = await cutAndRemount(m, MODES[Math.floor(Math.random() * MODES.length)]);
      out.cuts++;
      if (report.pendingWrites + report.pendingDirs > 0) out.withPending++;
      if (report.torn) out.torn++;
      const problems = await checkAfterCut(dir, acked, backups);
      out.lost += problems.filter((p) => p.startsWith('acknowledged visit')).length;
      out.checks += acked.size;
      out.problems.push(...problems.map((p) => `after cut ${k} (${JSON.stringify(report)}): ${p}`));
    }
    // The administrator's own check agrees on the last folder.
    const cli = shikaku(['db', 'check', '--json', '--data-dir', dir]);
    const report = cli.json() as { ok: boolean; integrity: string; audit: { ok: boolean }; tables: { visits: number } };
    if (cli.status !== 0 || !report.ok || report.integrity !== 'ok' || !report.audit.ok)
      out.problems.push(`db check: ${cli.stdout.slice(0, 2000)}`);
    else if (report.tables.visits < acked.size)
      out.problems.push(`db check: ${report.tables.visits} visits < ${acked.size} acknowledged`);
  } finally {
    await m.stop();
  }
  return out;
}

/** Opens the journal the way the app starts up, then checks it against what the writer acknowledged. */
async function checkAfterCut(dir: string, acked: Map<string, unknown>, backups: string[]): Promise<string[]> {
  const o = await openStore({ dataDir: dir, ...quiet });
  if (!o.ok) return [`openStore: ${o.error.code} ${o.error.detail ?? ''}`];
  const { store, report } = o.value;
  const problems: string[] = [];
  try {
    if (report.damage) problems.push(`startup found damage: ${report.damage.problems.join('; ')}`);
    const check = store.check({ full: true });
    if (!check.ok) problems.push(`check: ${check.error.code}`);
    else {
      if (check.value.integrity !== 'ok') problems.push(`integrity: ${JSON.stringify(check.value.integrity)}`);
      if (!check.value.audit.ok) problems.push(`audit: ${JSON.stringify(check.value.audit)}`);
    }
    problems.push(...verifyJournal(store.db, acked));
  } finally {
    store.close();
  }
  // Rotation (backup.keep, 14) may retire old ones on purpose: the newest ten acknowledged must be there.
  for (const b of backups.slice(-10)) {
    const seen = inspectFile(b);
    if (seen.kind !== 'sound') problems.push(`acknowledged backup ${b}: ${seen.kind}`);
  }
  return problems;
}
