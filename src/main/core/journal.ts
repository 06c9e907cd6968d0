// The core's journal: opens the store in the data folder, records health incidents in it, and closes the
// incidents a previous run left open (a power cut ends a run without closing anything).
import type { IncidentSink } from '../../hardware/health/index.ts';
import { SYSTEM_ACTOR, openStore, type StartupReport, type Store, type StoreError } from './store/index.ts';

export interface Journal {
  /** Null when the store could not be opened (newer database version, unreadable folder, …). */
  store: Store | null;
  report: StartupReport | null;
  error: StoreError | null;
}

export async function openJournal(
  dataDir: string,
  appVersion: string,
  now: () => Date = () => new Date(),
): Promise<Journal> {
  const opened = await openStore({ dataDir, appVersion });
  if (!opened.ok) return { store: null, report: null, error: opened.error };
  const { store, report } = opened.value;
  const incidents = store.listIncidents();
  if (incidents.ok && !report.readOnly) {
    for (const i of incidents.value) {
      if (i.kind === 'outage' && i.endedAt === null) store.closeIncident(i.id, now().toISOString(), SYSTEM_ACTOR);
    }
  }
  return { store, report, error: null };
}

/** Health incidents (one per cause per outage) written to the store's incidents table, for the 利用報告書. */
export function storeIncidentSink(store: Store): IncidentSink {
  return {
    async open(cause, at, detail) {
      const r = store.openIncident({ kind: 'outage', cause, startedAt: at, note: detail.message, staff: SYSTEM_ACTOR });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value.id;
    },
    async close(id, at) {
      const r = store.closeIncident(id, at, SYSTEM_ACTOR);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    },
  };
}
