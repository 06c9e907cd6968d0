// The reconciler against a real store (SQLite in a temp folder) and the terminal simulator on real files:
// every answer kind, retries with backoff, silence → pause → resume, duplicates and wrong-key answers.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import type { Visit } from '../../src/claims/visit.ts';
import {
  FileTerminalClient,
  TerminalSimulator,
  parseQualificationAnswer,
  toTerminalFinding,
  type SimPerson,
} from '../../src/hardware/terminal/index.ts';
import { claimFor, claimSettingsOf, recordedFinding } from '../../src/main/core/reconcile/claim.ts';
import { queryNumbers, terminalKey } from '../../src/main/core/reconcile/decision.ts';
import {
  Reconciler,
  type ReconcileProgress,
  type ReconcilerTerminal,
} from '../../src/main/core/reconcile/reconciler.ts';
import { exportMonth } from '../../src/main/core/reconcile/export.ts';
import { reconcileMessages } from '../../src/main/core/reconcile/messages.ts';
import { isMyNumberLike } from '../../src/claims/mynumber.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import {
  HANAKO,
  example,
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

beforeEach(async () => {
  dataDir = tempDir('shikaku-rec-data-');
  shareDir = tempDir('shikaku-rec-share-');
  clock = fakeClock();
  store = await openTestStore(dataDir, { clock: clock.now, random: () => 0.5 });
  client = new FileTerminalClient({ dir: shareDir, pollMs: 50, settleMs: 20, stableReads: 3 });
});

afterEach(async () => {
  await client.close();
  await sim?.stop();
  sim = undefined;
  store.close();
  removeDir(dataDir);
  removeDir(shareDir);
});

function save(v: Visit): Visit {
  unwrap(store.saveVisit(v));
  return v;
}

function jobOf(visitId: string) {
  return unwrap(store.listOutbox({ limit: 1000 })).jobs.find((j) => j.visitId === visitId && j.kind === 'reconcile')!;
}

function auditOf(visitId: string) {
  return unwrap(store.listAudit({ entity: 'visit', entityId: visitId })).map((e) => ({
    action: e.action,
    detail: e.detail,
  }));
}

function reconciler(opts: Partial<ConstructorParameters<typeof Reconciler>[0]> = {}): Reconciler {
  return new Reconciler({ store, terminal: client, timeoutMs: 5_000, leaseMs: 60_000, concurrency: 2, ...opts });
}

