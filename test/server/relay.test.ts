// One reconciler per clinic, end to end (real PostgreSQL, the terminal simulator on a real share folder, each PC's
// TerminalLink and Reconciler as the core builds them): the PC holding the lock asks the terminal for every PC's
// 事後確認; the others hand their requests over and record the answers in their own journals; when the leader goes
// away another PC takes over, and a request the old leader was asking is not asked again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TerminalSimulator } from '../../src/hardware/terminal/index.ts';
import { TerminalLink } from '../../src/main/core/link.ts';
import { terminalKey } from '../../src/main/core/reconcile/decision.ts';
import type { ReconcilerTerminal } from '../../src/main/core/reconcile/host.ts';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { ClinicReconciler, type ReconcileRoute } from '../../src/main/core/server/relay.ts';
import { LOCK_RECONCILER } from '../../src/main/core/server/schema.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { HANAKO, STAFF, visitWith } from '../reconcile/helpers.ts';
import { removeDir, tempDir, unwrap } from '../store/helpers.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient, count, openPc, until, type TestPc } from './helpers.ts';

let pgs: TestPostgres;
let share: string;
let sim: TerminalSimulator;

interface ReconcilingPc {
  pc: TestPc;
  clinic: ClinicReconciler;
  link: TerminalLink;
  /** Requests this PC's reconciler sent straight to the share (not through the relay). */
  direct: string[];
  routes: ReconcileRoute[];
  close(): Promise<void>;
}

const open: ReconcilingPc[] = [];

beforeAll(async () => {
  pgs = await startPostgres();
  share = tempDir('shikaku-relay-share-');
  sim = await TerminalSimulator.start({
    dir: share,
    pollMs: 30,
    registry: ['2001', '2002', '2003', '2101', '2201'].map((number) => ({ ...HANAKO, number })),
  });
}, 60_000);

afterEach(async () => {
  while (open.length) await open.pop()!.close();
  const c = await adminClient(pgs);
  await c.query('DELETE FROM relay_requests; DELETE FROM reconcile_claims');
  await c.end();
});

afterAll(async () => {
  await sim?.stop();
  pgs?.destroy();
  if (share) removeDir(share);
});

async function reconcilingPc(
  name: string,
  o: { claimLeaseMs?: number; share?: string | null } = {},
): Promise<ReconcilingPc> {
  const pc = await openPc(pgs, name);
  unwrap(pc.store.setStaff(STAFF, SYSTEM_ACTOR));
  unwrap(pc.store.setSetting('terminal.timeoutMs', 3000, SYSTEM_ACTOR));
  const direct: string[] = [];
  const routes: ReconcileRoute[] = [];
  let link: TerminalLink | null = null;
  const clinic = new ClinicReconciler({
    settings: () => unwrap(pc.store.getSetting('server')) as never,
    secrets: memorySecretStore(pgs.password),
    terminal: () => link?.client ?? null,
    timeoutMs: () => 3000,
    pollMs: 50,
    tickMs: 200,
    claimLeaseMs: o.claimLeaseMs ?? 60_000,
    onRoute: (r) => {
      routes.push(r);
      void link?.reopen();
    },
  });
  // What the PC's reconciler asks directly, seen at the link's route (the relay's requests do not pass here).
  const route = {
    terminalFor(d: ReconcilerTerminal): ReconcilerTerminal {
      const counted: ReconcilerTerminal = {
        dirs: d.dirs!,
        confirm: (q, opts) => {
          if (opts.key) direct.push(opts.key);
          return d.confirm(q, opts);
        },
        discardAnswer: (k, kind) => d.discardAnswer(k, kind),
      };
      return clinic.terminalFor(counted);
    },
  };
  link = new TerminalLink({
    env: {},
    store: pc.store,
    fixedDir: o.share === undefined ? share : o.share,
    reconcile: true,
    route,
    reconciler: { idleMs: 50, probeIntervalMs: 200 },
  });
  await link.open();
  const p: ReconcilingPc = {
    pc,
    clinic,
    link,
    direct,
    routes,
    async close() {
      await clinic.stop();
      await link!.close();
      await pc.close();
      removeDir(pc.dir);
    },
  };
  open.push(p);
  return p;
}

const numbers = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });

function decisionOf(p: TestPc, visitId: string) {
  return p.store.latestReconciliation(visitId);
}

function jobOf(p: TestPc, visitId: string) {
  return unwrap(p.store.listOutbox({ limit: 100 })).jobs.find((j) => j.visitId === visitId && j.kind === 'reconcile')!;
}

