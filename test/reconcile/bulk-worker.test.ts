// The 一括照会 result is parsed off the core's event loop, in the parse worker thread (src/hardware/terminal/
// parse-pool.ts): the worker gives exactly what the in-thread parse gives for the same file, and a worker that dies
// while it parses costs nothing: the parse in flight is rejected, the answer read again by a new worker (never set
// aside for it), every visit recorded once; a worker that keeps dying fails the bulk exchange and the jobs go to the
// single request, none lost, none recorded twice.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { FileTerminalClient, TerminalSimulator, isTerminalError } from '../../src/hardware/terminal/index.ts';
import { buildUpload, parseWithFindings } from '../../src/hardware/terminal/parse-job.ts';
import { ParseWorker, type AnswerParser } from '../../src/hardware/terminal/parse-pool.ts';
import { MIN_CHUNK, nextChunkSize } from '../../src/main/core/reconcile/bulk.ts';
import { Reconciler } from '../../src/main/core/reconcile/reconciler.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { HANAKO, fakeClock, openTestStore, removeDir, tempDir, unwrap, visitWith } from './helpers.ts';

const numbersOf = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });
const BATCH = 30;

let dataDir: string;
let shareDir: string;
let store: Store;
let sim: TerminalSimulator | undefined;
let parser: ParseWorker;
let client: FileTerminalClient;
/** The 一括照会 result files the simulator wrote, read the moment they were written. */
let results: Buffer[];

beforeEach(async () => {
  dataDir = tempDir('shikaku-bulkw-data-');
  shareDir = tempDir('shikaku-bulkw-share-');
  store = await openTestStore(dataDir, { clock: fakeClock().now, random: () => 0.5 });
  parser = new ParseWorker();
  results = [];
});

afterEach(async () => {
  await client?.close();
  await parser.close();
  await sim?.stop();
  sim = undefined;
  store.close();
  removeDir(dataDir);
  removeDir(shareDir);
});

function saveMany(n: number, from: number): Visit[] {
  return Array.from({ length: n }, (_, i) => {
    const v = visitWith(numbersOf(String(from + i)));
    unwrap(store.saveVisit(v));
    return v;
  });
}

async function startSim(visits: Visit[], lost: string[] = [], rules: object[] = []) {
  sim = await TerminalSimulator.start({
    dir: shareDir,
    pollMs: 20,
    registry: visits.map((v) => {
      const number = v.evidence.insurance!.number;
      return { ...HANAKO, number, ...(lost.includes(number) ? { status: 'lost' as const } : {}) };
    }),
    rules: rules as never,
    onLog: (e) => {
      if (e.request === 'bulk_fetch' && e.answerFile)
        results.push(readFileSync(path.join(shareDir, 'res', e.answerFile)));
    },
  });
}

/**
 * A client whose answers of 4 KiB or more go through `p`: the bulk results of BATCH rows (~1.2 KB a row), not the
 * upload's answer, a 処理中 answer or a single answer (~1.3 KB).
 */
function clientWith(p: AnswerParser, timeoutMs = 5_000): FileTerminalClient {
  return new FileTerminalClient({
    dir: shareDir,
    pollMs: 50,
    settleMs: 20,
    stableReads: 3,
    offThreadMinBytes: 4096,
    parser: p,
    timeoutMs,
  });
}

function reconciler(timeoutMs = 5_000): Reconciler {
  return new Reconciler({
    store,
    terminal: client,
    timeoutMs,
    leaseMs: 60_000,
    concurrency: 2,
    bulk: { threshold: 5, batchSize: BATCH, pollMs: 20, commitChunk: 8 },
  });
}

/** Kills the worker right after it was handed a parse, `times` times (then parses normally). */
function dyingParser(times: number): AnswerParser & { killed: number } {
  const p = {
    killed: 0,
    parse(bytes: Uint8Array, opts: Parameters<AnswerParser['parse']>[1]) {
      const pending = parser.parse(bytes, opts);
      if (p.killed < times) {
        p.killed += 1;
        // once the worker has the bytes (it started and was handed the parse), it goes away
        const killWhenBusy = () =>
          parser.inFlightCount > 0 ? parser.kill('test: worker dies mid-parse') : setImmediate(killWhenBusy);
        killWhenBusy();
      }
      return pending;
    },
    buildBulkUpload: (build: Parameters<AnswerParser['buildBulkUpload']>[0]) => parser.buildBulkUpload(build),
    close: () => parser.close(),
  };
  return p;
}

function recordsPerVisit(visits: Visit[]): number[] {
  return visits.map((v) => unwrap(store.listReconciliations(v.id)).length);
}

