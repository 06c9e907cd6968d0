// Crash harness: a writer process saves visits and acknowledges each one only after save returned; we
// SIGKILL it at random moments (during startup, migration, saves, checkpoints, backups), then check that
// every acknowledged visit is present and whole, the outbox matches the visits one to one, and the audit
// chain verifies. 200 kills in CI; SHIKAKU_SOAK=1 (`npm run test:soak`) for many more.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/main/core/store/index.ts';
import { shikaku } from '../cli/run.ts';
import { runAndKill, verifyJournal } from './crash-harness.ts';
import { removeDir, tempDir } from './helpers.ts';

const SOAK = process.env.SHIKAKU_SOAK === '1';
const KILLS = Number(process.env.SHIKAKU_CRASH_KILLS ?? (SOAK ? 2000 : 200));
const LANES = Number(process.env.SHIKAKU_CRASH_LANES ?? 3); // independent data folders killed in parallel (spawn cost dominates; 2 cores)
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) removeDir(d);
});

/** Checks the folder through a read-only connection, leaving the WAL exactly as the kill left it. */
function verify(dir: string, acked: Map<string, unknown>): string[] {
  const db = new Database(`${dir}/journal.sqlite3`, { readonly: true, fileMustExist: true });
  try {
    return verifyJournal(db, acked);
  } finally {
    db.close();
  }
}

describe('crash harness (SIGKILL)', () => {
  it(
    `keeps every acknowledged visit whole across ${KILLS} kills`,
    { timeout: SOAK ? 3_600_000 : 600_000 },
    async () => {
      const started = Date.now();
      const perLane = Math.ceil(KILLS / LANES);
      const lanes = await Promise.all(
        Array.from({ length: LANES }, async () => {
          const dir = tempDir('shikaku-crash-');
          dirs.push(dir);
          const acked = new Map<string, unknown>();
          const problems: string[] = [];
          let kills = 0;
          let startupKills = 0;
          for (let k = 0; k < perLane && problems.length === 0; k++) {
            const r = await runAndKill(dir);
            kills++;
            if (r.failed) problems.push(`kill ${k}: ${r.failed}`);
            if (r.acked.length === 0) startupKills++;
            for (const v of r.acked) acked.set((v as { id: string }).id, v);
            // A kill before the very first open finished may leave no database yet.
            if (acked.size > 0 || k > 0) {
              try {
                problems.push(...verify(dir, acked).map((p) => `after kill ${k}: ${p}`));
              } catch (e) {
                if (acked.size > 0) problems.push(`after kill ${k}: ${(e as Error).message}`);
              }
            }
          }
          return { dir, acked, problems, kills, startupKills };
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const totalAcked = lanes.reduce((n, l) => n + l.acked.size, 0);
      const startupKills = lanes.reduce((n, l) => n + l.startupKills, 0);
      console.log(
        `crash harness: ${lanes.reduce((n, l) => n + l.kills, 0)} kills (${startupKills} before the first ack), ${totalAcked} acknowledged visits, ${seconds.toFixed(1)} s`,
      );
      expect(lanes.flatMap((l) => l.problems)).toEqual([]);
      expect(lanes.reduce((n, l) => n + l.kills, 0)).toBeGreaterThanOrEqual(KILLS);
      expect(totalAcked).toBeGreaterThan(KILLS); // the harness really wrote under fire

      // The app's own startup path opens every lane's folder cleanly afterwards.
      for (const l of lanes) {
        const o = await openStore({
          dataDir: l.dir,
          checkpointIntervalMs: 0,
          backupCheckIntervalMs: 0,
          probeIntervalMs: 0,
        });
        expect(o.ok && o.value.report.outcome).toBe('opened');
        if (o.ok) {
          const check = o.value.store.check({ full: true });
          expect(check.ok && check.value.integrity).toBe('ok');
          expect(check.ok && check.value.audit.ok).toBe(true);
          o.value.store.close();
        }
        // And the administrator's own check says the same: no damage, every acknowledged visit, a valid chain.
        const cli = shikaku(['db', 'check', '--json', '--data-dir', l.dir]);
        expect(cli.status).toBe(0);
        const report = cli.json() as {
          ok: boolean;
          integrity: string;
          audit: { ok: boolean };
          tables: { visits: number };
        };
        expect(report).toMatchObject({ ok: true, integrity: 'ok', audit: { ok: true } });
        expect(report.tables.visits).toBeGreaterThanOrEqual(l.acked.size);
      }
    },
  );
});
