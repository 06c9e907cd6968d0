// The durable visit journal. One SQLite file (WAL, synchronous=FULL): a visit the UI called saved survives
// a power cut. Every method that touches user data returns a Result and never throws on bad input; storage
// failures (disk full, read-only folder, I/O errors) put the store in a degraded mode that a probe leaves
// as soon as writing works again. Runs the same under Node and Electron (no `electron` import here).
// Store is the journal's public API: each method checks its input, opens a transaction or a read on the connection
// (connection.ts: health, transactions, schedules, backups) and calls the aggregate modules (visits, queue,
// reconciliations, reviews, returns, incidents, staff, settings, patients, outbox, audit, evidence).
import { ClaimSettings } from '../../../claims/settings.ts';
import * as audit from './audit.ts';
import { partialBackups, type BackupInfo, type PartialBackups } from './backup.ts';
import { Connection, type StoreHealth } from './connection.ts';
import * as drafts from './drafts.ts';
import * as evidence from './evidence.ts';
import * as feed from './feed.ts';
import { findForbidden } from './forbidden.ts';
import * as incidents from './incidents.ts';
import { LATEST_VERSION, readSchemaState, schemaVersion } from './migrations.ts';
import * as monthRows from './month-rows.ts';
import * as outbox from './outbox.ts';
import * as patients from './patients.ts';
import { closePushJobs } from './push-queue.ts';
import * as precheck from './precheck.ts';
import { listDifferences, type PatientDifference } from './patient-merge.ts';
import { backupDir } from './paths.ts';
import { prep } from './prep.ts';
import * as queue from './queue.ts';
import * as reconciliations from './reconciliations.ts';
import { fail, found, ok, type Result } from './result.ts';
import * as returns from './returns.ts';
import * as reviews from './reviews.ts';
import * as settings from './settings.ts';
import { SYSTEM_ACTOR, type KnownSettingKey, type StaffMember } from './settings.ts';
import * as staff from './staff.ts';
import { isId, isoOf, Month, parseInput } from './tx.ts';
import * as visits from './visits.ts';

export type { StoreHealth, StoreOptions } from './connection.ts';

type Reconciliation = reconciliations.Reconciliation;
type Recorded = Result<Reconciliation & { created: boolean }>;

export interface CheckReport {
  dataDir: string;
  file: string;
  integrity: 'ok' | string[];
  schemaVersion: number;
  latestVersion: number;
  audit: audit.AuditVerdict;
  tables: Record<string, number>;
  outbox: Record<outbox.OutboxStatus, number>;
  health: StoreHealth;
  backups: BackupInfo[];
  /** Leftovers of interrupted backups: found and removed at startup, and there now. */
  partialBackups: PartialBackups;
}

const TABLES = [
  'patients',
  'visits',
  'declarations',
  'outbox',
  'reconciliations',
  'returns',
  'incidents',
  'audit_log',
  'settings',
] as const;

export class Store extends Connection {
  // ------------------------------------------------------------------------------------------ settings

  getSetting(key: string): Result<unknown> {
    return this.byId(key, 'setting key', (k) => {
      if (k in settings.knownSettings) return ok(this.setting(k as KnownSettingKey));
      const raw = settings.readRaw(this.db, k);
      return raw === undefined ? fail('NOT_FOUND', `setting ${k}`) : ok(JSON.parse(raw) as unknown);
    });
  }

  /** Sets a setting (validated when known) and records who changed it. */
  setSetting(key: string, value: unknown, actor: string): Result<unknown> {
    const v = settings.checkValue(key, value);
    if (!v.ok) return v;
    return this.tx(actor, (tx) => {
      settings.write(tx, key, v.value.json);
      this.settingsCache.clear();
      return ok(v.value.value);
    });
  }

  listStaff(): StaffMember[] {
    return this.setting('staff');
  }

  /** Replaces the staff list. `actor`: an active staff member, or the system actor (setup, admin CLI). */
  setStaff(list: unknown, actor: string): Result<StaffMember[]> {
    const r = this.setSetting('staff', list, actor);
    return r.ok ? ok(r.value as StaffMember[]) : r;
  }

