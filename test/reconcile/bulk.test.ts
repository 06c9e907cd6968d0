// The reconciler's 一括照会 path against a real store (SQLite in a temp folder) and the terminal simulator on real
// files: a batch answered in bulk (after 処理中), a failed or silent bulk request falling back to single requests,
// rows left out of the answer, a row about someone else, and the answer kept as evidence, byte-identical.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import {
  FileTerminalClient,
  TerminalSimulator,
  bulkUnitToFinding,
  parseAnswer,
  type BulkResultAnswer,
  type SimLogEntry,
  type SimPerson,
  type SimulatorOptions,
} from '../../src/hardware/terminal/index.ts';
import { claimFor, claimSettingsOf } from '../../src/main/core/reconcile/claim.ts';
import { Reconciler, type ReconcilerTerminal } from '../../src/main/core/reconcile/reconciler.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import {
  HANAKO,
  fakeClock,
  flipResultSymbol,
  openTestStore,
  removeDir,
  tempDir,
  unwrap,
  visitWith,
} from './helpers.ts';

const hanako = (number: string, over: Partial<SimPerson> = {}): SimPerson => ({ ...HANAKO, number, ...over });
const numbersOf = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });

let dataDir: string;
let shareDir: string;
let store: Store;
let sim: TerminalSimulator | undefined;
let client: FileTerminalClient;
let clock: ReturnType<typeof fakeClock>;
/** Every answer file the simulator wrote, read the moment it was written (before anyone could remove it). */
let written: Map<string, Buffer>;

beforeEach(async () => {
  dataDir = tempDir('shikaku-bulk-data-');
  shareDir = tempDir('shikaku-bulk-share-');
  clock = fakeClock();
  store = await openTestStore(dataDir, { clock: clock.now, random: () => 0.5 });
  client = new FileTerminalClient({ dir: shareDir, pollMs: 50, settleMs: 20, stableReads: 3 });
  written = new Map();
});

afterEach(async () => {
  await client.close();
  await sim?.stop();
  sim = undefined;
  store.close();
  removeDir(dataDir);
  removeDir(shareDir);
});

async function startSim(visits: Visit[], opts: Partial<SimulatorOptions> = {}, lost: string[] = []) {
  sim = await TerminalSimulator.start({
    dir: shareDir,
    pollMs: 20,
    registry: visits.map((v) => {
      const n = v.evidence.insurance!.number;
      return hanako(n, lost.includes(n) ? { status: 'lost' } : {});
    }),
    onLog: (e: SimLogEntry) => {
      // (an upload's answer may already be gone: the reconciler clears it as soon as it has the ReceptionNumber)
      const file = e.answerFile ? path.join(shareDir, 'res', e.answerFile) : undefined;
      if (file && existsSync(file)) written.set(e.answerFile!, readFileSync(file));
    },
    ...opts,
  });
  return sim;
}

function saveMany(n: number, from: number): Visit[] {
  return Array.from({ length: n }, (_, i) => {
    const v = visitWith(numbersOf(String(from + i)));
    unwrap(store.saveVisit(v));
    return v;
  });
}

function reconciler(opts: Partial<ConstructorParameters<typeof Reconciler>[0]> = {}): Reconciler {
  return new Reconciler({
    store,
    terminal: client,
    timeoutMs: 5_000,
    leaseMs: 60_000,
    concurrency: 2,
    bulk: { threshold: 5, batchSize: 10, pollMs: 20, commitChunk: 4 },
    ...opts,
  });
}

const count = (kind: string) => sim!.log.filter((l) => l.request === kind && l.answer !== 'bad_request').length;
const bulkAudit = () => unwrap(store.listAudit({ entity: 'reconcile_bulk' }));
const resFiles = () => readdirSync(path.join(shareDir, 'res'));

