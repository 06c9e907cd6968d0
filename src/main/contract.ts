// The one typed list of requests and events between the renderer and the core (DESIGN.md "Layers").
//
// Every request has a zod schema for its input and its output; the core validates every incoming request
// against it (src/main/core/service.ts) and the handler map type there makes a missing or extra handler a
// compile error. The renderer imports ONLY TYPES from this file (`import type`), so zod never reaches the
// renderer bundle.
//
// Adding a request: 1) add an entry to `requests` below, 2) add its handler in src/main/core/service.ts.
import { z } from 'zod';
import { Visit } from '../claims/visit.ts';
import type { monthExportView } from './contract-month.ts';
import { monthRequests } from './contract-month.ts';
import {
  ClaimBasis,
  DrillFault,
  DrillPart,
  IncidentKind,
  OutboxStatus,
  PatientShape,
  QueueCategory,
  ReconcileDecision,
  ReviewInput,
  VisitStatus,
} from './concepts.ts';
import { precheckRequests } from './contract-precheck.ts';
import type { doctorReportSchema } from './contract-devices.ts';
import { devicesRequests } from './contract-devices.ts';
import { serverRequests } from './contract-server.ts';
import { dataRequests, storeReopenedEvent } from './contract-data.ts';

// ---------------------------------------------------------------------------------------------------------
// Shared payload shapes

export const coreStates = ['starting', 'ready', 'restarting', 'failed'] as const;
export const coreStatusSchema = z.object({
  state: z.enum(coreStates),
  /** Human-readable detail (Japanese when shown to staff, e.g. why the core is restarting). */
  detail: z.string(),
});

const empty = z.object({}).strict();

const healthItem = z.object({
  code: z.string(),
  message: z.string(),
  nextStep: z.string(),
  severity: z.enum(['error', 'warning']),
});
const deviceSummary = z.object({
  status: z.enum(['ok', 'warning', 'fault', 'unknown']),
  label: z.string(),
  text: z.string(),
});
/** The folded health of the clinic's devices and links (src/hardware/health HealthState). */
export const healthStateSchema = z.object({
  mode: z.enum(['normal', 'degraded', 'outage']),
  modeLabel: z.string(),
  causes: z.array(healthItem.extend({ since: z.string(), impact: z.enum(['degraded', 'outage']), device: z.string() })),
  warnings: z.array(healthItem.extend({ since: z.string() })),
  findings: z.array(healthItem.extend({ at: z.string() })),
  devices: z.object({
    reader: deviceSummary,
    card: deviceSummary,
    terminal: deviceSummary,
    network: deviceSummary,
    power: deviceSummary,
  }),
  at: z.string(),
});

const insuranceNumbersView = z.object({
  insurerNumber: z.string(),
  symbol: z.string(),
  number: z.string(),
  branch: z.string(),
});
/** A patient from past-visit data (src/main/core/store/patients.ts PatientRecord). */
export const patientRecordSchema = PatientShape.extend({ id: z.string() });

/** An outage or a システム障害時モード activation (src/main/core/store Incident). */
export const incidentSchema = z.object({
  id: z.string(),
  kind: IncidentKind,
  cause: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  referenceNumber: z.string(),
  calledBy: z.string(),
  note: z.string(),
  staff: z.string(),
});
const isoDateTime = z.string().datetime({ offset: true });

// The 事後確認 queue and staff review (visits.list, visits.get, visits.review).
/** A code with its Japanese message (needsDecision items, warnings). */
const codedMessage = z.object({ code: z.string(), message: z.string() });
const outboxJobView = z.object({
  status: OutboxStatus,
  attempts: z.number().int(),
  lastErrorCode: z.string().nullable(),
  lastError: z.string().nullable(),
});

/** A setting as the 設定 screen sees it (settings.get / settings.set). */
const settingItemSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  default: z.unknown(),
  isDefault: z.boolean(),
  restartRequired: z.boolean(),
});
/** A reason tied to a field ('' = the whole value; 'unknownInsurerNumber', '0.id', 'staff', …). */
const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

// ---------------------------------------------------------------------------------------------------------
// Requests

interface RequestSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** Only answered when the core runs with SHIKAKU_TEST_HOOKS=1; otherwise treated as unknown. */
  testOnly?: boolean;
}

