// The core's services: the handler map, built from injected dependencies, and the dispatcher that
// validates every incoming request against the contract before a handler sees it.
//
// Dependency-injection point: `CoreDeps`. process.ts / runtime.ts (the composition root) builds it; the
// store (src/main/core/store) and the devices (src/hardware/*) are added there as new fields, and their
// requests get handlers below. Nothing here imports Electron or opens files by itself.
import { z } from 'zod';
import type { HealthState } from '../../hardware/health/index.ts';
import type { Journal } from './journal.ts';
import type { Store } from './store/index.ts';
import { candidateNumbers, decideClaim } from '../../claims/decide.ts';
import { evidenceList, evidenceText } from './reconcile/evidence-view.ts';
import { claimFor, claimSettingsOf, recordedFinding } from './reconcile/export.ts';
import { reconcileMessages } from './reconcile-messages.ts';
import { listSettings, saveSetting, saveStaff } from './settings-service.ts';
import {
  ContractError,
  contractError,
  isRequestName,
  isTestOnly,
  requestIdSchema,
  requests,
  type EventName,
  type EventPayload,
  type ParsedInput,
  type RequestName,
  type RequestOutput,
  type ResponseMessage,
  type WireError,
} from '../contract.ts';

export interface AppInfo {
  version: string;
  demo: boolean;
  dataDir: string;
  pid: number;
  testHooks: boolean;
}

export interface CoreDeps {
  info: AppInfo;
  /** Push an event to every renderer. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** The folded device health (src/hardware/health). */
  health: { state(): HealthState };
  /** The journal (store null when it could not be opened; the reason is in journal.error). */
  journal: Journal;
  /** The reconciler's state; null when it is not running (no journal, no terminal, or manual mode). */
  reconciler: { readonly isPaused: boolean } | null;
  /** 訓練モード's fault injection on the simulated devices; absent or null with real devices. */
  drill?: ((fault: 'reader_lost' | 'reader_back' | 'mains_lost' | 'mains_back') => void) | null;
  /** SHIKAKU_TERMINAL_DIR when set: it wins over the stored 'terminal.dir' (shown on the 設定 screen). */
  terminalDirEnv?: string | null;
  /** Electron powerMonitor's on-battery / on-ac, relayed by the main process. */
  acChanged(onBattery: boolean): void;
  /** Test hook: end the process abruptly (SIGKILL on POSIX). */
  crash(): never;
  sleep(ms: number): Promise<void>;
}

export type Handler<N extends RequestName> = (input: ParsedInput<N>) => RequestOutput<N> | Promise<RequestOutput<N>>;

/** Exactly one handler per contract request: a missing or extra key is a compile error. */
export type Handlers = { [N in RequestName]: Handler<N> };