describe('one reconciler per clinic', () => {
  it('the leader asks the terminal for every PC; the others record the answers in their own journals', async () => {
    const a = await reconcilingPc('受付1');
    a.clinic.start();
    await until('受付1 to lead', () => a.clinic.route === 'leader');
    const b = await reconcilingPc('受付2');
    b.clinic.start();
    await until('受付2 to relay', () => b.clinic.route === 'relay');

    const mine = ['2001', '2002', '2003'].map((n) => unwrap(b.pc.store.saveVisit(visitWith(numbers(n)))).id);
    const theirs = unwrap(a.pc.store.saveVisit(visitWith(numbers('2101')))).id;
    for (const id of mine) {
      const r = await until(`受付2's visit ${id} reconciled`, () => {
        const x = decisionOf(b.pc, id);
        return x.ok && x.value ? x.value : null;
      });
      await until(`受付2's job for ${id} done`, () => jobOf(b.pc, id).status === 'done');
      expect(r!.decision).toBe('current');
      const d = r!.detail as { askedTerminal: boolean; answerSha256?: string; reused?: boolean };
      expect(d.askedTerminal).toBe(true);
      expect(d.answerSha256).toMatch(/^[0-9a-f]{64}$/);
      // The raw answer is in 受付2's journal (its evidence), not only on the leader.
      expect(unwrap(b.pc.store.listAnswerEvidence(id)).length).toBe(1);
    }
    await until('受付1 own visit', () => {
      const x = decisionOf(a.pc, theirs);
      return x.ok && x.value?.decision === 'current';
    });
    // 受付2 never asked the terminal itself; each request went out once, from the leader's client.
    expect(b.direct).toEqual([]);
    expect(a.direct).toHaveLength(1);
    const keys = sim.log.filter((e) => e.request === 'qualification').map((e) => e.key);
    for (const id of mine) {
      const job = jobOf(b.pc, id);
      expect(keys.filter((k) => k === terminalKey(job.idempotencyKey))).toHaveLength(1);
    }
    // Recorded: the server forgets the handed-over requests.
    const c = await adminClient(pgs);
    try {
      expect(await count(c, 'SELECT count(*) AS n FROM relay_requests')).toBe(0);
    } finally {
      await c.end();
    }
  }, 90_000);

  it('when the leader goes away mid-request another PC takes over and does not ask the same request again', async () => {
    // The terminal answers after 2 s (within its 3 s timeout): the leader goes away while it waits. The claim lease
    // (3.5 s) is longer than the terminal's timeout, as in the app.
    sim.setRules([{ match: { number: '2201' }, answer: { kind: 'registry', delayMs: 2000 } }]);
    const a = await reconcilingPc('受付3', { claimLeaseMs: 3500 });
    a.clinic.start();
    await until('受付3 to lead', () => a.clinic.route === 'leader');
    const b = await reconcilingPc('受付4', { claimLeaseMs: 3500 });
    b.clinic.start();
    await until('受付4 to relay', () => b.clinic.route === 'relay');

    const id = unwrap(b.pc.store.saveVisit(visitWith(numbers('2201')))).id;
    const c = await adminClient(pgs);
    try {
      await until(
        '受付3 to claim the request',
        async () => (await count(c, 'SELECT count(*) AS n FROM reconcile_claims WHERE pc = $1', ['受付3'])) === 1,
      );
      // 受付3 crashes while the terminal is still answering: its session ends (the lock goes with it), its terminal
      // client is gone before the answer arrives, so it never hands the answer over.
      await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`,
        [LOCK_RECONCILER],
      );
      await a.link.close();
      await a.clinic.stop();
      await until('受付4 to lead', () => b.clinic.route === 'leader');
      const r = await until('受付4 visit reconciled', () => {
        const x = decisionOf(b.pc, id);
        return x.ok && x.value ? x.value : null;
      });
      expect(r!.decision).toBe('current');
      expect(b.routes).toEqual(['relay', 'leader']);
      const job = jobOf(b.pc, id);
      const key = terminalKey(job.idempotencyKey);
      // Asked once: the new leader waited out the old one's claim and found its answer in res/.
      expect(sim.log.filter((e) => e.request === 'qualification' && e.key === key)).toHaveLength(1);
      expect((r!.detail as { reused?: boolean }).reused).toBe(true);
      // The request 受付4 had handed over before it led is gone with its answer recorded (not left for anyone).
      await until('受付4 job done', () => jobOf(b.pc, id).status === 'done');
      await until(
        'the server to forget the request',
        async () => (await count(c, 'SELECT count(*) AS n FROM relay_requests')) === 0,
      );
    } finally {
      await c.end();
      sim.setRules([]);
    }
  }, 90_000);

  it('a PC that cannot reach the terminal (no share folder) never leads, even when it is the first', async () => {
    const none = await reconcilingPc('受付6', { share: null });
    none.clinic.start();
    await until('受付6 to check the lock', () => none.clinic.route !== 'alone');
    expect(none.clinic.route).toBe('relay');
    const a = await reconcilingPc('受付7');
    a.clinic.start();
    await until('受付7 to lead', () => a.clinic.route === 'leader');
    expect(none.clinic.route).toBe('relay');
  }, 60_000);

  it('a PC cut off from the server asks the terminal itself', async () => {
    const b = await reconcilingPc('受付5');
    const bad = { ...(unwrap(b.pc.store.getSetting('server')) as object), port: 1 };
    unwrap(b.pc.store.setSetting('server', bad, SYSTEM_ACTOR));
    b.clinic.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(b.clinic.route).toBe('alone');
    const id = unwrap(b.pc.store.saveVisit(visitWith(numbers('2003')))).id;
    await until('reconciled alone', () => {
      const x = decisionOf(b.pc, id);
      return x.ok && x.value?.decision === 'current';
    });
    expect(b.direct).toHaveLength(1);
  }, 60_000);
});
