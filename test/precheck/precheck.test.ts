// 事前確認 against a real store (SQLite in a temp folder) and the terminal simulator on real files: the scheduled fetch
// of a day's bookings with the clock moved (and the catch-up at start), answers kept with their raw file, a terminal
// that goes silent mid-fetch leaving the fetched answers usable and the rest retried, a changed 資格 flagged, reception
// first on the terminal, a visit taken on a 事前確認 answer going to 要確認 when reconciliation finds the 資格 changed,
// and the retention purge.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { Visit } from '../../src/claims/visit.ts';
import {
  FileTerminalClient,
  TerminalPriority,
  TerminalSimulator,
  type SimPerson,
} from '../../src/hardware/terminal/index.ts';
import { PrecheckFetcher } from '../../src/main/core/precheck/fetch.ts';
import { PrecheckScheduler } from '../../src/main/core/precheck/schedule.ts';
import { Reconciler } from '../../src/main/core/reconcile/reconciler.ts';
import type { ExpectedPerson, Store } from '../../src/main/core/store/index.ts';
import { example, fakeClock, openTestStore, removeDir, tempDir, unwrap } from '../reconcile/helpers.ts';

const DAY = '2026-12-06';
/** 2026-12-06 06:00 Japan time. */
const SIX_AM = Date.parse('2026-12-05T21:00:00Z');
const MIN = 60_000;

const person = (i: number, over: Partial<SimPerson> = {}): SimPerson => ({
  insurerNumber: '06132013',
  symbol: '1234',
  number: String(500 + i),
  branch: '01',
  name: `予約 ${['一郎', '二郎', '三郎', '四郎', '五郎'][i]}`,
  nameKana: `ヨヤク ${['イチロウ', 'ジロウ', 'サブロウ', 'シロウ', 'ゴロウ'][i]}`,
  birthDate: `1970-01-0${i + 1}`,
  sex: 'male',
  copayPercent: 30,
  ...over,
});

const booking = (p: SimPerson): ExpectedPerson => ({
  patientRef: null,
  name: p.name,
  nameKana: p.nameKana ?? '',
  birthDate: p.birthDate,
  insurance: { insurerNumber: p.insurerNumber, symbol: p.symbol ?? '', number: p.number, branch: p.branch ?? '' },
  bookedTime: '09:00',
});

/** Person 2 lost the 資格 on file and has a newer one (a changed 資格). */
const CHANGED: SimPerson = person(2, {
  status: 'lost',
  newer: { insurerNumber: '01130012', symbol: '77', number: '8899', branch: '00', copayPercent: 30 },
});
const PEOPLE = [person(0), person(1), CHANGED, person(3)];

let dataDir: string;
let shareDir: string;
let store: Store;
let sim: TerminalSimulator;
let client: FileTerminalClient;
let clock: ReturnType<typeof fakeClock>;
let priority: TerminalPriority;
let fetcher: PrecheckFetcher;
let scheduler: PrecheckScheduler;

beforeEach(async () => {
  dataDir = tempDir('shikaku-precheck-data-');
  shareDir = tempDir('shikaku-precheck-share-');
  clock = fakeClock(SIX_AM);
  store = await openTestStore(dataDir, { clock: clock.now, random: () => 0.5 });
  sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 20, registry: PEOPLE });
  client = new FileTerminalClient({ dir: shareDir, pollMs: 50, settleMs: 20, stableReads: 3, timeoutMs: 1_500 });
  priority = new TerminalPriority();
  fetcher = new PrecheckFetcher({
    store,
    terminal: client,
    priority,
    clock: clock.now,
    sleep: () => new Promise((r) => setTimeout(r, 5)),
    timeoutMs: 1_500,
    pollMs: 20,
  });
  scheduler = new PrecheckScheduler({ store, fetcher, intervalMs: 0 });
  unwrap(
    store.setSetting(
      'precheck',
      { ...(unwrap(store.getSetting('precheck')) as object), regularsMonths: 0, batchSize: 2 },
      'system',
    ),
  );
  unwrap(
    store.importBookings(
      PEOPLE.map((p) => ({ day: DAY, person: booking(p) })),
      'test',
      'system',
    ),
  );
});

