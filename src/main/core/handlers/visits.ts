// Visits: saving a reception, reception's patient search, and the 事後確認 review panel (one visit with the
// terminal's answer, its history, the proposal and the claim as it stands; the staff decision; the archived
// answers).
import { candidateNumbers, decideClaim } from '../../../claims/decide.ts';
import { ContractError } from '../../contract.ts';
import { claimFor, claimSettingsOf, recordedOverride } from '../reconcile/claim.ts';
import { parseReconciliationDetail } from '../reconcile/detail.ts';
import { evidenceList, evidenceText } from '../reconcile/evidence-view.ts';
import { classify } from '../server/client.ts';
import { serverMessages } from '../server/messages.ts';
import { clinicStoreOf, needsWithMessages, storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type VisitRequest =
  'visits.save' | 'patients.search' | 'visits.get' | 'visits.review' | 'visits.evidence' | 'visits.evidenceFile';

export function visitHandlers(deps: CoreDeps): Handlers<VisitRequest> {
  return {
    'visits.save': (input) => {
      const store = storeOf(deps);
      // 訓練モード marks every visit it saves; a real journal never takes one (drill and real visits never mix).
      if (input.drill && !deps.info.demo) {
        throw new ContractError('DRILL_VISIT_REFUSED', '訓練モードの受付は、実際の受付の記録には保存できません。');
      }
      const visit = deps.info.demo ? { ...input, drill: true as const } : input;
      const saved = unwrap(store.saveVisit(visit));
      return { id: saved.id, created: saved.created, receptionNo: unwrap(store.receptionNo(saved.id)) };
    },
    'patients.search': (query) => unwrap(clinicStoreOf(deps).searchPatients(query)),
    'visits.get': ({ id }) => {
      const store = clinicStoreOf(deps);
      const stored = unwrap(store.getVisit(id));
      const history = unwrap(store.listReconciliations(id));
      const latest = history.at(-1);
      const detail = parseReconciliationDetail(latest?.detail);
      const settings = claimSettingsOf(storeOf(deps)); // this PC's claim rules (the mirror has none)
      const finding = detail.finding ?? undefined;
      const proposal = decideClaim(stored.visit, settings, finding);
      const claim = unwrap(claimFor(store, stored.visit, settings));
      const recordedNeeds = detail.needsDecision ?? proposal.needsDecision.map((n) => n.code);
      const job = unwrap(store.visitJob(id));
      const candidates = candidateNumbers(stored.visit, finding);
      const contact = recordedOverride(detail)?.contact;
      const asUnknown = decideClaim(stored.visit, settings, finding, {
        basis: 'unknown',
        numbers: null,
        ...(contact ? { contact } : {}),
      }).contact;
      return {
        visit: stored.visit,
        status: stored.status,
        staff: stored.staff,
        finding: finding ?? null,
        decision: latest?.decision ?? null,
        reconciliations: history.map((r) => {
          const review = parseReconciliationDetail(r.detail).review;
          return {
            key: r.key,
            decision: r.decision,
            staff: r.staff,
            at: new Date(r.createdAt).toISOString(),
            review: review ? { action: String(review.action), reason: String(review.reason ?? '') } : null,
          };
        }),
        proposal: {
          basis: proposal.basis,
          needsDecision: detail.review ? [] : needsWithMessages(recordedNeeds, proposal.needsDecision),
        },
        claim: {
          basis: claim.basis,
          rule: claim.rule,
          numbers: { ...claim.ho, branch: claim.sn.branch },
          remarks: claim.remarks,
          comments: claim.comments.map((c) => `${c.code} ${c.text}`),
          payer: claim.payer,
          needsDecision: claim.needsDecision.map(({ code, message }) => ({ code, message })),
          warnings: claim.warnings.map(({ code, message }) => ({ code, message })),
        },
        unknownContact: { address: asUnknown?.address ?? '', phone: asUnknown?.phone ?? '' },
        candidates,
        job: job && {
          status: job.status,
          attempts: job.attempts,
          lastErrorCode: job.lastErrorCode,
          lastError: job.lastError,
        },
      };
    },
    'visits.review': async (input) => {
      const own = storeOf(deps);
      const review = { ...input, reason: input.reason ?? '' };
      const held = own.getVisit(input.visitId);
      // A visit another PC of the clinic holds: checked here over the clinic's data, recorded by that PC.
      if (!held.ok && held.error.code === 'NOT_FOUND' && deps.clinic?.status().mode === 'connected') {
        const clinic = deps.clinic;
        const who = unwrap(own.resolveStaff(review.staff));
        const preview = unwrap(clinic.readStore().previewReview(review, claimSettingsOf(own)));
        const sent = await clinic.forwardReview({ ...review, staff: who.id }, who.name).catch((e: unknown) => {
          const err = classify(e);
          throw new ContractError(err.code, serverMessages[err.code]);
        });
        return {
          key: '',
          decision: preview.reconciliation.decision,
          before: preview.before,
          closedJobs: preview.closedJobs,
          forwardedTo: sent.ownerPc,
        };
      }
      const r = unwrap(own.reviewVisit(review));
      return {
        key: r.reconciliation.key,
        decision: r.reconciliation.decision,
        before: r.before,
        closedJobs: r.closedJobs,
        forwardedTo: null,
      };
    },
    'visits.evidence': ({ visitId }) => ({ items: unwrap(evidenceList(storeOf(deps), visitId)) }),
    'visits.evidenceFile': ({ visitId, sha256 }) => unwrap(evidenceText(storeOf(deps), visitId, sha256)),
  };
}
