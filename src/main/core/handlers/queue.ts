// The 事後確認 queue: its counts and the reconciler's state, and its listing (one row per visit with the latest
// decision, what needs staff, and the claim as it stands).
import { decideClaim } from '../../../claims/decide.ts';
import { claimFrom, claimSettingsOf } from '../reconcile/claim.ts';
import { parseReconciliationDetail } from '../reconcile/detail.ts';
import { clinicStoreOf, needsWithMessages, storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type QueueRequest = 'queue.status' | 'visits.list';

export function queueHandlers(deps: CoreDeps): Handlers<QueueRequest> {
  return {
    'queue.status': () => {
      const counts = unwrap(storeOf(deps).listOutbox({ limit: 1 })).counts;
      const reconciler = deps.reconciler === null ? 'off' : deps.reconciler.isPaused ? 'paused' : 'running';
      return { pending: counts.pending, inflight: counts.inflight, done: counts.done, dead: counts.dead, reconciler };
    },
    'visits.list': (query) => {
      const store = clinicStoreOf(deps);
      const page = unwrap(
        store.listVisits({ ...query, limit: query.limit ?? 100, withCounts: true, withDetail: true }),
      );
      const settings = claimSettingsOf(storeOf(deps)); // this PC's claim rules (the mirror has none)
      const items = page.items.map((s) => {
        const visit = s.visit!;
        const detail = parseReconciliationDetail(s.latest?.detail);
        const claim = claimFrom(visit, settings, detail);
        const proposal = decideClaim(visit, settings, detail.finding ?? undefined);
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
  };
}