afterEach(async () => {
  await scheduler.stop();
  await client.close();
  await sim.stop();
  store.close();
  removeDir(dataDir);
  removeDir(shareDir);
});

const lookup = (p: SimPerson) =>
  unwrap(store.latestPrecheckAnswer({ birthDate: p.birthDate, name: p.name, nameKana: p.nameKana ?? '' }));

describe('事前確認: the scheduled fetch', () => {
  it('runs at the set time (not before), keeps each booked patient’s answer, and flags a changed 資格', async () => {
    expect(await scheduler.tick()).toBeNull(); // 06:00: before 07:30
    expect(unwrap(store.listPrecheckRuns())).toEqual([]);
    clock.advance(91 * MIN); // 07:31
    const run = (await scheduler.tick())!;
    expect(run).toMatchObject({
      day: DAY,
      trigger: 'schedule',
      status: 'done',
      total: 4,
      fetched: 4,
      changed: 1,
      failed: 0,
    });
    expect(sim.log.filter((e) => e.request === 'bulk_upload')).toHaveLength(2); // batches of 2

    const a = lookup(PEOPLE[0]!)!;
    expect(a).toMatchObject({ usable: true, changed: false, validity: 'valid', fetchedAt: clock.now() });
    expect(a.finding?.insurance).toMatchObject({ insurerNumber: '06132013', number: '500' });
    expect(a.finding?.copayPercent).toBe(30);
    // The raw answer file is archived, byte-identical under its sha256.
    expect(a.file).toMatch(/^OQSmuquc02res_pre-bulk-/);
    const raw = unwrap(store.readAnswerEvidence(a.sha256));
    expect(createHash('sha256').update(raw).digest('hex')).toBe(a.sha256);
    expect(raw.toString('latin1')).toContain('<InsuredIdentificationNumber>500</InsuredIdentificationNumber>');
    const changed = lookup(CHANGED)!;
    expect(changed).toMatchObject({ changed: true, validity: 'invalid_newer' });
    expect(changed.finding?.newerInsurance).toMatchObject({ insurerNumber: '01130012', number: '8899' });
    // Nothing more today: the run is done.
    clock.advance(30 * MIN);
    expect(await scheduler.tick()).toBeNull();
  });

  it('catches up at start when the app was off at the set time', async () => {
    clock.advance(3 * 60 * MIN); // 09:00: started after 07:30
    const run = (await scheduler.tick())!;
    expect(run).toMatchObject({ trigger: 'catchup', status: 'done', fetched: 4 });
  });

  it('a terminal that goes silent mid-fetch leaves the fetched answers usable; the retry asks only the rest', async () => {
    sim.setRules([
      { match: { request: 'bulk_upload' }, answer: { kind: 'registry' }, times: 1 },
      { match: { request: 'bulk_upload' }, answer: { kind: 'never' } },
    ]);
    clock.advance(91 * MIN);
    const first = (await scheduler.tick())!;
    expect(first).toMatchObject({ status: 'partial', total: 4, fetched: 2, failed: 2 });
    expect(first.error).toContain('TERMINAL_TIMEOUT');
    expect(lookup(PEOPLE[0]!)?.usable).toBe(true);
    expect(lookup(PEOPLE[1]!)?.usable).toBe(true);
    expect(lookup(PEOPLE[3]!)).toBeNull();

    sim.setRules([]); // the terminal answers again
    clock.advance(5 * MIN);
    expect(await scheduler.tick()).toBeNull(); // not before retryMinutes (15)
    clock.advance(11 * MIN);
    const retry = (await scheduler.tick())!;
    expect(retry).toMatchObject({ trigger: 'retry', status: 'done', total: 2, fetched: 2, changed: 1 });
    expect(lookup(PEOPLE[3]!)?.usable).toBe(true);
  });

  it('a reception request is never behind a fetch: a batch waits while one is in flight', async () => {
    sim.setRules([{ match: { request: 'qualification' }, answer: { kind: 'registry', delayMs: 300 } }]);
    const p = PEOPLE[0]!;
    const reception = priority.wrap(client).confirm({
      insurerNumber: p.insurerNumber,
      symbol: p.symbol!,
      number: p.number,
      branch: p.branch!,
      birthDate: p.birthDate,
      confirmationDate: DAY,
    });
    const run = fetcher.start('manual')!;
    const answered = await reception;
    expect(answered.finding?.validity).toBe('valid');
    expect((await run).fetched).toBe(4);
    const order = sim.log.map((e) => e.request);
    expect(order.indexOf('qualification')).toBeLessThan(order.indexOf('bulk_upload'));
    expect(priority.foregroundServed).toBe(1);
  });
});

