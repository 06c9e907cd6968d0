// `shikaku visits …`, `shikaku db …`, `shikaku patients import`, `shikaku staff …`: the journal from the
// command line. Data folder: --data-dir, else SHIKAKU_DATA_DIR, else the OS user data folder.
// Exit codes: 0 ok, 1 invalid input (or the store refused: read-only, newer version…), 2 usage.
import { readFileSync } from 'node:fs';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type CliIO, type Command } from './command.ts';
import { openStore, VisitStatus, type Result, type Store, type StoreError } from '../core/store/index.ts';

const dataDirOption = { 'data-dir': { type: 'string' } } as const;

export function reportError(
  io: CliIO,
  json: boolean,
  error: StoreError | { code: string; message: string; detail?: string },
): number {
  if (json) printJson(io, { ok: false, error });
  else io.err(`${error.message} [${error.code}]${error.detail ? `\n  ${error.detail}` : ''}`);
  return EXIT_INVALID;
}

/** Opens the store for one command (no schedules, no daily backup), runs `fn`, always closes. */
export async function withStore(
  values: Record<string, unknown>,
  io: CliIO,
  fn: (store: Store) => Promise<number> | number,
): Promise<number> {
  const json = values.json === true;
  const opened = await openStore({
    dataDir: str(values['data-dir']),
    checkpointIntervalMs: 0,
    backupCheckIntervalMs: 0,
    probeIntervalMs: 0,
    backupOnOpen: false,
  });
  if (!opened.ok) return reportError(io, json, opened.error);
  const { store, report } = opened.value;
  for (const n of report.notices) io.err(n);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

function done<T>(io: CliIO, json: boolean, r: Result<T>, human: (v: T) => string): number {
  if (!r.ok) return reportError(io, json, r.error);
  if (json) printJson(io, r.value);
  else io.out(human(r.value));
  return EXIT_OK;
}

export const storeCommands: Command[] = [
  {
    path: ['visits', 'add'],
    usage: 'visits add [--json] [--data-dir DIR] < visit.json',
    summary: '受付（visit JSON）を保存し、IDを表示する',
    options: { ...dataDirOption },
    async run({ values }, io) {
      const json = values.json === true;
      const text = await io.readStdin();
      let input: unknown;
      try {
        input = JSON.parse(text);
      } catch (e) {
        return reportError(io, json, {
          code: 'INVALID_INPUT',
          message: '入力がJSONとして読み取れません。',
          detail: (e as Error).message,
        });
      }
      return withStore(values, io, (store) => done(io, json, store.saveVisit(input), (v) => v.id));
    },
  },
  {
    path: ['visits', 'list'],
    usage: 'visits list [--json] [--status S] [--month YYYY-MM] [--cause C] [--limit N] [--data-dir DIR]',
    summary: '事後確認の対象となる受付の一覧',
    options: {
      ...dataDirOption,
      status: { type: 'string' },
      month: { type: 'string' },
      cause: { type: 'string' },
      limit: { type: 'string' },
    },
    async run({ values }, io) {
      const json = values.json === true;
      const status = str(values.status);
      if (status !== undefined && !VisitStatus.safeParse(status).success) {
        throw new UsageError(`--status must be one of ${VisitStatus.options.join(', ')}`);
      }
      const month = str(values.month);
      if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
        throw new UsageError('--month must be YYYY-MM');
      const limitText = str(values.limit);
      const limit = limitText === undefined ? 1000 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1..1000');
      return withStore(values, io, (store) => {
        const filter: Parameters<Store['listVisits']>[0] = { limit };
        if (status !== undefined) filter.status = status as VisitStatus;
        if (month !== undefined) filter.month = month;
        const cause = str(values.cause);
        if (cause !== undefined) filter.cause = cause as never; // validated by the store (INVALID_INPUT)
        return done(io, json, store.listVisits(filter), (p) =>
          [
            ...p.items.map(
              (v) =>
                `${v.serviceDate}  ${v.status.padEnd(12)} ${v.cause.padEnd(22)} ${v.evidenceKind.padEnd(26)} ${v.patientName}  ${v.id}`,
            ),
            `${p.total} 件${p.nextCursor ? `（先頭 ${p.items.length} 件を表示）` : ''}`,
          ].join('\n'),
        );
      });
    },
  },
  {
    path: ['db', 'check'],
    usage: 'db check [--json] [--full] [--data-dir DIR]',
    summary: 'データの整合性・スキーマ版・監査ログの連鎖・件数を確認する',
    options: { ...dataDirOption, full: { type: 'boolean' } },
    async run({ values }, io) {
      const json = values.json === true;
      return withStore(values, io, (store) => {
        const r = store.check({ full: values.full === true });
        if (!r.ok) return reportError(io, json, r.error);
        const c = r.value;
        const sound = c.integrity === 'ok' && c.audit.ok;
        if (json) printJson(io, { ok: sound, ...c });
        else {
          io.out(
            [
              `file: ${c.file}`,
              `integrity: ${c.integrity === 'ok' ? 'ok' : c.integrity.join('; ')}`,
              `schema: v${c.schemaVersion} (app v${c.latestVersion})`,
              `audit chain: ${c.audit.ok ? `ok (${c.audit.entries} entries)` : `BROKEN at entry ${c.audit.brokenAt}: ${c.audit.reason}`}`,
              `tables: ${Object.entries(c.tables)
                .map(([t, n]) => `${t}=${n}`)
                .join(' ')}`,
              `outbox: ${Object.entries(c.outbox)
                .map(([t, n]) => `${t}=${n}`)
                .join(' ')}`,
              `backups: ${c.backups.length}${c.backups[0] ? ` (newest ${c.backups[0].takenAt})` : ''}`,
              `partial backups: ${c.partialBackups.present} now (found ${c.partialBackups.foundAtStart} at start, removed ${c.partialBackups.removedAtStart})`,
            ].join('\n'),
          );
        }
        return sound ? EXIT_OK : EXIT_INVALID;
      });
    },
  },
  {
    path: ['db', 'backup'],
    usage: 'db backup [--json] [--data-dir DIR]',
    summary: 'オンラインバックアップを今すぐ作成する（保持数は設定 backup.keep）',
    options: { ...dataDirOption },
    async run({ values }, io) {
      const json = values.json === true;
      return withStore(values, io, async (store) =>
        done(io, json, await store.backup('manual'), (b) => `${b.file} (${b.bytes} bytes)`),
      );
    },
  },
  {
    path: ['patients', 'import'],
    usage: 'patients import <file.csv> [--encoding shift_jis|utf8] [--json] [--data-dir DIR]',
    summary: 'レセコンの患者CSVを取り込む（列の形式: docs/store.md）',
    allowPositionals: true,
    options: { ...dataDirOption, encoding: { type: 'string' } },
    async run({ values, positionals }, io) {
      const json = values.json === true;
      if (positionals.length !== 1) throw new UsageError('one CSV file expected');
      const enc = str(values.encoding);
      if (enc !== undefined && enc !== 'shift_jis' && enc !== 'utf8')
        throw new UsageError('--encoding must be shift_jis or utf8');
      let data: Buffer;
      try {
        data = readFileSync(positionals[0]!);
      } catch (e) {
        return reportError(io, json, {
          code: 'CSV_UNREADABLE',
          message: 'CSVファイルを開けません。',
          detail: (e as Error).message,
        });
      }
      return withStore(values, io, (store) => {
        const r = store.importPatientsCsv(data, enc ? { encoding: enc } : {});
        if (!r.ok) return reportError(io, json, r.error);
        const rep = r.value;
        if (json) printJson(io, rep);
        else {
          io.out(
            `取り込み: ${rep.rows} 行（新規 ${rep.inserted}、更新 ${rep.updated}、エラー ${rep.failed}）文字コード ${rep.encoding}`,
          );
          for (const e of rep.errors)
            io.out(`  ${e.row} 行目${e.column ? `［${e.column}］` : ''}: ${e.message} [${e.code}]`);
          if (rep.ignoredColumns.length) io.out(`  取り込まなかった列: ${rep.ignoredColumns.join('、')}`);
        }
        return rep.failed > 0 ? EXIT_INVALID : EXIT_OK;
      });
    },
  },
  {
    path: ['staff', 'list'],
    usage: 'staff list [--json] [--data-dir DIR]',
    summary: '職員一覧（監査ログに記録される担当者）',
    options: { ...dataDirOption },
    async run({ values }, io) {
      const json = values.json === true;
      return withStore(values, io, (store) => {
        const list = store.listStaff();
        if (json) printJson(io, list);
        else
          io.out(
            list.map((s) => `${s.id}\t${s.name}${s.active ? '' : '\t(無効)'}`).join('\n') ||
              '（職員が登録されていません）',
          );
        return EXIT_OK;
      });
    },
  },
  {
    path: ['staff', 'add'],
    usage: 'staff add --id ID --name NAME [--by STAFF] [--json] [--data-dir DIR]',
    summary: '職員を登録する（最初の1人は --by なしで登録できる）',
    options: { ...dataDirOption, id: { type: 'string' }, name: { type: 'string' }, by: { type: 'string' } },
    async run({ values }, io) {
      const json = values.json === true;
      const id = str(values.id);
      const name = str(values.name);
      if (!id || !name) throw new UsageError('--id and --name are required');
      return withStore(values, io, (store) => {
        const list = store.listStaff();
        const by = str(values.by) ?? (list.length === 0 ? 'system' : '');
        const next = [...list.filter((s) => s.id !== id), { id, name, active: true }];
        return done(io, json, store.setStaff(next, by), (l) => `${l.length} 名登録済み`);
      });
    },
  },
];
