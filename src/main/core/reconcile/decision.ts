// The reconciler's pure decision helpers, shared by the single request (single.ts) and the 一括照会 (bulk.ts): the
// numbers to ask with, the query, the check that an answer is about the numbers asked (checkAnswer), and the
// decision record (decideClaim + the reasons needing staff + the detail).
import { decideClaim } from '../../../claims/decide.ts';
import { parseInsurerNumber } from '../../../claims/insurer.ts';
import { nfkc, normalizeSymbolOrNumber } from '../../../claims/normalize.ts';
import { normalizeBranch, normalizeInsuranceNumbers } from '../../../claims/numbers.ts';
import type { ClaimSettings } from '../../../claims/settings.ts';
import { TerminalFinding, type InsuranceNumbers, type Visit } from '../../../claims/visit.ts';
import { isoDateFromTerminal } from '../../../hardware/terminal/finding.ts';
import type {
  FieldProblem,
  QualificationQueryInput,
  QualificationRecord,
  QualificationSearchInfo,
} from '../../../hardware/terminal/index.ts';
import type { AnswerField, AnswerProblem, ReconciliationDetail } from './detail.ts';

/** The terminal's ArbitraryFileIdentifier for an outbox job key (`<uuid>:reconcile[:rN]` → `<uuid>_reconcile[_rN]`). */
export function terminalKey(jobKey: string): string {
  return jobKey.replace(/[^0-9A-Za-z_-]/g, '_').slice(0, 64);
}

export type QuerySource = 'evidence' | 'past' | 'declaration';

/** The numbers to ask the terminal with: the evidence's, else the past ones, else those on the 申立書. */
export function queryNumbers(visit: Visit): { source: QuerySource; numbers: InsuranceNumbers } | null {
  const candidates: [QuerySource, Partial<InsuranceNumbers> | undefined][] = [
    ['evidence', visit.evidence.insurance],
    ['past', visit.pastInsurance],
    ['declaration', visit.evidence.declaration?.knownNumbers],
  ];
  for (const [source, c] of candidates) {
    if (!c?.insurerNumber || !c.number) continue;
    const n = normalizeInsuranceNumbers({
      insurerNumber: c.insurerNumber,
      symbol: c.symbol ?? '',
      number: c.number,
      branch: c.branch ?? '',
    });
    if (n.ok) return { source, numbers: n.value };
  }
  return null;
}

/** The 資格確認 query for a visit's numbers (birth date and service date from the visit). */
export function queryInput(visit: Visit, numbers: InsuranceNumbers): QualificationQueryInput {
  return {
    insurerNumber: numbers.insurerNumber,
    symbol: numbers.symbol,
    number: numbers.number,
    branch: numbers.branch,
    birthDate: visit.patient.birthDate,
    confirmationDate: visit.serviceDate,
  };
}

// -- Is the answer about the numbers asked? (#13) --------------------------------------------------------------

/** 記号・番号 after normalizeSymbolOrNumber: digits, Latin letters, kana, kanji, 々〆, the middle dot and '-'. */
const SYMBOL_OR_NUMBER = /^[0-9A-Za-z\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}々〆・-]+$/u;
/** UKE 記号/番号 fields take up to 38 bytes (src/claims/numbers.ts). */
const MAX_SYMBOL_OR_NUMBER = 38;

const symbolKey = (s: string) => normalizeSymbolOrNumber(s).replace(/-/g, '');
const symbolShapeOk = (s: string) => {
  const n = normalizeSymbolOrNumber(s);
  return n.length <= MAX_SYMBOL_OR_NUMBER && SYMBOL_OR_NUMBER.test(n);
};
const insurerKey = (s: string) => parseInsurerNumber(s).normalized || nfkc(s);
const branchKey = (s: string) => {
  const b = normalizeBranch(s);
  return b.ok ? b.value : nfkc(s);
};

/** How one answer field is compared with the query and what a valid value looks like. */
const FIELDS: Record<
  Exclude<AnswerField, 'birthDate' | 'other'>,
  { key: (s: string) => string; valid: (s: string) => boolean }
> = {
  insurerNumber: { key: insurerKey, valid: (s) => parseInsurerNumber(s).valid },
  symbol: { key: symbolKey, valid: (s) => s.trim() === '' || symbolShapeOk(s) },
  number: { key: symbolKey, valid: symbolShapeOk },
  branch: { key: branchKey, valid: (s) => normalizeBranch(s).ok },
};

