// Public surface of the store. The core process, the reconciler and the CLI import from here only.
export {
  openStore,
  inspectFile,
  type OpenStoreOptions,
  type OpenedStore,
  type StartupReport,
  type StartupOutcome,
} from './open.ts';
export { Store, type StoreHealth, type CheckReport } from './store.ts';
export { VisitStatus, type SavedVisit, type StoredVisit } from './visits.ts';
export { VisitFilter, QueueCategory, type VisitSummary, type VisitPage } from './queue.ts';
export type { MonthReader, MonthVisitKey, VisitWithLatest } from './month-rows.ts';
export { ReconciliationInput, type Reconciliation } from './reconciliations.ts';
export { ReviewInput, type ReviewOutcome, type ReviewAction } from './reviews.ts';
export { ReturnInput, type ClaimReturn } from './returns.ts';
export { IncidentInput, type Incident } from './incidents.ts';
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
export { fsyncDir, openStreamedFile, writeFileDurable, type StreamedFile } from './durable.ts';
export {
  PATIENT_CSV_COLUMNS,
  decodeCsv,
  readCsvRecords,
  parseFlexibleDate,
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
export {
  personKey,
  currentNumbers,
  type ExpectedPerson,
  type PrecheckRun,
  type PrecheckAnswer,
  type RunTrigger,
  type RunStatus,
  type AnswerInput,
} from './precheck.ts';
