// 一括照会: upload many queries (OQSmuquc01req_), fetch the results by ReceptionNumber (OQSmuquc02req_).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTerminalClient } from '../../src/hardware/terminal/client.ts';
import { TerminalSimulator, type SimulatorOptions } from '../../src/hardware/terminal/simulator.ts';
import { TerminalError } from '../../src/hardware/terminal/errors.ts';
import { tempDir } from './helpers.ts';

let share: { dir: string; cleanup: () => void };
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  share = tempDir();
});
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  share.cleanup();
});

async function setup(opts: Partial<SimulatorOptions> = {}) {
  const sim = await TerminalSimulator.start({
    dir: share.dir,
    pollMs: 50,
    registry: [
      {
        insurerNumber: '39131015',
        number: '00098765',
        name: '佐藤　花子',
        birthDate: '1940-07-10',
        sex: 'female',
        copayPercent: 10,
      },
      {
        insurerNumber: '138057',
        symbol: '0099',
        number: '0000001',
        branch: '01',
        name: '鈴木　●',
        birthDate: '2001-04-01',
        sex: 'male',
        copayPercent: 30,
        status: 'lost',
      },
    ],
    ...opts,
  });
  const c = new FileTerminalClient({
    dir: share.dir,
    pollMs: 50,
    settleMs: 20,
    timeoutMs: 10_000,
    medicalInstitutionCode: '1312345678',
  });
  closers.push(
    () => sim.stop(),
    () => c.close(),
  );
  return { sim, c };
}

const queries = [
  { insurerNumber: '39131015', number: '00098765', birthDate: '1940-07-10', rowId: 'visit-a' },
  {
    insurerNumber: '138057',
    symbol: '0099',
    number: '0000001',
    branch: '01',
    birthDate: '2001-04-01',
    rowId: 'visit-b',
  },
  { insurerNumber: '06130012', number: '1', birthDate: '1990-01-01', rowId: 'visit-c' },
];

describe('一括照会', () => {
  it('upload, fetch while 処理中, fetch again: one row per query, matched back by row id', async () => {
    const { sim, c } = await setup({ bulkProcessingFetches: 1 });
    const up = await c.bulkUpload(queries, { key: 'bulk-001' });
    expect(up.receptionNumber).toMatch(/^R\d+$/);
    expect(up.answer.header.arbitraryFileIdentifier).toBe('bulk-001');

    const wait = await c.bulkFetch(up.receptionNumber, { key: 'bulk-001-f1' });
    expect(wait.status).toBe('processing');
    expect(wait.rows).toEqual([]);

    const done = await c.bulkFetch(up.receptionNumber, { key: 'bulk-001-f2' });
    expect(done.status).toBe('done');
    expect(done.answer.numberOfProcessingResult).toBe('3');
    const byRow = Object.fromEntries(done.rows.map((r) => [r.rowId, r]));
    expect(Object.keys(byRow).sort()).toEqual(['visit-a', 'visit-b', 'visit-c']);
    expect(byRow['visit-a']!.finding).toMatchObject({
      validity: 'valid',
      name: '佐藤　花子',
      copayPercent: 10,
      insurance: { insurerNumber: '39131015', number: '00098765' },
    });
    expect(byRow['visit-b']!.finding).toMatchObject({
      validity: 'invalid',
      insurance: { insurerNumber: '138057', symbol: '0099', number: '0000001', branch: '01' },
    });
    expect(byRow['visit-b']!.unit.results[0]).toMatchObject({
      insurerNumber: '00138057',
      nameHasUnrepresentable: true,
    });
    expect(byRow['visit-c']!.finding).toMatchObject({ validity: 'not_found' });
    await sim.waitFor((l) => l.key === 'bulk-001-f2');
    expect(sim.log.map((l) => l.request)).toEqual(['bulk_upload', 'bulk_fetch', 'bulk_fetch']);
  });

  it('a zip result is read too', async () => {
    const { c } = await setup({
      rules: [{ match: { request: 'bulk_fetch' }, answer: { kind: 'registry', format: 'zip' } }],
    });
    const up = await c.bulkUpload(queries.slice(0, 1), { key: 'bulk-002' });
    const done = await c.bulkFetch(up.receptionNumber, { key: 'bulk-002-f1' });
    expect(done.status).toBe('done');
    expect(done.rows[0]!.finding?.validity).toBe('valid');
  });

  it('an unknown reception number → TERMINAL_ERROR_SEGMENT; a lost upload answer → TERMINAL_TIMEOUT', async () => {
    const { c, sim } = await setup();
    await expect(c.bulkFetch('R0000', { key: 'bulk-003-f1' })).rejects.toMatchObject({
      code: 'TERMINAL_ERROR_SEGMENT',
      details: { errorCode: 'EOQS0404' },
    });
    sim.setRules([{ match: { request: 'bulk_upload' }, answer: { kind: 'never' } }]);
    const e = await c.bulkUpload(queries, { key: 'bulk-004', timeoutMs: 200 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TerminalError);
    expect((e as TerminalError).code).toBe('TERMINAL_TIMEOUT');
  });
});
