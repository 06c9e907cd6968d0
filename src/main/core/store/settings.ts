// Settings: key → JSON value. Known keys are validated; the staff list lives here (no passwords: reception
// PCs are shared, staff pick their name, and the audit log records it).
import { z } from 'zod';
import { ClaimSettings, defaultClaimSettings } from '../../../claims/settings.ts';

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
  /** How many terminal requests the reconciler keeps in flight. */
  'reconcile.concurrency': z.number().int().min(1).max(16),
  /** Timeouts in a row after which the reconciler pauses until a probe is answered. */
  'reconcile.pauseAfterTimeouts': z.number().int().min(1).max(100),
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
};

/** The actor recorded for what the app does by itself (migrations, restores, salvage, imports by CLI). */
export const SYSTEM_ACTOR = 'system';
