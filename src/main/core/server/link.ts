// The composition root's part of the clinic server (runtime.ts): with the setting 'server' enabled, the mirror
// journal (CLINIC_MIRROR_DIR in the data folder), a ClinicSync that pushes and pulls in rounds, and the
// ClinicReconciler (one PC asks the terminal for 事後確認: relay.ts). With it off, nothing is opened and the screens
// read the PC's own journal. A change of the setting re-opens the link at once (no restart): the old one is
// closed (its last round finished, the lock given up), the new one opened from the settings as they are now.
import { join } from 'node:path';
import type { ReconcilerTerminal } from '../reconcile/host.ts';
import { openStore, type Store } from '../store/index.ts';
import type { ServerSettings } from '../store/settings.ts';
import type { SecretStore } from './client.ts';
import { ClinicReconciler, type ReconcileRoute } from './relay.ts';
import { ClinicSync } from './sync.ts';

export const CLINIC_MIRROR_DIR = 'clinic-mirror';

export interface ClinicLinkOptions {
  store: Store;
  secrets: SecretStore;
  appVersion: string;
  /** The terminal this PC asks directly (the leader serves the other PCs' requests on it). */
  terminal: () => ReconcilerTerminal | null;
  timeoutMs: () => number;
  /** The route of this PC's 事後確認 changed (the terminal link re-opens). */
  onRoute?: (route: ReconcileRoute) => void;
  onError: (err: unknown) => void;
}

function serverSettingsOf(store: Store): ServerSettings {
  const s = store.getSetting('server');
  return (s.ok ? s.value : { enabled: false }) as ServerSettings;
}

export class ClinicLink {
  private syncNow: ClinicSync | null = null;
  private rec: ClinicReconciler | null = null;
  private mirror: Store | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: ClinicLinkOptions) {}

  /** The running sync (null: no server configured, or the mirror could not be opened). */
  get sync(): ClinicSync | null {
    return this.syncNow;
  }

  /** The route of this PC's 事後確認 now. */
  get route(): ReconcileRoute {
    return this.rec?.route ?? 'alone';
  }

  /** The terminal this PC's reconciler should ask through: the direct one, or the relay to the leader. */
  terminalFor(direct: ReconcilerTerminal): ReconcilerTerminal {
    return this.rec ? this.rec.terminalFor(direct) : direct;
  }

  /** Opens the link from the settings as they are now (again, when it is open: never two at once). */
  open(): Promise<void> {
    return this.reopen();
  }

  reopen(): Promise<void> {
    return this.serial(async () => {
      await this.teardown();
      await this.build();
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.teardown());
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch((err: unknown) => this.o.onError(err));
    return next;
  }

  private async build(): Promise<void> {
    const { store } = this.o;
    if (!serverSettingsOf(store).enabled) return;
    const m = await openStore({
      dataDir: join(store.dataDir, CLINIC_MIRROR_DIR),
      appVersion: this.o.appVersion,
      backupOnOpen: false,
    });
    if (!m.ok) {
      this.o.onError(new Error(`clinic mirror: ${m.error.code}`));
      return;
    }
    this.mirror = m.value.store;
    this.syncNow = new ClinicSync({
      store,
      mirror: this.mirror,
      secrets: this.o.secrets,
      appVersion: this.o.appVersion,
      route: () => this.route,
    });
    this.syncNow.start();
    this.rec = new ClinicReconciler({
      settings: () => serverSettingsOf(store),
      secrets: this.o.secrets,
      terminal: this.o.terminal,
      timeoutMs: this.o.timeoutMs,
      ...(this.o.onRoute ? { onRoute: this.o.onRoute } : {}),
    });
    this.rec.start();
  }

  private async teardown(): Promise<void> {
    const { syncNow: sync, rec, mirror } = this;
    this.syncNow = null;
    this.rec = null;
    this.mirror = null;
    await rec?.stop();
    await sync?.stop();
    mirror?.close();
  }
}
