// What the single request (single.ts) and the 一括照会 (bulk.ts) need of the reconciler that runs them: the narrow
// `JobHost` (the Reconciler implements it), the terminal link, a job's outcome and the run's summary. Types only
// (and the empty summary), so neither path imports the Reconciler class.
import type { ClaimSettings } from '../../../claims/settings.ts';
import type {
  BulkFetchResult,
  BulkUploadResult,
  ConfirmOptions,
  QualificationQueryInput,
  RequestKind,
  TerminalResult,
} from '../../../hardware/terminal/index.ts';
import type { OutboxJob, Store } from '../store/index.ts';

/** What the reconciler needs of the terminal link (FileTerminalClient fits). */
export interface ReconcilerTerminal {
  confirm(query: QualificationQueryInput, opts: { key?: string; timeoutMs?: number }): Promise<TerminalResult>;
  discardAnswer(key: string, kind?: RequestKind): Promise<void>;
  /** The share's res/ folder, to set aside answers that must not be applied (duplicates, other patients). */
  readonly dirs?: { res: string };
  /** 一括照会 (FileTerminalClient has both); without them the reconciler uses single requests only. */
  bulkUpload?(queries: QualificationQueryInput[], opts?: ConfirmOptions): Promise<BulkUploadResult>;
  bulkFetch?(receptionNumber: string, opts?: ConfirmOptions): Promise<BulkFetchResult>;
}

export type JobOutcome =
  | { kind: 'recorded'; visitId: string; decision: 'current' | 'past' | 'unknown' | 'none'; needsDecision: string[] }
  | { kind: 'already'; visitId: string }
  | { kind: 'failed'; visitId: string | null; code: string; dead: boolean; timeout: boolean }
  | { kind: 'lease_lost'; visitId: string | null }
  /** Given back unworked: the reconciler was stopping (the terminal link is being re-opened, the core stops). */
  | { kind: 'released'; visitId: string | null };

export interface ReconcileSummary {
  /** Jobs queued (pending or inflight, due or not) when the run started. */
  total: number;
  processed: number;
  decisions: { current: number; past: number; unknown: number; none: number };
  /** Visits whose decision needs staff ('none'), with the reasons' codes. */
  needsDecision: { visitId: string; codes: string[] }[];
  /** Jobs to be retried later (backoff). */
  failed: number;
  /** Jobs given up (shown to staff). */
  dead: number;
  /** Jobs already reconciled before (a redelivery after a crash): nothing applied again. */
  already: number;
  /** Answers recorded but not applied (malformed, another key, another patient, duplicates). */
  ignoredAnswers: number;
  paused: boolean;
  /** 一括照会: batches sent, rows answered by them, rows that fell back to the single request. */
  bulk: { batches: number; failedBatches: number; rows: number; answered: number; fallback: number };
}

export function emptySummary(): ReconcileSummary {
  return {
    bulk: { batches: 0, failedBatches: 0, rows: 0, answered: 0, fallback: 0 },
    total: 0,
    processed: 0,
    decisions: { current: 0, past: 0, unknown: 0, none: 0 },
    needsDecision: [],
    failed: 0,
    dead: 0,
    already: 0,
    ignoredAnswers: 0,
    paused: false,
  };
}

/** A warning the reconciler emits ('warning'): a bookkeeping write that failed (audit, release). */
export interface ReconcileWarning {
  action: string;
  entityId: string;
  code: string;
}

/** What working one job needs of the reconciler: the store, the terminal, the rules, and the job's bookkeeping. */
export interface JobHost {
  readonly store: Pick<
    Store,
    'getVisit' | 'reconciliationByKey' | 'recordReconciliationWithEvidence' | 'reconcileBatch' | 'appendAudit'
  >;
  readonly terminal: ReconcilerTerminal;
  readonly settings: ClaimSettings;
  /** Per-request answer timeout. */
  readonly timeoutMs: number;
  /** The run's summary (answers ignored, 一括照会 counts). */
  readonly summary: ReconcileSummary;
  /** Fails the job (retry with backoff, or dead when permanent) and says how it ended. */
  fail(job: OutboxJob, permanent: boolean, code: string, message: string, timeout?: boolean): JobOutcome;
  /** Stopping: the terminal link is being closed (settings changed, the core stops); no new work. */
  readonly isStopped: boolean;
  /** Gives back a claimed job not worked: due again at once, the claim not counted. */
  release(job: OutboxJob): void;
  /** Completes the job; false when its lease was lost. */
  complete(job: OutboxJob): boolean;
  /** An audit entry about a visit (failures become warnings). */
  audit(action: string, entityId: string, detail: Record<string, unknown>): void;
  warn(w: ReconcileWarning): void;
  /** Renames an answer that will not be applied, next to where it was; its new name, if it could be renamed. */
  setAside(file: string, why: string): Promise<string | undefined>;
}