/**
 * One field of the answer against the query: equal (after normalising) is fine, whatever the query held; otherwise
 * a value no 資格 can have is 'invalid', a valid one 'mismatch'. `asked` undefined: the query said nothing to
 * compare with (e.g. no 記号 or 枝番 was known), so only the shape counts.
 */
function fieldProblem(
  part: AnswerProblem['part'],
  field: Exclude<AnswerField, 'birthDate' | 'other'>,
  value: string | undefined,
  asked: string | undefined,
): AnswerProblem | null {
  if (value === undefined) return null;
  const f = FIELDS[field];
  if (asked !== undefined && f.key(value) === f.key(asked)) return null;
  if (!f.valid(value)) return { part, field, kind: 'invalid' };
  return asked !== undefined ? { part, field, kind: 'mismatch' } : null;
}

export interface AnswerCheckInput {
  /** The numbers asked with (normalised: queryNumbers). */
  numbers: InsuranceNumbers;
  /** The birth date asked with (YYYY-MM-DD). */
  birthDate: string;
  /** The answer's QualificationConfirmSearchInfo (single answer or 一括照会 row). */
  echo: QualificationSearchInfo | undefined;
  /** The finding the decision rests on (its `insurance` is the result row's numbers). */
  finding: TerminalFinding | null | undefined;
  /** The answer's result rows as parsed. */
  results: readonly QualificationRecord[];
  /** Fields the terminal parser found in the wrong form (`fieldProblems` of the answer or the 一括照会 row). */
  fieldProblems?: readonly FieldProblem[];
}

export interface AnswerCheck {
  /**
   * The echo names another 保険者番号, 番号 or birth date: the answer is about someone else and is not applied at all
   * (set aside, the job retried), as before.
   */
  otherPatient: AnswerField[];
  /** Everything else that differs from the query or is no valid value: the visit goes to 要確認 (needs_review). */
  problems: AnswerProblem[];
}

/**
 * The answer must be about the numbers asked (#13). The echo (QualificationConfirmSearchInfo) and the result row the
 * decision rests on (the finding's `insurance`: for 有効 the current 資格, for 無効 the queried lost one) are compared
 * with the query field by field — 保険者番号, 記号, 番号, 枝番 (記号・枝番 only where the query had one), normalised
 * with src/claims' normalisers — and checked for values no 資格 can have (記号 with '@', a 保険者番号 whose 検証番号
 * is wrong, a 枝番 that is not 2 digits, a birth date that is no date). The newer 資格 of 無効(新しい資格あり), claimed
 * as ①, has its shape checked. A result row's birth date that differs from the visit's is decideClaim's
 * BIRTH_MISMATCH already. Pure.
 */
export function checkAnswer(input: AnswerCheckInput): AnswerCheck {
  const { numbers, echo, finding } = input;
  const otherPatient: AnswerField[] = [];
  const problems: AnswerProblem[] = [];
  const add = (p: AnswerProblem | null) => {
    if (p && !problems.some((q) => q.part === p.part && q.field === p.field && q.kind === p.kind)) problems.push(p);
  };

  if (echo) {
    if (fieldProblem('echo', 'insurerNumber', echo.insurerNumber, numbers.insurerNumber))
      otherPatient.push('insurerNumber');
    if (fieldProblem('echo', 'number', echo.insuredIdentificationNumber, numbers.number)) otherPatient.push('number');
    if (echo.birthdate !== undefined && echo.birthdate !== input.birthDate.replace(/-/g, ''))
      otherPatient.push('birthDate');
    add(fieldProblem('echo', 'symbol', echo.insuredCardSymbol, numbers.symbol));
    add(fieldProblem('echo', 'branch', echo.insuredBranchNumber, numbers.branch));
  }

  const asked = (s: string) => (s === '' ? undefined : s);
  const row = finding?.insurance;
  if (row) {
    add(fieldProblem('result', 'insurerNumber', row.insurerNumber, numbers.insurerNumber));
    add(fieldProblem('result', 'symbol', row.symbol, asked(numbers.symbol)));
    add(fieldProblem('result', 'number', row.number, numbers.number));
    add(fieldProblem('result', 'branch', row.branch, asked(numbers.branch)));
  }
  const newer = finding?.newerInsurance;
  if (newer) {
    add(fieldProblem('newer', 'insurerNumber', newer.insurerNumber, undefined));
    add(fieldProblem('newer', 'symbol', newer.symbol, undefined));
    add(fieldProblem('newer', 'number', newer.number, undefined));
    add(fieldProblem('newer', 'branch', newer.branch, undefined));
  }
  if (input.results.some((r) => r.birthdate !== undefined && isoDateFromTerminal(r.birthdate) === undefined))
    add({ part: 'result', field: 'birthDate', kind: 'invalid' });

  for (const p of input.fieldProblems ?? []) add(parserProblem(p));
  return { otherPatient, problems };
}

