// `shikaku reconcile --once --json`, `shikaku export`, `shikaku returns …` run in-process the way bin/shikaku runs
// them, against a real journal of the docs/examples visits and the terminal simulator on real files.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUkeExport } from '../../src/claims/month-export.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { TerminalSimulator, type SimPerson } from '../../src/hardware/terminal/index.ts';
import { main } from '../../src/main/cli/main.ts';
import type { CliIO } from '../../src/main/cli/command.ts';
import { FIXTURES, HANAKO, ROOT, openTestStore, removeDir, tempDir, unwrap, visitWith } from './helpers.ts';

const EXAMPLES = readdirSync(path.join(ROOT, 'docs', 'examples'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const byName = new Map<string, Visit>(
  EXAMPLES.map((f) => [
    f.replace(/\.json$/, ''),
    JSON.parse(readFileSync(path.join(ROOT, 'docs', 'examples', f), 'utf8')) as Visit,
  ]),
);
const ex = (name: string) => byName.get(name)!;

const LOST: SimPerson = {
  ...HANAKO,
  insurerNumber: '01130012',
  symbol: '12-34',
  number: '5678',
  branch: '00',
  status: 'lost',
};
const SATO: SimPerson = {
  insurerNumber: '39131156',
  number: '00123456',
  name: '佐藤 一郎',
  birthDate: '1948-03-01',
  sex: 'male',
  copayPercent: 10,
};

let dataDir: string;
let shareDir: string;
let outDir: string;
let sim: TerminalSimulator;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), readStdin: async () => '' };
  const code = await main(argv, io);
  return { code, out, err };
}

const withData = (argv: string[]) => [...argv, '--data-dir', dataDir];

beforeEach(async () => {
  dataDir = tempDir('shikaku-cli-data-');
  shareDir = tempDir('shikaku-cli-share-');
  outDir = tempDir('shikaku-cli-out-');
  const store = await openTestStore(dataDir);
  for (const v of byName.values()) unwrap(store.saveVisit(v));
  store.close();
  sim = await TerminalSimulator.start({ dir: shareDir, pollMs: 50, registry: [HANAKO, LOST, SATO] });
});

afterEach(async () => {
  await sim.stop();
  removeDir(dataDir);
  removeDir(shareDir);
  removeDir(outDir);
});

async function reconcileOnce() {
  const r = await run(withData(['reconcile', '--once', '--json', '--terminal-dir', shareDir, '--timeout-ms', '10000']));
  expect(r.code).toBe(0);
  return { ...r, summary: JSON.parse(r.out) as Record<string, unknown> };
}

