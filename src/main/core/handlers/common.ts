// What every domain's handlers share: the injected dependencies (CoreDeps), the handler types checked against the
// contract, and the small helpers that turn store results into contract answers or typed errors.
//
// Dependency-injection point: `CoreDeps`. process.ts / runtime.ts (the composition root) builds it; the store
// (src/main/core/store) and the devices (src/hardware/*) are added there as new fields, and their requests get
// handlers in this folder. Nothing here imports Electron or opens files by itself.
import type { DoctorResult, HealthState } from '../../../hardware/health/index.ts';
import {
  ContractError,
  type EventName,
  type EventPayload,
  type ParsedInput,
  type RequestName,
  type RequestOutput,
} from '../../contract.ts';
import type { DrillFault, DrillPart, ReviewInput } from '../../concepts.ts';
import type { Journal } from '../journal.ts';
import type { PrecheckFetcher } from '../precheck/fetch.ts';
import { reconcileMessages } from '../reconcile/messages.ts';
import type { SecretStore } from '../server/client.ts';
import type { SyncStatus } from '../server/sync.ts';
import type { Store } from '../store/index.ts';

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
  /** 事前確認's fetcher (docs/precheck.md); absent or null without a journal. */
  precheck?: PrecheckFetcher | null;
  /** 訓練モード's fault injection on the simulated devices; absent or null with real devices. */
  drill?: { apply(fault: DrillFault): Promise<void>; broken(): DrillPart[] } | null;
  /** SHIKAKU_TERMINAL_DIR when set: it wins over the stored 'terminal.dir' (shown on the 設定 screen). */
  terminalDirEnv?: string | null;
  /** A setting was saved: the running parts built from it are re-opened (the terminal link, the reconciler). */
  settingsChanged?: (key: string) => Promise<void>;
  /** 機器の点検: one look at every device and link (core/doctor.ts). */
  doctor?: (opts: { card: boolean }) => Promise<DoctorResult>;
  /** The terminal folder the link uses now (null: none configured). */
  terminalDir?: () => string | null;
  /** Stops the core and has the host start it again (`demo`: into or out of 訓練モード). */
  restart?: (demo?: boolean) => void;
  /** Electron powerMonitor's on-battery / on-ac, relayed by the main process. */
  acChanged(onBattery: boolean): void;
  /**
   * A screen asked for the devices' state (health.get: the page's first question once it sees the core ready):
   * the devices and what follows them start now if they have not yet (runtime.ts).
   */
  screenUp?: () => void;
  /**
   * Stops what writes to the journal on its own (the reconciler) before the journal's file is replaced (a restore);
   * resolves with the function that starts it again.
   */
  quiesce?: () => Promise<() => void>;
  /** Test hook: end the process abruptly (SIGKILL on POSIX). */
  crash(): never;
  sleep(ms: number): Promise<void>;
  /**
   * The clinic server link (server/sync.ts) when one is configured: clinic-wide reads (patients, the 事後確認
   * queue, a visit's detail) come from its readStore() — the mirror while the server is reachable, else the journal.
   */
  clinic?: ClinicLink | null;
  /** Where the clinic server's password is kept (server/client.ts SecretStore); absent: none can be stored. */
  secrets?: SecretStore | null;
}

/** What handlers need of the clinic server link. */
export interface ClinicLink {
  readStore(): Store;
  status(): SyncStatus;
  syncOnce(): Promise<SyncStatus>;
  /** Hands a review of a visit another PC holds over to that PC (server/forward.ts). */
  forwardReview(input: ReviewInput, staffName: string): Promise<{ id: number; ownerPc: string }>;
  /** Hands 返戻 a month export re-claimed over to the PCs that hold them. */
  forwardReclaimed(month: string, returns: { id: string; visitId: string }[]): Promise<unknown>;
}

export type Handler<N extends RequestName> = (input: ParsedInput<N>) => RequestOutput<N> | Promise<RequestOutput<N>>;

/**
 * Exactly one handler per request of K (default: every contract request): a missing or extra key is a compile
 * error, and each handler's input and output are the contract's types for its request.
 */
export type Handlers<K extends RequestName = RequestName> = { [N in K]: Handler<N> };

/** The store, or the journal's startup error as a typed error (the UI shows its Japanese message). */
export function storeOf(deps: CoreDeps): Store {
  if (deps.journal.store) return deps.journal.store;
  throw deps.journal.error ?? new ContractError('STORE_UNAVAILABLE', 'データファイルを開けませんでした。');
}

/** Where clinic-wide data is read: the clinic mirror while the server is reachable, else the journal. */
export function clinicStoreOf(deps: CoreDeps): Store {
  const own = storeOf(deps);
  return deps.clinic ? deps.clinic.readStore() : own;
}

/** Store results carry {code, message}; a failure becomes the wire error as it is. */
export function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new ContractError(r.error.code, r.error.message);
  return r.value;
}

/** The clinic's name and 医療機関コード from the settings ('' when not set). */
export function clinicOf(store: Store): { name: string; institutionCode: string } {
  const text = (key: string): string => {
    const r = store.getSetting(key);
    return r.ok && typeof r.value === 'string' ? r.value : '';
  };
  return { name: text('clinic.name'), institutionCode: text('clinic.institutionCode') };
}

/**
 * needsDecision codes with Japanese messages: the claim decision's own message for the code, else the reconciler's
 * (reconcile/messages.ts), else a generic one.
 */
export function needsWithMessages(codes: string[], computed: { code: string; message: string }[]) {
  const known = reconcileMessages as Record<string, string>;
  return codes.map((code) => ({
    code,
    message: computed.find((c) => c.code === code)?.message ?? known[code] ?? reconcileMessages.NEEDS_DECISION_OTHER,
  }));
}