/** The answer elements checkAnswer names; any other element in the wrong form is 'other'. */
const ELEMENT_FIELD: Record<string, AnswerField> = {
  InsurerNumber: 'insurerNumber',
  InsuredCardSymbol: 'symbol',
  InsuredIdentificationNumber: 'number',
  InsuredBranchNumber: 'branch',
  Birthdate: 'birthDate',
};

/** A field the parser found in the wrong form, as the reason the visit goes to 要確認. */
export function parserProblem(p: FieldProblem): AnswerProblem {
  const element = (p.path.split('/').pop() ?? '').replace(/\[\d+\]$/, '');
  return {
    part: p.path.includes('QualificationConfirmSearchInfo') ? 'echo' : 'result',
    field: ELEMENT_FIELD[element] ?? 'other',
    kind: 'invalid',
  };
}

const CODE_FIELD = {
  insurerNumber: 'INSURER',
  symbol: 'SYMBOL',
  number: 'NUMBER',
  branch: 'BRANCH',
  birthDate: 'BIRTHDATE',
  other: 'FIELD',
} as const satisfies Record<AnswerField, string>;

export type AnswerProblemCode = `ANSWER_${(typeof CODE_FIELD)[AnswerField]}_${'MISMATCH' | 'INVALID'}`;

/** The needsDecision code of a problem (its Japanese text is in reconcile/messages.ts under the same code). */
export function answerProblemCode(p: AnswerProblem): AnswerProblemCode {
  return `ANSWER_${CODE_FIELD[p.field]}_${p.kind === 'mismatch' ? 'MISMATCH' : 'INVALID'}`;
}

// -- Recording ---------------------------------------------------------------------------------------------------

/**
 * A file name or key as kept in details: the terminal key (which embeds the visit's UUID) becomes `{key}`, so a
 * UUID whose digits happen to look like a 個人番号 is never refused by the store's My Number guard. The
 * reconciliation row's own key and the audit entry's entity id say which visit and job it was.
 */
export function redact(s: string | undefined, tkey: string): string | null {
  return s === undefined ? null : s.split(tkey).join('{key}');
}

/**
 * Two findings say the same (a duplicate answer for a reconciled visit is discarded, not set aside). Both are read
 * through the TerminalFinding schema first, so the order of their keys does not count (a recorded detail is stored
 * as canonical JSON, keys sorted; a fresh finding is not).
 */
export function sameFinding(a: unknown, b: unknown): boolean {
  const read = (f: unknown) => JSON.stringify(TerminalFinding.safeParse(f).data ?? f ?? null);
  return read(a) === read(b);
}

export type RecordedDecision = 'current' | 'past' | 'unknown' | 'none';

/**
 * What a job's decision is recorded as: the decision ('none' while anything needs staff), the reasons needing staff
 * (decideClaim's, an unknown validity, and every problem checkAnswer found), and the full detail.
 */
export function decisionRecord(
  visit: Visit,
  settings: ClaimSettings,
  asked: boolean,
  finding: TerminalFinding | undefined,
  detail: ReconciliationDetail,
  problems: readonly AnswerProblem[] = [],
): { decision: RecordedDecision; needs: string[]; detail: ReconciliationDetail } {
  const decision = decideClaim(visit, settings, finding);
  const needs = decision.needsDecision.map((n) => n.code);
  if (asked && !finding) needs.push('UNKNOWN_VALIDITY');
  for (const p of problems) {
    const code = answerProblemCode(p);
    if (!needs.includes(code)) needs.push(code);
  }
  return {
    decision: needs.length > 0 ? 'none' : decision.basis,
    needs,
    detail: {
      ...detail,
      ...(problems.length > 0 ? { answerProblems: [...problems] } : {}),
      basis: decision.basis,
      rule: decision.rule,
      needsDecision: needs,
      warnings: decision.warnings.map((w) => w.code),
    },
  };
}