describe('一括照会', () => {
  it('asks a backlog in bulk (fetching again after 処理中), decides as singles do, keeps the answer as evidence', async () => {
    const visits = saveMany(12, 2000);
    await startSim(visits, { bulkProcessingFetches: 1 }, ['2003', '2005']);
    const summary = await reconciler().run({ once: true });

    // 12 due ≥ threshold 5: one batch of 10 in bulk; the 2 left (< threshold) by single requests.
    expect(summary).toMatchObject({
      processed: 12,
      failed: 0,
      dead: 0,
      decisions: { current: 10, past: 2, unknown: 0, none: 0 },
      bulk: { batches: 1, failedBatches: 0, rows: 10, answered: 10, fallback: 0 },
    });
    expect(count('bulk_upload')).toBe(1);
    expect(count('bulk_fetch')).toBe(2); // 処理中, then the results
    expect(count('qualification')).toBe(2);
    const upload = sim!.log.find((l) => l.request === 'bulk_upload')!.key!;
    const fetch = sim!.log.filter((l) => l.request === 'bulk_fetch').at(-1)!;

    const bulkVisits = visits.filter((v) => unwrap(store.latestReconciliation(v.id))!.detail.via === 'bulk');
    expect(bulkVisits).toHaveLength(10);
    for (const v of visits) {
      const rec = unwrap(store.latestReconciliation(v.id))!;
      const lost = ['2003', '2005'].includes(v.evidence.insurance!.number);
      expect(rec).toMatchObject({ decision: lost ? 'past' : 'current' });
      expect(rec.detail).toMatchObject({
        rule: lost ? 'terminal_invalid_past' : 'terminal_valid',
        validity: lost ? 'invalid' : 'valid',
      });
      // evidence: archived, its sha256 in the detail, the bytes exactly those the terminal wrote
      const ev = unwrap(store.listAnswerEvidence(v.id));
      expect(ev).toHaveLength(1);
      expect(rec.detail.answerSha256).toBe(ev[0]!.sha256);
      const original = written.get(ev[0]!.file)!;
      expect(original).toBeDefined();
      expect(Buffer.compare(unwrap(store.readAnswerEvidence(ev[0]!.sha256)), original)).toBe(0);
      if (rec.detail.via === 'bulk') {
        expect(rec.detail.bulk).toMatchObject({ upload, fetch: fetch.key });
        expect(ev[0]).toMatchObject({ request: 'bulk_fetch', file: fetch.answerFile });
      } else {
        expect(ev[0]).toMatchObject({ request: 'qualification' });
      }
    }
    // one blob for the whole batch
    expect(new Set(bulkVisits.map((v) => unwrap(store.listAnswerEvidence(v.id))[0]!.sha256)).size).toBe(1);
    // the batch is audited under its request
    expect(bulkAudit()).toMatchObject([
      {
        action: 'reconcile.bulk',
        entityId: upload,
        detail: { upload, fetch: fetch.key, fetches: 2, rows: 10, applied: 10, unanswered: 0, setAside: 0 },
      },
    ]);
    // each visit applied once, and the share is clean (evidence lives in the journal now)
    for (const v of visits) {
      const applied = unwrap(store.listAudit({ entity: 'visit', entityId: v.id })).filter(
        (e) => e.action === 'visit.reconcile',
      );
      expect(applied).toHaveLength(1);
    }
    expect(resFiles()).toEqual([]);
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
  });

  it('falls back to single requests when the bulk upload fails', async () => {
    const visits = saveMany(6, 3000);
    await startSim(visits, { rules: [{ match: { request: 'bulk_upload' }, answer: { kind: 'error_segment' } }] });
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({
      processed: 6,
      decisions: { current: 6 },
      bulk: { batches: 1, failedBatches: 1, rows: 6, answered: 0, fallback: 6 },
    });
    expect(count('qualification')).toBe(6);
    expect(bulkAudit()).toMatchObject([
      { action: 'reconcile.bulk_failed', detail: { code: 'TERMINAL_ERROR_SEGMENT', rows: 6 } },
    ]);
    for (const v of visits)
      expect(unwrap(store.latestReconciliation(v.id))!.detail).toMatchObject({ via: 'single', validity: 'valid' });
  });

  it('falls back to single requests when the bulk result never comes (timeout) or stays 処理中', async () => {
    const visits = saveMany(6, 3100);
    await startSim(visits, { rules: [{ match: { request: 'bulk_fetch' }, answer: { kind: 'never' }, times: 1 }] });
    const first = await reconciler({ timeoutMs: 1_500 }).run({ once: true });
    expect(first).toMatchObject({ processed: 6, decisions: { current: 6 }, bulk: { failedBatches: 1, fallback: 6 } });
    expect(bulkAudit()).toMatchObject([{ action: 'reconcile.bulk_failed', detail: { code: 'TERMINAL_TIMEOUT' } }]);

    const more = saveMany(6, 3200);
    await sim!.stop();
    await startSim([...visits, ...more], { bulkProcessingFetches: 100 });
    const second = await reconciler({ bulk: { threshold: 5, batchSize: 10, pollMs: 10, maxFetches: 3 } }).run({
      once: true,
    });
    expect(second).toMatchObject({ processed: 6, decisions: { current: 6 }, bulk: { failedBatches: 1, fallback: 6 } });
    const upload = sim!.log.find((l) => l.request === 'bulk_upload')!.key!;
    // (the first run's unanswered fetch request was still in req/: this simulator answered it too)
    expect(sim!.log.filter((l) => l.request === 'bulk_fetch' && l.key!.startsWith(`${upload}-f`))).toHaveLength(3);
    expect(
      bulkAudit()
        .map((a) => [a.action, a.detail.code])
        .sort(),
    ).toEqual([
      ['reconcile.bulk_failed', 'BULK_STILL_PROCESSING'],
      ['reconcile.bulk_failed', 'TERMINAL_TIMEOUT'],
    ]);
  });

  it('rows missing from the answer or in error are asked singly; the others are applied from the bulk answer', async () => {
    const visits = saveMany(10, 4000);
    await startSim(visits, {
      rules: [
        { match: { number: '4002' }, answer: { kind: 'never' }, times: 1 },
        { match: { number: '4005' }, answer: { kind: 'never' }, times: 1 },
        { match: { number: '4007' }, answer: { kind: 'processing_error' }, times: 1 },
      ],
    });
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({
      processed: 10,
      failed: 0,
      decisions: { current: 10 },
      bulk: { batches: 1, rows: 10, answered: 7, fallback: 3 },
    });
    const via = Object.fromEntries(
      visits.map((v) => [v.evidence.insurance!.number, unwrap(store.latestReconciliation(v.id))!.detail.via]),
    );
    expect(
      Object.entries(via)
        .filter(([, w]) => w === 'single')
        .map(([n]) => n)
        .sort(),
    ).toEqual(['4002', '4005', '4007']);
    expect(count('qualification')).toBe(3);
    expect(bulkAudit()).toMatchObject([{ action: 'reconcile.bulk', detail: { applied: 7, unanswered: 3 } }]);
  });

  it('a row about someone else is set aside (job retried, answer kept in res/), the rest of the batch applied', async () => {
    const visits = saveMany(6, 5000);
    await startSim(visits, {
      rules: [{ match: { number: '5003' }, answer: { kind: 'registry', echo: { number: '9999' } }, times: 1 }],
    });
    const other = visits.find((v) => v.evidence.insurance!.number === '5003')!;
    const first = await reconciler().run({ once: true });
    expect(first).toMatchObject({ processed: 6, failed: 1, ignoredAnswers: 1, decisions: { current: 5 } });
    expect(unwrap(store.latestReconciliation(other.id))).toBeNull();
    expect(unwrap(store.listAudit({ entity: 'visit', entityId: other.id }))).toContainEqual(
      expect.objectContaining({
        action: 'reconcile.answer_rejected',
        detail: expect.objectContaining({ code: 'ANSWER_OTHER_PATIENT', via: 'bulk', fields: ['number'] }),
      }),
    );
    expect(resFiles().filter((f) => f.startsWith('OQSmuquc02res_') && f.includes('.other-patient-'))).toHaveLength(1);
    expect(bulkAudit()).toMatchObject([{ action: 'reconcile.bulk', detail: { applied: 5, setAside: 1 } }]);

    clock.advance(3_600_000); // past the retry backoff
    const second = await reconciler().run({ once: true });
    expect(second).toMatchObject({ processed: 1, decisions: { current: 1 } });
    expect(unwrap(store.latestReconciliation(other.id))).toMatchObject({ decision: 'current' });
  });

  it('a redelivered job (already reconciled) inside a batch applies nothing again', async () => {
    const visits = saveMany(6, 6000);
    await startSim(visits);
    // one visit was reconciled before, its job left inflight (a crash before completing): the lease expires
    const done = visits[0]!;
    const job = unwrap(store.claimOutbox({ limit: 1, kinds: ['reconcile'], leaseMs: 1_000 }))[0]!;
    expect(job.visitId).toBe(done.id);
    unwrap(store.recordReconciliation({ visitId: done.id, key: job.idempotencyKey, decision: 'current', detail: {} }));
    clock.advance(2_000);
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({ processed: 6, already: 1, decisions: { current: 5 }, bulk: { rows: 5 } });
    const applied = unwrap(store.listAudit({ entity: 'visit', entityId: done.id })).filter(
      (e) => e.action === 'visit.reconcile',
    );
    expect(applied).toHaveLength(1);
    expect(unwrap(store.listOutbox()).counts).toMatchObject({ pending: 0, inflight: 0, done: 6 });
  });
});

