// Shared by the crash harness (SIGKILL) and the power-cut harness: run the writer child (crash-writer.ts),
// kill it at a random moment, and check a journal against what the writer acknowledged.
import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { verifyAudit } from '../../src/main/core/store/audit.ts';

export const writerScript = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));

export interface KillResult {
  /** Visits whose save returned ok (ACK lines), in order. */
  acked: unknown[];
  /** Backups whose store.backup() returned ok (BACKUP lines): their files. */
  backups: string[];
  /** The writer printed DONE (it reached --stop-after and idles). */
  done: boolean;
  failed: string | null;
}

export interface KillPlan {
  /** Extra writer arguments after the data folder (see crash-writer.ts). */
  args?: string[];
  /**
   * When to kill: just after OPENING (startup: quick_check, WAL recovery, migration, backup), after 1–15
   * acks (mid-save), at a random moment after READY, or once the writer printed DONE (--stop-after).
   * Default: opening 20%, acks 55%, ready 25%.
   */
  kill?: 'opening' | 'acks' | 'ready' | 'done';
}

/** Runs one writer and SIGKILLs it at a random moment (see KillPlan). */
export function runAndKill(dir: string, plan: KillPlan = {}): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dir, ...(plan.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: KillResult = { acked: [], backups: [], done: false, failed: null };
    let buf = '';
    let stderr = '';
    const roll = Math.random();
    const mode = plan.kill ?? (roll < 0.2 ? 'opening' : roll < 0.75 ? 'acks' : 'ready');
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
        else if (line === 'DONE') {
          out.done = true;
          if (mode === 'done') kill();
        } else if (line.startsWith('ACK ')) {
          out.acked.push(JSON.parse(line.slice(4)));
          if (mode === 'acks' && out.acked.length >= ackTarget) kill();
        } else if (line.startsWith('BACKUP ')) out.backups.push(line.slice(7));
        else if (line.startsWith('FAIL ')) out.failed = line;
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      // A partial last line (killed mid-write) was never a complete acknowledgement: ignored.
      if (signal !== 'SIGKILL') out.failed ??= `writer exited on its own: code ${code} ${stderr.slice(-2000)}`;
      resolve(out);
    });
  });
}

/** Visits acknowledged but missing from the journal, or stored differently from what was sent. */
export function lostVisits(db: Database.Database, acked: Map<string, unknown>): string[] {
  const problems: string[] = [];
  const get = db.prepare('SELECT json FROM visits WHERE id = ?').pluck();
  for (const [id, sent] of acked) {
    const json = get.get(id) as string | undefined;
    if (json === undefined) problems.push(`acknowledged visit ${id} missing`);
    else if (!isDeepStrictEqual(JSON.parse(json), sent)) problems.push(`visit ${id} differs from what was sent`);
  }
  return problems;
}

/**
 * Checks a journal: every acknowledged visit whole, the outbox matching the visits one to one, one
 * visit.create audit entry per visit, and the audit chain valid.
 */
export function verifyJournal(db: Database.Database, acked: Map<string, unknown>): string[] {
  const problems = lostVisits(db, acked);
  const visits = db.prepare('SELECT count(*) FROM visits').pluck().get() as number;
  const jobs = db.prepare(`SELECT count(*) FROM outbox WHERE kind = 'reconcile'`).pluck().get() as number;
  const matched = db
    .prepare(
      `SELECT count(*) FROM visits v JOIN outbox o ON o.visit_id = v.id AND o.idempotency_key = v.id || ':reconcile'`,
    )
    .pluck()
    .get() as number;
  if (visits !== jobs || visits !== matched) problems.push(`visits ${visits}, outbox jobs ${jobs}, matched ${matched}`);
  const created = db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'visit.create'`).pluck().get() as number;
  if (created !== visits) problems.push(`audit visit.create ${created} != visits ${visits}`);
  const chain = verifyAudit(db);
  if (!chain.ok) problems.push(`audit chain broken at ${chain.brokenAt}: ${chain.reason}`);
  return problems;
}
