// The composition root's part of the clinic server (runtime.ts): with the setting 'server' enabled at startup, the
// mirror journal (CLINIC_MIRROR_DIR in the data folder) and a ClinicSync that runs its rounds until shutdown; with
// it off, nothing is opened and the screens read the PC's own journal (docs/clinic-server.md).
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';
import type { ServerSettings } from '../store/settings.ts';
import type { SecretStore } from './client.ts';
import { ClinicSync } from './sync.ts';

export const CLINIC_MIRROR_DIR = 'clinic-mirror';

export interface ClinicLinkHandle {
  sync: ClinicSync;
  close(): Promise<void>;
}

/** Starts the link when the server is enabled; null when it is not (or the mirror cannot be opened). */
export async function startClinicLink(
  store: Store,
  secrets: SecretStore,
  appVersion: string,
  onError: (err: unknown) => void,
): Promise<ClinicLinkHandle | null> {
  const s = store.getSetting('server');
  if (!s.ok || !(s.value as ServerSettings).enabled) return null;
  const m = await openStore({ dataDir: join(store.dataDir, CLINIC_MIRROR_DIR), appVersion, backupOnOpen: false });
  if (!m.ok) {
    onError(new Error(`clinic mirror: ${m.error.code}`));
    return null;
  }
  const mirror = m.value.store;
  const sync = new ClinicSync({ store, mirror, secrets, appVersion });
  sync.start();
  return {
    sync,
    async close() {
      await sync.stop();
      mirror.close();
    },
  };
}