describe('一括照会: the answer must be about the numbers asked (#13)', () => {
  it("a flipped byte in one row's result 記号 (3@200457 for 3-200457) sends that visit to 要確認; the rest are applied", async () => {
    const visits = saveMany(5, 5500);
    const target = visitWith({ insurerNumber: '06132013', symbol: '3-200457', number: '5599', branch: '01' });
    unwrap(store.saveVisit(target));
    await startSim(visits, {
      registry: [...visits.map((v) => hanako(v.evidence.insurance!.number)), hanako('5599', { symbol: '3-200457' })],
    });
    // The 一括照会 result arrives with one byte of that row's result 記号 changed ('-' → '@'); its echo is intact.
    const flipping: ReconcilerTerminal = {
      dirs: client.dirs,
      discardAnswer: (k, kind) => client.discardAnswer(k, kind),
      confirm: (q, o) => client.confirm(q, o),
      bulkUpload: (qs, o) => client.bulkUpload(qs, o),
      bulkFetch: async (rn, o) => {
        const f = await client.bulkFetch(rn, o);
        if (f.status !== 'done') return f;
        const bytes = flipResultSymbol(f.bytes, '3-200457', '3@200457');
        const answer = parseAnswer(bytes, { file: f.file, kind: 'bulk_result' }) as BulkResultAnswer;
        const rows = answer.units.map((unit) => ({
          ...(unit.searchInfo?.arbitraryIdentifier !== undefined ? { rowId: unit.searchInfo.arbitraryIdentifier } : {}),
          unit,
          finding: bulkUnitToFinding(unit, answer.header),
        }));
        return { ...f, bytes, answer, rows };
      },
    };
    const summary = await reconciler({ terminal: flipping }).run({ once: true });
    expect(summary).toMatchObject({
      processed: 6,
      failed: 0,
      ignoredAnswers: 0,
      decisions: { current: 5, none: 1 },
      needsDecision: [{ visitId: target.id, codes: ['ANSWER_SYMBOL_INVALID'] }],
      bulk: { batches: 1, rows: 6, answered: 6, fallback: 0 },
    });
    expect(count('qualification')).toBe(0);
    expect(unwrap(store.latestReconciliation(target.id))).toMatchObject({
      decision: 'none',
      detail: {
        via: 'bulk',
        finding: { validity: 'valid', insurance: { symbol: '3@200457' } },
        answerProblems: [{ part: 'result', field: 'symbol', kind: 'invalid' }],
        needsDecision: ['ANSWER_SYMBOL_INVALID'],
      },
    });
    expect(unwrap(store.getVisit(target.id)).status).toBe('needs_review');
    expect(unwrap(claimFor(store, target, claimSettingsOf(store))).needsDecision.map((n) => n.code)).toEqual([
      'ANSWER_SYMBOL_INVALID',
    ]);
    for (const v of visits) expect(unwrap(store.latestReconciliation(v.id))).toMatchObject({ decision: 'current' });
  });

  it('a row whose echo 記号 differs from the query goes to 要確認 (not set aside: the numbers and birth date match)', async () => {
    const visits = saveMany(6, 5600);
    await startSim(visits, {
      rules: [{ match: { number: '5603' }, answer: { kind: 'registry', echo: { symbol: '1235' } }, times: 1 }],
    });
    const odd = visits.find((v) => v.evidence.insurance!.number === '5603')!;
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({ processed: 6, failed: 0, ignoredAnswers: 0, decisions: { current: 5, none: 1 } });
    expect(unwrap(store.latestReconciliation(odd.id))).toMatchObject({
      decision: 'none',
      detail: { via: 'bulk', answerProblems: [{ part: 'echo', field: 'symbol', kind: 'mismatch' }] },
    });
  });
});