  /** Staff ids that records refer to: such an id can be deactivated or renamed, never removed from the list. */
  staffIdsInUse(): Result<string[]> {
    return this.read(() => ok(staff.idsInUse(this.db)));
  }

  // -------------------------------------------------------------------------------------------- visits

  /**
   * Saves a visit: the visit row, its 申立書 (if any), its outbox 'reconcile' job and an audit entry, in one
   * transaction. Idempotent on the client-generated id: the same id with the same content returns the
   * existing visit (`created: false`); the same id with different content is VISIT_CONFLICT.
   */
  saveVisit(input: unknown): Result<visits.SavedVisit> {
    const v = visits.check(input);
    if (!v.ok) return v;
    return this.tx(
      v.value.staff,
      (tx) => {
        const saved = visits.insertVisit(tx.db, v.value, tx.actor, 'visit.create', this.opts.clock);
        // The visit makes (or updates) its patient's record: the returning-patient search finds them next time.
        if (saved.ok && saved.value.created) patients.recordFromVisit(tx, v.value);
        return saved;
      },
      true,
    );
  }

  /** Re-saves visits read from a damaged file (startup salvage). Skips ids already present. */
  salvageVisits(list: unknown[]): number {
    return this.db.transaction(() => visits.salvage(this.db, list, this.opts.clock)).immediate();
  }

  getVisit(id: string): Result<visits.StoredVisit> {
    return this.byId(id, 'visit id', (v) => found(visits.get(this.db, v), `visit ${v}`));
  }

  /** The 事後確認 queue: filter by status, service month or dates, cause, evidence kind; keyset-paginated. */
  listVisits(filter: queue.VisitFilter = {}): Result<queue.VisitPage> {
    const f = parseInput(queue.VisitFilter, filter, 'visit filter');
    return f.ok ? this.read(() => queue.list(this.db, f.value)) : f;
  }

  /** The month export's reads (month-rows.ts): its sort keys, then its visits a page at a time; closed after. */
  monthReader(month: string): Result<monthRows.MonthReader> {
    const m = parseInput(Month, month, 'month');
    return m.ok ? this.read(() => ok(monthRows.monthReader(this.db, m.value, (fn) => this.read(fn)))) : m;
  }

  /** Moves a visit along the 事後確認 states, with an audit entry naming who and why. */
  setVisitStatus(id: string, status: visits.VisitStatus, actor: string, reason = ''): Result<visits.VisitStatus> {
    if (!isId(id) || typeof reason !== 'string') return fail('INVALID_INPUT', 'visit id / reason');
    if (findForbidden(reason) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'reason');
    const s = parseInput(visits.VisitStatus, status, 'visit status');
    return s.ok ? this.tx(actor, (tx) => visits.setStatus(tx, id, s.value, reason)) : s;
  }

  // ------------------------------------------------------------------------------------------- outbox

  private policy(): outbox.OutboxPolicy {
    return { ...outbox.DEFAULT_OUTBOX_POLICY, ...this.setting('outbox.policy'), ...this.opts.outboxPolicy };
  }

  /** Claims due jobs with a lease (expired leases are reclaimable: at-least-once). */
  claimOutbox(opts: { limit?: number; kinds?: string[]; leaseMs?: number } = {}): Result<outbox.OutboxJob[]> {
    const o = parseInput(outbox.ClaimOptions, opts ?? {}, 'claim options');
    if (!o.ok) return o;
    const { limit, kinds, leaseMs } = o.value;
    return this.write(() => {
      const claimOpts: Parameters<typeof outbox.claim>[1] = {
        now: this.opts.clock(),
        limit: limit ?? 10,
        leaseMs: leaseMs ?? this.policy().leaseMs,
      };
      if (kinds) claimOpts.kinds = kinds;
      return ok(outbox.claim(this.db, claimOpts));
    });
  }

