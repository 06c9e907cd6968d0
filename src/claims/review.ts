// The decision part of a staff review (事後確認): which basis (① 現資格 / ② 旧資格 / ③ 不詳) and which numbers
// follow from a review action, and the reconciliation detail that records it. Pure: the store loads the visit
// and its latest reconciliation, calls decideReview, and writes what it returns.
import { candidateNumbers, decideClaim, type ClaimBasis, type ClaimDecision, type ReviewContact } from './decide.ts';
import { contactComplete } from './fill.ts';
import type { ClaimSettings } from './settings.ts';
import { InsuranceNumbers, TerminalFinding, type Visit } from './visit.ts';

/** A review action, its typed numbers already normalised (check digit verified). */
export type ReviewChoice =
  /** Take the reconciler's proposed basis, acknowledging its needsDecision reasons. */
  | { action: 'accept' }
  /** Claim on ① / ② / ③ (numbers from an earlier review, the proposal, the visit or the terminal's answer). */
  | { action: 'choose_basis'; basis: ClaimBasis }
  /** Corrected numbers → ① with them. */
  | { action: 'edit_numbers'; numbers: InsuranceNumbers }
  /** 申立書 case looked up by hand on the terminal: found → ① with the numbers, else ③. */
  | { action: 'manual_lookup'; found: true; numbers: InsuranceNumbers }
  | { action: 'manual_lookup'; found: false };

/** The visit's latest reconciliation, as far as a review needs it. */
export interface PriorDecision {
  key: string;
  decision: ClaimBasis | 'none';
  detail: Record<string, unknown>;
}

export interface ReviewDecision {
  basis: ClaimBasis;
  /** The numbers claimed with (null for ③). */
  numbers: InsuranceNumbers | null;
  /** needsDecision codes of the previous decision and of the proposal, acknowledged by the review. */
  acknowledged: string[];
  /** The claim as it stands after the review. */
  after: ClaimDecision;
  /** The new reconciliation's detail (kept as JSON). */
  detail: Record<string, unknown>;
}

export type ReviewProblem =
  /** 'accept' with no reconciliation to accept. */
  | 'REVIEW_NOTHING_TO_ACCEPT'
  /** ① / ② chosen, but neither the review, the proposal, the visit nor the terminal has numbers for it. */
  | 'REVIEW_NO_NUMBERS'
  /** ③ chosen (or accepted), but the visit has no 住所 or 連絡先 and the review typed none: the 摘要 needs both. */
  | 'REVIEW_UNKNOWN_NO_CONTACT';

export type ReviewResult = { ok: true; value: ReviewDecision } | { ok: false; code: ReviewProblem; basis?: ClaimBasis };

/** The numbers a staff review recorded in a reconciliation's detail, when it is one with that basis. */
export function reviewedNumbers(detail: Record<string, unknown>, basis: ClaimBasis): InsuranceNumbers | null {
  const review = detail.review as { basis?: unknown; numbers?: unknown } | undefined;
  if (!review || review.basis !== basis) return null;
  const n = InsuranceNumbers.safeParse(review.numbers);
  return n.success ? n.data : null;
}

/** The typed 住所 / 連絡先 that are not empty (undefined when none is). */
function typedContact(c: ReviewContact | undefined): ReviewContact | undefined {
  const out: ReviewContact = {};
  if (c?.address?.trim()) out.address = c.address.trim();
  if (c?.phone?.trim()) out.phone = c.phone.trim();
  return out.address || out.phone ? out : undefined;
}

/** The terminal's answer a reconciliation recorded (its detail.finding), if any. */
function findingOf(latest: PriorDecision | null): TerminalFinding | undefined {
  const found = TerminalFinding.safeParse(latest?.detail.finding);
  return found.success ? found.data : undefined;
}