describe('一括照会: stopping or pausing during the fallback', () => {
  /** The reconcile jobs as stored, by visit id. */
  const jobsByVisit = () => new Map(unwrap(store.listOutbox({ limit: 1000 })).jobs.map((j) => [j.visitId!, j]));

  it('stop mid-batch: the jobs not worked are released at once (pending, due now, attempts not counted)', async () => {
    const visits = saveMany(8, 8000);
    // The bulk upload fails: all 8 rows fall back to single requests, answered slowly.
    await startSim(visits, {
      rules: [{ match: { request: 'bulk_upload' }, answer: { kind: 'error_segment' } }],
      defaultAnswer: { kind: 'registry', delayMs: 200 },
    });
    const r = reconciler({ concurrency: 1 });
    let stopping: Promise<void> | undefined;
    r.on('progress', (p: { current: string | null }) => {
      if (p.current !== null) stopping ??= r.stop(); // the first single request of the fallback is in hand
    });
    const summary = await r.run();
    await stopping;
    expect(stopping).toBeDefined();
    // the job in hand was finished; nothing else was asked
    expect(summary).toMatchObject({ processed: 1, decisions: { current: 1 }, bulk: { batches: 1, fallback: 8 } });
    expect(count('qualification')).toBe(1);
    expect(unwrap(store.listOutbox()).counts).toMatchObject({ done: 1, pending: 7, inflight: 0 });
    const jobs = jobsByVisit();
    const unworked = visits.filter((v) => jobs.get(v.id)!.status === 'pending');
    expect(unworked).toHaveLength(7);
    for (const v of unworked) {
      expect(jobs.get(v.id)).toMatchObject({ attempts: 0, leaseUntil: null, leaseToken: null, lastErrorCode: null });
      expect(jobs.get(v.id)!.nextAttemptAt).toBeLessThanOrEqual(clock.now());
      expect(unwrap(store.latestReconciliation(v.id))).toBeNull();
    }
    // claimable at once (the clock has not moved: the round's 60 s lease would still hold them)
    const again = unwrap(store.claimOutbox({ limit: 100, kinds: ['reconcile'], leaseMs: 60_000 }));
    expect(again.map((j) => j.visitId).sort()).toEqual(unworked.map((v) => v.id).sort());
    expect(again.every((j) => j.attempts === 1)).toBe(true);
  });

  it('stop while the terminal still answers 処理中: the round ends (STOPPED) and every row is released', async () => {
    const visits = saveMany(6, 8200);
    await startSim(visits, { bulkProcessingFetches: 1_000 });
    const r = reconciler({ bulk: { threshold: 5, batchSize: 10, pollMs: 50, maxFetches: 1_000 } });
    const running = r.run();
    await vi.waitFor(() => expect(count('bulk_fetch')).toBeGreaterThan(0), { timeout: 10_000 });
    await r.stop();
    const summary = await running;
    expect(summary).toMatchObject({ processed: 0, bulk: { batches: 1, failedBatches: 1, fallback: 6 } });
    expect(count('qualification')).toBe(0);
    expect(bulkAudit()).toMatchObject([{ action: 'reconcile.bulk_failed', detail: { code: 'STOPPED', rows: 6 } }]);
    const jobs = jobsByVisit();
    for (const v of visits) expect(jobs.get(v.id)).toMatchObject({ status: 'pending', attempts: 0, leaseToken: null });
    const again = unwrap(store.claimOutbox({ limit: 100, kinds: ['reconcile'], leaseMs: 60_000 }));
    expect(again.map((j) => j.visitId).sort()).toEqual(visits.map((v) => v.id).sort());
  });

  it('paused mid-batch (the terminal went silent): the rest are released, the timed-out job backs off', async () => {
    const visits = saveMany(6, 8100);
    await startSim(visits, {
      rules: [
        { match: { request: 'bulk_upload' }, answer: { kind: 'error_segment' } },
        { match: { request: 'qualification' }, answer: { kind: 'never' } },
      ],
    });
    const summary = await reconciler({ concurrency: 1, timeoutMs: 1_000, pauseAfterTimeouts: 1 }).run({
      once: true,
    });
    expect(summary).toMatchObject({ paused: true, processed: 1, failed: 1, bulk: { fallback: 6 } });
    expect(count('qualification')).toBe(1);
    const jobs = jobsByVisit();
    const timedOut = visits.filter((v) => jobs.get(v.id)!.lastErrorCode === 'TERMINAL_TIMEOUT');
    expect(timedOut).toHaveLength(1);
    expect(jobs.get(timedOut[0]!.id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(jobs.get(timedOut[0]!.id)!.nextAttemptAt).toBeGreaterThan(clock.now());
    const rest = visits.filter((v) => v !== timedOut[0]);
    for (const v of rest) expect(jobs.get(v.id)).toMatchObject({ status: 'pending', attempts: 0, leaseToken: null });
    const again = unwrap(store.claimOutbox({ limit: 100, kinds: ['reconcile'], leaseMs: 60_000 }));
    expect(again.map((j) => j.visitId).sort()).toEqual(rest.map((v) => v.id).sort());
  });
});

describe('evidence digests and the My Number guard', () => {
  it('a SHA-256 in a detail is never mistaken for a 個人番号; a bare 12-digit number still is', async () => {
    const [a, b] = saveMany(2, 7000);
    const digest = `a100000000005${'b'.repeat(51)}`; // holds a 12-digit run that passes the check digit
    expect(
      unwrap(store.recordReconciliation({ visitId: a!.id, decision: 'unknown', detail: { answerSha256: digest } })),
    ).toMatchObject({ created: true });
    const refused = store.recordReconciliation({
      visitId: b!.id,
      decision: 'unknown',
      detail: { note: '100000000005' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_MY_NUMBER' } });
  });
});
