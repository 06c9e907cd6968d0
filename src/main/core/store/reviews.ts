// Staff reviews (事後確認): a staff decision on a visit's claim basis, recorded as a new reconciliation row. What
// the decision is lives in src/claims/review.ts (pure); here: the input, loading, writing, the audit entry.
import { v7 as uuidv7 } from 'uuid';
import { normalizeInsuranceNumbers } from '../../../claims/numbers.ts';
import type { ClaimError } from '../../../claims/result.ts';
import type { ReviewContact } from '../../../claims/decide.ts';
import { decideReview, type ReviewChoice } from '../../../claims/review.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { ReviewInput } from '../../concepts.ts';
import { findForbidden } from './forbidden.ts';
import { storeMessages } from './messages.ts';
import * as outbox from './outbox.ts';
import * as reconciliations from './reconciliations.ts';
import { fail, ok, type Result } from './result.ts';
import { auditTx, parseInput, type Tx } from './tx.ts';
import * as visits from './visits.ts';

export { ReviewInput, type ReviewAction } from '../../concepts.ts';

export interface ReviewOutcome {
  reconciliation: reconciliations.Reconciliation;
  /** The decision before the review (null: the visit had none). */
  before: reconciliations.Reconciliation['decision'] | null;
  /** Reconcile jobs closed because staff decided (pending or dead ones). */
  closedJobs: number;
}

/** A review request checked before any transaction: who, which visit, why, and the action with its numbers. */
export interface CheckedReview {
  visitId: string;
  staff: string;
  reason: string;
  choice: ReviewChoice;
  /** ③: 住所 / 連絡先 typed (NFKC, trimmed). */
  contact?: ReviewContact;
  /**
   * Made on another PC of the clinic and handed over through the clinic server (server/forward.ts): who made it
   * where, and the key it is recorded under (the same forwarded review is never recorded twice).
   */
  forwarded?: ForwardedFrom;
}

/** A review made on another PC: that PC, its staff member, and the server's id of the hand-over. */
export interface ForwardedFrom {
  pc: string;
  staff: string;
  staffName: string;
  serverId: number;
}

/** The reconciliation key of a forwarded review (stable: a redelivery finds it). */
export function forwardedKey(visitId: string, f: ForwardedFrom): string {
  return `${visitId}:review:server-${f.serverId}`;
}

function invalidNumbers(errors: ClaimError[]): Result<never> {
  return {
    ok: false,
    error: {
      code: 'REVIEW_INVALID_NUMBERS',
      message: `${storeMessages.REVIEW_INVALID_NUMBERS} ${errors.map((e) => e.message).join(' ')}`,
      issues: errors.map((e) => ({ path: `numbers.${e.field ?? ''}`, message: e.message })),
    },
  };
}

/** Validates a review request: its shape, no My Number, a reason where required, the typed numbers. */
export function check(input: unknown): Result<CheckedReview> {
  const forbidden = findForbidden(input);
  if (forbidden !== undefined) return fail('FORBIDDEN_MY_NUMBER', `field ${forbidden}`);
  const p = parseInput(ReviewInput, input, 'review');
  if (!p.ok) return p;
  const r = p.value;
  const reason = r.reason.normalize('NFKC').trim();
  if ((r.action === 'choose_basis' || r.action === 'edit_numbers') && reason === '')
    return fail('REVIEW_REASON_REQUIRED', 'reason', [
      { path: 'reason', message: storeMessages.REVIEW_REASON_REQUIRED },
    ]);
  const typed = (v: string | undefined) => v?.normalize('NFKC').trim() ?? '';
  const contact = { address: typed(r.contact?.address), phone: typed(r.contact?.phone) };
  const checked = {
    visitId: r.visitId,
    staff: r.staff,
    reason,
    ...(contact.address || contact.phone ? { contact } : {}),
  };
  if (r.action === 'accept') return ok({ ...checked, choice: { action: 'accept' } });
  if (r.action === 'choose_basis') return ok({ ...checked, choice: { action: 'choose_basis', basis: r.basis } });
  if (r.action === 'manual_lookup' && !r.found)
    return ok({ ...checked, choice: { action: 'manual_lookup', found: false } });
  if (!r.numbers) return invalidNumbers([{ code: 'NUMBER_EMPTY', message: storeMessages.REVIEW_INVALID_NUMBERS }]);
  const n = normalizeInsuranceNumbers(r.numbers);
  if (!n.ok) return invalidNumbers(n.errors);
  return ok({
    ...checked,
    choice:
      r.action === 'edit_numbers'
        ? { action: r.action, numbers: n.value }
        : { action: r.action, found: true, numbers: n.value },
  });
}

/**
 * Records the review (inside the transaction, by its staff actor): a reconciliation `<visit id>:review:<uuidv7>`,
 * the visit 'reconciled', its reconcile jobs still waiting (pending or dead) closed, an audit entry 'visit.review'.
 */
export function record(tx: Tx, r: CheckedReview, settings: ClaimSettings): Result<ReviewOutcome> {
  const stored = visits.get(tx.db, r.visitId);
  if (!stored) return fail('NOT_FOUND', `visit ${r.visitId}`);
  const { status, visit } = stored;
  if (status === 'claimed' || status === 'void') return fail('REVIEW_NOT_ALLOWED', status);
  const latest = reconciliations.latest(tx.db, r.visitId);
  const d = decideReview({
    visit,
    settings,
    choice: r.choice,
    reason: r.reason,
    latest,
    ...(r.contact ? { contact: r.contact } : {}),
  });
  if (!d.ok)
    return d.code === 'REVIEW_NO_NUMBERS'
      ? fail(d.code, `visit ${r.visitId} basis ${d.basis ?? ''}`)
      : fail(d.code, `visit ${r.visitId}`);
  const { basis, acknowledged, detail } = d.value;
  if (findForbidden(detail) !== undefined) return fail('FORBIDDEN_MY_NUMBER', 'review detail');
  const key = r.forwarded ? forwardedKey(r.visitId, r.forwarded) : `${r.visitId}:review:${uuidv7()}`;
  const reconciliation = reconciliations.insert(tx, { key, visitId: r.visitId, decision: basis, detail });
  visits.updateStatus(tx.db, r.visitId, 'reconciled', tx.now);
  const closed = outbox.closeWaiting(tx.db, r.visitId, 'reconcile', tx.now);
  auditTx(tx, {
    action: 'visit.review',
    entity: 'visit',
    entityId: r.visitId,
    detail: {
      action: r.choice.action,
      reason: r.reason,
      before: latest?.decision ?? null,
      after: basis,
      from: status,
      key,
      acknowledged,
      ...(r.forwarded ? { forwarded: r.forwarded } : {}),
      ...(closed.length ? { closedJobs: closed.map((k) => k.slice(r.visitId.length)) } : {}),
    },
  });
  return ok({ reconciliation, before: latest?.decision ?? null, closedJobs: closed.length });
}