describe('reconciler: answer kinds', () => {
  it('turns each terminal answer into the right decision, retries faults and never applies bad answers', async () => {
    const v = {
      valid: save(visitWith(numbersOf('1001'))),
      invalid: save(visitWith(numbersOf('1002'))),
      newer: save(visitWith(numbersOf('1003'))),
      notFound: save(visitWith(numbersOf('1004'))),
      multiple: save(visitWith(numbersOf('1005'))),
      nameMismatch: save(visitWith(numbersOf('1006'))),
      errorSegment: save(visitWith(numbersOf('1007'))),
      processing: save(visitWith(numbersOf('1008'))),
      malformed: save(visitWith(numbersOf('1009'))),
      wrongKey: save(visitWith(numbersOf('1010'))),
      noNumbers: save(example('declaration-unknown')),
    };
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 50,
      registry: [
        hanako('1001'),
        hanako('1002', { status: 'lost' }),
        hanako('1003', {
          status: 'lost',
          newer: { insurerNumber: '01130012', symbol: '12-34', number: '9999', branch: '00' },
        }),
        hanako('1005'),
        hanako('1005', { branch: '01', personalFamily: '2' }),
        hanako('1006', { name: '山田 太郎' }),
        hanako('1007'),
        hanako('1009'),
        hanako('1010'),
      ],
      rules: [
        { match: { number: '1007' }, answer: { kind: 'error_segment' }, times: 1 },
        { match: { number: '1008' }, answer: { kind: 'processing_error' } },
        { match: { number: '1009' }, answer: { kind: 'malformed' }, times: 1 },
        { match: { number: '1010' }, answer: { kind: 'wrong_key' }, times: 1 },
      ],
    });
    const progress: ReconcileProgress[] = [];
    const first = await reconciler({ onProgress: (p) => progress.push(p) }).run({ once: true });

    expect(first).toMatchObject({
      total: 11,
      processed: 11,
      decisions: { current: 2, past: 1, unknown: 1, none: 3 },
      failed: 3,
      dead: 1,
      already: 0,
      ignoredAnswers: 2,
      paused: false,
    });
    expect(progress.at(-1)).toMatchObject({ processed: 11, total: 11, paused: false });
    expect(first.needsDecision).toEqual(
      expect.arrayContaining([
        { visitId: v.multiple.id, codes: ['MULTIPLE_MATCHES'] },
        { visitId: v.nameMismatch.id, codes: ['NAME_MISMATCH'] },
        { visitId: v.notFound.id, codes: ['TERMINAL_NOT_FOUND_REVIEW'] },
      ]),
    );

    const latest = (visit: Visit) => unwrap(store.latestReconciliation(visit.id));
    // 有効 → ①
    expect(latest(v.valid)).toMatchObject({
      decision: 'current',
      key: `${v.valid.id}:reconcile`,
      detail: { rule: 'terminal_valid', validity: 'valid', askedTerminal: true, reused: false },
    });
    expect(latest(v.valid)!.detail.answerFile).toBe('OQSsiquc01res_{key}.xml');
    expect(unwrap(store.getVisit(v.valid.id)).status).toBe('reconciled');
    // 無効 → ② with 旧資格情報 in 摘要 (recomputed from the recorded finding, as the export does)
    const past = latest(v.invalid)!;
    expect(past).toMatchObject({ decision: 'past', detail: { rule: 'terminal_invalid_past', validity: 'invalid' } });
    expect(decideClaim(v.invalid, defaultClaimSettings, recordedFinding(past.detail)).remarks).toContain('旧資格情報');
    // 無効(新しい資格あり) → ① with the newer numbers
    const newer = latest(v.newer)!;
    expect(newer).toMatchObject({ decision: 'current', detail: { rule: 'terminal_newer', validity: 'invalid_newer' } });
    expect(decideClaim(v.newer, defaultClaimSettings, recordedFinding(newer.detail)).ho).toEqual({
      insurerNumber: '01130012',
      symbol: '12-34',
      number: '9999',
    });
    // 該当資格なし for the numbers the visit's document showed: 要確認 with ③ 不詳 proposed by default (claims
    // setting notFoundWithEvidence), so staff compare the typed numbers first (issue #12)
    expect(latest(v.notFound)).toMatchObject({
      decision: 'none',
      detail: {
        basis: 'unknown',
        rule: 'unknown_no_declaration',
        validity: 'not_found',
        needsDecision: ['TERMINAL_NOT_FOUND_REVIEW'],
      },
    });
    expect(unwrap(store.getVisit(v.notFound.id)).status).toBe('needs_review');
    // 複数該当 / name mismatch → none, needs review
    expect(latest(v.multiple)).toMatchObject({ decision: 'none', detail: { needsDecision: ['MULTIPLE_MATCHES'] } });
    expect(unwrap(store.getVisit(v.multiple.id)).status).toBe('needs_review');
    expect(latest(v.nameMismatch)).toMatchObject({ decision: 'none', detail: { needsDecision: ['NAME_MISMATCH'] } });
    // no numbers → ③ without asking the terminal
    expect(latest(v.noNumbers)).toMatchObject({
      decision: 'unknown',
      detail: { askedTerminal: false, rule: 'unknown_declaration' },
    });
    expect(sim.log.some((e) => e.key === terminalKey(`${v.noNumbers.id}:reconcile`))).toBe(false);
    // error segment → retry later with backoff; processing error → dead
    expect(latest(v.errorSegment)).toBeNull();
    expect(jobOf(v.errorSegment.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastErrorCode: 'TERMINAL_ERROR_SEGMENT',
    });
    expect(jobOf(v.errorSegment.id).nextAttemptAt).toBeGreaterThan(clock.now());
    expect(jobOf(v.processing.id)).toMatchObject({ status: 'dead', lastErrorCode: 'TERMINAL_PROCESSING_ERROR' });
    // malformed and wrong-key answers: recorded in the audit log, never applied, set aside in res/
    for (const [visit, code] of [
      [v.malformed, 'TERMINAL_MALFORMED_ANSWER'],
      [v.wrongKey, 'TERMINAL_KEY_MISMATCH'],
    ] as const) {
      expect(latest(visit)).toBeNull();
      expect(unwrap(store.getVisit(visit.id)).status).toBe('pending');
      expect(auditOf(visit.id)).toContainEqual(
        expect.objectContaining({ action: 'reconcile.answer_rejected', detail: expect.objectContaining({ code }) }),
      );
      expect(jobOf(visit.id)).toMatchObject({ status: 'pending', lastErrorCode: code });
    }
    // the client sets every refused answer aside (error segment and processing error included)
    const rejected = readdirSync(path.join(shareDir, 'res')).filter((f) => f.includes('.rejected-'));
    for (const visit of [v.malformed, v.wrongKey, v.errorSegment, v.processing]) {
      expect(rejected.filter((f) => f.includes(terminalKey(`${visit.id}:reconcile`)))).toHaveLength(1);
    }
    // every basis change has its audit entry
    for (const visit of [v.valid, v.invalid, v.newer, v.notFound, v.multiple, v.nameMismatch, v.noNumbers]) {
      const entries = auditOf(visit.id).filter((e) => e.action === 'visit.reconcile');
      expect(entries).toEqual([
        { action: 'visit.reconcile', detail: { decision: latest(visit)!.decision, key: `${visit.id}:reconcile` } },
      ]);
    }

    // The retries come due: the terminal now answers them properly.
    clock.advance(2 * 3_600_000);
    const second = await reconciler().run({ once: true });
    expect(second).toMatchObject({ processed: 3, decisions: { current: 3, past: 0, unknown: 0, none: 0 }, failed: 0 });
    for (const visit of [v.errorSegment, v.malformed, v.wrongKey]) {
      expect(latest(visit)).toMatchObject({ decision: 'current', detail: { rule: 'terminal_valid' } });
    }
    // nothing was applied twice
    for (const visit of Object.values(v))
      expect(unwrap(store.listReconciliations(visit.id)).length).toBeLessThanOrEqual(1);
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
    // answers are removed from res/ once stored
    const answerName = String(latest(v.valid)!.detail.answerFile).replace(
      '{key}',
      terminalKey(`${v.valid.id}:reconcile`),
    );
    expect(existsSync(path.join(shareDir, 'res', answerName))).toBe(false);
  });

  it('asks with the evidence numbers, else the past ones, else the 申立書 numbers', () => {
    const e = example('declaration-known-numbers');
    expect(queryNumbers(e)).toMatchObject({
      source: 'declaration',
      numbers: { insurerNumber: '06132013', number: '567' },
    });
    const p = {
      ...example('declaration-unknown'),
      pastInsurance: { insurerNumber: '01130012', symbol: '', number: '1', branch: '' },
    };
    expect(queryNumbers(p)).toMatchObject({ source: 'past' });
    expect(queryNumbers(example('qualification-certificate'))).toMatchObject({
      source: 'evidence',
      numbers: { insurerNumber: '01130012', symbol: '12-34', number: '5678' },
    });
    expect(queryNumbers(example('declaration-unknown'))).toBeNull();
    expect(terminalKey('0193a0c0-0000-7000-8000-000000000001:reconcile:r2')).toBe(
      '0193a0c0-0000-7000-8000-000000000001_reconcile_r2',
    );
  });
});

