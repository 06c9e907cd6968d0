// checkAnswer (reconcile/decision.ts), pure: the answer must be about the numbers asked (#13). The echo and the
// result row the decision rests on are compared with the query field by field, and values no 資格 can have are
// refused; everything but another patient's echo goes to 要確認 with a code staff can read.
import { describe, expect, it } from 'vitest';
import { checkDigit } from '../../src/claims/insurer.ts';
import type { InsuranceNumbers, TerminalFinding } from '../../src/claims/visit.ts';
import type { QualificationRecord, QualificationSearchInfo } from '../../src/hardware/terminal/index.ts';
import { recordedAnswerNeeds } from '../../src/main/core/reconcile/claim.ts';
import {
  answerProblemCode,
  checkAnswer,
  sameFinding,
  type AnswerCheckInput,
} from '../../src/main/core/reconcile/decision.ts';
import { parseReconciliationDetail } from '../../src/main/core/reconcile/detail.ts';
import { reconcileMessages } from '../../src/main/core/reconcile/messages.ts';

const asked: InsuranceNumbers = { insurerNumber: '06132013', symbol: '3-200457', number: '567', branch: '01' };
const echoOf = (n: InsuranceNumbers, birthdate = '19800515'): QualificationSearchInfo => ({
  insurerNumber: n.insurerNumber,
  insuredCardSymbol: n.symbol,
  insuredIdentificationNumber: n.number,
  insuredBranchNumber: n.branch,
  birthdate,
  extra: {},
});
const valid = (insurance: InsuranceNumbers): TerminalFinding => ({ validity: 'valid', insurance });
const row = (birthdate: string): QualificationRecord => ({ birthdate, nameHasUnrepresentable: false, extra: {} });

function check(over: Partial<AnswerCheckInput> = {}) {
  return checkAnswer({
    numbers: asked,
    birthDate: '1980-05-15',
    echo: echoOf(asked),
    finding: valid(asked),
    results: [row('19800515')],
    ...over,
  });
}

