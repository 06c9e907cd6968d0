// Incidents: outages recorded by the health layer, システム障害時モード recorded by staff, and the report for the
// 利用報告書 (each incident with the visits taken under it).
import { clinicOf, storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type IncidentRequest = 'incidents.list' | 'incidents.openEmergency' | 'incidents.close' | 'incidents.report';

export function incidentHandlers(deps: CoreDeps): Handlers<IncidentRequest> {
  return {
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
  };
}
