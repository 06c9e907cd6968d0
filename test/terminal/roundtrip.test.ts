// Client and simulator speaking the real file format through real folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { FileTerminalClient, type TerminalClientOptions } from '../../src/hardware/terminal/client.ts';
import { TerminalSimulator, type SimulatorOptions, type SimPerson } from '../../src/hardware/terminal/simulator.ts';
import { TerminalError } from '../../src/hardware/terminal/errors.ts';
import { TAKAHASHI, YAMADA, makeShare, tempDir, until } from './helpers.ts';

const MIC = '1312345678';

const takahashi: SimPerson = TAKAHASHI; // 国保: travels as 00138057
const yamada: SimPerson = { ...YAMADA, status: 'lost' };
const yamadaMoved: SimPerson = {
  ...yamada,
  number: '0457',
  newer: { insurerNumber: '01130017', symbol: '12345', number: '067', branch: '00', copayPercent: 30 },
};

const q = (p: SimPerson, over: Record<string, string> = {}) => ({
  insurerNumber: p.insurerNumber,
  symbol: p.symbol ?? '',
  number: p.number,
  branch: p.branch ?? '',
  birthDate: p.birthDate,
  medicalInstitutionCode: MIC,
  ...over,
});

let share: { dir: string; cleanup: () => void };
const open: { close(): Promise<void> }[] = [];

async function sim(opts: Partial<SimulatorOptions> = {}): Promise<TerminalSimulator> {
  const s = await TerminalSimulator.start({
    dir: share.dir,
    registry: [takahashi, yamada, yamadaMoved],
    pollMs: 50,
    ...opts,
  });
  open.push({ close: () => s.stop() });
  return s;
}

function client(opts: Partial<TerminalClientOptions> = {}): FileTerminalClient {
  const c = new FileTerminalClient({
    dir: share.dir,
    timeoutMs: 10_000,
    pollMs: 50,
    settleMs: 20,
    medicalInstitutionCode: MIC,
    ...opts,
  });
  open.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<TerminalError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TerminalError) return e;
    throw e;
  }
  throw new Error('expected a TerminalError');
}

const watchers = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
const files = (sub: string) => readdirSync(path.join(share.dir, sub)).sort();

beforeEach(() => {
  share = tempDir();
});

afterEach(async () => {
  while (open.length) await open.pop()!.close();
  share.cleanup();
});

