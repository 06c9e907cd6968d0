// Connection state of the core ('core.status' events) and app.info, in a zustand store.
import { create } from 'zustand';
import type { CoreStatus, HealthStateView, IncidentView, RequestOutput } from '../main/contract.ts';
import { call, subscribe } from './api.ts';

export type AppInfo = RequestOutput<'app.info'>;

interface ConnectionState {
  status: CoreStatus;
  info: AppInfo | undefined;
  health: HealthStateView | undefined;
  journal: RequestOutput<'store.status'> | undefined;
  /** The open システム障害時モード activation (newest), null when none is recorded as open. */
  emergency: IncidentView | null;
  /** Counts 'store.reopened' (a backup restored): screens that keep data reload when it changes. */
  reopened: number;
}

export const useConnection = create<ConnectionState>(() => ({
  status: { state: 'starting', detail: '' },
  info: undefined,
  health: undefined,
  journal: undefined,
  emergency: null,
  reopened: 0,
}));

/** Sets the open activation from an 'incidents.list' answer (any list holding the open ones). */
export function noteEmergency(list: readonly IncidentView[]): void {
  const open = list.filter((i) => i.kind === 'emergency_mode' && i.endedAt === null);
  useConnection.setState({ emergency: open[open.length - 1] ?? null });
}

/** Asks the core whether a システム障害時モード activation is open (on ready, on health changes, after a record). */
export function refreshEmergency(): void {
  call('incidents.list', { kind: 'emergency_mode', openOnly: true }).then(noteEmergency, (err: unknown) =>
    console.warn('incidents.list failed', err),
  );
}

/**
 * Subscribes to core.status and health.changed; fetches app.info and the current health whenever the core
 * (re)becomes ready. Returns the unsubscribe.
 */
export function connect(): () => void {
  const offHealth = subscribe('health.changed', (health) => {
    useConnection.setState({ health });
    refreshEmergency();
  });
  const offStatus = subscribe('core.status', (status) => {
    useConnection.setState({ status });
    if (status.state === 'ready') {
      call('app.info', {}).then(
        (info) => useConnection.setState({ info }),
        (err: unknown) => console.warn('app.info failed', err),
      );
      call('store.status', {}).then(
        (journal) => useConnection.setState({ journal }),
        (err: unknown) => console.warn('store.status failed', err),
      );
      call('health.get', {}).then(
        (health) => useConnection.setState({ health }),
        (err: unknown) => console.warn('health.get failed', err),
      );
      refreshEmergency();
    }
  });
  const offReopened = subscribe('store.reopened', () => {
    useConnection.setState((s) => ({ reopened: s.reopened + 1 }));
    call('store.status', {}).then(
      (journal) => useConnection.setState({ journal }),
      (err: unknown) => console.warn('store.status failed', err),
    );
    refreshEmergency();
  });
  return () => {
    offHealth();
    offStatus();
    offReopened();
  };
}
