// Settings: key → JSON value. Known keys are validated; the staff list lives here (no passwords: reception
// PCs are shared, staff pick their name, and the audit log records it).
import { z } from 'zod';
import { ClaimSettings, defaultClaimSettings } from '../../../claims/settings.ts';
import { institutionCodeProblem } from '../../../claims/institution.ts';

export const StaffMember = z.object({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(100),
  active: z.boolean().default(true),
});
export type StaffMember = z.infer<typeof StaffMember>;

export const knownSettings = {
  staff: z.array(StaffMember).refine((l) => new Set(l.map((s) => s.id)).size === l.length, 'staff ids must be unique'),
  /** How many backups to keep. */
  'backup.keep': z.number().int().min(1).max(400),
  /** Daily backup interval in hours (24 = daily). */
  'backup.intervalHours': z
    .number()
    .min(1)
    .max(24 * 7),
  'outbox.policy': z
    .object({
      baseDelayMs: z.number().int().min(100),
      maxDelayMs: z.number().int().min(1000),
      maxAttempts: z.number().int().min(1).max(1000),
      leaseMs: z.number().int().min(1000),
    })
    .partial(),
  /** Claim rules (UNCONFIRMED points of DOMAIN.md §2 as settings); defaults when absent. */
  claims: ClaimSettings,
  /**
   * 医療機関コード (10 digits, check digit verified: src/claims/institution.ts); '' = not set yet. Sent in the
   * terminal requests' MedicalInstitutionCode.
   */
  'clinic.institutionCode': z.string().refine((v) => v === '' || institutionCodeProblem(v) === null, {
    message: 'invalid 医療機関コード',
  }),
  /** The clinic's name (printed sheets, the title). */
  'clinic.name': z.string().trim().max(100),
  /**
   * The 資格確認端末 share folder (req/res/face); '' = not configured. SHIKAKU_TERMINAL_DIR wins when set.
   * Existence and access are checked where it is set (settings.set), not here: the folder may be a network
   * share that is briefly away when the journal is read.
   */
  'terminal.dir': z.string().trim().max(1000),
  /** How long to wait for the terminal's answer before it counts as a timeout (ms). */
  'terminal.timeoutMs': z.number().int().min(1000).max(600_000),
  /** How many terminal requests the reconciler keeps in flight. */
  'reconcile.concurrency': z.number().int().min(1).max(16),
  /** Timeouts in a row after which the reconciler pauses until a probe is answered. */
  'reconcile.pauseAfterTimeouts': z.number().int().min(1).max(100),
  /** Due reconcile jobs from which the reconciler uses the 一括照会 (bulk request) instead of single requests. */
  'reconcile.bulkThreshold': z.number().int().min(1).max(100_000),
  /** Queries per 一括照会 upload (the terminal's own limit is UNCONFIRMED: docs/reconcile.md). */
  'reconcile.bulkBatchSize': z.number().int().min(1).max(1000),
} as const;
export type KnownSettingKey = keyof typeof knownSettings;

export const settingDefaults: { [K in KnownSettingKey]: z.infer<(typeof knownSettings)[K]> } = {
  staff: [],
  'backup.keep': 14,
  'backup.intervalHours': 24,
  'outbox.policy': {},
  claims: defaultClaimSettings,
  'reconcile.concurrency': 2,
  'reconcile.pauseAfterTimeouts': 3,
  'reconcile.bulkThreshold': 20,
  'reconcile.bulkBatchSize': 100,
  'clinic.institutionCode': '',
  'clinic.name': '',
  'terminal.dir': '',
  'terminal.timeoutMs': 30_000,
};

/** The actor recorded for what the app does by itself (migrations, restores, salvage, imports by CLI). */
export const SYSTEM_ACTOR = 'system';
