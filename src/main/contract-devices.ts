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

const empty = z.object({}).strict();

/** The device and administration requests, spread into `requests` in contract.ts. */
export const devicesRequests = {
  /**
   * 機器の点検: one look at every device and link (card reader and card, 資格確認端末 share, network, UPS), the
   * report of `shikaku doctor` (src/hardware/health/doctor.ts DoctorReport) and its text.
   */
  'devices.doctor': {
    /** `card`: also read the card in the reader (its certificate); off by default (a card may be mid-reception). */
    input: z.object({ card: z.boolean().default(false) }).strict(),
    output: z.object({ report: doctorReportSchema, text: z.string() }),
  },
  /**
   * 接続テスト of a terminal folder (not saved): req/res/face present, req writable, res readable and, with
   * `ask`, the terminal answering one test request. `error`: the folder itself cannot be used (Japanese).
   */
  'terminal.test': {
    input: z.object({ dir: z.string().max(1000), ask: z.boolean().default(true) }).strict(),
    output: terminalTestSchema,
  },
  /**
   * 「診断情報を保存」: a zip (base64) with the device report, the journal check, versions, settings and the
   * recent logs; no patient data, no 個人番号. The renderer saves it (Electron: a save dialog; web: a download).
   */
  'diagnostics.bundle': {
    input: empty,
    output: z.object({
      fileName: z.string(),
      base64: z.string(),
      size: z.number().int(),
      entries: z.array(z.string()),
    }),
  },
  /**
   * 「再起動」: the core stops and the host starts it again at once; `demo` switches into (true) or out of (false)
   * 訓練モード, whose journal is a separate one.
   */
  'app.restart': {
    input: z.object({ demo: z.boolean().optional() }).strict(),
    output: z.object({ restarting: z.literal(true), demo: z.boolean() }),
  },
  /** First start: `needed` when the journal has no 医療機関コード and no staff (and this is not 訓練モード). */
  'setup.status': {
    input: empty,
    output: z.object({
      needed: z.boolean(),
      demo: z.boolean(),
      institutionCode: z.string(),
      staffCount: z.number().int(),
      terminalDir: z.string(),
    }),
  },
};