/** A visit received on a 事前確認 answer (as the wizard saves it). */
function precheckVisit(p: SimPerson, a: NonNullable<ReturnType<typeof lookup>>, over: Partial<Visit> = {}): Visit {
  const base = example('portal');
  return {
    ...base,
    id: uuidv7(),
    serviceDate: DAY,
    receivedAt: `${DAY}T09:05:00+09:00`,
    patient: { ...base.patient, name: p.name, nameKana: p.nameKana!, birthDate: p.birthDate, sex: 'male' },
    evidence: {
      kind: 'precheck',
      insurance: a.finding!.insurance!,
      precheck: { fetchedAt: new Date(a.fetchedAt).toISOString(), answerSha256: a.sha256, rowId: a.rowId },
    },
    ...over,
  };
}

describe('事前確認: used at reception, reconciled afterwards', () => {
  it('a visit taken on a 事前確認 answer goes to 要確認 when reconciliation finds another 資格', async () => {
    clock.advance(91 * MIN);
    await scheduler.tick();
    const a = lookup(PEOPLE[1]!)!;
    // After the fetch the patient's 資格 changed (lost, no newer one known).
    sim.registry = [person(0), person(1, { status: 'lost' }), CHANGED, person(3)];
    const visit = precheckVisit(PEOPLE[1]!, a, {
      identity: { method: 'visual', confirmedBy: 'uketsuke-01', confirmedAt: `${DAY}T09:05:00+09:00` },
      copay: { percent: 30, source: 'terminal', reason: '事前確認の結果' },
    });
    unwrap(store.saveVisit(visit));
    const r = new Reconciler({ store, terminal: client, timeoutMs: 1_500, bulk: { enabled: false } });
    const summary = await r.run({ once: true });
    expect(summary.needsDecision.map((n) => n.codes)).toEqual([expect.arrayContaining(['PRECHECK_CHANGED'])]);
    expect(unwrap(store.getVisit(visit.id)).status).toBe('needs_review');
  });

  it('the same visit is ① without review when the 資格 is unchanged', async () => {
    clock.advance(91 * MIN);
    await scheduler.tick();
    const p = PEOPLE[0]!;
    const a = lookup(p)!;
    const visit = precheckVisit(p, a);
    unwrap(store.saveVisit(visit));
    const summary = await new Reconciler({ store, terminal: client, timeoutMs: 1_500, bulk: { enabled: false } }).run({
      once: true,
    });
    expect(summary.decisions.current).toBe(1);
    expect(unwrap(store.getVisit(visit.id)).status).toBe('reconciled');
  });
});

describe('事前確認: retention', () => {
  it('answers, bookings and their answer files older than the setting are deleted by the next run', async () => {
    clock.advance(91 * MIN);
    const run = (await scheduler.tick())!;
    const sha = lookup(PEOPLE[0]!)!.sha256;
    expect(unwrap(store.countPrecheckAnswers())).toBe(run.fetched);
    clock.advance(6 * 24 * 60 * MIN); // 6 days later: still kept (default 7)
    await fetcher.start('manual');
    expect(lookup(PEOPLE[0]!)).not.toBeNull();
    clock.advance(2 * 24 * 60 * MIN); // 8 days after the fetch
    await fetcher.start('manual');
    expect(lookup(PEOPLE[0]!)).toBeNull();
    expect(unwrap(store.countPrecheckAnswers())).toBe(0);
    expect(store.readAnswerEvidence(sha).ok).toBe(false);
    const purge = unwrap(store.listAudit({ entity: 'precheck' })).find((e) => e.action === 'precheck.purge');
    expect(purge?.detail).toMatchObject({ answers: 4, bookings: 4 });
  });
});