  /** Marks a claimed job done. LEASE_LOST when the lease expired and another consumer took it. */
  completeOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.txBare(() => {
      const c = outbox.checkLease(this.db, id, leaseToken);
      return c.ok ? ok(outbox.markDone(this.db, id, this.opts.clock())) : outbox.leaseFailure(c, id);
    });
  }

  /**
   * Records a failed attempt. Transient failures are retried with exponential backoff and jitter; permanent
   * ones, and transient ones past the attempt cap, make the job 'dead' (listed for staff).
   */
  failOutbox(
    id: number,
    leaseToken: string,
    failure: { permanent: boolean; code: string; message: string },
  ): Result<outbox.OutboxJob> {
    const fv = outbox.Failure.safeParse(failure);
    if (!Number.isSafeInteger(id) || !isId(leaseToken) || !fv.success) return fail('INVALID_INPUT', 'outbox failure');
    return this.tx(SYSTEM_ACTOR, (tx) => {
      const c = outbox.checkLease(this.db, id, leaseToken);
      return c.ok
        ? ok(outbox.failAudited(tx, c.row, failure, this.policy(), this.opts.random))
        : outbox.leaseFailure(c, id);
    });
  }

  /**
   * Gives back a job claimed but not worked (the reconciler stopped or paused before it): pending and due at once,
   * the claim not counted as an attempt. Lease-checked (LEASE_LOST when another consumer holds it or it is done or
   * dead) and idempotent: releasing a job that is already pending changes nothing. No audit entry (no decision).
   */
  releaseOutbox(id: number, leaseToken: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id) || !isId(leaseToken)) return fail('INVALID_INPUT', 'outbox id / lease token');
    return this.txBare(() => outbox.releaseLeased(this.db, id, leaseToken, this.opts.clock()));
  }

  /** Staff put a dead job back in the queue. */
  requeueOutbox(id: number, actor: string): Result<outbox.OutboxJob> {
    if (!Number.isSafeInteger(id)) return fail('INVALID_INPUT', 'outbox id');
    return this.tx(actor, (tx) => outbox.requeueAudited(tx, id));
  }

  /** For the staff-visible queue screen: jobs (by status) and counts by status. */
  listOutbox(
    opts: { status?: outbox.OutboxStatus; limit?: number; offset?: number } = {},
  ): Result<{ jobs: outbox.OutboxJob[]; counts: Record<outbox.OutboxStatus, number> }> {
    return this.query(outbox.OutboxQuery, opts ?? {}, 'outbox query', (q) => ({
      jobs: outbox.list(this.db, q),
      counts: outbox.counts(this.db),
    }));
  }

  /** The visit's latest 'reconcile' outbox job (attempts, last error), or null. */
  visitJob(visitId: string): Result<outbox.OutboxJob | null> {
    return this.byId(visitId, 'visit id', (v) => ok(outbox.latestForVisit(this.db, v, 'reconcile') ?? null));
  }

  /** Due jobs of these kinds, counted up to `cap` (cheap at any backlog size: the reconciler asks per batch). */
  countDueOutbox(opts: { kinds?: string[]; cap: number }): Result<number> {
    if (!Number.isSafeInteger(opts?.cap) || opts.cap < 1) return fail('INVALID_INPUT', 'cap');
    return this.read(() =>
      ok(
        outbox.dueCount(this.db, {
          now: this.opts.clock(),
          cap: opts.cap,
          ...(opts.kinds ? { kinds: opts.kinds } : {}),
        }),
      ),
    );
  }

  // ---------------------------------------------------------------------------------- reconciliations

  /** Records a reconciliation answer and moves the visit on. Idempotent on `key`. */
  recordReconciliation(input: reconciliations.ReconciliationInput): Recorded {
    const r = parseInput(reconciliations.ReconciliationInput, input, 'reconciliation');
    if (!r.ok) return r;
    if (findForbidden(r.value.detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'reconciliation detail');
    return this.tx(r.value.staff, (tx) => reconciliations.record(tx, r.value));
  }

  listReconciliations(visitId: string): Result<Reconciliation[]> {
    return this.byId(visitId, 'visit id', (v) => ok(reconciliations.list(this.db, v)));
  }

  /** The newest reconciliation of a visit (what exports use), or null when it has none yet. */
  latestReconciliation(visitId: string): Result<Reconciliation | null> {
    return this.byId(visitId, 'visit id', (v) => ok(reconciliations.latest(this.db, v)));
  }

  /** The reconciliation recorded under an idempotency key (an outbox job's key), or null. */
  reconciliationByKey(key: string): Result<Reconciliation | null> {
    return this.byId(key, 'reconciliation key', (k) => ok(reconciliations.byKey(this.db, k)));
  }

  /**
   * Records a staff member's decision on a visit's claim basis (事後確認 review) as a new reconciliation row
   * (`<visit id>:review:<uuidv7>`), with an audit entry 'visit.review' (action, reason, before/after), and moves
   * the visit to 'reconciled'. The visit's reconcile jobs still waiting (pending or dead) are closed: staff have
   * decided. Bad input is refused with a code and a Japanese message, and nothing changes.
   */
  reviewVisit(input: reviews.ReviewInput): Result<reviews.ReviewOutcome> {
    const r = reviews.check(input);
    if (!r.ok) return r;
    return this.tx(
      r.value.staff,
      (tx) => reviews.record(tx, r.value, ClaimSettings.parse(this.setting('claims'))),
      true,
    );
  }

  /**
   * What a review would record, without recording it (the transaction is rolled back): the checks and the decision
   * of a review another PC's journal will record (server/forward.ts), over the clinic mirror, under `settings`.
   */
  previewReview(input: reviews.ReviewInput, settings: ClaimSettings): Result<reviews.ReviewOutcome> {
    const r = reviews.check(input);
    if (!r.ok) return r;
    const rollback = new Error('preview');
    let out: Result<reviews.ReviewOutcome> = fail('NOT_FOUND', r.value.visitId);
    try {
      this.db.transaction(() => {
        out = reviews.record(
          { db: this.db, actor: SYSTEM_ACTOR, now: this.opts.clock() },
          { ...r.value, staff: SYSTEM_ACTOR },
          settings,
        );
        throw rollback;
      })();
    } catch (e) {
      if (e !== rollback) throw e;
    }
    return out;
  }

  /**
   * Records a review made on another PC of the clinic (server/forward.ts) by the system actor, with who made it
   * where in its audit entry; null when it was recorded before (same hand-over id).
   */
  applyForwardedReview(input: reviews.ReviewInput, from: reviews.ForwardedFrom): Result<reviews.ReviewOutcome | null> {
    const r = reviews.check(input);
    if (!r.ok) return r;
    const prior = this.reconciliationByKey(reviews.forwardedKey(r.value.visitId, from));
    if (!prior.ok || prior.value) return prior.ok ? ok(null) : prior;
    return this.tx(SYSTEM_ACTOR, (tx) =>
      reviews.record(
        tx,
        { ...r.value, staff: SYSTEM_ACTOR, forwarded: from },
        ClaimSettings.parse(this.setting('claims')),
      ),
    );
  }

  /**
   * Records a reconciliation together with the terminal answer it was decided on (archived: migration 3) in one
   * transaction: a decision is never kept without its evidence, nor evidence without its decision.
   */
  recordReconciliationWithEvidence(
    input: reconciliations.ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Recorded {
    return this.txBare(() => this.reconcileWithEvidence(input, answer));
  }

  private reconcileWithEvidence(
    input: reconciliations.ReconciliationInput,
    answer?: evidence.AnswerEvidenceInput,
  ): Recorded {
    const r = this.recordReconciliation(input); // nested: a savepoint of the caller's transaction
    if (!r.ok || !answer) return r;
    evidence.archive(this.db, { visitId: r.value.visitId, key: r.value.key }, answer, this.opts.clock());
    return r;
  }

  /**
   * A batch of reconciliations (一括照会), one transaction: each is recorded with its evidence and its outbox job
   * completed together, so a crash leaves every item either applied and done or not applied and still leased.
   * Per item: the reconciliation's failure (not recorded, job untouched) or whether the job could be completed
   * (false: the lease was lost; the reconciliation stands, its key makes a redelivery apply nothing again).
   */
  reconcileBatch(
    items: {
      jobId: number;
      leaseToken: string;
      reconciliation: reconciliations.ReconciliationInput;
      evidence?: evidence.AnswerEvidenceInput;
    }[],
  ): Result<evidence.BatchItemResult[]> {
    if (!Array.isArray(items)) return fail('INVALID_INPUT', 'reconciliation batch');
    return this.txBare(() => {
      const out: evidence.BatchItemResult[] = [];
      for (const it of items) {
        const r = this.reconcileWithEvidence(it.reconciliation, it.evidence);
        if (!r.ok) {
          out.push({ ok: false, error: r.error });
          continue;
        }
        const lease = outbox.checkLease(this.db, it.jobId, it.leaseToken);
        if (lease.ok) outbox.markDone(this.db, it.jobId, this.opts.clock());
        out.push({ ok: true, key: r.value.key, created: r.value.created, completed: lease.ok });
      }
      return ok(out);
    });
  }

  /** The archived answers of a visit (metadata; the bytes by readAnswerEvidence). */
  listAnswerEvidence(visitId: string): Result<evidence.AnswerEvidence[]> {
    return this.byId(visitId, 'visit id', (v) => ok(evidence.list(this.db, v)));
  }

  /** An archived answer's raw bytes, byte-identical to the file the terminal wrote (checked by its sha256). */
  readAnswerEvidence(sha256: string): Result<Buffer> {
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) return fail('INVALID_INPUT', 'sha256');
    return this.read(() => {
      const b = evidence.read(this.db, sha256);
      if (b === 'missing') return fail('NOT_FOUND', `answer ${sha256}`);
      if (b === 'corrupt') return fail('STORE_IO_ERROR', `answer ${sha256} no longer matches its sha256`);
      return ok(b);
    });
  }

  // ------------------------------------------------------------------------------------ returns (返戻)

  /**
   * Records a returned claim: the visit goes to 'returned', a new 'reconcile' outbox job
   * (`<visit id>:reconcile:r<n>`) reopens it, and it is re-claimed in `reclaimMonth`'s export (default: the
   * current month, at least the month after the original claim).
   */
  addReturn(input: returns.ReturnInput): Result<returns.ClaimReturn> {
    const p = parseInput(returns.ReturnInput, input, 'return');
    if (!p.ok) return p;
    const r = p.value;
    if (findForbidden(r) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'return');
    const reclaimMonth = returns.reclaimMonthOf(r, this.opts.clock());
    if (reclaimMonth <= r.claimMonth)
      return fail('INVALID_INPUT', 'reclaimMonth must be after claimMonth', [
        { path: 'reclaimMonth', message: 'must be after claimMonth' },
      ]);
    return this.tx(r.staff, (tx) => returns.add(tx, r, reclaimMonth));
  }

  /** Returns, oldest first: all, only open ones (not yet in a re-claim export), or one re-claim month's. */
  listReturns(opts: { open?: boolean; reclaimMonth?: string; visitId?: string } = {}): Result<returns.ClaimReturn[]> {
    return this.query(returns.ReturnQuery, opts ?? {}, 'returns query', (q) => returns.list(this.db, q));
  }

  /** Marks returns as re-claimed (their re-claim export was written). Idempotent. */
  markReturnsReclaimed(ids: string[], actor: string): Result<number> {
    if (!Array.isArray(ids) || !ids.every(isId)) return fail('INVALID_INPUT', 'return ids');
    return this.tx(actor, (tx) => ok(returns.markReclaimed(tx, ids)));
  }

  // ----------------------------------------------------------------------------------------- incidents

  /** Records an outage or a システム障害時モード activation (time, reference number, who called). */
  openIncident(input: incidents.IncidentInput): Result<incidents.Incident> {
    const i = parseInput(incidents.IncidentInput, input, 'incident');
    if (!i.ok) return i;
    const forbidden = findForbidden(i.value);
    if (forbidden !== undefined) return fail('FORBIDDEN_MY_NUMBER', `incident ${forbidden}`);
    return this.tx(i.value.staff, (tx) => ok(incidents.open(tx, i.value)));
  }

  closeIncident(id: string, endedAt: string, actor: string, cause?: string): Result<incidents.Incident> {
    if (!isId(id) || (cause !== undefined && typeof cause !== 'string'))
      return fail('INVALID_INPUT', 'incident id / cause');
    if (!incidents.IncidentInput.shape.startedAt.safeParse(endedAt).success) return fail('INVALID_INPUT', 'endedAt');
    if (findForbidden(cause) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'incident cause');
    return this.tx(actor, (tx) => incidents.close(tx, id, endedAt, cause));
  }

  listIncidents(opts: { from?: string; to?: string } = {}): Result<incidents.Incident[]> {
    return this.query(incidents.IncidentRange, opts ?? {}, 'incident range', (q) => incidents.list(this.db, q));
  }

  /**
   * The visits taken under each incident (for the 利用報告書), counted by evidence kind per incident id: received
   * while it was open or recorded with evidence.incidentRef = its id; void visits left out.
   */
  countVisitsByIncident(ids: readonly string[]): Result<Record<string, Record<string, number>>> {
    return this.query(incidents.IncidentIds, ids, 'incident ids', (q) => incidents.countVisits(this.db, q));
  }

  // ------------------------------------------------------------------------------------------ patients

  searchPatients(q: patients.PatientQuery): Result<patients.PatientRecord[]> {
    const c = patients.checkQuery(q);
    return c.ok ? this.read(() => ok(patients.searchPatients(this.db, c.value))) : c;
  }

  getPatient(id: string): Result<patients.PatientRecord> {
    return this.byId(id, 'patient id', (p) => found(patients.getPatient(this.db, p), `patient ${p}`));
  }

  upsertPatient(p: patients.PatientInput, actor: string): Result<{ id: string; action: 'inserted' | 'updated' }> {
    const c = patients.checkInput(p);
    return c.ok ? this.tx(actor, (tx) => ok(patients.upsertAudited(tx, c.value))) : c;
  }

  /**
   * Imports a レセコン patients CSV (layout: docs/store.md). Each row is its own savepoint: a bad row is
   * reported (row number, code, Japanese message) and never half-imported; good rows are kept.
   */
  importPatientsCsv(
    data: Buffer,
    opts: { encoding?: patients.CsvEncoding; actor?: string } = {},
  ): Result<patients.ImportReport> {
    const p = this.parseCsv(data, opts.encoding);
    if (!p.ok) return p;
    const { encoding, parsed } = p.value;
    return this.tx(opts.actor ?? SYSTEM_ACTOR, (tx) => ok(patients.importRows(tx, data, encoding, parsed)));
  }

  /**
   * The dry run of importPatientsCsv: the encoding detected, the first rows, each refused row with its reason,
   * how many records would be added or updated and where the import differs from visits saved in the app.
   * Nothing is written.
   */
  previewPatientsCsv(data: Buffer, opts: { encoding?: patients.CsvEncoding } = {}): Result<patients.ImportPreview> {
    const p = this.parseCsv(data, opts.encoding);
    if (!p.ok) return p;
    const { encoding, bom, parsed } = p.value;
    return this.read(() => ok(patients.previewRows(this.db, data, bom, encoding, parsed)));
  }

  private parseCsv(
    data: Buffer,
    enc: patients.CsvEncoding | undefined,
  ): Result<{ encoding: patients.CsvEncoding; bom: boolean; parsed: patients.ParsedCsv }> {
    if (!Buffer.isBuffer(data)) return fail('INVALID_INPUT', 'CSV data must be a Buffer');
    const { text, encoding, bom } = patients.decodeCsv(data, enc);
    const parsed = patients.parsePatientsCsv(text);
    if (!parsed.ok) return fail('CSV_UNREADABLE', parsed.fileError);
    return ok({ encoding, bom, parsed });
  }

  /** Where visits saved in the app disagree with what the import set (the import's values are kept). */
  patientDifferences(limit = 200): Result<PatientDifference[]> {
    return this.read(() => ok(listDifferences(this.db, Math.min(Math.max(1, Math.floor(limit)), 1000))));
  }

  // ------------------------------------------------------------------------------- 事前確認 (precheck.ts)

  /** Who is expected on `day` (bookings, then regulars seen since `regularsSince`; null: bookings only). */
  precheckExpected(day: string, regularsSince: string | null): Result<precheck.ExpectedPerson[]> {
    return this.read(() => ok(precheck.expectedOn(this.db, day, regularsSince)));
  }

  /** Patients with numbers (the 訓練モード terminal's registry). */
  patientsWithNumbers(limit: number): Result<(precheck.ExpectedPerson & { sex: string | null })[]> {
    return this.read(() => ok(precheck.patientsWithNumbers(this.db, limit)));
  }

  /** Person keys of `list` that have an answer fetched at or after `sinceMs`. */
  precheckAnsweredSince(list: precheck.ExpectedPerson[], sinceMs: number): Result<Set<string>> {
    return this.read(() => ok(precheck.answeredSince(this.db, list, sinceMs)));
  }

  startPrecheckRun(day: string, trigger: precheck.RunTrigger, total: number): Result<precheck.PrecheckRun> {
    return this.tx(SYSTEM_ACTOR, (tx) => ok(precheck.startRun(tx, day, trigger, total)));
  }

  /** One batch's answers with the raw answer file, in one transaction. Returns how many say the 資格 changed. */
  recordPrecheckAnswers(
    runId: number,
    answer: { file: string; bytes: Uint8Array },
    items: precheck.AnswerInput[],
  ): Result<number> {
    if (findForbidden(items) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'precheck answers');
    return this.tx(SYSTEM_ACTOR, (tx) => ok(precheck.recordAnswers(tx, runId, answer, items)));
  }

  finishPrecheckRun(id: number, r: Parameters<typeof precheck.finishRun>[2]): Result<precheck.PrecheckRun> {
    return this.tx(SYSTEM_ACTOR, (tx) => ok(precheck.finishRun(tx, id, r)));
  }

  /** Closes runs a crash or a shutdown left 'running' (their answers stay usable). */
  closeStalePrecheckRuns(error: string): Result<number> {
    return this.tx(SYSTEM_ACTOR, (tx) => ok(precheck.closeStaleRuns(tx, error)));
  }

  listPrecheckRuns(opts: { day?: string; limit?: number } = {}): Result<precheck.PrecheckRun[]> {
    return this.read(() => ok(precheck.listRuns(this.db, opts)));
  }

  latestPrecheckAnswer(q: precheck.LookupQuery): Result<precheck.PrecheckAnswer | null> {
    return this.query(precheck.LookupQuery, q, 'precheck lookup', (v) => precheck.latestAnswer(this.db, v));
  }

  countPrecheckAnswers(): Result<number> {
    return this.read(() => ok(precheck.countAnswers(this.db)));
  }

  /** A booking without numbers: the patient record's, by カルテ番号 or name and birth date. */
  findPatientNumbers(q: {
    patientId: string;
    name: string;
    birthDate: string;
  }): Result<precheck.ExpectedPerson | null> {
    return this.read(() => ok(precheck.findPatientNumbers(this.db, q)));
  }

  /** Replaces the bookings of the days in `rows` (one audit entry naming the file's sha256). */
  importBookings(
    rows: { day: string; person: precheck.ExpectedPerson }[],
    sha256: string,
    actor: string,
  ): Result<number> {
    if (findForbidden(rows) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'bookings');
    return this.tx(actor, (tx) => ok(precheck.replaceBookings(tx, rows, sha256)));
  }

  /** Retention (docs/precheck.md): answers before `beforeMs`, bookings of days before `beforeDay`. */
  purgePrecheck(beforeMs: number, beforeDay: string): Result<{ answers: number; bookings: number; blobs: number }> {
    return this.tx(SYSTEM_ACTOR, (tx) => ok(precheck.purge(tx, beforeMs, beforeDay)));
  }

  // ------------------------------------------------------------------------------------- audit, check

  /** Appends an audit entry for an action outside the store's own (others: reconciler, wizard, exports). */
  appendAudit(entry: audit.AuditEntryInput): Result<audit.AuditEntry> {
    const e = parseInput(audit.AuditInput, entry, 'audit entry');
    if (!e.ok) return e;
    return this.tx(entry.actor, (tx) => {
      if (entry.detail && findForbidden(entry.detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'audit detail');
      return ok(audit.appendAudit(this.db, { ...entry, actor: tx.actor, at: entry.at ?? isoOf(tx.now) }));
    });
  }

  verifyAudit(): Result<audit.AuditVerdict> {
    return this.read(() => ok(audit.verifyAudit(this.db)));
  }

  listAudit(opts: { entity?: string; entityId?: string; limit?: number } = {}): Result<audit.AuditEntry[]> {
    return this.query(audit.AuditQuery, opts ?? {}, 'audit query', (q) => audit.listAudit(this.db, q));
  }

  /** Everything `shikaku db check` prints: integrity, schema version, audit chain, counts. */
  check(opts: { full?: boolean } = {}): Result<CheckReport> {
    return this.read(() => {
      const rows = this.db.pragma(opts.full ? 'integrity_check' : 'quick_check') as Record<string, string>[];
      const msgs = rows.map((r) => Object.values(r)[0] ?? '');
      const tables: Record<string, number> = {};
      for (const t of TABLES) tables[t] = prep(this.db, `SELECT count(*) FROM ${t}`).pluck().get() as number;
      return ok({
        dataDir: this.dataDir,
        file: this.file,
        integrity: msgs.length === 1 && msgs[0] === 'ok' ? 'ok' : msgs,
        schemaVersion: schemaVersion(readSchemaState(this.db)),
        latestVersion: LATEST_VERSION,
        audit: audit.verifyAudit(this.db),
        tables,
        outbox: outbox.counts(this.db),
        health: this.health(),
        backups: this.listBackups(),
        partialBackups: partialBackups(backupDir(this.dataDir)),
      });
    });
  }

  // -------------------------------------------------------------------------- clinic server (feed.ts)

  /** What to push after the server's head `afterSeq`: audit entries in order with the rows they are about. */
  serverFeed(afterSeq: number, limit: number): Result<feed.Feed> {
    if (!Number.isSafeInteger(afterSeq) || !Number.isSafeInteger(limit) || limit < 1)
      return fail('INVALID_INPUT', 'feed range');
    return this.read(() => ok(feed.readFeed(this.db, afterSeq, limit)));
  }

  /** The server holds the entries up to `seq`: their push jobs are done. */
  pushedThrough(seq: number): Result<number> {
    if (!Number.isSafeInteger(seq)) return fail('INVALID_INPUT', 'seq');
    return this.write(() => ok(closePushJobs(this.db, seq, this.opts.clock())));
  }

  /** Mirror only: applies rows pulled from the server and moves the pull cursor. */
  applyPulled(records: feed.PulledRecord[], cursor: number): Result<number> {
    return this.write(() => {
      feed.applyPulled(this.db, records, cursor, this.opts.clock());
      return ok(records.length);
    });
  }

  /** Mirror only: the last server revision applied. */
  pullCursor(): Result<number> {
    return this.read(() => ok(feed.pullCursor(this.db)));
  }

  // ------------------------------------------------------------------ reception drafts and the day's visits

  /** The reception's unsaved wizard draft (drafts.ts); never a 個人番号 (refused like every record). */
  saveDraft(slot: string, draft: Record<string, unknown>): Result<{ savedAt: string }> {
    if (findForbidden(draft) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'draft');
    const now = this.opts.clock();
    return this.write(() => {
      drafts.writeDraft(this.db, slot, draft, now);
      return ok({ savedAt: isoOf(now) });
    });
  }

  getDraft(slot: string): Result<drafts.StoredDraft | null> {
    return this.read(() => ok(drafts.readDraft(this.db, slot)));
  }

  clearDraft(slot: string): Result<boolean> {
    return this.write(() => ok(drafts.deleteDraft(this.db, slot)));
  }

  /** One 診療日's visits, newest first, with their 受付番号 (drafts.ts). */
  dayVisits(serviceDate: string): Result<drafts.DayVisit[]> {
    return this.read(() => ok(drafts.dayVisits(this.db, serviceDate)));
  }

  receptionNo(id: string): Result<string> {
    return this.read(() => ok(drafts.receptionNoOf(this.db, id)));
  }
}
