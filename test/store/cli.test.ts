// The store's CLI commands, run in-process the way src/main/cli/main.ts runs them.
import iconv from 'iconv-lite';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_USAGE, UsageError, parseCommandArgs, type CliIO } from '../../src/main/cli/command.ts';
import { storeCommands } from '../../src/main/cli/store.ts';
import { makeVisit, removeDir, tempDir } from './helpers.ts';
import { LATEST_VERSION } from '../../src/main/core/store/index.ts';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

async function run(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => stdin };
  const cmd = storeCommands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!cmd) throw new Error(`no command for ${argv.join(' ')}`);
  try {
    const args = parseCommandArgs(cmd, [...argv.slice(cmd.path.length), '--data-dir', dir]);
    const code = await cmd.run(args as never, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (e) {
    if (e instanceof UsageError) return { code: EXIT_USAGE, out: out.join('\n'), err: e.message };
    throw e;
  }
}

describe('shikaku visits / db / patients / staff', () => {
  it('adds a visit from stdin, lists it, checks and backs up the database', async () => {
    expect((await run(['staff', 'add', '--id', 'yamada', '--name', '山田 花子'])).code).toBe(0);
    const v = makeVisit(3);
    const added = await run(['visits', 'add'], JSON.stringify(v));
    expect(added).toMatchObject({ code: 0, out: v.id });
    const again = await run(['visits', 'add', '--json'], JSON.stringify(v));
    expect(JSON.parse(again.out)).toMatchObject({ id: v.id, created: false });

    const list = await run(['visits', 'list', '--json', '--status', 'pending', '--month', v.serviceDate.slice(0, 7)]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toMatchObject({ total: 1, items: [{ id: v.id, status: 'pending' }] });
    expect(JSON.parse((await run(['visits', 'list', '--json', '--month', '1999-01'])).out)).toMatchObject({ total: 0 });

    const check = await run(['db', 'check', '--json', '--full']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({
      ok: true,
      integrity: 'ok',
      schemaVersion: LATEST_VERSION,
      audit: { ok: true, entries: 2 },
      tables: { visits: 1, outbox: 1, audit_log: 2 },
      outbox: { pending: 1, inflight: 0, done: 0, dead: 0 },
    });

    const backup = await run(['db', 'backup', '--json']);
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.out).file).toMatch(/backups\/journal-.*-manual\.sqlite3$/);
  });

  it('exit 1 for invalid input, 2 for usage errors', async () => {
    expect((await run(['visits', 'add', '--json'], '{not json')).code).toBe(1);
    const invalid = await run(['visits', 'add', '--json'], JSON.stringify({ id: 'x' }));
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.out)).toMatchObject({ ok: false, error: { code: 'INVALID_VISIT' } });
    const unknownStaff = await run(['visits', 'add', '--json'], JSON.stringify(makeVisit(1)));
    expect(JSON.parse(unknownStaff.out)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
    expect((await run(['visits', 'list', '--status', 'bogus'])).code).toBe(2);
    expect((await run(['visits', 'list', '--month', '2025-1'])).code).toBe(2);
    expect((await run(['patients', 'import'])).code).toBe(2);
    expect((await run(['patients', 'import', 'x.csv', '--encoding', 'latin1'])).code).toBe(2);
    expect((await run(['visits', 'list', '--bogus'])).code).toBe(2);
  });

  it('imports a Shift_JIS patients CSV with a per-row error report, keeping the good rows', async () => {
    const csv = [
      '患者番号,氏名,カナ氏名,生年月日,性別,保険者番号,記号,番号,枝番,個人番号',
      'A1,高橋 健,ﾀｶﾊｼ ｹﾝ,S40.2.3,男,06130012,1,2,00,',
      'A2,,ﾅﾅｼ,1990-01-01,女,,,,,', // no name
      'A3,伊藤 愛,ｲﾄｳ ｱｲ,1990-02-30,女,,,,,', // no such date
      'A4,渡辺 真,ﾜﾀﾅﾍﾞ ﾏｺﾄ,1980-01-01,X,,,,,', // bad sex
      'A5,中村 光,ﾅｶﾑﾗ ﾋｶﾙ,1975-05-05,女,,,123456789018,,', // a My Number-like value
      'A6,小林 誠,ｺﾊﾞﾔｼ ﾏｺﾄ,H2.4.1,1,01130012,,77,,',
      'A7,too,few',
    ].join('\r\n');
    const file = join(dir, 'patients.csv');
    writeFileSync(file, iconv.encode(csv, 'cp932'));
    const r = await run(['patients', 'import', file, '--encoding', 'shift_jis', '--json']);
    expect(r.code).toBe(1); // some rows failed
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({
      encoding: 'shift_jis',
      rows: 7,
      inserted: 2,
      updated: 0,
      failed: 5,
      ignoredColumns: ['個人番号'],
    });
    expect(
      rep.errors.map((e: { row: number; code: string; column?: string }) => [e.row, e.code, e.column ?? '']),
    ).toEqual([
      [3, 'CSV_INVALID_ROW', '氏名'],
      [4, 'CSV_INVALID_ROW', '生年月日'],
      [5, 'CSV_INVALID_ROW', '性別'],
      [6, 'FORBIDDEN_MY_NUMBER', '番号'],
      [8, 'CSV_INVALID_ROW', ''],
    ]);
    for (const e of rep.errors) expect(e.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);

    // Importing the same file again updates instead of duplicating; auto-detected encoding.
    const r2 = await run(['patients', 'import', file, '--json']);
    expect(JSON.parse(r2.out)).toMatchObject({ encoding: 'shift_jis', inserted: 0, updated: 2 });
    const check = JSON.parse((await run(['db', 'check', '--json'])).out);
    expect(check.tables.patients).toBe(2);
  });

  it('refuses to open a newer database with the Japanese message on stderr, exit 1', async () => {
    const { copyFileSync } = await import('node:fs');
    copyFileSync(new URL('../fixtures/store/newer.sqlite3', import.meta.url), join(dir, 'journal.sqlite3'));
    const r = await run(['db', 'check']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('新しいバージョンのアプリで作成された');
  });
});
