// The archived answers of a visit through the real dispatcher (visits.evidence, visits.evidenceFile): answers the
// reconciler received from the terminal simulator on real files (single requests in Shift_JIS, UTF-8 and zip, and
// a 一括照会 answer shared by a batch), listed per visit and read back as text decoded as the file declares; another
// visit's answer and unknown visits are refused.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { FileTerminalClient, TerminalSimulator, type SimulatorOptions } from '../../src/hardware/terminal/index.ts';
import { Reconciler } from '../../src/main/core/reconcile/reconciler.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { HANAKO, openTestStore, removeDir, tempDir, unwrap, visitWith } from './helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dataDir: string;
let shareDir: string;
let store: Store;
let sim: TerminalSimulator | undefined;
let client: FileTerminalClient;
let written: Map<string, Buffer>;

beforeEach(async () => {
  dataDir = tempDir('shikaku-evidence-data-');
  shareDir = tempDir('shikaku-evidence-share-');
  store = await openTestStore(dataDir);
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

const numbersOf = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });

async function reconcileAll(visits: Visit[], rules: NonNullable<SimulatorOptions['rules']>, bulkThreshold: number) {
  sim = await TerminalSimulator.start({
    dir: shareDir,
    pollMs: 20,
    registry: visits.map((v) => ({ ...HANAKO, number: v.evidence.insurance!.number })),
    rules,
    onLog: (e) => {
      const file = e.answerFile ? path.join(shareDir, 'res', e.answerFile) : undefined;
      if (file && existsSync(file)) written.set(e.answerFile!, readFileSync(file));
    },
  });
  return new Reconciler({
    store,
    terminal: client,
    timeoutMs: 5_000,
    concurrency: 1,
    bulk: { threshold: bulkThreshold, batchSize: 10, pollMs: 20 },
  }).run({ once: true });
}

function dispatcher() {
  const call = testDispatcher(testCoreDeps(store, dataDir));
  return async (name: string, input: unknown) => {
    const r = await call(name, input);
    if (!r) throw new Error('no response');
    // (the wire answer, checked against the contract by the dispatcher; the test reads fields by name)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return r as { ok: true; value: any } | { ok: false; error: { code: string; message: string } };
  };
}

describe('visits.evidence / visits.evidenceFile', () => {
  it('lists single answers (Shift_JIS, UTF-8, zip) and reads them back as text; refuses another visit’s file', async () => {
    const [sjis, utf8, zip] = [9001, 9002, 9003].map((n) => visitWith(numbersOf(String(n))));
    for (const v of [sjis, utf8, zip]) unwrap(store.saveVisit(v!));
    const summary = await reconcileAll(
      [sjis!, utf8!, zip!],
      [
        { match: { number: '9002' }, answer: { kind: 'registry', encoding: 'utf-8' } },
        { match: { number: '9003' }, answer: { kind: 'registry', format: 'zip' } },
      ],
      100,
    );
    expect(summary).toMatchObject({ processed: 3, decisions: { current: 3 } });
    const call = dispatcher();

    const cases = [
      [sjis!, 'shift_jis', false],
      [utf8!, 'utf-8', false],
      [zip!, 'shift_jis', true],
    ] as const;
    for (const [v, encoding, zipped] of cases) {
      const listed = await call('visits.evidence', { visitId: v.id });
      if (!listed.ok) throw new Error(listed.error.code);
      const items = listed.value.items as { file: string; sha256: string; size: number; via: string }[];
      expect(items).toHaveLength(1);
      const item = items[0]!;
      const raw = written.get(item.file)!;
      expect(raw).toBeDefined();
      expect(item).toMatchObject({ via: 'single', size: raw.length, rowId: null });
      expect(item.sha256).toBe(unwrap(store.latestReconciliation(v.id))!.detail.answerSha256);
      expect(item.file.endsWith(zipped ? '.zip' : '.xml')).toBe(true);

      const shown = await call('visits.evidenceFile', { visitId: v.id, sha256: item.sha256 });
      if (!shown.ok) throw new Error(shown.error.code);
      expect(shown.value).toMatchObject({ file: item.file, via: 'single', encoding, zipped, encodingWarning: null });
      const text = shown.value.text as string;
      expect(text).toMatch(/^<\?xml/);
      expect(text).toContain(HANAKO.name); // 山田 花子: decoded, not mojibake
      expect(text).toContain(`<InsuredIdentificationNumber>${v.evidence.insurance!.number}<`);
    }

    // Another visit's answer is never opened through this visit, nor is an unknown digest or visit.
    const other = unwrap(store.listAnswerEvidence(utf8!.id))[0]!.sha256;
    expect(await call('visits.evidenceFile', { visitId: sjis!.id, sha256: other })).toMatchObject({
      ok: false,
      error: { code: 'EVIDENCE_NOT_LINKED', message: 'この受付に保管された回答ファイルではありません。' },
    });
    expect(await call('visits.evidenceFile', { visitId: sjis!.id, sha256: 'f'.repeat(64) })).toMatchObject({
      ok: false,
      error: { code: 'EVIDENCE_NOT_LINKED' },
    });
    expect(await call('visits.evidenceFile', { visitId: sjis!.id, sha256: 'not-a-digest' })).toMatchObject({
      ok: false,
      error: { code: 'CONTRACT_INVALID_REQUEST' },
    });
    expect(await call('visits.evidence', { visitId: '0190f000-0000-7000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('a 一括照会 answer is listed for every visit of its batch (via bulk, its row) and reads back whole', async () => {
    const visits = [9101, 9102, 9103].map((n) => visitWith(numbersOf(String(n))));
    for (const v of visits) unwrap(store.saveVisit(v));
    const summary = await reconcileAll(visits, [], 3);
    expect(summary).toMatchObject({ processed: 3, bulk: { batches: 1, answered: 3 } });
    const call = dispatcher();
    const items = [];
    for (const v of visits) {
      const listed = await call('visits.evidence', { visitId: v.id });
      if (!listed.ok) throw new Error(listed.error.code);
      expect(listed.value.items).toHaveLength(1);
      items.push(listed.value.items[0] as { sha256: string; via: string; rowId: string; file: string });
    }
    expect(new Set(items.map((i) => i.sha256)).size).toBe(1);
    expect(items.every((i) => i.via === 'bulk')).toBe(true);
    expect(new Set(items.map((i) => i.rowId)).size).toBe(3);
    const shown = await call('visits.evidenceFile', { visitId: visits[1]!.id, sha256: items[1]!.sha256 });
    if (!shown.ok) throw new Error(shown.error.code);
    expect(shown.value).toMatchObject({ via: 'bulk', file: items[1]!.file });
    // the batch's answer: every person of it
    for (const v of visits) expect(shown.value.text).toContain(`>${v.evidence.insurance!.number}<`);
  });
});
