// Crash harness: a writer process saves visits and acknowledges each one only after save returned; we
// SIGKILL it at random moments (during startup, migration, saves, checkpoints, backups), then check that
// every acknowledged visit is present and whole, the outbox matches the visits one to one, and the audit
// chain verifies. 200 kills in CI; SHIKAKU_SOAK=1 (`npm run test:soak`) for many more.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/main/core/store/audit.ts';
import { openStore } from '../../src/main/core/store/index.ts';
import { shikaku } from '../cli/run.ts';
import { removeDir, tempDir } from './helpers.ts';

const SOAK = process.env.SHIKAKU_SOAK === '1';
const KILLS = Number(process.env.SHIKAKU_CRASH_KILLS ?? (SOAK ? 2000 : 200));
const LANES = Number(process.env.SHIKAKU_CRASH_LANES ?? 3); // independent data folders killed in parallel (spawn cost dominates; 2 cores)
const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) removeDir(d);
});

interface KillResult {
  acked: unknown[];
  failed: string | null;
}

/** Runs one writer and kills it after a random number of acks, or after a random delay. */
function runAndKill(dir: string): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: unknown[] = [];
    let failed: string | null = null;
    let buf = '';
    let stderr = '';
    // Where to kill: 20% just after OPENING (startup: quick_check, WAL recovery, migration, backup), 55%
    // after a random number of acks (mid-save), 25% at a random moment after READY.
    const roll = Math.random();
    const mode = roll < 0.2 ? 'opening' : roll < 0.75 ? 'acks' : 'ready';
    const ackTarget = 1 + Math.floor(Math.random() * 15);
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (timer) clearTimeout(timer);
      child.kill('SIGKILL');
    };
    // Safety net: a writer that never gets going is killed too (and the test then sees no acks).
    const guard = setTimeout(kill, 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'OPENING' && mode === 'opening') timer = setTimeout(kill, Math.floor(Math.random() * 40));
        else if (line === 'READY' && mode === 'ready') timer = setTimeout(kill, Math.floor(Math.random() * 100));
        else if (line.startsWith('ACK ')) {
          acked.push(JSON.parse(line.slice(4)));
          if (mode === 'acks' && acked.length >= ackTarget) kill();
        } else if (line.startsWith('FAIL ')) failed = line;
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      // A partial last line (killed mid-write) was never a complete acknowledgement: ignored.
      if (signal !== 'SIGKILL') failed ??= `writer exited on its own: code ${code} ${stderr.slice(-2000)}`;
      resolve({ acked, failed });
    });
  });
}

/** Checks the folder through a read-only connection, leaving the WAL exactly as the kill left it. */
function verify(dir: string, acked: Map<string, unknown>): string[] {
  const problems: string[] = [];
  const db = new Database(`${dir}/journal.sqlite3`, { readonly: true, fileMustExist: true });
  try {
    const get = db.prepare('SELECT json FROM visits WHERE id = ?').pluck();
    for (const [id, sent] of acked) {
      const json = get.get(id) as string | undefined;
      if (json === undefined) problems.push(`acknowledged visit ${id} missing`);
      else if (!isDeepStrictEqual(JSON.parse(json), sent)) problems.push(`visit ${id} differs from what was sent`);
    }
    const visits = db.prepare('SELECT count(*) FROM visits').pluck().get() as number;
    const jobs = db.prepare(`SELECT count(*) FROM outbox WHERE kind = 'reconcile'`).pluck().get() as number;
    const matched = db
      .prepare(
        `SELECT count(*) FROM visits v JOIN outbox o ON o.visit_id = v.id AND o.idempotency_key = v.id || ':reconcile'`,
      )
      .pluck()
      .get() as number;
    if (visits !== jobs || visits !== matched)
      problems.push(`visits ${visits}, outbox jobs ${jobs}, matched ${matched}`);
    const created = db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'visit.create'`).pluck().get() as number;
    if (created !== visits) problems.push(`audit visit.create ${created} != visits ${visits}`);
    const chain = verifyAudit(db);
    if (!chain.ok) problems.push(`audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
  } finally {
    db.close();
  }
  return problems;
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
