// The month-end shapes of the contract (claims.monthCheck / claims.exportMonth), kept beside contract.ts so that
// file stays under the size limit. Imported only by contract.ts (the renderer takes the types from there).
import { z } from 'zod';
import { InputSheetRow } from '../claims/input-sheet.ts';

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
export const textEncoding = z.enum(['shift_jis', 'utf8']);
/** A month's export as the month-end screen shows it (core/reconcile/month-files.ts MonthFiles). */
export const monthExportView = z.object({
  month: z.string(),
  status: z.enum(['empty', 'blocked', 'unencodable', 'ready']),
  counts: z
    .object({
      visits: z.number().int(),
      current: z.number().int(),
      past: z.number().int(),
      unknown: z.number().int(),
      reclaims: z.number().int(),
    })
    .nullable(),
  blockers: z.array(
    z.object({
      visitId: z.string(),
      name: z.string(),
      nameKana: z.string(),
      serviceDate: z.string(),
      reasons: z.array(z.string()),
    }),
  ),
  files: z.array(
    z.object({
      name: z.string(),
      encoding: textEncoding,
      sha256: z.string(),
      size: z.number().int(),
      visits: z.number().int(),
      /** Where it was written ('' when not written). */
      path: z.string(),
      /** The bytes, base64 (exportMonth without dir: the web host's download); '' otherwise. */
      base64: z.string(),
    }),
  ),
});

/** The largest UKE file the month-end screen hands over (base64; the web host takes messages up to 24 MiB). A clinic's month is far below. */
export const UKE_MAX_BASE64 = 16 * 1024 * 1024;

/** The month-end requests, spread into `requests` in contract.ts. */
export const monthRequests = {
  /**
   * 請求前点検: the UKE file the レセコン wrote for the month (base64 bytes) checked against the decisions; read only.
   * `text` is the report as staff read it (the CLI's `export --check-uke` prints the same).
   */
  'claims.checkUke': {
    input: z.object({ month: monthSchema, data: z.string().min(1).max(UKE_MAX_BASE64) }).strict(),
    output: z.object({
      month: z.string(),
      receipts: z.number().int(),
      visits: z.number().int(),
      findings: z.array(
        z.object({
          code: z.string(),
          visitId: z.string(),
          patientId: z.string(),
          serviceDate: z.string(),
          line: z.number().int(),
          message: z.string(),
        }),
      ),
      problems: z.array(z.object({ line: z.number().int(), code: z.string(), message: z.string() })),
      text: z.string(),
    }),
  },
  /**
   * What exporting a month would give: nothing to export, the visits that block it (by patient, date and reason;
   * the id only to open the review), the characters Shift_JIS cannot hold, or ready with the counts and the file
   * names. Writes nothing.
   */
  'claims.monthCheck': {
    input: z.object({ month: monthSchema, encoding: textEncoding.default('shift_jis') }).strict(),
    output: monthExportView,
  },
  /**
   * Builds and (with `dir`) writes the month's files into that folder — staged, fsynced, renamed, nothing
   * half-written — or, without `dir` (the web host), returns them to download (base64). Audited as `staff` with
   * each file's sha256. Progress: 'claims.exportProgress' events.
   */
  'claims.exportMonth': {
    input: z
      .object({
        month: monthSchema,
        encoding: textEncoding.default('shift_jis'),
        staff: z.string().min(1).max(100),
        dir: z.string().min(1).max(1000).optional(),
      })
      .strict(),
    output: monthExportView,
  },

  /**
   * レセコン入力票 of a 診療年月 for the printed sheet: the same rows as `shikaku export --format input-sheet` (sorted
   * by カルテ番号), or — when any visit of the month cannot be claimed yet — no rows and every such visit with why
   * (the export refuses the same month). Read only: nothing is marked exported or re-claimed.
   */
  'print.inputSheet': {
    input: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }).strict(),
    output: z.object({
      month: z.string(),
      rows: z.array(InputSheetRow),
      problems: z.array(
        z.object({
          visitId: z.string(),
          patientId: z.string(),
          name: z.string(),
          serviceDate: z.string(),
          code: z.string(),
          message: z.string(),
        }),
      ),
    }),
  },
};
