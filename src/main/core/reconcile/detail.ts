// The reconciliation detail: what a reconciliation row keeps beside its decision (docs/reconcile.md, step 5) — the
// query, the terminal's answer and its evidence, the decision's reasons, and for a staff review the review itself.
// One schema for everyone who reads a detail (reconciler, 一括照会, month export, the core's handlers, the store):
// rows are read through parseReconciliationDetail, never as an untyped object.
//
// Rows written by older versions or by hand may lack any field or hold a wrong type: each field is optional and a
// field that does not fit reads as absent (as the per-field safeParse calls this replaces did); fields this schema
// does not name are kept as they are. This module imports only zod and src/claims, so the contract can import it
// without a circle.
import { z } from 'zod';
import { InsuranceNumbers, TerminalFinding, TerminalValidity } from '../../../claims/visit.ts';
import { ClaimBasis } from '../../concepts.ts';

/** A field that reads as absent when it does not fit. */
const lenient = <T extends z.ZodType>(t: T) => t.optional().catch(undefined);

/** Codes (strings) from a list that may hold anything: the strings only. */
const codeList = z.array(z.unknown()).transform((xs) => xs.filter((x): x is string => typeof x === 'string'));

/**
 * The answer fields the reconciler checks against the query (reconcile/decision.ts checkAnswer); 'other' is any
 * other field the terminal parser found in the wrong form (a ratio, a code, a repeated element).
 */
export const AnswerField = z.enum(['insurerNumber', 'symbol', 'number', 'branch', 'birthDate', 'other']);
export type AnswerField = z.infer<typeof AnswerField>;

/**
 * One reason an answer cannot be trusted as it is: where (the echo of the query, the result row the decision rests
 * on, the newer 資格 of 無効(新しい資格あり)), which field, and whether it differs from the query or is no valid value.
 */
export const AnswerProblem = z.object({
  part: z.enum(['echo', 'result', 'newer']),
  field: AnswerField,
  kind: z.enum(['mismatch', 'invalid']),
});
export type AnswerProblem = z.infer<typeof AnswerProblem>;

/** A staff review (Store.reviewVisit): what was decided, why, on which basis and numbers. */
export const ReconciliationReview = z.looseObject({
  action: z.unknown().optional(),
  reason: z.unknown().optional(),
  basis: lenient(ClaimBasis),
  numbers: lenient(InsuranceNumbers.nullable()),
  acknowledged: lenient(codeList),
  found: lenient(z.boolean()),
  /** ③: the 住所 / 連絡先 typed in the review. */
  contact: lenient(z.object({ address: z.string().optional(), phone: z.string().optional() })),
});
export type ReconciliationReview = z.infer<typeof ReconciliationReview>;

export const ReconciliationDetail = z.looseObject({
  /** Whether the terminal was asked; `reason` says why not ('no_numbers'). */
  askedTerminal: lenient(z.boolean()),
  reason: lenient(z.string()),
  /** Which of the visit's numbers were asked with, and the numbers. */
  querySource: lenient(z.enum(['evidence', 'past', 'declaration'])),
  query: lenient(InsuranceNumbers),
  /** single: this visit's own request; bulk: a 一括照会 round (its requests and this visit's row). */
  via: lenient(z.enum(['single', 'bulk'])),
  bulk: lenient(z.object({ upload: z.string(), fetch: z.string(), rowId: z.string() })),
  /** The answer file (the terminal key written as `{key}`), its archived bytes' SHA-256, reused after a restart. */
  answerFile: lenient(z.string().nullable()),
  answerSha256: lenient(z.string()),
  reused: lenient(z.boolean()),
  /** The answer: validity, its raw code, and the finding the export recomputes the claim from. */
  validity: lenient(TerminalValidity.nullable()),
  validityCode: lenient(z.string().nullable()),
  finding: lenient(TerminalFinding.nullable()),
  /** Why the answer cannot be trusted as it is (each also a needsDecision code; reconcile/decision.ts). */
  answerProblems: lenient(z.array(AnswerProblem)),
  /** The decision and its reasons (codes). */
  basis: lenient(ClaimBasis),
  rule: lenient(z.string()),
  needsDecision: lenient(codeList),
  warnings: lenient(codeList),
  /** Set when staff decided (visits.review). */
  review: lenient(ReconciliationReview),
});
export type ReconciliationDetail = z.infer<typeof ReconciliationDetail>;

/** A reconciliation row's detail as the schema reads it; anything that is not an object reads as an empty detail. */
export function parseReconciliationDetail(raw: unknown): ReconciliationDetail {
  const r = ReconciliationDetail.safeParse(raw);
  return r.success ? r.data : {};
}
