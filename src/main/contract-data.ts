// The 設定 → データ screen's requests (backups, the second backup folder, restoring a backup, the patients CSV
// import with its preview, the import/app differences), spread into `requests` in contract.ts. Same rules as
// there: zod schemas only; the renderer imports types only.
import { z } from 'zod';

/** The largest CSV accepted, base64 (about 12 MB of file: tens of thousands of patients). */
export const CSV_MAX_BASE64 = 16 * 1024 * 1024;

const backupFolder = z.enum(['primary', 'second']);
const backupView = z.object({
  /** The file name (journal-<time>-<reason>.sqlite3): what data.restore names. */
  name: z.string(),
  folder: backupFolder,
  takenAt: z.string(),
  reason: z.string(),
  bytes: z.number().int(),
});
const secondCopyView = z.object({
  dir: z.string(),
  at: z.string(),
  ok: z.boolean(),
  /** Japanese, when the copy failed. */
  message: z.string().nullable(),
});
const rowError = z.object({ row: z.number().int(), message: z.string(), column: z.string().nullable() });
const difference = z.object({
  name: z.string(),
  birthDate: z.string(),
  field: z.string(),
  imported: z.string(),
  app: z.string(),
  row: z.number().int().nullable(),
});
const csvFile = {
  fileName: z.string().max(260),
  /** The file's bytes, base64. */
  data: z.string().max(CSV_MAX_BASE64),
};

export const dataRequests = {
  /** Backups of the data folder and of the second folder (newest first), and the last copy to the second one. */
  'data.status': {
    input: z.object({}).strict(),
    output: z.object({
      dataDir: z.string(),
      secondDir: z.string(),
      backups: z.array(backupView),
      lastSecondCopy: secondCopyView.nullable(),
    }),
  },
  /** 「今すぐバックアップ」: a backup now, copied to the second folder when one is set. Audited by `staff`. */
  'data.backup': {
    input: z.object({ staff: z.string().min(1).max(64) }).strict(),
    output: z.object({ backup: backupView, second: secondCopyView.nullable() }),
  },
  /**
   * 「この時点に戻す」: the backup checked first (refused, nothing replaced, when it fails), the current journal kept
   * aside and backed up, the journal reopened on the restored file: no restart. 'store.reopened' follows.
   */
  'data.restore': {
    input: z
      .object({ name: z.string().min(1).max(200), folder: backupFolder, staff: z.string().min(1).max(64) })
      .strict(),
    output: z.object({ restored: backupView, before: backupView, keptAs: z.string(), notice: z.string() }),
  },
  /** The patients CSV import's dry run: nothing is written. */
  'patients.importPreview': {
    input: z.object(csvFile).strict(),
    output: z.object({
      fileName: z.string(),
      encoding: z.enum(['shift_jis', 'utf8', 'utf8_bom']),
      sha256: z.string(),
      header: z.array(z.string()),
      sample: z.array(z.array(z.string())),
      rows: z.number().int(),
      accepted: z.number().int(),
      refused: z.array(rowError),
      ignoredColumns: z.array(z.string()),
      inserts: z.number().int(),
      updates: z.number().int(),
      differences: z.array(difference),
    }),
  },
  /** 「取り込む」: imports the file previewed (same sha256, else refused). Audited by `staff`. */
  'patients.import': {
    input: z
      .object({ ...csvFile, sha256: z.string().regex(/^[0-9a-f]{64}$/), staff: z.string().min(1).max(64) })
      .strict(),
    output: z.object({
      rows: z.number().int(),
      inserted: z.number().int(),
      updated: z.number().int(),
      failed: z.number().int(),
      refused: z.array(rowError),
      differences: z.array(difference),
    }),
  },
  /** Where visits saved in the app disagree with what the import set (the import's values are kept). */
  'patients.differences': {
    input: z.object({}).strict(),
    output: z.object({ items: z.array(difference) }),
  },
} as const;

/** 'store.reopened': the journal was reopened on another file (a restored backup); screens reload their data. */
export const storeReopenedEvent = z.object({ at: z.string(), notice: z.string() });
