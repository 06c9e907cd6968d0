// The core's journal: opens the store in the data folder, records health incidents in it, and closes the
// incidents a previous run left open (a power cut ends a run without closing anything). The daily backup that
// openStore would take at open when due (a copy of the whole journal) is taken once the core is ready instead
// (`takeDailyBackup`): the first screen does not wait for it.
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
  const opened = await openStore({ dataDir, appVersion, backupOnOpen: false });
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

/**
 * The daily backup when due, as openStore takes it at open (not for a journal just created, nor a read-only one);
 * noted in the startup report like one taken at open.
 */
export async function takeDailyBackup(journal: Journal): Promise<void> {
  const { store, report } = journal;
  if (store === null || report === null || report.readOnly || report.outcome === 'created') return;
  const b = await store.backupIfDue();
  if (!b.ok) throw new Error(`${b.error.code}: ${b.error.message}`);
  if (b.value) report.backupsTaken.push(b.value.file);
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