export const requests = {
  ...precheckRequests,
  'app.info': {
    input: empty,
    output: z.object({
      version: z.string(),
      demo: z.boolean(),
      dataDir: z.string(),
      pid: z.number().int(),
      testHooks: z.boolean(),
    }),
  },
  'app.ping': {
    input: z.object({ echo: z.string().max(1000).optional() }).strict(),
    output: z.object({ pong: z.literal(true), echo: z.string().optional(), at: z.string() }),
  },
  /** The current health state (the status bar's first paint; later changes come as 'health.changed'). */
  'health.get': {
    input: empty,
    output: healthStateSchema,
  },
  /**
   * The journal's state: how startup went (created, migrated, restored from a backup after damage, …, with
   * notices in Japanese to show once) and whether it can be written (read-only / disk full).
   */
  'store.status': {
    input: empty,
    output: z.object({
      available: z.boolean(),
      outcome: z.string().nullable(),
      notices: z.array(z.string()),
      mode: z.enum(['ok', 'read_only', 'disk_full', 'unavailable']),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  /** Save a visit (idempotent by its client-generated id): one transaction with its outbox job and audit entry. */
  'visits.save': {
    input: Visit,
    /** `receptionNo`: the short human 受付番号 (MMDD-NNN) shown and printed instead of the id. */
    output: z.object({ id: z.string(), created: z.boolean(), receptionNo: z.string() }),
  },
  /**
   * 本日の受付: one 診療日's visits saved on this PC (its journal), newest first, each with its 受付番号 and the
   * visit as saved (to reprint its 受付控え or 申立書).
   */
  'visits.today': {
    input: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    output: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          receptionNo: z.string(),
          receivedAt: z.string(),
          status: z.string(),
          visit: Visit,
        }),
      ),
    }),
  },
  /** One visit's 受付番号 ('' when there is no such visit): tells the renderer whether a save reached the journal. */
  'visits.receptionNo': {
    input: z.object({ id: z.string().min(1).max(200) }).strict(),
    output: z.object({ receptionNo: z.string() }),
  },
  /**
   * The reception wizard's draft, kept by the core so that a reload, a renderer crash or a closed window loses
   * nothing (担当者 included). One draft per PC. Never holds a 個人番号 (refused with FORBIDDEN_MY_NUMBER).
   */
  'drafts.save': {
    input: z.object({ draft: z.record(z.string(), z.unknown()) }).strict(),
    output: z.object({ savedAt: z.string() }),
  },
  'drafts.get': {
    input: empty,
    output: z.object({ draft: z.record(z.string(), z.unknown()).nullable(), savedAt: z.string().nullable() }),
  },
  'drafts.clear': {
    input: empty,
    output: z.object({ cleared: z.boolean() }),
  },
  /** The 事後確認 queue's listing. */
  'visits.list': {
    input: z
      .object({
        status: VisitStatus.optional(),
        month: z
          .string()
          .regex(/^\d{4}-\d{2}$/)
          .optional(),
        limit: z.number().int().min(1).max(500).optional(),
        /** One tab of the queue: 未確認 / 要確認 / 確認済み / 送信不可 (reconcile job dead). */
        category: QueueCategory.optional(),
        order: z.enum(['asc', 'desc']).optional(),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      /** Visits per tab (same month, category and status aside). */
      counts: z.object({
        unconfirmed: z.number().int(),
        needs_review: z.number().int(),
        confirmed: z.number().int(),
        dead: z.number().int(),
      }),
      items: z.array(
        z.object({
          id: z.string(),
          serviceDate: z.string(),
          patientName: z.string(),
          patientKana: z.string(),
          cause: z.string(),
          evidenceKind: z.string(),
          status: z.string(),
          staff: z.string(),
          /** The latest reconciliation's decision (null: not reconciled yet). */
          decision: ReconcileDecision.nullable(),
          /** What needs a staff decision, with Japanese messages. */
          needsDecision: z.array(codedMessage),
          /** The basis the claim would be made on now, and its 摘要 lines. */
          basis: ClaimBasis,
          remarks: z.array(z.string()),
          /** The visit's reconcile job is dead (送信不可). */
          dead: z.boolean(),
          job: outboxJobView.omit({ lastError: true }).nullable(),
        }),
      ),
    }),
  },
  /** The staff list (reception picks who is taking the visit; no passwords on shared PCs). */
  'staff.list': {
    input: empty,
    output: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })),
  },
  /** Reception search over past-visit data: kana (any width, hiragana or katakana) prefix and/or birth date. */
  'patients.search': {
    input: z
      .object({
        name: z.string().max(200).optional(),
        birthDate: z.string().max(40).optional(),
        limit: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
    output: z.array(patientRecordSchema),
  },
  /** The 事後確認 queue: outbox counts by status and whether the reconciler is running or paused. */
  'queue.status': {
    input: empty,
    output: z.object({
      pending: z.number().int(),
      inflight: z.number().int(),
      done: z.number().int(),
      dead: z.number().int(),
      reconciler: z.enum(['running', 'paused', 'off']),
    }),
  },
  /** Incidents (outages recorded by health, システム障害時モード recorded by staff) started in a range; newest last. */
  'incidents.list': {
    input: z
      .object({
        from: isoDateTime.optional(),
        to: isoDateTime.optional(),
        kind: IncidentKind.optional(),
        openOnly: z.boolean().optional(),
      })
      .strict(),
    output: z.array(incidentSchema),
  },
  /** Staff record that the call centre enabled システム障害時モード: when, the reference number, who called. */
  'incidents.openEmergency': {
    input: z
      .object({
        startedAt: isoDateTime,
        referenceNumber: z.string().trim().min(1).max(100),
        calledBy: z.string().trim().min(1).max(100),
        note: z.string().max(2000).optional(),
        staff: z.string().min(1).max(64),
      })
      .strict(),
    output: incidentSchema,
  },
  /** Ends an incident (システム障害時モード turned off, or an outage staff know is over). */
  'incidents.close': {
    input: z.object({ id: z.string().min(1).max(64), endedAt: isoDateTime, staff: z.string().min(1).max(64) }).strict(),
    output: incidentSchema,
  },
  // -- 事後確認 queue and staff review --
  /** One visit for the review panel: the visit, the terminal's answer, the history and the claim as it stands. */
  'visits.get': {
    input: z.object({ id: z.string().min(1).max(200) }).strict(),
    output: z.object({
      visit: Visit,
      status: z.string(),
      staff: z.string(),
      /** The terminal's answer recorded by the latest reconciliation (null: none). */
      finding: z.unknown().nullable(),
      decision: ReconcileDecision.nullable(),
      reconciliations: z.array(
        z.object({
          key: z.string(),
          decision: ReconcileDecision,
          staff: z.string(),
          at: z.string(),
          /** Set when staff decided (visits.review). */
          review: z.object({ action: z.string(), reason: z.string() }).nullable(),
        }),
      ),
      /** The reconciler's proposal (without a staff decision) and its reasons. */
      proposal: z.object({ basis: ClaimBasis, needsDecision: z.array(codedMessage) }),
      /** The claim as the month export will write it (with the staff decision, if any). */
      claim: z.object({
        basis: ClaimBasis,
        rule: z.string(),
        numbers: insuranceNumbersView,
        remarks: z.array(z.string()),
        comments: z.array(z.string()),
        payer: z.string(),
        needsDecision: z.array(codedMessage),
        warnings: z.array(codedMessage),
      }),
      /**
       * The 住所 / 連絡先 a ③ claim of this visit would carry in its 摘要 ('' where none is known: a review towards ③
       * must then type it).
       */
      unknownContact: z.object({ address: z.string(), phone: z.string() }),
      /** Numbers choose_basis would use for ① / ② (null: staff must type them). */
      candidates: z.object({ current: insuranceNumbersView.nullable(), past: insuranceNumbersView.nullable() }),
      job: outboxJobView.nullable(),
    }),
  },
  /**
   * A staff decision on a visit's claim basis: recorded as a reconciliation with an audit entry. A visit another PC
   * of the clinic holds (clinic server): checked here, handed over, recorded by that PC (`forwardedTo`, key '').
   */
  'visits.review': {
    input: ReviewInput,
    output: z.object({
      key: z.string(),
      decision: ReconcileDecision,
      before: ReconcileDecision.nullable(),
      closedJobs: z.number().int(),
      forwardedTo: z.string().nullable(),
    }),
  },
  /**
   * The terminal's answers archived for a visit (docs/reconcile.md "Evidence"): file name, sha256, raw size, when,
   * and whether it was this visit's own request or a 一括照会 answer (which holds the whole batch).
   */
  'visits.evidence': {
    input: z.object({ visitId: z.string().min(1).max(200) }).strict(),
    output: z.object({
      items: z.array(
        z.object({
          id: z.number().int(),
          file: z.string(),
          sha256: z.string(),
          size: z.number().int(),
          at: z.string(),
          via: z.enum(['single', 'bulk']),
          rowId: z.string().nullable(),
        }),
      ),
    }),
  },
  /** One archived answer of that visit as text (decoded as the file declares); refused for another visit's file. */
  'visits.evidenceFile': {
    input: z.object({ visitId: z.string().min(1).max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    output: z.object({
      file: z.string(),
      sha256: z.string(),
      via: z.enum(['single', 'bulk']),
      encoding: z.enum(['shift_jis', 'utf-8']),
      encodingWarning: z.string().nullable(),
      zipped: z.boolean(),
      text: z.string(),
    }),
  },
  // -- month-end (「今月の請求データを作成」 and the printed レセコン入力票; contract-month.ts) --
  ...monthRequests,
  // -- settings --
  /**
   * Every known setting (src/main/core/store/settings.ts): its value, its default, whether it is the default,
   * and whether the running core applies a change only after a restart. `terminalDirEnv`: SHIKAKU_TERMINAL_DIR
   * when set (it wins over the stored 'terminal.dir').
   */
  'settings.get': {
    input: empty,
    output: z.object({ items: z.array(settingItemSchema), terminalDirEnv: z.string().nullable() }),
  },
  /** Sets one setting; `staff` is who changes it (audited). Invalid values: saved false, reasons per field. */
  'settings.set': {
    input: z.object({ key: z.string().min(1).max(100), value: z.unknown(), staff: z.string().max(64) }).strict(),
    output: z.object({
      saved: z.boolean(),
      item: settingItemSchema.nullable(),
      errors: z.array(fieldErrorSchema),
      /** Saved, but worth a look (Japanese), e.g. the terminal folder has no req/res folders. */
      warnings: z.array(z.string()),
    }),
  },
  /** Replaces the staff list (add, rename, deactivate); an id used in past records can only be deactivated. */
  'staff.save': {
    input: z
      .object({
        list: z
          .array(z.object({ id: z.string().max(200), name: z.string().max(200), active: z.boolean() }).strict())
          .max(500),
        staff: z.string().max(64),
      })
      .strict(),
    output: z.object({
      saved: z.boolean(),
      list: z.array(z.object({ id: z.string(), name: z.string(), active: z.boolean() })),
      errors: z.array(fieldErrorSchema),
    }),
  },
  // -- clinic server (docs/clinic-server.md; contract-server.ts) --
  ...serverRequests,
  // -- devices and administration (設定 → 機器の点検, first start; contract-devices.ts) --
  ...devicesRequests,
  // -- printing --
  /**
   * Saves the page's print (the open print preview) as an A4 PDF through a save dialog. Answered by the
   * Electron main process itself (webContents.printToPDF); the core and the web host answer PRINT_PDF_UNAVAILABLE.
   */
  'print.savePdf': {
    input: z.object({ fileName: z.string().trim().min(1).max(120) }).strict(),
    output: z.object({ saved: z.boolean(), path: z.string() }),
  },
  /** The clinic's name and 医療機関コード for the printed sheets ('' when not set yet). */
  'print.clinic': {
    input: empty,
    output: z.object({ name: z.string(), institutionCode: z.string() }),
  },
  /**
   * The incident report (for the 利用報告書): incidents started in [from, to], each with the visits taken under
   * it counted by evidence kind (received while it was open, or recorded under it), plus the clinic.
   */
  'incidents.report': {
    input: z.object({ from: isoDateTime, to: isoDateTime }).strict(),
    output: z.object({
      from: z.string(),
      to: z.string(),
      clinic: z.object({ name: z.string(), institutionCode: z.string() }),
      incidents: z.array(incidentSchema.extend({ visits: z.record(z.string(), z.number().int()) })),
    }),
  },
  /**
   * 訓練モード (simulated devices only): break or restore a part as a trainer would — the reader unplugged or back,
   * a card whose chip cannot be read, a good one, the card taken out or put back, the terminal silent or answering, the network probe failing or
   * passing, mains power lost or back — so staff practise the flow from a detected fault. Answers the parts
   * broken after it. Refused with real devices.
   */
  'drill.fault': {
    input: z.object({ fault: DrillFault }).strict(),
    output: z.object({ fault: z.string(), at: z.string(), broken: z.array(DrillPart) }),
  },
  /** 訓練モード: whether drills are available (simulated devices) and which parts are broken now. */
  'drill.state': {
    input: empty,
    output: z.object({ available: z.boolean(), broken: z.array(DrillPart) }),
  },
  /** Forwarded by the Electron main process from powerMonitor 'on-battery' / 'on-ac'. */
  'power.acChanged': {
    input: z.object({ onBattery: z.boolean() }).strict(),
    output: z.object({ onBattery: z.boolean() }),
  },
  /** Test hook: the core process exits abruptly, as a native crash would. Never answers. */
  'test.crash': {
    input: empty,
    output: z.never(),
    testOnly: true,
  },
  /** Test hook: answers after `ms` milliseconds, to have requests in flight. */
  'test.sleep': {
    input: z.object({ ms: z.number().int().min(0).max(600_000) }).strict(),
    output: z.object({ slept: z.number().int() }),
    testOnly: true,
  },
  // -- 設定 → データ: backups, restore, patients import (contract-data.ts) --
  ...dataRequests,
} as const satisfies Record<string, RequestSpec>;

// ---------------------------------------------------------------------------------------------------------
// Events (core or host → renderer)

export const events = {
  /** Connection state of the core process, emitted by the core client (host side). */
  'core.status': coreStatusSchema,
  /** Reconciliation progress (src/main/core/reconciler.ts), pushed as the queue is worked. */
  'queue.progress': z.object({
    processed: z.number().int(),
    total: z.number().int(),
    current: z.string().nullable(),
    paused: z.boolean(),
  }),
  /** Month export progress (claims.monthCheck / claims.exportMonth): visits of the month read so far. */
  'claims.exportProgress': z.object({ month: z.string(), done: z.number().int(), total: z.number().int() }),
  /** Folded device health (src/hardware/health), pushed on every change. */
  'health.changed': healthStateSchema,
  /** The journal was reopened on a restored backup (設定 → データ): screens reload what they show. */
  'store.reopened': storeReopenedEvent,
} as const satisfies Record<string, z.ZodType>;

// ---------------------------------------------------------------------------------------------------------
// Types derived from the schemas (the only things the renderer imports)

export type Requests = typeof requests;
export type RequestName = keyof Requests;
/** What a caller passes (before zod defaults/transforms). */
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
/** What a handler receives (after zod parsing). */
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<Requests[N]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export type CoreStatus = EventPayload<'core.status'>;
export type CoreState = CoreStatus['state'];
export type HealthStateView = EventPayload<'health.changed'>;
export type PatientRecordView = z.output<typeof patientRecordSchema>;
export type StaffView = RequestOutput<'staff.list'>[number];
export type IncidentView = z.output<typeof incidentSchema>;
export type VisitListItemView = RequestOutput<'visits.list'>['items'][number];
export type VisitDetailView = RequestOutput<'visits.get'>;
export type DayVisitView = RequestOutput<'visits.today'>['items'][number];
export type EvidenceItemView = RequestOutput<'visits.evidence'>['items'][number];
export type EvidenceFileView = RequestOutput<'visits.evidenceFile'>;
export type QueueCategoryName = QueueCategory;
export type SettingItemView = z.output<typeof settingItemSchema>;
export type FieldErrorView = z.output<typeof fieldErrorSchema>;
export type PrecheckAnswerView = RequestOutput<'precheck.lookup'>['answer'];
export type PrecheckStatusView = RequestOutput<'precheck.status'>;
export type BookingsPreviewView = RequestOutput<'precheck.bookingsPreview'>;
export type MonthExportView = z.output<typeof monthExportView>;
export type InputSheetView = RequestOutput<'print.inputSheet'>;
export type DoctorReportView = z.output<typeof doctorReportSchema>;
export type TerminalTestView = RequestOutput<'terminal.test'>;

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name);
}

export function isTestOnly(name: RequestName): boolean {
  const spec: RequestSpec = requests[name];
  return spec.testOnly === true;
}

// ---------------------------------------------------------------------------------------------------------
// Errors and wire messages (the same JSON over Electron IPC, the utilityProcess/fork channel and the WebSocket):
// in wire.ts, without zod, for the hosts that relay them.

export * from './wire.ts';

export interface EventMessage<E extends EventName = EventName> {
  name: E;
  payload: EventPayload<E>;
}

/** A file saved through the host's save dialog: `error` null when saved or cancelled. */
export interface SaveFileResult {
  saved: boolean;
  path: string;
  error: string | null;
}
/** The folder chosen in the host's folder dialog; null when cancelled. */
export interface PickFolderResult {
  path: string | null;
}

/** The API that both hosts expose to the renderer as `window.shikaku`. */
export interface ShikakuApi {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  on<E extends EventName>(name: E, callback: (payload: EventPayload<E>) => void): () => void;
  /** The installed app only: save a file (base64) where staff choose. The web host downloads instead. */
  saveFile?(fileName: string, base64: string): Promise<SaveFileResult>;
  /** The installed app only: choose a folder. */
  pickFolder?(start: string): Promise<PickFolderResult>;
  /** The installed app only: an open-file dialog (the file read by the main process, dialogs.ts); null when cancelled. */
  chooseFile?(kind: 'csv'): Promise<ChosenFile | null>;
}

/** A file chosen in the app's open dialog: its name and bytes (base64, as contract-data.ts's requests take them). */
export interface ChosenFile {
  name: string;
  data: string;
}