describe('answer kinds, round trip', () => {
  it('valid (有効): Shift_JIS kanji name decoded, leading zeros kept, ● flagged, request consumed', async () => {
    const s = await sim();
    const c = client();
    const r = await c.confirm(q(takahashi), { key: 'visit-001' });
    expect(r).toMatchObject({ key: 'visit-001', reused: false, format: 'xml', file: 'OQSsiquc01res_visit-001.xml' });
    const rec = r.answer.body.results[0]!;
    expect(r.answer.encoding).toBe('shift_jis');
    expect(rec).toMatchObject({
      name: '髙橋　●美',
      nameKana: 'ﾀｶﾊｼ ｴﾐ',
      insurerNumber: '00138057',
      insurerNumberUnpadded: '138057',
      insuredCardSymbol: '0012',
      insuredIdentificationNumber: '0001234',
      insuredBranchNumber: '01',
      insuredPartialContributionRatio: '020',
    });
    expect(rec.nameHasUnrepresentable).toBe(true);
    expect(r.finding).toMatchObject({
      validity: 'valid',
      name: '髙橋　●美',
      birthDate: '1950-01-05',
      sex: 'female',
      copayPercent: 20,
      insurance: { insurerNumber: '138057', symbol: '0012', number: '0001234', branch: '01' },
    });
    // the answer file really is Shift_JIS with the documented declaration
    const raw = readFileSync(path.join(share.dir, 'res', r.file));
    expect(raw.toString('latin1').startsWith('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>')).toBe(true);
    expect(raw.includes(Buffer.from('髙橋', 'utf8'))).toBe(false);
    // the simulator saw our request with our key; nothing (no temp files) is left in req/
    // (the simulator logs after its write is complete, so the client can be first)
    await s.waitFor((l) => l.key === 'visit-001');
    expect(s.log).toEqual([
      expect.objectContaining({ key: 'visit-001', request: 'qualification', answer: 'registry' }),
    ]);
    expect(files('req')).toEqual([]);
    expect(c.health()).toMatchObject({ lastOutcome: 'answered', consecutiveFailures: 0, pending: 0 });
  });

  it('invalid (無効): the lost numbers', async () => {
    await sim();
    const r = await client().confirm(q(yamada), { key: 'visit-002' });
    expect(r.finding).toMatchObject({
      validity: 'invalid',
      insurance: { insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', branch: '00' },
    });
    expect(r.answer.body.results[0]!.reasonOfLoss).toBe('1');
  });

  it('invalid_newer (無効(新しい資格あり)): the newer 資格', async () => {
    await sim();
    const r = await client().confirm(q(yamadaMoved), { key: 'visit-003' });
    expect(r.finding).toMatchObject({
      validity: 'invalid_newer',
      insurance: { insurerNumber: '06130012', number: '0457' },
      newerInsurance: { insurerNumber: '01130017', symbol: '12345', number: '067', branch: '00' },
    });
  });

  it('not_found (該当資格なし)', async () => {
    await sim();
    const r = await client().confirm(q(takahashi, { number: '9999999' }), { key: 'visit-004' });
    expect(r.finding?.validity).toBe('not_found');
    expect(r.finding?.insurance).toBeUndefined();
  });

  it('multiple (複数該当): twins on one card, queried without 枝番', async () => {
    await sim({ registry: [takahashi, { ...takahashi, branch: '02', name: '髙橋　双子' }] });
    const r = await client().confirm(q(takahashi, { branch: '' }), { key: 'visit-005' });
    expect(r.finding?.validity).toBe('multiple');
  });

  it('SegmentOfResult 9 → TERMINAL_ERROR_SEGMENT with the terminal code, staff text in Japanese', async () => {
    await sim({
      rules: [
        {
          match: { number: takahashi.number },
          answer: { kind: 'error_segment', errorCode: 'EOQS1234', errorMessage: '接続できません' },
        },
      ],
    });
    const e = await failure(client().confirm(q(takahashi), { key: 'visit-006' }));
    expect(e.code).toBe('TERMINAL_ERROR_SEGMENT');
    expect(e.details).toMatchObject({ errorCode: 'EOQS1234', errorMessage: '接続できません', key: 'visit-006' });
    expect(e.messageJa).toContain('EOQS1234');
    expect(e.retryable).toBe(true);
  });

  it('ProcessingResultStatus 2 → TERMINAL_PROCESSING_ERROR, not retryable', async () => {
    await sim({ defaultAnswer: { kind: 'processing_error', processingResultCode: 'E0101' } });
    const e = await failure(client().confirm(q(takahashi), { key: 'visit-007' }));
    expect(e).toMatchObject({
      code: 'TERMINAL_PROCESSING_ERROR',
      retryable: false,
      details: { processingResultCode: 'E0101' },
    });
  });

  it('slow: a late answer is still taken', async () => {
    await sim({ defaultAnswer: { kind: 'valid', delayMs: 300 } });
    const r = await client().confirm(q(takahashi), { key: 'visit-008' });
    expect(r.finding?.validity).toBe('valid');
  });

  it('never: TERMINAL_TIMEOUT, the request stays waiting in req/, health counts the failure', async () => {
    const s = await sim({ defaultAnswer: { kind: 'never' } });
    const c = client();
    const e = await failure(c.confirm(q(takahashi), { key: 'visit-009', timeoutMs: 300 }));
    expect(e).toMatchObject({
      code: 'TERMINAL_TIMEOUT',
      retryable: true,
      details: { key: 'visit-009', timeoutMs: 300 },
    });
    expect(e.messageJa).toMatch(/応答がありません/);
    await s.waitFor((l) => l.key === 'visit-009');
    expect(s.log.map((l) => l.answer)).toEqual(['never']);
    expect(files('req')).toEqual(['OQSsiquc01req_visit-009.xml']);
    expect(c.health()).toMatchObject({ lastOutcome: 'TERMINAL_TIMEOUT', consecutiveFailures: 1, pending: 0 });
    const e2 = await failure(c.confirm(q(takahashi), { key: 'visit-009b', timeoutMs: 200 }));
    expect(e2.code).toBe('TERMINAL_TIMEOUT');
    expect(c.health().consecutiveFailures).toBe(2);
  });

  it('malformed: TERMINAL_MALFORMED_ANSWER, and the bad answer is set aside, not deleted', async () => {
    await sim({ defaultAnswer: { kind: 'malformed' } });
    const e = await failure(client().confirm(q(takahashi), { key: 'visit-010' }));
    expect(e.code).toBe('TERMINAL_MALFORMED_ANSWER');
    expect(files('res')).toEqual([expect.stringMatching(/^OQSsiquc01res_visit-010\.xml\.rejected-\d+$/)]);
  });

  it('truncated and never completed: TERMINAL_MALFORMED_ANSWER once the file stops changing', async () => {
    await sim({ defaultAnswer: { kind: 'truncated' } });
    const e = await failure(client({ stableReads: 3 }).confirm(q(takahashi), { key: 'visit-011' }));
    expect(e.code).toBe('TERMINAL_MALFORMED_ANSWER');
  });

  it('truncated, then completed by a slow writer: the half file is not taken, the whole one is', async () => {
    await sim({ defaultAnswer: { kind: 'truncated', completeAfterMs: 200 } });
    // patient enough that only completion (not stability) can end the wait
    const r = await client({ stableReads: 100_000, settleMs: 20, timeoutMs: 20_000 }).confirm(q(takahashi), {
      key: 'visit-012',
    });
    expect(r.finding?.validity).toBe('valid');
    expect(r.answer.body.results[0]!.name).toBe('髙橋　●美');
  });

  it('UTF-8 body declared Shift_JIS: decoded right and flagged', async () => {
    await sim({ defaultAnswer: { kind: 'valid', encoding: 'utf-8-declared-shift_jis' } });
    const r = await client().confirm(q(takahashi), { key: 'visit-013' });
    expect(r.answer.encoding).toBe('utf-8');
    expect(r.answer.encodingWarning).toBe('declared_shift_jis_but_utf8');
    expect(r.finding?.name).toBe('髙橋　●美');
  });

  it('UTF-8 answer with CharacterCodeIdentifier 0', async () => {
    await sim({ defaultAnswer: { kind: 'valid', encoding: 'utf-8' } });
    const r = await client().confirm(q(takahashi), { key: 'visit-014' });
    expect(r.answer.encoding).toBe('utf-8');
    expect(r.answer.header.characterCodeIdentifier).toBe('0');
    expect(r.answer.encodingWarning).toBeUndefined();
    expect(r.finding?.name).toBe('髙橋　●美');
  });

  it('zip answer', async () => {
    await sim({ defaultAnswer: { kind: 'registry', format: 'zip' } });
    const r = await client().confirm(q(takahashi), { key: 'visit-015' });
    expect(r).toMatchObject({ format: 'zip', file: 'OQSsiquc01res_visit-015.zip' });
    expect(r.finding).toMatchObject({ validity: 'valid', copayPercent: 20 });
  });

  it('unknown elements in an answer are kept', async () => {
    await sim({
      defaultAnswer: { kind: 'valid', extraHeader: { NewHeaderThing: '0042' }, extraBody: { NewBodyThing: 'あ' } },
    });
    const r = await client().confirm(q(takahashi), { key: 'visit-016' });
    expect(r.answer.header.extra).toEqual({ NewHeaderThing: '0042' });
    expect(r.answer.body.extra).toEqual({ NewBodyThing: 'あ' });
  });

  it('answer for another key: TERMINAL_KEY_MISMATCH, not applied; asking again gets a fresh answer', async () => {
    const s = await sim({ rules: [{ match: {}, answer: { kind: 'wrong_key', foundKey: 'someone-else' }, times: 1 }] });
    const c = client();
    const e = await failure(c.confirm(q(takahashi), { key: 'visit-017' }));
    expect(e).toMatchObject({ code: 'TERMINAL_KEY_MISMATCH', details: { key: 'visit-017', foundKey: 'someone-else' } });
    expect(files('res')).toEqual([expect.stringMatching(/^OQSsiquc01res_visit-017\.xml\.rejected-/)]);
    const r = await c.confirm(q(takahashi), { key: 'visit-017' });
    expect(r).toMatchObject({ reused: false, finding: { validity: 'valid' } });
    expect(r.answer.header.arbitraryFileIdentifier).toBe('visit-017');
    await s.waitFor((l) => l.answer === 'registry');
    expect(s.log.map((l) => l.answer)).toEqual(['wrong_key', 'registry']);
  });

  it('the connector refusing the request (.err): TERMINAL_REQUEST_REJECTED', async () => {
    await sim({ defaultAnswer: { kind: 'reject' } });
    const e = await failure(client().confirm(q(takahashi), { key: 'visit-018' }));
    expect(e.code).toBe('TERMINAL_REQUEST_REJECTED');
  });

  it('works by polling alone when the share delivers no change notifications', async () => {
    await sim({ watch: false });
    const r = await client({ watch: false }).confirm(q(takahashi), { key: 'visit-019' });
    expect(r.finding?.validity).toBe('valid');
  });

  it('concurrent requests each get their own answer; the same key twice is one request', async () => {
    const s = await sim();
    const c = client();
    const [a, b, a2] = await Promise.all([
      c.confirm(q(takahashi), { key: 'visit-020' }),
      c.confirm(q(yamada), { key: 'visit-021' }),
      c.confirm(q(takahashi), { key: 'visit-020' }),
    ]);
    expect(a.finding?.validity).toBe('valid');
    expect(b.finding?.validity).toBe('invalid');
    expect(a2.answer).toEqual(a.answer);
    await s.waitFor((l) => l.key === 'visit-021');
    await s.waitFor((l) => l.key === 'visit-020');
    expect(s.log.filter((l) => l.key === 'visit-020')).toHaveLength(1);
  });
});

describe('restart', () => {
  it('an answer already in res/ for a key is used, no new request is written', async () => {
    const s = await sim();
    const first = client();
    const r1 = await first.confirm(q(takahashi), { key: 'visit-030' });
    await first.close();
    await s.waitFor((l) => l.key === 'visit-030');
    const second = client();
    const r2 = await second.confirm(q(takahashi), { key: 'visit-030' });
    expect(r2.reused).toBe(true);
    expect(r2.answer).toEqual(r1.answer);
    expect(s.log.filter((l) => l.key === 'visit-030')).toHaveLength(1);
    expect(files('req')).toEqual([]);
    // once stored by the caller, the answer can be discarded; asking again then really asks
    await second.discardAnswer('visit-030');
    const r3 = await second.confirm(q(takahashi), { key: 'visit-030' });
    expect(r3.reused).toBe(false);
    await until(() => s.log.filter((l) => l.key === 'visit-030').length === 2);
  });

  it('a request still waiting in req/ is not written again; its answer is picked up', async () => {
    await makeShare(share.dir);
    const first = client();
    await failure(first.confirm(q(takahashi), { key: 'visit-031', timeoutMs: 100 })); // connector down
    await first.close();
    const reqFile = path.join(share.dir, 'req', 'OQSsiquc01req_visit-031.xml');
    const before = statSync(reqFile);
    const second = client();
    const pending = second.confirm(q(takahashi), { key: 'visit-031' });
    await until(() => second.health().pending === 1);
    const after = statSync(reqFile);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    const s = await sim(); // connector back
    const r = await pending;
    expect(r.finding?.validity).toBe('valid');
    await s.waitFor((l) => l.key === 'visit-031');
    expect(s.log.filter((l) => l.key === 'visit-031')).toHaveLength(1);
  });
});

describe('share health', () => {
  it('missing share: TERMINAL_SHARE_MISSING, probe says so', async () => {
    const c = client({ dir: path.join(share.dir, 'nowhere') });
    const e = await failure(c.confirm(q(takahashi), { key: 'visit-040' }));
    expect(e.code).toBe('TERMINAL_SHARE_MISSING');
    const st = await c.probe();
    expect(st).toMatchObject({
      ok: false,
      problem: 'TERMINAL_SHARE_MISSING',
      folders: { req: { exists: false }, res: { exists: false } },
    });
    expect(st.lastAnswer).toMatchObject({ lastOutcome: 'TERMINAL_SHARE_MISSING', consecutiveFailures: 1 });
  });

  it('probe on a working share: folders exist, req writable, no probe file left behind', async () => {
    await sim();
    const c = client();
    await c.confirm(q(takahashi), { key: 'visit-041' });
    const st = await c.probe();
    expect(st).toMatchObject({
      ok: true,
      folders: { req: { exists: true, writable: true }, res: { exists: true, readable: true }, face: { exists: true } },
    });
    expect(st.problem).toBeUndefined();
    expect(st.lastAnswer.lastOutcome).toBe('answered');
    expect(files('req')).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)(
    'read-only req/: probe reports TERMINAL_SHARE_NOT_WRITABLE and confirm fails so',
    async () => {
      await makeShare(share.dir);
      await chmod(path.join(share.dir, 'req'), 0o555);
      try {
        const c = client();
        expect((await c.probe()).problem).toBe('TERMINAL_SHARE_NOT_WRITABLE');
        expect((await failure(c.confirm(q(takahashi), { key: 'visit-042' }))).code).toBe('TERMINAL_SHARE_NOT_WRITABLE');
      } finally {
        await chmod(path.join(share.dir, 'req'), 0o755);
      }
    },
  );

  it('close() rejects what is pending with TERMINAL_CLOSED and leaves no watchers or timers', async () => {
    // closed watchers leave the handle list one loop turn later: let earlier tests' handles go first
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const baseline = watchers();
    const s = await sim({ defaultAnswer: { kind: 'never' } });
    const c = client();
    const stopFace = c.onFace(() => undefined);
    const pending = c.confirm(q(takahashi), { key: 'visit-043' });
    await s.waitFor((l) => l.key === 'visit-043');
    await until(() => c.health().pending === 1);
    expect(watchers()).toBeGreaterThan(baseline);
    await c.close();
    expect((await failure(pending)).code).toBe('TERMINAL_CLOSED');
    stopFace();
    await s.stop();
    await until(() => watchers() === baseline);
    expect(c.health().pending).toBe(0);
    expect(existsSync(path.join(share.dir, 'req', 'OQSsiquc01req_visit-043.xml'))).toBe(true);
  });
});
