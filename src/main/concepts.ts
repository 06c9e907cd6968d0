// The domain's named values, each defined once (zod) and imported by the contract, the store and the renderer:
// a visit's status, the 事後確認 queue's tabs, the claim basis ①②③ and the reconciler's decision, the kind of
// incident, the job status of the outbox, a staff review's input and a patient from past-visit data. The
// renderer imports them through the contract; nothing here does I/O.
import { z } from 'zod';
import { Sex } from '../claims/visit.ts';

/** Where a visit is: waiting for 事後確認, needing staff, reconciled, claimed, returned (返戻), void. */
export const VisitStatus = z.enum(['pending', 'needs_review', 'reconciled', 'claimed', 'returned', 'void']);
export type VisitStatus = z.infer<typeof VisitStatus>;

/** The 事後確認 queue's tabs: 未確認 / 要確認 / 確認済み / 送信不可 (the visit's reconcile job is dead). */
export const QueueCategory = z.enum(['unconfirmed', 'needs_review', 'confirmed', 'dead']);
export type QueueCategory = z.infer<typeof QueueCategory>;

/** ① 現資格 / ② 旧資格 / ③ 不詳. */
export const ClaimBasis = z.enum(['current', 'past', 'unknown']);
export type ClaimBasis = z.infer<typeof ClaimBasis>;

/** A reconciliation's decision: a basis, or 'none' while staff must decide. */
export const ReconcileDecision = z.enum([...ClaimBasis.options, 'none']);
export type ReconcileDecision = z.infer<typeof ReconcileDecision>;

/** An outage period, or a システム障害時モード activation. */
export const IncidentKind = z.enum(['outage', 'emergency_mode']);
export type IncidentKind = z.infer<typeof IncidentKind>;

/** An outbox job's state. */
export const OutboxStatus = z.enum(['pending', 'inflight', 'done', 'dead']);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

/** Numbers typed by staff in a review (checked and normalised by the store). */
export const ReviewNumbers = z
  .object({
    insurerNumber: z.string().max(40),
    symbol: z.string().max(60).default(''),
    number: z.string().max(60),
    branch: z.string().max(10).default(''),
  })
  .strict();

/** ③: 住所 / 連絡先 typed in a review where the visit has none (for the 摘要). */
export const ReviewContactInput = z
  .object({ address: z.string().max(200).optional(), phone: z.string().max(40).optional() })
  .strict();

const reviewBase = {
  visitId: z.string().min(1).max(200),
  /** Staff id or name (an active member of the staff list: reviews are never the system's). */
  staff: z.string().min(1).max(100),
  /** Why; required for choose_basis and edit_numbers. */
  reason: z.string().max(2000).default(''),
  /** Towards ③ only: 住所 / 連絡先 where the visit has none (refused without them: REVIEW_UNKNOWN_NO_CONTACT). */
  contact: ReviewContactInput.optional(),
};

/** A staff decision on a visit's claim basis (事後確認 review). */
export const ReviewInput = z.discriminatedUnion('action', [
  /** Take the reconciler's proposed basis, acknowledging its needsDecision reasons. */
  z.object({ ...reviewBase, action: z.literal('accept') }).strict(),
  /** Claim on ① / ② / ③ (numbers from the visit or the terminal's answer). */
  z.object({ ...reviewBase, action: z.literal('choose_basis'), basis: ClaimBasis }).strict(),
  /** Corrected numbers (check digit verified) → ① with them. */
  z.object({ ...reviewBase, action: z.literal('edit_numbers'), numbers: ReviewNumbers }).strict(),
  /** 申立書 cases looked up by hand on the terminal (緊急時 function): found → ① with the numbers, else ③. */
  z
    .object({
      ...reviewBase,
      action: z.literal('manual_lookup'),
      found: z.boolean(),
      numbers: ReviewNumbers.optional(),
    })
    .strict(),
]);
export type ReviewInput = z.input<typeof ReviewInput>;
export type ReviewAction = ReviewInput['action'];

/** A patient from past-visit data, as kept (the store's PatientRecord without its bookkeeping). */
export const PatientShape = z.object({
  patientId: z.string(),
  name: z.string(),
  nameKana: z.string(),
  birthDate: z.string(),
  sex: Sex.nullable(),
  postalCode: z.string(),
  address: z.string(),
  phone: z.string(),
  insurance: z.object({ insurerNumber: z.string(), symbol: z.string(), number: z.string(), branch: z.string() }),
  lastVisitDate: z.string().nullable(),
});

/** The parts 訓練モード can break and restore (the 訓練の操作 panel): one drill per device of the health bar. */
export const DrillPart = z.enum(['reader', 'card', 'terminal', 'network', 'power']);
export type DrillPart = z.infer<typeof DrillPart>;

/**
 * A drill on the simulated devices: the reader unplugged / back, a card whose chip cannot be read / a good card,
 * the terminal silent / answering, the network probe failing / passing, mains power lost / back.
 */
export const DrillFault = z.enum([
  'reader_lost',
  'reader_back',
  'card_bad',
  'card_good',
  'card_removed',
  'card_inserted',
  'terminal_down',
  'terminal_back',
  'network_down',
  'network_back',
  'mains_lost',
  'mains_back',
]);
export type DrillFault = z.infer<typeof DrillFault>;

/** Which part a drill fault acts on, and whether it breaks (true) or restores (false) it. */
export const drillFaultOf: Record<DrillFault, { part: DrillPart; broken: boolean }> = {
  reader_lost: { part: 'reader', broken: true },
  reader_back: { part: 'reader', broken: false },
  card_bad: { part: 'card', broken: true },
  card_good: { part: 'card', broken: false },
  // The card taken out of the reader and put back (bench/card.ts times these events to the screen).
  card_removed: { part: 'card', broken: true },
  card_inserted: { part: 'card', broken: false },
  terminal_down: { part: 'terminal', broken: true },
  terminal_back: { part: 'terminal', broken: false },
  network_down: { part: 'network', broken: true },
  network_back: { part: 'network', broken: false },
  mains_lost: { part: 'power', broken: true },
  mains_back: { part: 'power', broken: false },
};