export function buildHandlers(deps: CoreDeps): Handlers {
  return {
    'app.info': () => ({ ...deps.info }),
    'app.ping': (input) => ({
      pong: true,
      ...(input.echo === undefined ? {} : { echo: input.echo }),
      at: new Date().toISOString(),
    }),
    'health.get': () => deps.health.state(),
    'store.status': () => {
      const { store, report, error } = deps.journal;
      return {
        available: store !== null,
        outcome: report?.outcome ?? null,
        notices: report?.notices ?? [],
        mode: store ? store.health().mode : 'unavailable',
        error: error ? { code: error.code, message: error.message } : null,
      };
    },
    'visits.save': (visit) => {
      const saved = unwrap(storeOf(deps).saveVisit(visit));
      return { id: saved.id, created: saved.created };
    },
    'queue.status': () => {
      const counts = unwrap(storeOf(deps).listOutbox({ limit: 1 })).counts;
      const reconciler = deps.reconciler === null ? 'off' : deps.reconciler.isPaused ? 'paused' : 'running';
      return { pending: counts.pending, inflight: counts.inflight, done: counts.done, dead: counts.dead, reconciler };
    },
    'visits.list': (query) => {
      const store = storeOf(deps);
      const page = unwrap(store.listVisits({ ...query, limit: query.limit ?? 100, withCounts: true }));
      const settings = claimSettingsOf(store);
      const items = page.items.map((s) => {
        const visit = unwrap(store.getVisit(s.id)).visit;
        const claim = unwrap(claimFor(store, visit, settings));
        const proposal = decideClaim(
          visit,
          settings,
          recordedFinding(unwrap(store.latestReconciliation(s.id))?.detail),
        );
        return {
          id: s.id,
          serviceDate: s.serviceDate,
          patientName: s.patientName,
          patientKana: s.patientKana,
          cause: s.cause,
          evidenceKind: s.evidenceKind,
          status: s.status,
          staff: s.staff,
          decision: s.decision,
          needsDecision: needsWithMessages(s.needsDecision, proposal.needsDecision),
          basis: claim.basis,
          remarks: claim.remarks,
          dead: s.job?.status === 'dead',
          job: s.job,
        };
      });
      return {
        total: page.total,
        counts: page.counts ?? { unconfirmed: 0, needs_review: 0, confirmed: 0, dead: 0 },
        items,
      };
    },
    'staff.list': () => storeOf(deps).listStaff(),
    'patients.search': (query) => unwrap(storeOf(deps).searchPatients(query)),
    'incidents.list': (input) => {
      const all = unwrap(
        storeOf(deps).listIncidents({
          ...(input.from ? { from: input.from } : {}),
          ...(input.to ? { to: input.to } : {}),
        }),
      );
      return all.filter(
        (i) => (input.kind === undefined || i.kind === input.kind) && (!input.openOnly || i.endedAt === null),
      );
    },
    'incidents.openEmergency': (input) =>
      unwrap(
        storeOf(deps).openIncident({
          kind: 'emergency_mode',
          cause: 'emergency_mode',
          startedAt: input.startedAt,
          referenceNumber: input.referenceNumber,
          calledBy: input.calledBy,
          note: input.note ?? '',
          staff: input.staff,
        }),
      ),
    'incidents.close': (input) => unwrap(storeOf(deps).closeIncident(input.id, input.endedAt, input.staff)),
    // -- 事後確認 queue and staff review --
    'visits.get': ({ id }) => {
      const store = storeOf(deps);
      const stored = unwrap(store.getVisit(id));
      const history = unwrap(store.listReconciliations(id));
      const latest = history.at(-1);
      const settings = claimSettingsOf(store);
      const finding = recordedFinding(latest?.detail);
      const proposal = decideClaim(stored.visit, settings, finding);
      const claim = unwrap(claimFor(store, stored.visit, settings));
      const recordedNeeds = Array.isArray(latest?.detail.needsDecision)
        ? (latest.detail.needsDecision as unknown[]).filter((c): c is string => typeof c === 'string')
        : proposal.needsDecision.map((n) => n.code);
      const job = unwrap(store.visitJob(id));
      const candidates = candidateNumbers(stored.visit, finding);
      return {
        visit: stored.visit,
        status: stored.status,
        staff: stored.staff,
        finding: finding ?? null,
        decision: latest?.decision ?? null,
        reconciliations: history.map((r) => {
          const review = r.detail.review as { action?: unknown; reason?: unknown } | undefined;
          return {
            key: r.key,
            decision: r.decision,
            staff: r.staff,
            at: new Date(r.createdAt).toISOString(),
            review: review ? { action: String(review.action), reason: String(review.reason ?? '') } : null,
          };
        }),
        proposal: {
          basis: proposal.basis,
          needsDecision: latest?.detail.review ? [] : needsWithMessages(recordedNeeds, proposal.needsDecision),
        },
        claim: {
          basis: claim.basis,
          rule: claim.rule,
          numbers: { ...claim.ho, branch: claim.sn.branch },
          remarks: claim.remarks,
          comments: claim.comments.map((c) => `${c.code} ${c.text}`),
          payer: claim.payer,
          needsDecision: claim.needsDecision.map(({ code, message }) => ({ code, message })),
          warnings: claim.warnings.map(({ code, message }) => ({ code, message })),
        },
        candidates,
        job: job && {
          status: job.status,
          attempts: job.attempts,
          lastErrorCode: job.lastErrorCode,
          lastError: job.lastError,
        },
      };
    },
    'visits.review': (input) => {
      const r = unwrap(storeOf(deps).reviewVisit({ ...input, reason: input.reason ?? '' }));
      return {
        key: r.reconciliation.key,
        decision: r.reconciliation.decision,
        before: r.before,
        closedJobs: r.closedJobs,
      };
    },
    'visits.evidence': ({ visitId }) => ({ items: unwrap(evidenceList(storeOf(deps), visitId)) }),
    'visits.evidenceFile': ({ visitId, sha256 }) => unwrap(evidenceText(storeOf(deps), visitId, sha256)),
    // -- settings --
    'settings.get': () => ({
      items: listSettings(storeOf(deps)),
      terminalDirEnv: deps.terminalDirEnv ?? null,
    }),
    'settings.set': (input) => unwrapSaved(saveSetting(storeOf(deps), input)),
    'staff.save': (input) => unwrapSaved(saveStaff(storeOf(deps), input)),
    // -- printing --
    'print.savePdf': () => {
      // Only the Electron main process can print a page to PDF; it answers this request before the core sees it.
      throw new ContractError(
        'PRINT_PDF_UNAVAILABLE',
        'この画面ではPDFで保存できません。「印刷する」から印刷してください。',
      );
    },
    'print.clinic': () => clinicOf(storeOf(deps)),
    'incidents.report': (input) => {
      const store = storeOf(deps);
      const incidents = unwrap(store.listIncidents({ from: input.from, to: input.to }));
      const counts = unwrap(store.countVisitsByIncident(incidents.map((i) => i.id)));
      return {
        from: input.from,
        to: input.to,
        clinic: clinicOf(store),
        incidents: incidents.map((i) => ({ ...i, visits: counts[i.id] ?? {} })),
      };
    },
    'drill.fault': (input) => {
      if (!deps.drill) throw new ContractError('DRILL_UNAVAILABLE', '訓練モード（模擬の機器）でだけ使えます。');
      deps.drill(input.fault);
      return { fault: input.fault, at: new Date().toISOString() };
    },
    'power.acChanged': (input) => {
      deps.acChanged(input.onBattery);
      return { onBattery: input.onBattery };
    },
    'test.crash': () => deps.crash(),
    'test.sleep': async (input) => {
      await deps.sleep(input.ms);
      return { slept: input.ms };
    },
  };
}

