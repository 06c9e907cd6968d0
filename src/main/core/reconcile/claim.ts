// The claim as it stands for a visit, from its latest reconciliation: shared by the reconciler, the month export
// and the core's handlers (the 事後確認 queue and review panel), so all three say the same.
import { decideClaim, type ClaimDecision, type StaffOverride } from '../../../claims/decide.ts';
import type { ClaimError } from '../../../claims/result.ts';
import { readClaimSettings, type ClaimSettings } from '../../../claims/settings.ts';
import type { TerminalFinding, Visit } from '../../../claims/visit.ts';
import { ok, type Result, type Store } from '../store/index.ts';
import { answerProblemCode } from './decision.ts';
import { parseReconciliationDetail, type ReconciliationDetail } from './detail.ts';
import { reconcileMessages } from './messages.ts';

/** Claim settings from the store ('claims'), defaults when absent or unreadable. */
export function claimSettingsOf(store: Pick<Store, 'getSetting'>): ClaimSettings {
  const r = store.getSetting('claims');
  return readClaimSettings(r.ok ? r.value : {}).settings;
}

/** The terminal finding a reconciliation recorded, if any (validated: old or hand-made rows may lack it). */
export function recordedFinding(detail: unknown): TerminalFinding | undefined {
  return parseReconciliationDetail(detail).finding ?? undefined;
}

/** The staff decision a review recorded (Store.reviewVisit), if the reconciliation is one. */
export function recordedOverride(detail: ReconciliationDetail): StaffOverride | undefined {
  const basis = detail.review?.basis;
  const contact = detail.review?.contact;
  return basis ? { basis, numbers: detail.review?.numbers ?? null, ...(contact ? { contact } : {}) } : undefined;
}

/**
 * What the reconciler found wrong with the answer itself (recorded in the detail, not recomputable from the finding):
 * each one needs a staff decision until staff reviewed the visit.
 */
export function recordedAnswerNeeds(detail: ReconciliationDetail): ClaimError[] {
  const codes = [...new Set((detail.answerProblems ?? []).map(answerProblemCode))];
  return codes.map((code) => ({ code, message: reconcileMessages[code] }));
}

/**
 * The claim as it stands for a visit: decideClaim with the latest reconciliation's terminal finding and, when
 * staff reviewed it, their basis and numbers. An answer the reconciler could not trust (checkAnswer) keeps its
 * reasons in needsDecision until a review, so the export never claims on it.
 */
export function claimFor(store: Store, visit: Visit, settings: ClaimSettings): Result<ClaimDecision> {
  const latest = store.latestReconciliation(visit.id);
  if (!latest.ok) return latest;
  return ok(claimFrom(visit, settings, parseReconciliationDetail(latest.value?.detail)));
}

/** claimFor over a reconciliation detail already read (a listing that fetched each visit's latest in one query). */
export function claimFrom(visit: Visit, settings: ClaimSettings, detail: ReconciliationDetail): ClaimDecision {
  const override = recordedOverride(detail);
  const decision = decideClaim(visit, settings, detail.finding ?? undefined, override);
  if (!override) decision.needsDecision.push(...recordedAnswerNeeds(detail));
  return decision;
}
