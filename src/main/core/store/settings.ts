// Settings: key → JSON value. Known keys are validated; the staff list lives here (no passwords: reception
// PCs are shared, staff pick their name, and the audit log records it).
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ClaimSettings, defaultClaimSettings, readClaimSettings } from '../../../claims/settings.ts';
import { institutionCodeProblem } from '../../../claims/institution.ts';
import { appendAudit } from './audit.ts';
import { sha256Hex } from './canonical.ts';
import { findForbidden } from './forbidden.ts';
import { prep } from './prep.ts';
import { fail, ok, type Result } from './result.ts';
import { auditTx, zodIssues, type Tx } from './tx.ts';

export const StaffMember = z.object({
  id: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(100),
  active: z.boolean().default(true),
});
export type StaffMember = z.infer<typeof StaffMember>;

/**
 * The clinic server (PostgreSQL, docs/clinic-server.md). The password is not here: it lives in the OS keystore
 * (Electron safeStorage); a `password` field given here is dropped by the schema.
 */
export const ServerSettings = z.object({
  enabled: z.boolean(),
  host: z.string().trim().max(255),
  port: z.number().int().min(1).max(65535),
  database: z.string().trim().min(1).max(63),
  user: z.string().trim().min(1).max(63),
  tls: z.boolean(),
  /**
   * With TLS: the SHA-256 fingerprint of the server's certificate this PC trusts ('' = encrypt without checking).
   * A server showing another certificate is refused before the password is used (server/client.ts).
   */
  tlsFingerprint: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase().replace(/[^0-9A-F]/g, ''))
    .refine((v) => v === '' || v.length === 64, 'a SHA-256 fingerprint has 64 hex digits')
    .default(''),
  /** This PC's name at the clinic (受付1, 受付2): the server keeps each PC's journal under it. */
  pcName: z.string().trim().max(64),
});
export type ServerSettings = z.infer<typeof ServerSettings>;

export const knownSettings = {
  server: ServerSettings.refine((s) => !s.enabled || (s.host !== '' && s.pcName !== ''), {
    message: 'host and pcName are required when the server is enabled',
  }),
  staff: z.array(StaffMember).refine((l) => new Set(l.map((s) => s.id)).size === l.length, 'staff ids must be unique'),
  /** How many backups to keep. */
  'backup.keep': z.number().int().min(1).max(400),
  /**
   * A second backup folder (USB stick, NAS share) every backup is also copied to; '' = none. Checked (absolute,
   * present, writable) where it is set (settings.set), not here: a USB stick may be out when the journal is read.
   */
  'backup.secondDir': z.string().trim().max(1000),
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
  /** 事前確認 (docs/precheck.md): when and how the expected patients' 資格 is fetched ahead, and how long it is kept. */
  precheck: z.object({
    /** Whether the daily fetch runs by itself (「今すぐ事前確認」 works either way). */
    enabled: z.boolean(),
    /** Japan time of the daily fetch, HH:MM (before opening hours). */
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    /** Regulars: patients seen in the last N months (0: bookings only). */
    regularsMonths: z.number().int().min(0).max(36),
    /** Answers older than this many hours are shown as past numbers only, never as ① evidence. */
    freshHours: z.number().int().min(1).max(168),
    /** Answers and expected lists are deleted after this many days. */
    retentionDays: z.number().int().min(1).max(90),
    /** Queries per 一括照会 upload. */
    batchSize: z.number().int().min(1).max(1000),
    /** At most this many uploads a minute (the terminal serves reception too). */
    batchesPerMinute: z.number().int().min(1).max(600),
    /** A run that left patients unanswered is retried after this many minutes (the same day). */
    retryMinutes: z.number().int().min(1).max(240),
  }),
  /** The bookings CSV's columns as mapped once on the 設定 screen: field → header text. */
  'precheck.bookingColumns': z.record(z.string(), z.string().max(200)),
} as const;
export type KnownSettingKey = keyof typeof knownSettings;

export const settingDefaults: { [K in KnownSettingKey]: z.infer<(typeof knownSettings)[K]> } = {
  staff: [],
  server: {
    enabled: false,
    host: '',
    port: 5432,
    database: 'shikaku',
    user: 'shikaku',
    tls: false,
    tlsFingerprint: '',
    pcName: '',
  },
  'backup.keep': 14,
  'backup.intervalHours': 24,
  'backup.secondDir': '',
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
  precheck: {
    enabled: true,
    time: '07:30',
    regularsMonths: 3,
    freshHours: 24,
    retentionDays: 7,
    batchSize: 100,
    batchesPerMinute: 30,
    retryMinutes: 15,
  },
  'precheck.bookingColumns': {},
};

