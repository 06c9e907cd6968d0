// 設定 → データ: 「今すぐバックアップ」 (also copied to the second folder), the list of backups, 「この時点に戻す」 (the
// store checks the backup first, keeps the current journal aside and reopens its connection; background writers are
// quiesced around it and the renderer is told by 'store.reopened'), and the patients CSV import: a dry run first
// (encoding, first rows, refused rows, differences with what the app recorded), then the import of that same file.
import { basename } from 'node:path';
import { JST_OFFSET_MS } from '../../../claims/dates.ts';
import { ContractError, type RequestOutput } from '../../contract.ts';
import { sha256Of, type BackupInfo, type ImportRowError, type Store } from '../store/index.ts';
import type { SecondCopy } from '../store/connection.ts';
import type { PatientDifference } from '../store/patient-merge.ts';
import { storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type DataRequest =
  | 'data.status'
  | 'data.backup'
  | 'data.restore'
  | 'patients.importPreview'
  | 'patients.import'
  | 'patients.differences';

export const dataMessages = {
  restored: (at: string) =>
    `バックアップ（${at}）の時点に戻しました。それ以降に保存した受付は、戻す前のデータとして保管したファイルにあります。`,
  notPreviewed: '取り込むファイルが確認したものと違います。もう一度ファイルを選んで確認してください。',
  notBase64: 'ファイルの内容を読み取れませんでした。もう一度ファイルを選んでください。',
} as const;

/** 2026-12-07T00:15:00Z → 2026年12月7日 9:15 (Japan time, the clinic's clock), for the notice. */
export function japaneseDateTime(iso: string): string {
  const d = new Date(Date.parse(iso) + JST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
}

type BackupView = RequestOutput<'data.status'>['backups'][number];

function viewOf(b: BackupInfo, folder: 'primary' | 'second'): BackupView {
  return { name: basename(b.file), folder, takenAt: b.takenAt, reason: b.reason, bytes: b.bytes };
}

function copyView(c: SecondCopy | null) {
  return c && { dir: c.dir, at: c.at, ok: c.ok, message: c.error?.message ?? null };
}

function rowErrors(list: ImportRowError[]) {
  return list.map((e) => ({ row: e.row, message: e.message, column: e.column ?? null }));
}

function differences(list: PatientDifference[]) {
  return list.map((d) => ({
    name: d.name,
    birthDate: d.birthDate,
    field: d.field,
    imported: d.imported,
    app: d.app,
    row: d.row ?? null,
  }));
}

function bytesOf(data: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new ContractError('INVALID_INPUT', dataMessages.notBase64);
  return Buffer.from(data, 'base64');
}

/** A CSV the store cannot read: its message with the reason (e.g. the missing columns named). */
function csvResult<T>(r: ReturnType<Store['previewPatientsCsv']> | { ok: true; value: T }): T {
  if (!r.ok && r.error.code === 'CSV_UNREADABLE' && r.error.detail)
    throw new ContractError(r.error.code, `${r.error.message} ${r.error.detail}`);
  return unwrap(r as { ok: true; value: T });
}

export function dataHandlers(deps: CoreDeps): Handlers<DataRequest> {
  return {
    'data.status': () => {
      const store = storeOf(deps);
      return {
        dataDir: store.dataDir,
        secondDir: store.secondBackupDir(),
        backups: store.listAllBackups().map((b) => viewOf(b, b.folder)),
        lastSecondCopy: copyView(store.lastSecondCopy()),
      };
    },
    'data.backup': async ({ staff }) => {
      const store = storeOf(deps);
      const b = unwrap(await store.backup('manual'));
      unwrap(
        store.appendAudit({
          actor: staff,
          action: 'journal.backup',
          entity: 'journal',
          detail: { backup: basename(b.file) },
        }),
      );
      return { backup: viewOf(b, 'primary'), second: copyView(b.second) };
    },
    'data.restore': async ({ name, folder, staff }) => {
      const store = storeOf(deps);
      // The reconciler (and whatever else writes on its own) stops taking jobs before the file changes.
      const resume = deps.quiesce ? await deps.quiesce() : () => undefined;
      try {
        const r = unwrap(await store.restoreBackup(name, folder, staff));
        const notice = dataMessages.restored(japaneseDateTime(r.restored.takenAt));
        const report = deps.journal.report;
        if (report) deps.journal.report = { ...report, outcome: 'rolled_back', notices: [notice] };
        const at = new Date().toISOString();
        deps.emit('store.reopened', { at, notice });
        return {
          restored: viewOf(r.restored, folder),
          before: viewOf(r.before, 'primary'),
          keptAs: basename(r.keptAs),
          notice,
        };
      } finally {
        resume();
      }
    },
    'patients.importPreview': ({ fileName, data }) => {
      const p = csvResult(storeOf(deps).previewPatientsCsv(bytesOf(data)));
      return {
        fileName,
        encoding: p.encoding === 'shift_jis' ? 'shift_jis' : p.bom ? 'utf8_bom' : 'utf8',
        sha256: p.sha256,
        header: p.header,
        sample: p.sample,
        rows: p.rows,
        accepted: p.accepted,
        refused: rowErrors(p.refused),
        ignoredColumns: p.ignoredColumns,
        inserts: p.inserts,
        updates: p.updates,
        differences: differences(p.differences),
      };
    },
    'patients.import': ({ data, sha256, staff }) => {
      const store = storeOf(deps);
      const bytes = bytesOf(data);
      if (sha256Of(bytes) !== sha256) throw new ContractError('IMPORT_NOT_PREVIEWED', dataMessages.notPreviewed);
      const r = csvResult(store.importPatientsCsv(bytes, { actor: staff }));
      return {
        rows: r.rows,
        inserted: r.inserted,
        updated: r.updated,
        failed: r.failed,
        refused: rowErrors(r.errors),
        differences: differences(r.differences),
      };
    },
    'patients.differences': () => ({ items: differences(unwrap(storeOf(deps).patientDifferences())) }),
  };
}
