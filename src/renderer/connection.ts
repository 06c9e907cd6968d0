// Connection state of the core ('core.status' events) and app.info, in a zustand store.
import { create } from 'zustand';
import type { CoreStatus, HealthStateView, RequestOutput } from '../main/contract.ts';
import { call, subscribe } from './api.ts';

export type AppInfo = RequestOutput<'app.info'>;

interface ConnectionState {
  status: CoreStatus;
  info: AppInfo | undefined;
  health: HealthStateView | undefined;
  journal: RequestOutput<'store.status'> | undefined;
}

export const useConnection = create<ConnectionState>(() => ({
  status: { state: 'starting', detail: '' },
  info: undefined,
  health: undefined,
  journal: undefined,
}));

/**
 * Subscribes to core.status and health.changed; fetches app.info and the current health whenever the core
 * (re)becomes ready. Returns the unsubscribe.
 */
export function connect(): () => void {
  const offHealth = subscribe('health.changed', (health) => useConnection.setState({ health }));
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
    }
  });
  return () => {
    offHealth();
    offStatus();
  };
}
