// `shikaku reconcile --once --json`, `shikaku export`, `shikaku returns …` run in-process the way bin/shikaku runs
// them, against a real journal of the docs/examples visits and the terminal simulator on real files.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/claims/export.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { TerminalSimulator, type SimPerson } from '../../src/hardware/terminal/index.ts';
import { main } from '../../src/main/cli/main.ts';
import type { CliIO } from '../../src/main/cli/command.ts';
import { ukeText, type Receipt } from '../claims/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
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
      decisions: { current: 5, past: 2, unknown: 1, none: 1 },
      // 該当資格なし for the 保険証's numbers: ③ proposed, staff check the typed numbers first (issue #12)
      needsDecision: [{ visitId: ex('insurance-card').id, codes: ['TERMINAL_NOT_FOUND_REVIEW'] }],
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
      // 該当資格なし for the card's numbers: 要確認 with ③ proposed (claims setting notFoundWithEvidence)
      'insurance-card': ['none', 'unknown_no_declaration'],
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
    const refusal = JSON.parse(refused.out) as { code: string; errors: { code: string; field: string }[] };
    expect(refusal.code).toBe('EXPORT_REFUSED');
    expect(refusal.errors.map((e) => [e.code, e.field]).sort()).toEqual(
      [
        ['EXPORT_NEEDS_DECISION', multiple.id],
        ['EXPORT_NEEDS_DECISION', ex('insurance-card').id],
      ].sort(),
    );
    expect(existsSync(out)).toBe(false);

    // Staff void the duplicate and accept ③ for the 保険証 the terminal does not know; the month exports.
    const s2 = await openTestStore(dataDir);
    unwrap(s2.setVisitStatus(multiple.id, 'void', 'uketsuke-01', '重複受付'));
    unwrap(s2.reviewVisit({ action: 'accept', visitId: ex('insurance-card').id, staff: 'uketsuke-01' }));
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

    // レセコン入力票: one row per visit by カルテ番号, 本人/家族 and each 摘要 line; the ③ rows begin with 「不詳」.
    const sheet = path.join(outDir, 'input-sheet-2026-11.csv');
    const sheetRun = await run(
      withData(['export', '--month', '2026-11', '--format', 'input-sheet', '--encoding', 'utf8', '--out', sheet]),
    );
    expect(sheetRun.code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(sheet, 'utf8'));
    expect(rows).toHaveLength(9);
    const col = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[col('保険者番号')]).sort()).toEqual(
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
    for (const r of rows.filter((x) => x[col('請求区分')] === '③不詳')) {
      expect(r[col('番号')]).toBe('777777777');
      expect(r[col('摘要1')]).toBe('不詳');
    }

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

  it('請求前点検: `export --check-uke` lists the outage visits whose HO / 摘要 in the レセコン`s UKE file differ', async () => {
    await reconcileOnce();
    const store = await openTestStore(dataDir);
    unwrap(store.reviewVisit({ action: 'accept', visitId: ex('insurance-card').id, staff: 'uketsuke-01' }));
    // One visit per patient left in the month (山田 花子's others void), as one RE per patient and month holds.
    for (const name of [
      'insurance-card',
      'qualification-certificate',
      'verbal',
      'declaration-known-numbers',
      'invalid-past',
      'emergency-mode',
    ])
      unwrap(store.setVisitStatus(ex(name).id, 'void', 'uketsuke-01', '点検テスト'));
    store.close();
    const sheet = path.join(outDir, 'input-sheet.csv');
    expect(
      (
        await run(
          withData(['export', '--month', '2026-11', '--format', 'input-sheet', '--encoding', 'utf8', '--out', sheet]),
        )
      ).code,
    ).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(sheet, 'utf8'));
    const col = (name: string) => header!.indexOf(name);
    // What staff enter from the 入力票 is what the レセコン writes.
    const receipts: Receipt[] = rows.map((r) => ({
      patientId: r[col('カルテ番号')]!,
      name: r[col('氏名')]!,
      birth: r[col('生年月日')]!.replace(/-/g, ''),
      ho: [r[col('保険者番号')]!, r[col('記号')]!, r[col('番号')]!],
      branch: r[col('枝番')]!,
      comments: header!.flatMap((h, i) => (h.startsWith('摘要') && r[i] ? [r[i]!] : [])),
    }));
    expect(receipts.map((r) => [r.patientId, r.ho.join(' '), r.comments?.[0] ?? ''])).toEqual([
      ['P000123', '06132013 1234 567', ''],
      ['P000200', '39131156  00123456', ''],
      ['', '77777777  777777777', '不詳'],
    ]);
    const uke = path.join(outDir, 'RECEIPTC.UKE');
    writeFileSync(uke, iconv.encode(ukeText(receipts), 'cp932'));
    const clean = await run(withData(['export', '--month', '2026-11', '--check-uke', uke]));
    expect(clean).toMatchObject({
      code: 0,
      out: '請求前点検 2026-11: レセプト 3 件、障害時の受付 3 件、相違 0 件、ファイルの問題 0 件\n',
    });

    // The レセコン kept the old numbers for 山田 花子 and dropped 「不詳」 for 鈴木 次郎.
    receipts[0]!.ho = ['01130012', '12-34', '5678'];
    receipts[2]!.comments = receipts[2]!.comments?.slice(1);
    writeFileSync(uke, iconv.encode(ukeText(receipts, '\n'), 'cp932'));
    const differs = await run(withData(['export', '--month', '2026-11', '--check-uke', uke]));
    expect(differs.code).toBe(1);
    expect(differs.out).toBe(
      [
        '請求前点検 2026-11: レセプト 3 件、障害時の受付 3 件、相違 2 件、ファイルの問題 0 件',
        '行 3: 山田 花子（カルテ番号 P000123） 2026-11-20 ①現資格: 保険者番号・記号・番号が判定と違います（UKE: 01130012 １２－３４ ５６７８、判定: 06132013 1234 567）。',
        `行 12: 鈴木 次郎（生年月日 1990-07-07、カルテ番号なし） 2026-11-20 ③不詳: 摘要が「不詳」で始まっていません。`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await run(withData(['export', '--month', '2026-11', '--check-uke', uke, '--json']))).out);
    expect(json).toMatchObject({ ok: false, month: '2026-11', receipts: 3, visits: 3, problems: [] });
    expect(json.findings.map((f: { code: string }) => f.code)).toEqual(['UKE_HO_DIFFERS', 'UKE_UNKNOWN_NO_HEAD']);
    // The month-end screen's 請求前点検 ('claims.checkUke') is the same check: the same findings, the same text.
    const s2 = await openTestStore(dataDir);
    const screen = await testDispatcher(testCoreDeps(s2, dataDir))('claims.checkUke', {
      month: '2026-11',
      data: readFileSync(uke).toString('base64'),
    });
    s2.close();
    expect(screen).toMatchObject({
      ok: true,
      value: { findings: json.findings, problems: [], text: differs.out.trimEnd() },
    });
    // Read only: no export was audited, no file written next to the UKE file.
    const s3 = await openTestStore(dataDir);
    expect(unwrap(s3.listAudit({ entity: 'export' })).map((e) => e.entityId)).toEqual(['2026-11:input-sheet']);
    s3.close();
    expect(
      (await run(withData(['export', '--month', '2026-11', '--check-uke', path.join(outDir, 'nope.UKE'), '--json'])))
        .code,
    ).toBe(1);
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