/** The actor recorded for what the app does by itself (migrations, restores, salvage, imports by CLI). */
export const SYSTEM_ACTOR = 'system';

/** A setting's stored JSON text, or undefined when it was never set. */
export function readRaw(db: Database.Database, key: string): string | undefined {
  return prep(db, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
}

/** The value to store for a key: validated when known, never carrying a My Number; as JSON text. */
export function checkValue(key: string, value: unknown): Result<{ value: unknown; json: string }> {
  if (typeof key !== 'string' || key.length === 0 || key.length > 100) return fail('INVALID_INPUT', 'setting key');
  let v = value;
  if (key in knownSettings) {
    const p = knownSettings[key as KnownSettingKey].safeParse(value);
    if (!p.success) return fail('INVALID_INPUT', `setting ${key}`, zodIssues(p.error));
    v = p.data;
  }
  if (findForbidden(v) !== undefined) return fail('FORBIDDEN_MY_NUMBER', `setting ${key}`);
  return ok({ value: v, json: JSON.stringify(v ?? null) });
}

/** Writes a setting (inside the transaction) with an audit entry 'setting.set' naming its hash. */
export function write(tx: Tx, key: string, json: string): void {
  prep(
    tx.db,
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(key, json, tx.now);
  auditTx(tx, { action: 'setting.set', entity: 'setting', entityId: key, detail: { sha256: sha256Hex(json) } });
}

/** What upgradeClaimsFillLengths changes, as its audit entry records it. */
export const CLAIMS_FILL_UPGRADE = {
  from: { unknownNumberLength: 8 },
  to: { unknownNumberLength: 9, unknownNumberLengthKouki: 8 },
} as const;

/**
 * Store migration 4 (issue #12): the ③ 不詳 番号 was one length for every insurer, 8 by default, until the published
 * reading (2023-07-19 事務連絡 [S1b]: 「777777777」, 9 digits; 8 for 後期高齢者医療) split it. A stored 'claims' of
 * that old shape — no `unknownNumberLengthKouki` key, which every save since the split writes — with the old
 * default 8 becomes 9 / 後期 8, with a 'setting.migrate' audit entry by the system. Any other stored length was
 * chosen deliberately and is kept (the 後期 length then takes its default when read). Runs inside the
 * migration's transaction; true when it changed the setting.
 */
export function upgradeClaimsFillLengths(db: Database.Database, at: Date = new Date()): boolean {
  const raw = readRaw(db, 'claims');
  if (raw === undefined) return false;
  let stored: unknown;
  try {
    stored = JSON.parse(raw);
  } catch {
    return false;
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return false;
  const old = stored as Record<string, unknown>;
  if (old.unknownNumberLength !== 8 || Object.hasOwn(old, 'unknownNumberLengthKouki')) return false;
  const json = JSON.stringify({ ...old, ...CLAIMS_FILL_UPGRADE.to });
  prep(db, 'UPDATE settings SET value = ?, updated_at = ? WHERE key = ?').run(json, at.getTime(), 'claims');
  appendAudit(db, {
    actor: SYSTEM_ACTOR,
    action: 'setting.migrate',
    entity: 'setting',
    entityId: 'claims',
    detail: { sha256: sha256Hex(json), ...CLAIMS_FILL_UPGRADE, source: '2023-07-19 保険局医療課 事務連絡' },
    at: at.toISOString(),
  });
  return true;
}

/**
 * Known settings, cached. The cache is dropped when this connection writes a setting (clear), and when another
 * connection (the CLI beside the app) has committed anything (PRAGMA data_version changes).
 */
export class SettingsCache {
  private db: Database.Database | null = null;
  private version = -1;
  private values = new Map<string, unknown>();

  get<K extends KnownSettingKey>(db: Database.Database, key: K): z.infer<(typeof knownSettings)[K]> {
    type V = z.infer<(typeof knownSettings)[K]>;
    try {
      const version = prep(db, 'PRAGMA data_version').pluck().get() as number;
      if (this.db !== db || this.version !== version) {
        this.db = db;
        this.version = version;
        this.values = new Map();
      }
      if (this.values.has(key)) return this.values.get(key) as V;
      const raw = readRaw(db, key);
      let value: V = settingDefaults[key];
      if (raw !== undefined) {
        const stored: unknown = JSON.parse(raw);
        // Claim settings key by key: one value out of range does not reset the clinic's other choices.
        if (key === 'claims') value = readClaimSettings(stored).settings as V;
        else {
          const parsed = knownSettings[key].safeParse(stored);
          if (parsed.success) value = parsed.data as V;
        }
      }
      this.values.set(key, value);
      return value;
    } catch {
      return settingDefaults[key];
    }
  }

  clear(): void {
    this.values.clear();
  }
}
