// The month-end shapes of the contract (claims.monthCheck / claims.exportMonth), kept beside contract.ts so that
// file stays under the size limit. Imported only by contract.ts (the renderer takes the types from there).
import { z } from 'zod';

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
