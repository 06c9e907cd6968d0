// Connection state of the core ('core.status' events) and app.info, in a zustand store.
import { create } from 'zustand';
import type { CoreStatus, RequestOutput } from '../main/contract.ts';
import { call, subscribe } from './api.ts';

export type AppInfo = RequestOutput<'app.info'>;

interface ConnectionState {
  status: CoreStatus;
  info: AppInfo | undefined;
}

export const useConnection = create<ConnectionState>(() => ({
  status: { state: 'starting', detail: '' },
  info: undefined,
}));

/** Subscribes to core.status; fetches app.info whenever the core (re)becomes ready. Returns the unsubscribe. */
export function connect(): () => void {
  return subscribe('core.status', (status) => {
    useConnection.setState({ status });
    if (status.state === 'ready') {
      call('app.info', {}).then(
        (info) => useConnection.setState({ info }),
        (err: unknown) => console.warn('app.info failed', err),
      );
    }
  });
}
