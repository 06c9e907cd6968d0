// The decision part of a staff review (decideReview): for each action, the basis (① / ② / ③), the numbers it is
// claimed with, what it acknowledges, and the reconciliation detail it records. Pure: visits from docs/examples.
import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { checkDigit } from '../../src/claims/insurer.ts';
import { decideReview, reviewedNumbers, type PriorDecision, type ReviewChoice } from '../../src/claims/review.ts';
import { defaultClaimSettings as S } from '../../src/claims/settings.ts';
import type { InsuranceNumbers, TerminalFinding, Visit } from '../../src/claims/visit.ts';
import { loadExample, visitWith } from './helpers.ts';

const withCheck = (body: string) => body + String(checkDigit(body));
/** What the portal example shows (① from the evidence). */
const PORTAL = { insurerNumber: '06132013', symbol: '1234', number: '567', branch: '01' };
const OLD = { insurerNumber: withCheck('0113001'), symbol: '55', number: '66', branch: '' };
const TYPED = { insurerNumber: withCheck('3913115'), symbol: '9', number: '8', branch: '02' };

const portal = loadExample('portal.json');
const declaration = loadExample('declaration-unknown.json');

function prior(decision: PriorDecision['decision'], detail: Record<string, unknown> = {}): PriorDecision {
  return { key: 'v:reconcile', decision, detail };
}

function decide(visit: Visit, choice: ReviewChoice, latest: PriorDecision | null = null, reason = '') {
  return decideReview({ visit, settings: S, choice, reason, latest });
}

function decided(visit: Visit, choice: ReviewChoice, latest: PriorDecision | null = null, reason = '') {
  const r = decide(visit, choice, latest, reason);
  if (!r.ok) throw new Error(`expected a decision, got ${r.code}`);
  return r.value;
}

describe('accept', () => {
  it('needs a reconciliation to accept', () => {
    expect(decide(portal, { action: 'accept' })).toEqual({ ok: false, code: 'REVIEW_NOTHING_TO_ACCEPT' });
  });

  it("takes the latest decision, with the proposal's numbers when it proposes that basis", () => {
    const d = decided(portal, { action: 'accept' }, prior('current'));
    expect(d.basis).toBe('current');
    expect(d.numbers).toEqual(PORTAL);
    expect(d.after.rule).toBe('staff_decision');
    expect(d.after.ho).toMatchObject({ insurerNumber: PORTAL.insurerNumber, number: PORTAL.number });
  });

  it('a decision that needed staff: the basis it recorded, else the proposal', () => {
    const past = visitWith({ pastInsurance: OLD });
    const recorded = decided(past, { action: 'accept' }, prior('none', { basis: 'past' }));
    expect(recorded.basis).toBe('past');
    expect(recorded.numbers).toEqual(OLD);
    const proposal = decided(declaration, { action: 'accept' }, prior('none', { basis: 'nonsense' }));
    expect(proposal.basis).toBe(decideClaim(declaration, S).basis);
    expect(proposal.basis).toBe('unknown');
    expect(proposal.numbers).toBeNull();
  });
});

describe('choose_basis', () => {
  it('② takes the past record; with no numbers anywhere it is refused naming the basis', () => {
    const d = decided(visitWith({ pastInsurance: OLD }), { action: 'choose_basis', basis: 'past' }, null, '旧資格');
    expect(d.basis).toBe('past');
    expect(d.numbers).toEqual(OLD);
    expect(d.after.basis).toBe('past');
    expect(decide(portal, { action: 'choose_basis', basis: 'past' })).toEqual({
      ok: false,
      code: 'REVIEW_NO_NUMBERS',
      basis: 'past',
    });
  });

  it("② takes the lost 資格 the terminal answered (the latest reconciliation's finding)", () => {
    const finding: TerminalFinding = { validity: 'invalid', insurance: OLD };
    const d = decided(portal, { action: 'choose_basis', basis: 'past' }, prior('none', { finding }));
    expect(d.numbers).toEqual(OLD);
    expect(d.detail.finding).toEqual(finding);
  });

  it('reuses the numbers an earlier review recorded for the same basis', () => {
    const earlier = prior('current', { review: { basis: 'current', numbers: TYPED } });
    expect(decided(portal, { action: 'choose_basis', basis: 'current' }, earlier).numbers).toEqual(TYPED);
    expect(reviewedNumbers(earlier.detail, 'current')).toEqual(TYPED);
    expect(reviewedNumbers(earlier.detail, 'past')).toBeNull();
    expect(reviewedNumbers({ review: { basis: 'current', numbers: { number: 1 } } }, 'current')).toBeNull();
  });

  it('③ needs no numbers and records the 不詳 claim', () => {
    const d = decided(portal, { action: 'choose_basis', basis: 'unknown' }, null, '確認できず');
    expect(d.basis).toBe('unknown');
    expect(d.numbers).toBeNull();
    expect(d.after.basis).toBe('unknown');
    expect(d.after.ho.insurerNumber).toBe(S.unknownInsurerNumber);
  });
});

describe('edit_numbers', () => {
  it('claims ① with the typed numbers, over the evidence and the proposal', () => {
    const d = decided(portal, { action: 'edit_numbers', numbers: TYPED }, prior('current'), '記号の誤り');
    expect(d.basis).toBe('current');
    expect(d.numbers).toEqual(TYPED);
    expect(d.after.ho).toEqual({ insurerNumber: TYPED.insurerNumber, symbol: TYPED.symbol, number: TYPED.number });
    expect(d.after.sn.branch).toBe(TYPED.branch);
  });
});

describe('manual_lookup', () => {
  it('found: ① with the numbers looked up; not found: ③', () => {
    const found = decided(declaration, { action: 'manual_lookup', found: true, numbers: TYPED }, prior('none'));
    expect(found.basis).toBe('current');
    expect(found.numbers).toEqual(TYPED);
    expect(found.detail.review).toMatchObject({ action: 'manual_lookup', found: true });
    const missing = decided(declaration, { action: 'manual_lookup', found: false }, prior('none'));
    expect(missing.basis).toBe('unknown');
    expect(missing.numbers).toBeNull();
    expect(missing.detail.review).toMatchObject({ action: 'manual_lookup', found: false, numbers: null });
  });
});

describe('what a review records', () => {
  it('acknowledges the earlier and the proposed needsDecision codes once each, and names the previous decision', () => {
    const proposed = decideClaim(declaration, S).needsDecision.map((n) => n.code);
    const latest = prior('none', { needsDecision: ['X_EARLIER', proposed[0] ?? 'X_EARLIER', 7] });
    const d = decided(declaration, { action: 'choose_basis', basis: 'unknown' }, latest, ' 理由 ');
    expect(d.acknowledged).toEqual([...new Set(['X_EARLIER', ...proposed])]);
    expect(d.detail).toEqual({
      review: {
        action: 'choose_basis',
        reason: ' 理由 ',
        basis: 'unknown',
        numbers: null,
        acknowledged: d.acknowledged,
        previous: { decision: 'none', key: 'v:reconcile' },
      },
      finding: null,
      basis: 'unknown',
      rule: 'staff_decision',
      needsDecision: d.after.needsDecision.map((n) => n.code),
      warnings: d.after.warnings.map((w) => w.code),
    });
  });

  it('with no earlier reconciliation the previous decision is null', () => {
    const typed: InsuranceNumbers = TYPED;
    const d = decided(portal, { action: 'edit_numbers', numbers: typed }, null, 'r');
    expect(d.detail.review).toMatchObject({ previous: { decision: null, key: null } });
    expect(d.acknowledged).toEqual([]);
  });
});