describe('一括照会 parsed off the event loop', () => {
  it('the worker gives the same answer, findings and failures as the in-thread parse for the same file', async () => {
    const visits = saveMany(BATCH, 5000);
    await startSim(
      visits,
      ['5003'],
      [
        { match: { number: '5007' }, answer: { kind: 'processing_error' }, times: 1 },
        { match: { number: '5011' }, answer: { kind: 'never' }, times: 1 },
      ],
    );
    client = clientWith(parser);
    const summary = await reconciler().run({ once: true });
    expect(summary).toMatchObject({ processed: BATCH, decisions: { current: BATCH - 1, past: 1 } });
    const answer = results.find((b) => b.includes('BulkConfirmUnit'))!;
    expect(answer).toBeDefined();
    const opts = { kind: 'bulk_result' as const, file: 'OQSmuquc02res_x.xml', maxBytes: 1 << 24 };
    const off = await parser.parse(answer, opts);
    const here = parseWithFindings(answer, opts);
    expect(off).toEqual(here);
    expect(off.findings).toHaveLength(BATCH - 1);
    expect(off.findings!.filter((f) => f?.validity === 'invalid')).toHaveLength(1);

    const broken = Buffer.concat([answer.subarray(0, answer.length >> 1)]);
    const failure = await parser.parse(broken, opts).catch((e: unknown) => e);
    let expected: unknown;
    try {
      parseWithFindings(broken, opts);
    } catch (e) {
      expected = e;
    }
    expect(isTerminalError(failure, 'TERMINAL_MALFORMED_ANSWER')).toBe(true);
    expect(isTerminalError(expected)).toBe(true);
    expect((failure as Error & { toJSON(): unknown }).toJSON()).toEqual(
      (expected as Error & { toJSON(): unknown }).toJSON(),
    );
  });

  it('the worker builds the same 一括照会 upload as the thread; a bad query is the same TERMINAL_INVALID_QUERY', async () => {
    const queries = Array.from({ length: 40 }, (_, i) => ({
      ...numbersOf(String(8000 + i)),
      birthDate: '1980-05-15',
      confirmationDate: '2026-11-20',
      rowId: String(i),
    }));
    const build = {
      queries,
      key: 'bulk-same',
      medicalInstitutionCode: '1312345678',
      opts: { encoding: 'shift_jis' as const, padKokuhoInsurer: true },
    };
    const off = await parser.buildBulkUpload(build);
    expect(Buffer.isBuffer(off)).toBe(true);
    expect(off.equals(buildUpload(build))).toBe(true);
    const bad = { ...build, queries: [{ ...queries[0]!, birthDate: 'not a date' }] };
    const failure = await parser.buildBulkUpload(bad).catch((e: unknown) => e);
    expect(isTerminalError(failure, 'TERMINAL_INVALID_QUERY')).toBe(true);
    expect(() => buildUpload(bad)).toThrow((failure as Error).message);
  });

  it('a worker dying mid-parse: the parse is rejected, the answer read again by a new worker, each visit recorded once', async () => {
    const visits = saveMany(BATCH, 6000);
    await startSim(visits);
    const dying = dyingParser(1);
    client = clientWith(dying);
    const summary = await reconciler().run({ once: true });
    expect(dying.killed).toBe(1);
    expect(parser.starts).toBe(2);
    expect(summary).toMatchObject({
      processed: BATCH,
      failed: 0,
      decisions: { current: BATCH },
      bulk: { batches: 1, answered: BATCH, fallback: 0 },
    });
    expect(recordsPerVisit(visits)).toEqual(visits.map(() => 1));
    expect(unwrap(store.listOutbox({ limit: 1 })).counts).toMatchObject({ pending: 0, inflight: 0 });
    // the answer was not refused for it: nothing set aside in res/
    expect(readdirSync(path.join(shareDir, 'res')).filter((f) => f.includes('.rejected-'))).toEqual([]);
  });

  it('a worker that keeps dying: the bulk exchange fails (TERMINAL_PARSER_FAILED), the jobs go to the single request, none lost or recorded twice', async () => {
    const visits = saveMany(BATCH, 7000);
    await startSim(visits);
    const dying = dyingParser(Number.POSITIVE_INFINITY);
    client = clientWith(dying, 1_500);
    const summary = await reconciler(1_500).run({ once: true });
    expect(dying.killed).toBeGreaterThan(1);
    expect(summary).toMatchObject({
      processed: BATCH,
      failed: 0,
      decisions: { current: BATCH },
      bulk: { batches: 1, failedBatches: 1, fallback: BATCH },
    });
    expect(unwrap(store.listAudit({ entity: 'reconcile_bulk' }))).toMatchObject([
      { action: 'reconcile.bulk_failed', detail: { code: 'TERMINAL_PARSER_FAILED', rows: BATCH } },
    ]);
    expect(recordsPerVisit(visits)).toEqual(visits.map(() => 1));
    expect(visits.map((v) => unwrap(store.latestReconciliation(v.id))!.detail.via)).toEqual(visits.map(() => 'single'));
    expect(unwrap(store.listOutbox({ limit: 1 })).counts).toMatchObject({ pending: 0, inflight: 0 });
  });
});

describe('store transactions sized by time', () => {
  it('a slow transaction makes the next one smaller, a quick one at most twice as large, within MIN_CHUNK..max', () => {
    expect(nextChunkSize(16, 16, 8, 25)).toBe(8);
    expect(nextChunkSize(8, 200, 8, 25)).toBe(MIN_CHUNK);
    expect(nextChunkSize(8, 200, 8, 2)).toBe(2);
    expect(nextChunkSize(8, 1, 8, 25)).toBe(16);
    expect(nextChunkSize(16, 1, 8, 25)).toBe(25);
    expect(nextChunkSize(4, 0, 60_000, 4)).toBe(4);
  });
});
