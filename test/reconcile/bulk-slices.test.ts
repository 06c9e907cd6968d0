// A 一括照会 round never holds the core's event loop for the whole batch: reading the batch's visits, deciding the
// answers and applying them run in slices that yield, so a reception request (visits.save through the core's
// dispatcher) that arrives in the middle of a round is answered before the round goes on to the rest of the
// batch. Asserted by the order of events (what the round had done when the request was answered), not by time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { FileTerminalClient, TerminalSimulator } from '../../src/hardware/terminal/index.ts';
import { Reconciler } from '../../src/main/core/reconcile/reconciler.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { HANAKO, fakeClock, openTestStore, removeDir, tempDir, unwrap, visitWith } from './helpers.ts';

const numbersOf = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });
const BATCH = 40;
const SLICE = 4;

let dataDir: string;
let shareDir: string;
let store: Store;
let sim: TerminalSimulator;
let client: FileTerminalClient;

beforeEach(async () => {
  dataDir = tempDir('shikaku-slices-data-');
  shareDir = tempDir('shikaku-slices-share-');
  store = await openTestStore(dataDir, { clock: fakeClock().now, random: () => 0.5 });
  client = new FileTerminalClient({ dir: shareDir, pollMs: 50, settleMs: 20, stableReads: 3 });
  const visits: Visit[] = Array.from({ length: BATCH }, (_, i) => {
    const v = visitWith(numbersOf(String(3000 + i)));
    unwrap(store.saveVisit(v));
    return v;
  });
  sim = await TerminalSimulator.start({
    dir: shareDir,
    pollMs: 20,
    registry: visits.map((v) => ({ ...HANAKO, number: v.evidence.insurance!.number })),
  });
});

afterEach(async () => {
  await client.close();
  await sim.stop();
  store.close();
  removeDir(dataDir);
  removeDir(shareDir);
});

/**
 * Runs one round of BATCH visits; when `phase` of the round is first entered, a reception request arrives
 * (setImmediate, as an IPC message would). Returns how many calls of each phase the round had made when the
 * request was answered, and in all.
 */
async function receptionDuring(phase: 'getVisit' | 'reconcileBatch') {
  const calls = { getVisit: 0, reconcileBatch: 0 };
  const dispatch = testDispatcher(testCoreDeps(store, dataDir));
  let answeredAt: typeof calls | undefined;
  let request: Promise<unknown> | undefined;
  for (const name of ['getVisit', 'reconcileBatch'] as const) {
    const original = store[name].bind(store) as (...a: unknown[]) => unknown;
    (store as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls[name] += 1;
      if (name === phase && request === undefined) {
        request = new Promise((resolve) => setImmediate(resolve)).then(async () => {
          const res = await dispatch('visits.save', visitWith(numbersOf('9999'), { serviceDate: '2026-11-21' }));
          answeredAt = { ...calls };
          return res;
        });
      }
      return original(...args);
    };
  }
  const summary = await new Reconciler({
    store,
    terminal: client,
    timeoutMs: 5_000,
    leaseMs: 60_000,
    concurrency: 1,
    // Slices by count (SLICE items), never by the clock: the test does not depend on this machine's speed.
    bulk: { threshold: 5, batchSize: BATCH, pollMs: 20, commitChunk: SLICE, sliceMs: 60_000 },
  }).run({ once: true });
  expect(await request).toMatchObject({ ok: true, value: { created: true } });
  return { answeredAt: answeredAt!, total: calls, summary };
}

describe('一括照会 in slices', () => {
  it('answers a reception request arriving while the round reads its visits before reading the rest', async () => {
    const { answeredAt, total, summary } = await receptionDuring('getVisit');
    expect(summary.bulk.answered).toBe(BATCH);
    expect(total.getVisit).toBeGreaterThanOrEqual(BATCH);
    expect(answeredAt.getVisit).toBeLessThanOrEqual(SLICE);
  });

  it('answers a reception request arriving while the round applies its answers before applying the rest', async () => {
    const { answeredAt, total, summary } = await receptionDuring('reconcileBatch');
    expect(summary.bulk.answered).toBe(BATCH);
    expect(total.reconcileBatch).toBe(BATCH / SLICE);
    expect(answeredAt.reconcileBatch).toBeLessThanOrEqual(2);
  });
});