describe('reconciler: silence, duplicates', () => {
  it('pauses after timeouts in a row, and resumes when a probe is answered', async () => {
    const visits = ['2001', '2002', '2003'].map((n) => save(visitWith(numbersOf(n))));
    sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50, defaultAnswer: { kind: 'never' } });
    // Leases far longer than the fake clock moves: a request still outstanding keeps its job (with a lease
    // shorter than the answer timeout, a job can be worked twice — applied once, but counted as 'already').
    const r = reconciler({
      timeoutMs: 300,
      leaseMs: 30 * 86_400_000,
      pauseAfterTimeouts: 2,
      probeIntervalMs: 50,
      idleMs: 50,
    });
    const seen: ReconcileProgress[] = [];
    r.on('progress', (p: ReconcileProgress) => seen.push(p));
    const paused = new Promise<void>((resolve) => r.once('paused', resolve));
    const resumed = new Promise<void>((resolve) => r.once('resumed', resolve));
    const running = r.run();
    await paused;
    expect(r.isPaused).toBe(true);
    expect(seen.some((p) => p.paused)).toBe(true);
    expect(visits.every((v) => unwrap(store.latestReconciliation(v.id)) === null)).toBe(true);

    // The connector comes back (a new instance that answers what is waiting in req/); retries come due.
    await sim.stop();
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 50,
      registry: visits.map((v) => hanako(v.evidence.insurance!.number)),
    });
    clock.advance(2 * 3_600_000);
    await resumed;
    // a request that timed out meanwhile is retried once its backoff has passed
    await until(() => {
      clock.advance(3_600_000);
      return visits.every((v) => unwrap(store.latestReconciliation(v.id)) !== null);
    });
    await r.stop();
    expect(r.isPaused).toBe(false);
    const summary = await running;
    expect(summary).toMatchObject({ paused: false, decisions: { current: 3 }, dead: 0, already: 0 });
    expect(summary.failed).toBeGreaterThanOrEqual(2);
    for (const v of visits) {
      expect(unwrap(store.listReconciliations(v.id))).toMatchObject([{ decision: 'current' }]);
      expect(jobOf(v.id).status).toBe('done');
    }
  });

  it('an answer arriving again for a reconciled visit is recorded and not applied', async () => {
    const visit = save(visitWith(numbersOf('3001')));
    sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50, registry: [hanako('3001')] });
    await reconciler().run({ once: true });
    const before = unwrap(store.latestReconciliation(visit.id))!;
    expect(before.decision).toBe('current');

    // The terminal writes a second, different answer for the same key; the job is delivered again.
    const key = terminalKey(`${visit.id}:reconcile`);
    sim.setRules([{ match: { key }, answer: { kind: 'invalid' } }]);
    const other = new FileTerminalClient({ dir: shareDir, pollMs: 50 });
    const late = await other.confirm({ ...numbersOf('3001'), birthDate: '1980-05-15' }, { key });
    await other.close();
    expect(late.finding?.validity).toBe('invalid');
    store.db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = 0 WHERE visit_id = ?`).run(visit.id);

    const again = await reconciler().run({ once: true });
    expect(again).toMatchObject({ processed: 1, already: 1, ignoredAnswers: 1, decisions: { current: 0, past: 0 } });
    expect(unwrap(store.listReconciliations(visit.id))).toEqual([before]);
    expect(unwrap(store.getVisit(visit.id)).status).toBe('reconciled');
    expect(auditOf(visit.id)).toContainEqual(
      expect.objectContaining({
        action: 'reconcile.answer_ignored',
        detail: expect.objectContaining({ reason: 'already_reconciled', validity: 'invalid' }),
      }),
    );
    const res = readdirSync(path.join(shareDir, 'res'));
    expect(res.filter((f) => f.includes('.duplicate-'))).toHaveLength(1);
    expect(res.filter((f) => f.endsWith('.xml'))).toEqual([]);
    expect(jobOf(visit.id).status).toBe('done');
  });
});

async function until(cond: () => boolean, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('reconciler: concurrency, other patients', () => {
  it('keeps at most `concurrency` requests in flight', async () => {
    const visits = Array.from({ length: 6 }, (_, i) => save(visitWith(numbersOf(String(6000 + i)))));
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 20,
      registry: visits.map((v) => hanako(v.evidence.insurance!.number)),
      defaultAnswer: { kind: 'registry', delayMs: 100 },
    });
    let inFlight = 0;
    let most = 0;
    const counting: ReconcilerTerminal = {
      dirs: client.dirs,
      discardAnswer: (k) => client.discardAnswer(k),
      confirm: async (q, o) => {
        most = Math.max(most, ++inFlight);
        try {
          return await client.confirm(q, o);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const summary = await reconciler({ terminal: counting, concurrency: 2 }).run({ once: true });
    expect(summary).toMatchObject({ processed: 6, decisions: { current: 6 } });
    expect(most).toBe(2);
  });

  it('an answer about someone else (its echo differs from the query) is set aside and not applied', async () => {
    const visit = save(visitWith(numbersOf('7001')));
    sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50, registry: [hanako('7001')] });
    const lying: ReconcilerTerminal = {
      dirs: client.dirs,
      discardAnswer: (k) => client.discardAnswer(k),
      confirm: async (q, o) => {
        const r = await client.confirm(q, o);
        r.answer.body.searchInfo!.birthdate = '19990101';
        return r;
      },
    };
    const summary = await reconciler({ terminal: lying }).run({ once: true });
    expect(summary).toMatchObject({ processed: 1, failed: 1, ignoredAnswers: 1, decisions: { current: 0 } });
    expect(unwrap(store.latestReconciliation(visit.id))).toBeNull();
    expect(jobOf(visit.id)).toMatchObject({ status: 'pending', lastErrorCode: 'ANSWER_OTHER_PATIENT' });
    expect(auditOf(visit.id)).toContainEqual(
      expect.objectContaining({
        action: 'reconcile.answer_rejected',
        detail: expect.objectContaining({ code: 'ANSWER_OTHER_PATIENT', fields: ['birthDate'] }),
      }),
    );
    expect(readdirSync(path.join(shareDir, 'res')).filter((f) => f.includes('.other-patient-'))).toHaveLength(1);
  });
});

describe('reconciler: ids that look like numbers', () => {
  it('reconciles a visit whose UUID ends in 12 digits passing the 個人番号 check digit', async () => {
    const tail = Array.from({ length: 10 }, (_, d) => `12345678901${d}`).find(isMyNumberLike)!;
    const visit = save(visitWith(numbersOf('8001'), { id: `0193a0c0-0000-7000-8000-${tail}` }));
    sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50, registry: [hanako('8001')] });
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({ processed: 1, dead: 0, decisions: { current: 1 } });
    expect(unwrap(store.latestReconciliation(visit.id))).toMatchObject({ decision: 'current' });
  });
});

describe('reconciler: the answer must be about the numbers asked (#13)', () => {
  const asked = { insurerNumber: '06132013', symbol: '3-200457', number: '9101', branch: '01' };

  it('a flipped byte in the result row 記号 (3@200457 for 3-200457) goes to 要確認, never to a claim', async () => {
    const visit = save(visitWith(asked));
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 50,
      registry: [hanako('9101', { symbol: '3-200457' })],
    });
    // The terminal's answer arrives with one byte of the result row's 記号 changed ('-' → '@'); the echo is intact.
    const flipping: ReconcilerTerminal = {
      dirs: client.dirs,
      discardAnswer: (k) => client.discardAnswer(k),
      confirm: async (q, o) => {
        const r = await client.confirm(q, o);
        const bytes = flipResultSymbol(r.bytes, '3-200457', '3@200457');
        const answer = parseQualificationAnswer(bytes, r.file);
        return { ...r, bytes, answer, finding: toTerminalFinding(answer) };
      },
    };
    const summary = await reconciler({ terminal: flipping }).run({ once: true });
    expect(summary).toMatchObject({
      processed: 1,
      failed: 0,
      decisions: { current: 0, past: 0, unknown: 0, none: 1 },
      needsDecision: [{ visitId: visit.id, codes: ['ANSWER_SYMBOL_INVALID'] }],
    });
    const rec = unwrap(store.latestReconciliation(visit.id))!;
    expect(rec).toMatchObject({
      decision: 'none',
      detail: {
        via: 'single',
        query: { symbol: '3-200457' },
        finding: { validity: 'valid', insurance: { symbol: '3@200457' } },
        answerProblems: [{ part: 'result', field: 'symbol', kind: 'invalid' }],
        needsDecision: ['ANSWER_SYMBOL_INVALID'],
      },
    });
    expect(unwrap(store.getVisit(visit.id)).status).toBe('needs_review');
    // Without the check the corrupted 記号 would have been claimed as ①:
    expect(decideClaim(visit, defaultClaimSettings, recordedFinding(rec.detail))).toMatchObject({
      basis: 'current',
      needsDecision: [],
      ho: { symbol: '3@200457' },
    });
    // The claim as it stands keeps the reason, in Japanese, until staff decide; the month export refuses the visit.
    const claim = unwrap(claimFor(store, visit, claimSettingsOf(store)));
    expect(claim.needsDecision).toEqual([
      { code: 'ANSWER_SYMBOL_INVALID', message: reconcileMessages.ANSWER_SYMBOL_INVALID },
    ]);
    const month = unwrap(exportMonth(store, visit.serviceDate.slice(0, 7), 'csv', claimSettingsOf(store), 'utf8'));
    expect(month.file.ok).toBe(false);
    // Staff correct the numbers: the claim is made with the 記号 asked.
    unwrap(
      store.reviewVisit({
        visitId: visit.id,
        staff: 'uketsuke-01',
        action: 'edit_numbers',
        numbers: asked,
        reason: '保険証で確認',
      }),
    );
    expect(unwrap(claimFor(store, visit, claimSettingsOf(store)))).toMatchObject({
      basis: 'current',
      needsDecision: [],
      ho: { symbol: '3-200457' },
    });
  });

  it('an echo whose 枝番 differs from the query is recorded as 要確認, not applied as a claim', async () => {
    const visit = save(visitWith(asked));
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 50,
      registry: [hanako('9101', { symbol: '3-200457' })],
      rules: [{ match: { number: '9101' }, answer: { kind: 'registry', echo: { branch: '02' } } }],
    });
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({ processed: 1, decisions: { none: 1 }, ignoredAnswers: 0 });
    expect(unwrap(store.latestReconciliation(visit.id))).toMatchObject({
      decision: 'none',
      detail: { answerProblems: [{ part: 'echo', field: 'branch', kind: 'mismatch' }] },
    });
    expect(unwrap(store.getVisit(visit.id)).status).toBe('needs_review');
  });
});
