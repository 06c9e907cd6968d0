// The 事前確認 requests of the contract (docs/precheck.md), spread into `requests` in contract.ts: the same rules
// apply (zod input and output, the renderer imports types only).
import { z } from 'zod';

const empty = z.object({}).strict();
const numbers = z.object({ insurerNumber: z.string(), symbol: z.string(), number: z.string(), branch: z.string() });
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const precheckRunSchema = z.object({
  id: z.number().int(),
  day: z.string(),
  trigger: z.enum(['schedule', 'catchup', 'manual', 'retry']),
  status: z.enum(['running', 'done', 'partial', 'failed']),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  total: z.number().int(),
  fetched: z.number().int(),
  changed: z.number().int(),
  failed: z.number().int(),
  error: z.string(),
});

/** A patient's newest 事前確認 answer as reception sees it. */
export const precheckAnswerSchema = z.object({
  fetchedAt: z.number(),
  /** Within the setting's hours: it may stand as ① evidence (when usable and current numbers exist). */
  fresh: z.boolean(),
  usable: z.boolean(),
  /** The 資格 is not the one on file (other numbers, lost, not found): flagged at reception. */
  changed: z.boolean(),
  validity: z.string().nullable(),
  /** The numbers that stand as current (有効, or the newer 資格 of 無効(新しい資格あり)). */
  current: numbers.nullable(),
  /** The numbers asked (on file). */
  asked: numbers,
  copayPercent: z.number().int().nullable(),
  sha256: z.string(),
  rowId: z.string(),
});

const columns = z.record(z.string(), z.string().max(200));
const csvInput = z
  .object({
    /** The file's bytes, base64 (at most ~8 MB). */
    data: z.string().max(12_000_000),
    encoding: z.enum(['utf8', 'shift_jis']).optional(),
    columns: columns.optional(),
  })
  .strict();
const previewSchema = z.object({
  encoding: z.enum(['utf8', 'shift_jis']),
  header: z.array(z.string()),
  columns,
  remembered: z.boolean(),
  fileProblems: z.array(z.string()),
  rows: z.array(
    z.object({
      row: z.number().int(),
      ok: z.boolean(),
      day: z.string(),
      time: z.string(),
      name: z.string(),
      problems: z.array(z.string()),
      fromRecord: z.boolean(),
    }),
  ),
  okRows: z.number().int(),
  badRows: z.number().int(),
});

export const precheckRequests = {
  /** The 設定 screen's 事前確認 panel: the settings, the last runs (newest first), whether one is running. */
  'precheck.status': {
    input: empty,
    output: z.object({
      settings: z.record(z.string(), z.unknown()),
      runs: z.array(precheckRunSchema),
      running: z.boolean(),
      kept: z.number().int(),
      terminal: z.boolean(),
    }),
  },
  /** 「今すぐ事前確認」: starts a run unless one is running or there is no terminal link (started false, why). */
  'precheck.run': {
    input: empty,
    output: z.object({ started: z.boolean(), message: z.string() }),
  },
  /** The newest answer about a patient at reception (by the picked record, else birth date and name). */
  'precheck.lookup': {
    input: z
      .object({
        patientRef: z.string().max(200).optional(),
        birthDate: isoDay,
        name: z.string().max(200),
        nameKana: z.string().max(200),
      })
      .strict(),
    output: z.object({ answer: precheckAnswerSchema.nullable() }),
  },
  /** What importing a bookings CSV would do (mapping used, each row's problems). Changes nothing. */
  'precheck.bookingsPreview': {
    input: csvInput,
    output: previewSchema,
  },
  /** Imports the good rows of a bookings CSV and remembers the mapping; `staff` is who imports (audited). */
  'precheck.bookingsImport': {
    input: csvInput.extend({ staff: z.string().max(64) }).strict(),
    output: z.object({ imported: z.number().int(), preview: previewSchema }),
  },
};