/** The basis a review action claims on; null: accept, with nothing to accept. */
function basisOf(choice: ReviewChoice, latest: PriorDecision | null, proposed: ClaimBasis): ClaimBasis | null {
  switch (choice.action) {
    case 'accept': {
      if (!latest) return null;
      if (latest.decision !== 'none') return latest.decision;
      const recorded = latest.detail.basis;
      return recorded === 'current' || recorded === 'past' || recorded === 'unknown' ? recorded : proposed;
    }
    case 'choose_basis':
      return choice.basis;
    case 'edit_numbers':
      return 'current';
    case 'manual_lookup':
      return choice.found ? 'current' : 'unknown';
  }
}

/**
 * What a review action decides. The basis: accept → the latest decision (or, when that needed staff, the basis
 * it recorded, else the proposal's); choose_basis → the chosen one; edit_numbers → ①; manual_lookup → ① when
 * found, else ③. The numbers for ① / ②, first found of: the ones typed, the ones an earlier review recorded for
 * that basis, the proposal's when it proposes that basis, the visit's or the terminal answer's candidates.
 */
export function decideReview(args: {
  visit: Visit;
  settings: ClaimSettings;
  choice: ReviewChoice;
  /** Why (normalised by the caller); '' for accept and manual_lookup. */
  reason: string;
  latest: PriorDecision | null;
  /** 住所 / 連絡先 typed for a ③ (normalised by the caller); ignored for ① / ②. */
  contact?: ReviewContact;
}): ReviewResult {
  const { visit, settings, choice, reason, latest } = args;
  const finding = findingOf(latest);
  const proposed = decideClaim(visit, settings, finding);
  const basis = basisOf(choice, latest, proposed.basis);
  if (basis === null) return { ok: false, code: 'REVIEW_NOTHING_TO_ACCEPT' };

  let numbers: InsuranceNumbers | null = null;
  if (basis !== 'unknown') {
    const typed =
      choice.action === 'edit_numbers' || (choice.action === 'manual_lookup' && choice.found) ? choice.numbers : null;
    numbers = typed ?? (latest ? reviewedNumbers(latest.detail, basis) : null);
    if (!numbers && proposed.basis === basis) {
      numbers = {
        insurerNumber: proposed.ho.insurerNumber,
        symbol: proposed.ho.symbol,
        number: proposed.ho.number,
        branch: proposed.sn.branch,
      };
    }
    numbers ??= candidateNumbers(visit, finding)[basis];
    if (!numbers) return { ok: false, code: 'REVIEW_NO_NUMBERS', basis };
  }
  const acknowledged = [
    ...new Set([
      ...(Array.isArray(latest?.detail.needsDecision) ? (latest.detail.needsDecision as unknown[]) : []),
      ...proposed.needsDecision.map((n) => n.code),
    ]),
  ].filter((c): c is string => typeof c === 'string');
  const typed = basis === 'unknown' ? typedContact(args.contact) : undefined;
  const after = decideClaim(visit, settings, finding, { basis, numbers, ...(typed ? { contact: typed } : {}) });
  // A ③ is claimable only with 住所 and 連絡先 [S1b]: a review towards ③ without them is refused, not recorded.
  if (basis === 'unknown' && after.contact && !contactComplete(after.contact))
    return { ok: false, code: 'REVIEW_UNKNOWN_NO_CONTACT', basis };
  const review = {
    action: choice.action,
    reason,
    basis,
    numbers,
    acknowledged,
    ...(choice.action === 'manual_lookup' ? { found: choice.found } : {}),
    ...(typed ? { contact: typed } : {}),
    previous: { decision: latest?.decision ?? null, key: latest?.key ?? null },
  };
  const detail: Record<string, unknown> = {
    review,
    finding: finding ?? null,
    basis,
    rule: after.rule,
    needsDecision: after.needsDecision.map((n) => n.code),
    warnings: after.warnings.map((w) => w.code),
  };
  return { ok: true, value: { basis, numbers, acknowledged, after, detail } };
}
