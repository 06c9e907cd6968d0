// Crash of the core mid-reconciliation: a child process running the reconciler is SIGKILLed after a
// reconciliation was recorded but before its outbox job was completed. The restart resumes (expired leases)
// and applies nothing twice; the audit chain still verifies.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TerminalSimulator } from '../../src/hardware/terminal/index.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { HANAKO, ROOT, openTestStore, removeDir, tempDir, unwrap, visitWith } from './helpers.ts';

let dataDir: string;
let shareDir: string;
let sim: TerminalSimulator;

beforeEach(async () => {
  dataDir = tempDir('shikaku-crash-data-');
  shareDir = tempDir('shikaku-crash-share-');
  sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50 });
});

afterEach(async () => {
  await sim.stop();
  removeDir(dataDir);
  removeDir(shareDir);
});

function runChild(
  mode: 'crash' | 'finish' | 'bulk-crash' | 'bulk-finish',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/reconcile/crash-child.ts'), dataDir, shareDir, mode],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

it('resumes after SIGKILL between recording and completing, with no double application', async () => {
  let store: Store = await openTestStore(dataDir);
  const visits = Array.from({ length: 8 }, (_, i) =>
    visitWith({ insurerNumber: '06132013', symbol: '1234', number: String(4000 + i), branch: '01' }),
  );
  for (const v of visits) {
    unwrap(store.saveVisit(v));
    sim.addPerson({ ...HANAKO, number: v.evidence.insurance!.number });
  }
  store.close();

  const crashed = await runChild('crash');
  expect(crashed.signal).toBe('SIGKILL');

  store = await openTestStore(dataDir);
  const recordedBefore = visits.filter((v) => unwrap(store.latestReconciliation(v.id)) !== null).length;
  const counts = unwrap(store.listOutbox()).counts;
  // two jobs completed; the third was recorded but its job is still inflight
  expect(counts.done).toBe(2);
  expect(recordedBefore).toBeGreaterThanOrEqual(3);
  expect(counts.inflight).toBeGreaterThanOrEqual(1);
  store.close();

  const finished = await runChild('finish');
  expect(finished.code).toBe(0);
  const summary = JSON.parse(finished.out) as {
    already: number;
    decisions: { current: number };
    failed: number;
    dead: number;
  };
  expect(summary.already).toBe(recordedBefore - 2);
  expect(summary.decisions.current).toBe(visits.length - recordedBefore);
  expect(summary).toMatchObject({ failed: 0, dead: 0 });

  store = await openTestStore(dataDir);
  try {
    for (const v of visits) {
      expect(unwrap(store.listReconciliations(v.id))).toMatchObject([{ decision: 'current' }]);
      const applied = unwrap(store.listAudit({ entity: 'visit', entityId: v.id })).filter(
        (e) => e.action === 'visit.reconcile',
      );
      expect(applied).toHaveLength(1);
      expect(unwrap(store.getVisit(v.id)).status).toBe('reconciled');
    }
    expect(unwrap(store.listOutbox()).counts).toMatchObject({ pending: 0, inflight: 0, done: visits.length, dead: 0 });
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
});

it('一括照会: SIGKILL inside a chunk transaction leaves that chunk unapplied; the restart applies each visit once', async () => {
  let store: Store = await openTestStore(dataDir);
  const visits = Array.from({ length: 8 }, (_, i) =>
    visitWith({ insurerNumber: '06132013', symbol: '1234', number: String(4100 + i), branch: '01' }),
  );
  for (const v of visits) {
    unwrap(store.saveVisit(v));
    sim.addPerson({ ...HANAKO, number: v.evidence.insurance!.number });
  }
  store.close();

  const crashed = await runChild('bulk-crash');
  expect(crashed.signal).toBe('SIGKILL');

  store = await openTestStore(dataDir);
  // the first chunk (3) was committed with its jobs done; the 4th reconciliation was inside the killed transaction
  const recorded = visits.filter((v) => unwrap(store.latestReconciliation(v.id)) !== null);
  expect(recorded).toHaveLength(3);
  expect(unwrap(store.listOutbox()).counts).toMatchObject({ done: 3, inflight: 5 });
  for (const v of recorded) expect(unwrap(store.listAnswerEvidence(v.id))).toHaveLength(1);
  store.close();

  const finished = await runChild('bulk-finish');
  expect(finished.code).toBe(0);
  const summary = JSON.parse(finished.out) as {
    already: number;
    decisions: { current: number };
    failed: number;
    dead: number;
    bulk: { batches: number; rows: number; answered: number };
  };
  expect(summary).toMatchObject({
    already: 0,
    failed: 0,
    dead: 0,
    decisions: { current: 5 },
    bulk: { batches: 1, rows: 5, answered: 5 },
  });

  store = await openTestStore(dataDir);
  try {
    for (const v of visits) {
      expect(unwrap(store.listReconciliations(v.id))).toMatchObject([{ decision: 'current' }]);
      const applied = unwrap(store.listAudit({ entity: 'visit', entityId: v.id })).filter(
        (e) => e.action === 'visit.reconcile',
      );
      expect(applied).toHaveLength(1);
      expect(unwrap(store.listAnswerEvidence(v.id))).toHaveLength(1);
      expect(unwrap(store.getVisit(v.id)).status).toBe('reconciled');
    }
    expect(unwrap(store.listOutbox()).counts).toMatchObject({ pending: 0, inflight: 0, done: visits.length, dead: 0 });
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
});