describe('checkAnswer', () => {
  it('finds nothing in an answer about exactly the numbers asked (full-width, hyphens, 国保 padding aside)', () => {
    expect(check()).toEqual({ otherPatient: [], problems: [] });
    const kokuho: InsuranceNumbers = { insurerNumber: '138057', symbol: '', number: '1', branch: '' };
    expect(
      check({
        numbers: kokuho,
        echo: echoOf({ ...kokuho, insurerNumber: '00138057' }),
        finding: valid({ insurerNumber: '138057', symbol: '', number: '1', branch: '00' }),
      }),
    ).toEqual({ otherPatient: [], problems: [] });
    expect(check({ finding: valid({ ...asked, symbol: '３ー２００４５７', number: '５６７' }) })).toEqual({
      otherPatient: [],
      problems: [],
    });
  });

  it('the result row 記号 3@200457 for a query 3-200457 is invalid (#13), 3-200458 a mismatch', () => {
    expect(check({ finding: valid({ ...asked, symbol: '3@200457' }) })).toEqual({
      otherPatient: [],
      problems: [{ part: 'result', field: 'symbol', kind: 'invalid' }],
    });
    expect(check({ finding: valid({ ...asked, symbol: '3-200458' }) }).problems).toEqual([
      { part: 'result', field: 'symbol', kind: 'mismatch' },
    ]);
  });

  it('compares the result row 枝番, 保険者番号 and 番号 too, and refuses a wrong 検証番号', () => {
    expect(check({ finding: valid({ ...asked, branch: '02' }) }).problems).toEqual([
      { part: 'result', field: 'branch', kind: 'mismatch' },
    ]);
    expect(check({ finding: valid({ ...asked, branch: '0A' }) }).problems).toEqual([
      { part: 'result', field: 'branch', kind: 'invalid' },
    ]);
    // 06132013 with its last digit flipped: the 検証番号 no longer fits
    const wrongCheck = `0613201${(checkDigit('0613201') + 1) % 10}`;
    expect(check({ finding: valid({ ...asked, insurerNumber: wrongCheck }) }).problems).toEqual([
      { part: 'result', field: 'insurerNumber', kind: 'invalid' },
    ]);
    const otherInsurer = `0613202${checkDigit('0613202')}`;
    expect(check({ finding: valid({ ...asked, insurerNumber: otherInsurer }) }).problems).toEqual([
      { part: 'result', field: 'insurerNumber', kind: 'mismatch' },
    ]);
    expect(check({ finding: valid({ ...asked, number: '568' }) }).problems).toEqual([
      { part: 'result', field: 'number', kind: 'mismatch' },
    ]);
    expect(check({ finding: valid({ ...asked, number: '5#7' }) }).problems).toEqual([
      { part: 'result', field: 'number', kind: 'invalid' },
    ]);
  });

  it('where the query had no 記号 or 枝番, only the shape of the answer counts', () => {
    const noSymbol = { ...asked, symbol: '', branch: '' };
    expect(
      check({ numbers: noSymbol, echo: echoOf(noSymbol), finding: valid({ ...asked, symbol: '12', branch: '00' }) }),
    ).toEqual({ otherPatient: [], problems: [] });
    expect(
      check({ numbers: noSymbol, echo: echoOf(noSymbol), finding: valid({ ...asked, symbol: '1@2' }) }).problems,
    ).toEqual([{ part: 'result', field: 'symbol', kind: 'invalid' }]);
  });

  it('an echo with another 記号 or 枝番 goes to 要確認; another 保険者番号, 番号 or birth date is another patient', () => {
    expect(check({ echo: echoOf({ ...asked, symbol: '3@200457' }) }).problems).toEqual([
      { part: 'echo', field: 'symbol', kind: 'invalid' },
    ]);
    expect(check({ echo: echoOf({ ...asked, branch: '03' }) }).problems).toEqual([
      { part: 'echo', field: 'branch', kind: 'mismatch' },
    ]);
    expect(check({ echo: echoOf({ ...asked, number: '9999' }, '19990101') })).toEqual({
      otherPatient: ['number', 'birthDate'],
      problems: [],
    });
    expect(check({ echo: echoOf({ ...asked, insurerNumber: '01130012' }) }).otherPatient).toEqual(['insurerNumber']);
  });

  it('checks the newer 資格 of 無効(新しい資格あり) for its shape and a result birth date for being a date', () => {
    const newer: TerminalFinding = {
      validity: 'invalid_newer',
      insurance: asked,
      newerInsurance: { insurerNumber: '01130012', symbol: 'ｼﾝ@', number: '9999', branch: '00' },
    };
    expect(check({ finding: newer }).problems).toEqual([{ part: 'newer', field: 'symbol', kind: 'invalid' }]);
    expect(check({ results: [row('19801315')] }).problems).toEqual([
      { part: 'result', field: 'birthDate', kind: 'invalid' },
    ]);
  });

  it('takes the fields the terminal parser found in the wrong form (once each, by element)', () => {
    const path = 'MessageBody/ResultList/ResultOfQualificationConfirmation[0]';
    const symbol = { path: `${path}/InsuredCardSymbol`, reason: 'bad_shape', expected: 'text', value: '3@' } as const;
    const ratio = {
      path: `${path}/InsuredPartialContributionRatio`,
      reason: 'bad_shape',
      expected: '3 digits',
    } as const;
    const echo = {
      path: 'MessageBody/QualificationConfirmSearchInfo/Birthdate',
      reason: 'bad_shape',
      expected: '',
    } as const;
    expect(
      check({ finding: valid({ ...asked, symbol: '3@200457' }), fieldProblems: [symbol, ratio, echo] }).problems,
    ).toEqual([
      { part: 'result', field: 'symbol', kind: 'invalid' },
      { part: 'result', field: 'other', kind: 'invalid' },
      { part: 'echo', field: 'birthDate', kind: 'invalid' },
    ]);
    expect(answerProblemCode({ part: 'result', field: 'other', kind: 'invalid' })).toBe('ANSWER_FIELD_INVALID');
  });

  it('names each problem with a code that has a Japanese message, and the export keeps them as needsDecision', () => {
    const p = { part: 'result', field: 'symbol', kind: 'invalid' } as const;
    expect(answerProblemCode(p)).toBe('ANSWER_SYMBOL_INVALID');
    const detail = parseReconciliationDetail({ answerProblems: [p, { ...p, part: 'echo' }] });
    expect(recordedAnswerNeeds(detail)).toEqual([
      { code: 'ANSWER_SYMBOL_INVALID', message: reconcileMessages.ANSWER_SYMBOL_INVALID },
    ]);
    expect(reconcileMessages.ANSWER_SYMBOL_INVALID).toContain('記号');
  });
});

describe('parseReconciliationDetail', () => {
  it('reads a field that does not fit as absent and keeps the fields it does not name', () => {
    expect(
      parseReconciliationDetail({ finding: { validity: 'maybe' }, needsDecision: ['A', 3, 'B'], extra: 1 }),
    ).toEqual({ needsDecision: ['A', 'B'], extra: 1 });
    expect(parseReconciliationDetail(null)).toEqual({});
    expect(parseReconciliationDetail('x')).toEqual({});
  });
});

describe('sameFinding', () => {
  it('does not count the order of keys (a recorded detail is canonical JSON, keys sorted)', () => {
    const fresh: TerminalFinding = { validity: 'valid', answeredAt: '2026-05-01T10:00:00+09:00', insurance: asked };
    const recorded = JSON.parse(
      '{"answeredAt":"2026-05-01T10:00:00+09:00","insurance":{"branch":"01","insurerNumber":"06132013","number":"567","symbol":"3-200457"},"validity":"valid"}',
    ) as unknown;
    expect(sameFinding(fresh, recorded)).toBe(true);
    expect(sameFinding({ ...fresh, validity: 'invalid' }, recorded)).toBe(false);
    expect(sameFinding(null, undefined)).toBe(true);
  });
});