/**
 * needsDecision codes with Japanese messages: the claim decision's own message for the code, else the reconciler's
 * (reconcile-messages.ts), else a generic one.
 */
function needsWithMessages(codes: string[], computed: { code: string; message: string }[]) {
  const known = reconcileMessages as Record<string, string>;
  return codes.map((code) => ({
    code,
    message: computed.find((c) => c.code === code)?.message ?? known[code] ?? reconcileMessages.NEEDS_DECISION_OTHER,
  }));
}

/** The store, or the journal's startup error as a typed error (the UI shows its Japanese message). */
function storeOf(deps: CoreDeps): Store {
  if (deps.journal.store) return deps.journal.store;
  throw deps.journal.error ?? new ContractError('STORE_UNAVAILABLE', 'データファイルを開けませんでした。');
}

/** The clinic's name and 医療機関コード from the settings ('' when not set). */
function clinicOf(store: Store): { name: string; institutionCode: string } {
  const text = (key: string): string => {
    const r = store.getSetting(key);
    return r.ok && typeof r.value === 'string' ? r.value : '';
  };
  return { name: text('clinic.name'), institutionCode: text('clinic.institutionCode') };
}

/** Store results carry {code, message}; a failure becomes the wire error as it is. */
function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new ContractError(r.error.code, r.error.message);
  return r.value;
}

/** The settings requests answer {saved:false, errors} for bad input; a store failure is a wire error. */
function unwrapSaved<T extends object>(r: T | { ok: false; error: { code: string; message: string } }): T {
  if ('ok' in r && r.ok === false) throw new ContractError(r.error.code, r.error.message);
  return r as T;
}

export interface DispatcherOptions {
  /** Answer the contract's test-only requests (SHIKAKU_TEST_HOOKS=1). */
  testHooks: boolean;
  /** Check handler outputs against the contract too (cheap; on by default). */
  validateOutput?: boolean;
}

export type Dispatcher = (raw: unknown) => Promise<ResponseMessage | null>;

/**
 * Returns a function that turns one raw incoming message into its response. It never throws: a message
 * without a usable id yields null (nothing to answer), everything else yields an ok or error response.
 */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions): Dispatcher {
  const validateOutput = options.validateOutput ?? true;
  return async (raw) => {
    const idResult = requestIdSchema.safeParse((raw as { id?: unknown } | null)?.id);
    if (typeof raw !== 'object' || raw === null || !idResult.success) return null;
    const id = idResult.data;
    const fail = (error: WireError): ResponseMessage => ({ id, ok: false, error });
    const { name, input } = raw as { name?: unknown; input?: unknown };

    if (typeof name !== 'string') {
      return fail(contractError('CONTRACT_INVALID_REQUEST', 'name must be a string').toWire());
    }
    if (!isRequestName(name) || (isTestOnly(name) && !options.testHooks)) {
      return fail(contractError('CONTRACT_UNKNOWN_REQUEST', name.slice(0, 200)).toWire());
    }
    const parsed = requests[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      return fail(contractError('CONTRACT_INVALID_REQUEST', `${name}: ${z.prettifyError(parsed.error)}`).toWire());
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      if (validateOutput) {
        const out = requests[name].output.safeParse(value);
        if (!out.success) {
          return fail(contractError('CONTRACT_INVALID_RESPONSE', `${name}: ${z.prettifyError(out.error)}`).toWire());
        }
        return { id, ok: true, value: out.data };
      }
      return { id, ok: true, value };
    } catch (err) {
      return fail(toWireError(err));
    }
  };
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ContractError) return err.toWire();
  // Domain errors (e.g. the store's) that carry their own code and Japanese message.
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string' && !(err instanceof TypeError)) {
      return { code, message };
    }
  }
  return contractError('CORE_INTERNAL', err instanceof Error ? err.message : String(err)).toWire();
}
