// Public surface of the store. The core process, the reconciler and the CLI import from here only.
export {
  openStore,
  inspectFile,
  type OpenStoreOptions,
  type OpenedStore,
  type StartupReport,
  type StartupOutcome,
} from './open.ts';
export {
  Store,
  VisitStatus,
  VisitFilter,
  IncidentInput,
  ReconciliationInput,
  ReturnInput,
  ReviewInput,
  QueueCategory,
  type ReviewOutcome,
  type ReviewAction,
  type ClaimReturn,
  type SavedVisit,
  type StoredVisit,
  type VisitSummary,
  type VisitPage,
  type Incident,
  type Reconciliation,
  type StoreHealth,
  type CheckReport,
} from './store.ts';
export { ok, fail, type Result, type StoreError, type StoreMode } from './result.ts';
export { storeMessages, startupMessages, importMessages, type StoreErrorCode } from './messages.ts';
export { resolveDataDir, defaultDataDir, dbPath, backupDir, DB_FILE_NAME } from './paths.ts';
export { StaffMember, SYSTEM_ACTOR } from './settings.ts';
export {
  backoffDelay,
  idempotencyKey,
  DEFAULT_OUTBOX_POLICY,
  type OutboxJob,
  type OutboxStatus,
  type OutboxPolicy,
} from './outbox.ts';
export type { AuditEntry, AuditEntryInput, AuditVerdict } from './audit.ts';
export type { BackupInfo, PartialBackups } from './backup.ts';
export { writeFileDurable } from './durable.ts';
export {
  PATIENT_CSV_COLUMNS,
  type PatientRecord,
  type PatientInput,
  type PatientQuery,
  type ImportReport,
  type ImportRowError,
  type CsvEncoding,
} from './patients.ts';
export { LATEST_VERSION } from './migrations.ts';
export { sha256Of, type AnswerEvidence, type AnswerEvidenceInput, type BatchItemResult } from './evidence.ts';
export { kanaKey } from './kana.ts';