describe('shikaku reconcile / export / returns', () => {
  it('reconciles the journal of mixed visits into the expected ①②③ and exports the month', async () => {
    const { summary, err } = await reconcileOnce();
    expect(summary).toEqual({
      ok: true,
      total: 9,
      processed: 9,
      decisions: { current: 5, past: 2, unknown: 2, none: 0 },
      needsDecision: [],
      failed: 0,
      dead: 0,
      already: 0,
      ignoredAnswers: 0,
      paused: false,
      bulk: { batches: 0, failedBatches: 0, rows: 0, answered: 0, fallback: 0 },
    });
    expect(err).toContain('事後確認: 9 / 9 件');

    const store = await openTestStore(dataDir);
    const expected: Record<string, [string, string]> = {
      portal: ['current', 'terminal_valid'],
      'qualification-certificate': ['past', 'terminal_invalid_past'],
      // 該当資格なし for the card's numbers: ③ by default (claims setting notFoundWithEvidence)
      'insurance-card': ['unknown', 'unknown_no_declaration'],
      'notice-with-card': ['current', 'terminal_valid'],
      verbal: ['current', 'terminal_valid'],
      'declaration-unknown': ['unknown', 'unknown_declaration'],
      'declaration-known-numbers': ['current', 'terminal_valid'],
      'invalid-past': ['past', 'terminal_invalid_past'],
      'emergency-mode': ['current', 'terminal_valid'],
    };
    for (const [name, [decision, rule]] of Object.entries(expected)) {
      expect(unwrap(store.latestReconciliation(ex(name).id)), name).toMatchObject({ decision, detail: { rule } });
    }
    // A visit that still needs a decision (複数該当) in the same month: the export refuses and names it.
    const multiple = visitWith({ insurerNumber: '06132013', symbol: '1234', number: '5001', branch: '01' });
    unwrap(store.saveVisit(multiple));
    store.close();
    sim.addPerson({ ...HANAKO, number: '5001' });
    sim.addPerson({ ...HANAKO, number: '5001', personalFamily: '2' });
    const second = await reconcileOnce();
    expect(second.summary).toMatchObject({
      processed: 1,
      decisions: { none: 1 },
      needsDecision: [{ visitId: multiple.id, codes: ['MULTIPLE_MATCHES'] }],
    });

    const out = path.join(outDir, 'claims-2026-11.csv');
    const refused = await run(withData(['export', '--month', '2026-11', '--format', 'csv', '--out', out, '--json']));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({
      ok: false,
      code: 'EXPORT_REFUSED',
      errors: [{ code: 'EXPORT_NEEDS_DECISION', field: multiple.id }],
    });
    expect(existsSync(out)).toBe(false);

    // Staff void it (a duplicate reception); the month exports.
    const s2 = await openTestStore(dataDir);
    unwrap(s2.setVisitStatus(multiple.id, 'void', 'uketsuke-01', '重複受付'));
    s2.close();
    const written = await run(withData(['export', '--month', '2026-11', '--format', 'csv', '--out', out, '--json']));
    expect(written.code).toBe(0);
    expect(JSON.parse(written.out)).toMatchObject({ ok: true, visits: 9, reclaims: 0, encoding: 'shift_jis' });
    const bytes = readFileSync(out);
    const golden = path.join(FIXTURES, 'claims-2026-11.csv');
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(golden, bytes);
    }
    expect(bytes.equals(readFileSync(golden))).toBe(true);
    expect(iconv.decode(bytes, 'cp932')).toContain('旧資格情報');

    // UKE: one HO/SN/CO group per visit, numbers as decided; round-trips through parseUkeExport.
    const uke = path.join(outDir, 'claims-2026-11.uke');
    expect(
      (await run(withData(['export', '--month', '2026-11', '--format', 'uke', '--encoding', 'utf8', '--out', uke])))
        .code,
    ).toBe(0);
    const groups = parseUkeExport(readFileSync(uke, 'utf8'));
    expect(groups).toHaveLength(9);
    const insurers = groups.map((g) => g.find((r) => r.type === 'HO')!.fields[0]).sort();
    expect(insurers).toEqual(
      [
        '01130012',
        '01130012',
        '06132013',
        '06132013',
        '06132013',
        '06132013',
        '39131156',
        '77777777',
        '77777777',
      ].sort(),
    );

    // 不詳 list: the two ③ visits.
    const unknown = path.join(outDir, 'unknown.csv');
    expect(
      (
        await run(
          withData([
            'export',
            '--month',
            '2026-11',
            '--format',
            'unknown-list',
            '--encoding',
            'utf8',
            '--out',
            unknown,
          ]),
        )
      ).code,
    ).toBe(0);
    const lines = readFileSync(unknown, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).join('\n')).toContain(ex('declaration-unknown').id);
    expect(lines.slice(1).join('\n')).toContain(ex('insurance-card').id);
  });

  it('a returned claim is reconciled again and re-claimed in a later month', async () => {
    await reconcileOnce();
    const returned = ex('qualification-certificate');
    const add = await run(
      withData([
        'returns',
        'add',
        '--visit',
        returned.id,
        '--month',
        '2026-11',
        '--reclaim-month',
        '2026-12',
        '--reason',
        '資格喪失後の受診',
        '--staff',
        'uketsuke-01',
        '--json',
      ]),
    );
    expect(add.code).toBe(0);
    const ret = JSON.parse(add.out) as { id: string; outboxKey: string; status: string; seq: number };
    expect(ret).toMatchObject({ ok: true, seq: 1, status: 'open', outboxKey: `${returned.id}:reconcile:r1` });

    let store = await openTestStore(dataDir);
    expect(unwrap(store.getVisit(returned.id)).status).toBe('returned');
    expect(unwrap(store.listOutbox({ status: 'pending' })).jobs.map((j) => j.idempotencyKey)).toEqual([ret.outboxKey]);
    store.close();
    const open = await run(withData(['returns', 'list', '--open', '--json']));
    expect(JSON.parse(open.out)).toMatchObject([
      { id: ret.id, visitId: returned.id, claimMonth: '2026-11', reclaimMonth: '2026-12' },
    ]);

    // The insurer now reports a newer 資格 for the lost one: the re-reconciliation finds ①.
    sim.registry = sim.registry.map((p) =>
      p.number === '5678'
        ? { ...p, newer: { insurerNumber: '06132013', symbol: '99', number: '4321', branch: '00' } }
        : p,
    );
    const again = await reconcileOnce();
    expect(again.summary).toMatchObject({ total: 1, processed: 1, decisions: { current: 1 } });
    store = await openTestStore(dataDir);
    expect(unwrap(store.listReconciliations(returned.id)).map((r) => [r.key, r.decision])).toEqual([
      [`${returned.id}:reconcile`, 'past'],
      [ret.outboxKey, 'current'],
    ]);
    expect(unwrap(store.getVisit(returned.id)).status).toBe('reconciled');
    store.close();

    const out = path.join(outDir, 'claims-2026-12.csv');
    const exp = await run(
      withData(['export', '--month', '2026-12', '--format', 'csv', '--encoding', 'utf8', '--out', out, '--json']),
    );
    expect(exp.code).toBe(0);
    expect(JSON.parse(exp.out)).toMatchObject({ visits: 1, reclaims: 1 });
    const rows = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/reclaim_of_month,return_id$/);
    expect(rows[1]).toContain(returned.id);
    expect(rows[1]).toContain('4321');
    expect(rows[1]).toMatch(new RegExp(`2026-11,${ret.id}$`));
    expect(JSON.parse((await run(withData(['returns', 'list', '--open', '--json']))).out)).toEqual([]);
    expect(JSON.parse((await run(withData(['returns', 'list', '--json']))).out)).toMatchObject([
      { id: ret.id, status: 'reclaimed' },
    ]);

    store = await openTestStore(dataDir);
    const actions = unwrap(store.listAudit({ entity: 'visit', entityId: returned.id }))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.action);
    expect(actions).toEqual(['visit.create', 'visit.reconcile', 'visit.return', 'visit.reconcile', 'return.reclaimed']);
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
    store.close();
  });

  it('refuses bad usage and unknown visits', async () => {
    expect((await run(['reconcile', '--once'])).code).toBe(2);
    expect((await run(withData(['export', '--month', '2026-13', '--format', 'csv', '--out', 'x']))).code).toBe(2);
    expect((await run(withData(['export', '--month', '2026-11', '--format', 'pdf', '--out', 'x']))).code).toBe(2);
    const missing = await run(
      withData(['returns', 'add', '--visit', 'nope', '--month', '2026-11', '--reason', 'x', '--json']),
    );
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('shikaku evidence writes the archived terminal answer back out, byte-identical, named by its sha256', async () => {
    const written = new Map<string, Buffer>();
    const capture = (e: { answerFile?: string }) => {
      const f = e.answerFile ? path.join(shareDir, 'res', e.answerFile) : undefined;
      if (f && existsSync(f)) written.set(e.answerFile!, readFileSync(f));
    };
    await sim.stop();
    sim = await TerminalSimulator.start({
      dir: shareDir,
      pollMs: 50,
      registry: [HANAKO, LOST, SATO],
      onLog: capture,
    });
    await reconcileOnce();
    const visit = ex('portal');
    const store = await openTestStore(dataDir);
    const detail = unwrap(store.latestReconciliation(visit.id))!.detail;
    store.close();

    const target = path.join(outDir, 'evidence');
    const r = await run(withData(['evidence', visit.id, '--out', target, '--json']));
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as {
      evidence: { file: string; sha256: string; request: string }[];
      written: { file: string; sha256: string }[];
    };
    expect(res.evidence).toHaveLength(1);
    expect(res.evidence[0]).toMatchObject({ request: 'qualification', sha256: detail.answerSha256 });
    const out = readFileSync(res.written[0]!.file);
    expect(createHash('sha256').update(out).digest('hex')).toBe(detail.answerSha256);
    expect(Buffer.compare(out, written.get(res.evidence[0]!.file)!)).toBe(0);
    // the answer file itself left res/ once it was archived
    expect(existsSync(path.join(shareDir, 'res', res.evidence[0]!.file))).toBe(false);

    const text = await run(withData(['evidence', visit.id]));
    expect(text.out).toContain(String(detail.answerSha256));
    const none = await run(withData(['evidence', '0193a0c0-0000-7000-8000-000000000000', '--json']));
    expect(none.code).toBe(1);
    expect(JSON.parse(none.out)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
