// Payload shapes of the device requests in the contract (devices.doctor, terminal.test): split from contract.ts to
// keep it readable; contract.ts is still the one list of requests and imports these.
import { z } from 'zod';

const doctorItem = z.object({ message: z.string(), nextStep: z.string() });
/** `shikaku doctor`'s report (src/hardware/health/doctor.ts DoctorReport). */
export const doctorReportSchema = z.object({
  at: z.string(),
  mode: z.enum(['normal', 'degraded', 'outage']),
  modeLabel: z.string(),
  modeDescription: z.string(),
  causes: z.array(doctorItem.extend({ code: z.string(), impact: z.string(), device: z.string() })),
  warnings: z.array(doctorItem.extend({ code: z.string() })),
  finding: doctorItem.extend({ code: z.string(), severity: z.string() }).optional(),
  devices: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      status: z.enum(['ok', 'warning', 'fault', 'unknown']),
      statusLabel: z.string(),
      text: z.string(),
      codes: z.array(z.string()),
      nextSteps: z.array(z.string()),
      facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    }),
  ),
});

/** The terminal folder's 接続テスト (src/main/core/doctor.ts TerminalTestResult, plus `error`). */
export const terminalTestSchema = z.object({
  dir: z.string(),
  error: z.string().nullable(),
  ok: z.boolean(),
  folders: z.object({
    req: z.object({ exists: z.boolean(), writable: z.boolean() }),
    res: z.object({ exists: z.boolean(), readable: z.boolean() }),
    face: z.object({ exists: z.boolean() }),
  }),
  problem: z.string().nullable(),
  answered: z.boolean().nullable(),
  answerProblem: z.string().nullable(),
  answerMs: z.number().nullable(),
});
