// The claim basis decision (DOMAIN.md §2): ① 現資格 → ② 旧資格 → ③ 不詳, each only if the previous is
// impossible, from what a visit knows (its evidence, past data, what the terminal said at reception) and,
// after the fact, what the terminal answered during reconciliation.
import { formatPhone, payerForDeclaredType, validateDeclaration } from './declaration.ts';
import { parseInsurerNumber, payerOf, type Payer } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { hasUnrepresentableMark, kanaKey, nfkc } from './normalize.ts';
import { normalizeInsuranceNumbers, sameNumbers } from './numbers.ts';
import type { ClaimError } from './result.ts';
import type { ClaimSettings } from './settings.ts';
import type { Declaration, InsuranceNumbers, TerminalFinding, Visit } from './visit.ts';

export type ClaimBasis = 'current' | 'past' | 'unknown';

/** UKE HO: 保険者レコード's qualification fields. */
export interface HoValues {
  insurerNumber: string;
  symbol: string;
  number: string;
}

/** UKE SN: 資格確認レコード. 枝番 travels here. */
export interface SnValues {
  /** 負担者種別: 1 = 医療保険. */
  payerType: '1';
  /** 確認区分: 01 = 医療機関等の窓口で確認. */
  confirmationCode: '01';
  insurerNumber: string;
  symbol: string;
  number: string;
  branch: string;
  recipientNumber: string;
}

export interface CommentLine {
  shinryoShikibetsu: string;
  futanKubun: string;
  code: string;
  text: string;
}

/** Which rule produced the decision: kept with the decision as its evidence. */
export type DecisionRule =
  | 'terminal_valid'
  | 'terminal_newer'
  | 'evidence_current'
  | 'terminal_invalid_past'
  | 'past_record'
  | 'unknown_declaration'
  | 'unknown_no_declaration'
  | 'staff_decision';

/**
 * A staff member's decision after reviewing a visit (事後確認 review): the basis to claim on and, for ① / ②,
 * the numbers. It replaces the computed basis; the needsDecision items count as acknowledged.
 */
export interface StaffOverride {
  basis: ClaimBasis;
  /** Required for 'current' and 'past' (normalised, check digit valid); ignored for 'unknown'. */
  numbers: InsuranceNumbers | null;
}

/**
 * The numbers a basis could be claimed with, from what the visit and the terminal's answer show: for ① the
 * terminal's current (or newer) 資格, else the evidence's (or the 申立書's remembered) numbers; for ② the
 * terminal's lost 資格, else the past record. Pure; null when there are none (staff must type them).
 */
export function candidateNumbers(
  visit: Visit,
  answer?: TerminalFinding,
): { current: InsuranceNumbers | null; past: InsuranceNumbers | null } {
  const finding = answer ?? visit.terminal;
  const terminalCurrent =
    finding?.validity === 'valid'
      ? validNumbers(finding.insurance)
      : finding?.validity === 'invalid_newer'
        ? validNumbers(finding.newerInsurance)
        : null;
  const terminalLost =
    finding?.validity === 'invalid' || finding?.validity === 'invalid_newer' ? validNumbers(finding.insurance) : null;
  const remembered = visit.evidence.declaration?.knownNumbers;
  const evidence =
    validNumbers(visit.evidence.insurance) ??
    (remembered?.insurerNumber && remembered.number
      ? validNumbers({
          insurerNumber: remembered.insurerNumber,
          symbol: remembered.symbol ?? '',
          number: remembered.number,
          branch: remembered.branch ?? '',
        })
      : null);
  return {
    current: terminalCurrent ?? evidence,
    past: terminalLost ?? validNumbers(visit.pastInsurance),
  };
}

export interface ClaimDecision {
  basis: ClaimBasis;
  mode: ClaimSettings['mode'];
  rule: DecisionRule;
  ho: HoValues;
  sn: SnValues;
  /** 摘要 lines, in order. */
  remarks: string[];
  /** The same lines as UKE CO records. */
  comments: CommentLine[];
  payer: Payer;
  /** Claim-ready only when this is empty: each item needs a staff decision. */
  needsDecision: ClaimError[];
  /** Worth telling staff, but not blocking (情報不一致, ● in a name, …). */
  warnings: ClaimError[];
}

const issue = (code: string, message: string): ClaimError => ({ code, message });

/** Numbers the visit's own evidence shows as current, when that evidence is usable. */
function currentFromEvidence(visit: Visit, warnings: ClaimError[], needs: ClaimError[]): InsuranceNumbers | null {
  const ev = visit.evidence;
  let candidate: Partial<InsuranceNumbers> | undefined;
  switch (ev.kind) {
    case 'portal':
    case 'qualification_certificate':
    case 'insurance_card':
    case 'emergency_mode':
      candidate = ev.insurance;
      break;
    case 'notice_with_card':
      if (visit.identity.method === 'none') {
        needs.push(issue('NOTICE_WITHOUT_CARD', m.noticeNeedsCard()));
        return null;
      }
      candidate = ev.insurance;
      break;
    case 'verbal':
      if (ev.confirmedUnchanged !== true) {
        needs.push(issue('VERBAL_NOT_CONFIRMED', m.verbalNotConfirmed()));
        return null;
      }
      candidate = ev.insurance;
      break;
    case 'declaration':
      // Numbers the patient remembers on the 申立書 count as 聞き取り, when they are complete and valid.
      candidate = ev.declaration?.knownNumbers;
      if (!candidate?.insurerNumber || !candidate.number) return null;
      break;
  }
  if (!candidate?.insurerNumber || !candidate.number) return null;
  const n = normalizeInsuranceNumbers({
    insurerNumber: candidate.insurerNumber,
    symbol: candidate.symbol ?? '',
    number: candidate.number,
    branch: candidate.branch ?? '',
  });
  if (!n.ok) {
    warnings.push(...n.errors.map((e) => ({ ...e, code: `EVIDENCE_${e.code}` })));
    return null;
  }
  return n.value;
}

function validNumbers(n: InsuranceNumbers | undefined): InsuranceNumbers | null {
  if (!n) return null;
  const r = normalizeInsuranceNumbers(n);
  return r.ok ? r.value : null;
}

/** Name, birth date and sex of the visit against the terminal's answer: differences need a person. */
function identityDifferences(visit: Visit, finding: TerminalFinding): ClaimError[] {
  const out: ClaimError[] = [];
  if (finding.name !== undefined) {
    if (hasUnrepresentableMark(finding.name)) {
      out.push(issue('NAME_UNREPRESENTABLE', m.answerNameUnrepresentable(finding.name)));
    } else {
      const a = nfkc(finding.name).replace(/\s+/g, '');
      const b = nfkc(visit.patient.name).replace(/\s+/g, '');
      if (a !== b && kanaKey(a) !== kanaKey(visit.patient.nameKana)) {
        out.push(issue('NAME_MISMATCH', m.nameMismatch(visit.patient.name, finding.name)));
      }
    }
  }
  if (finding.birthDate !== undefined && finding.birthDate !== visit.patient.birthDate) {
    out.push(issue('BIRTH_MISMATCH', m.birthMismatch(visit.patient.birthDate, finding.birthDate)));
  }
  if (finding.sex !== undefined && finding.sex !== visit.patient.sex) {
    out.push(issue('SEX_MISMATCH', m.sexMismatch()));
  }
  return out;
}

/** 摘要 for ③ 不詳: the 申立書's 住所, 事業所名, 連絡先 (falling back to the 4 items and the patient record). */
function unknownRemarks(visit: Visit, declaration: Declaration | null, settings: ClaimSettings) {
  const address = declaration?.address || visit.evidence.fourItems?.address || visit.patient.address;
  const phone = declaration?.phone || visit.patient.phone;
  const lines: string[] = [];
  if (settings.mode === 'disaster') lines.push(m.remarkDisasterHead());
  if (address) lines.push(m.remarkAddress(address));
  if (declaration?.employerName) lines.push(m.remarkEmployer(declaration.employerName));
  if (phone) lines.push(m.remarkPhone(formatPhone(phone)));
  return { lines, reachable: address !== '' && phone !== '' };
}

function unknownHo(declaration: Declaration | null, settings: ClaimSettings): HoValues {
  if (settings.mode === 'disaster') {
    return { insurerNumber: settings.disasterInsurerNumber, symbol: '', number: settings.disasterNumber };
  }
  const kokuho = declaration?.insuranceType === 'kokuho' && settings.kokuhoUnknownForm !== '8digit';
  return {
    insurerNumber: kokuho ? settings.kokuhoUnknownForm : settings.unknownInsurerNumber,
    symbol: '7'.repeat(settings.unknownSymbolLength),
    number: '7'.repeat(settings.unknownNumberLength),
  };
}

/**
 * Decide the claim basis for a visit. `answer` is the terminal's answer from reconciliation, when there is
 * one; otherwise what the terminal said at reception (visit.terminal) is used. Pure: same input, same output.
 */
export function decideClaim(
  visit: Visit,
  settings: ClaimSettings,
  answer?: TerminalFinding,
  override?: StaffOverride,
): ClaimDecision {
  const warnings: ClaimError[] = [];
  const needs: ClaimError[] = [];
  const finding = answer ?? visit.terminal;

  if (hasUnrepresentableMark(visit.patient.name)) {
    warnings.push(issue('NAME_UNREPRESENTABLE', m.nameUnrepresentable(visit.patient.name)));
  }
  if (visit.evidence.kind === 'emergency_mode' && !visit.evidence.fourItems) {
    needs.push(issue('FOUR_ITEMS_MISSING', m.fourItemsMissing()));
  }
  let declaration: Declaration | null = null;
  if (visit.evidence.kind === 'declaration') {
    if (!visit.evidence.declaration) {
      needs.push(issue('DECLARATION_MISSING', m.declarationMissing()));
    } else {
      const d = validateDeclaration(visit.evidence.declaration);
      if (d.ok) declaration = d.value;
      else needs.push(...d.errors);
    }
  }
  if (finding) {
    for (const d of identityDifferences(visit, finding)) {
      (d.code === 'NAME_UNREPRESENTABLE' ? warnings : needs).push(d);
    }
  }

  const fromEvidence = currentFromEvidence(visit, warnings, needs);
  let basis: ClaimBasis;
  let rule: DecisionRule;
  let numbers: InsuranceNumbers | null = null;

  const terminalCurrent =
    finding?.validity === 'valid'
      ? validNumbers(finding.insurance)
      : finding?.validity === 'invalid_newer'
        ? validNumbers(finding.newerInsurance)
        : null;
  const terminalLost =
    finding?.validity === 'invalid' || finding?.validity === 'invalid_newer' ? validNumbers(finding.insurance) : null;

  // 該当資格なし for the numbers a document showed, answered at reconciliation: ③ (or ②) by default.
  const notFoundOverrides =
    answer?.validity === 'not_found' && fromEvidence !== null && settings.notFoundWithEvidence === 'unknown';
  if (notFoundOverrides) warnings.push(issue('TERMINAL_NOT_FOUND_UNKNOWN', m.terminalNotFoundUnknown()));

  if (finding?.validity === 'multiple') {
    needs.push(issue('MULTIPLE_MATCHES', m.multipleMatches()));
  }

  if (terminalCurrent) {
    numbers = terminalCurrent;
    basis = 'current';
    rule = finding!.validity === 'valid' ? 'terminal_valid' : 'terminal_newer';
    if (fromEvidence && !sameNumbers(fromEvidence, terminalCurrent)) {
      warnings.push(issue('INFO_MISMATCH', m.infoMismatch()));
    }
  } else if (fromEvidence && !notFoundOverrides && !(terminalLost && sameNumbers(fromEvidence, terminalLost))) {
    numbers = fromEvidence;
    basis = 'current';
    rule = 'evidence_current';
    if (finding?.validity === 'not_found') {
      warnings.push(issue('TERMINAL_NOT_FOUND', m.terminalNotFoundButEvidence()));
    }
  } else if (terminalLost) {
    numbers = terminalLost;
    basis = 'past';
    rule = 'terminal_invalid_past';
  } else if (validNumbers(visit.pastInsurance)) {
    numbers = validNumbers(visit.pastInsurance);
    basis = 'past';
    rule = 'past_record';
  } else {
    basis = 'unknown';
    rule = declaration ? 'unknown_declaration' : 'unknown_no_declaration';
  }

  if (override) {
    // Staff decided: their basis and numbers are the claim's; what needed a decision has been decided.
    basis = override.basis;
    rule = 'staff_decision';
    numbers = override.basis === 'unknown' ? null : validNumbers(override.numbers ?? undefined);
    needs.length = 0;
    if (override.basis !== 'unknown' && !numbers) needs.push(issue('VISIT_NO_NUMBERS', m.visitNoNumbers()));
  }

  let ho: HoValues;
  let branch = '';
  let remarks: string[];
  let payer: Payer;
  if (numbers) {
    ho = { insurerNumber: numbers.insurerNumber, symbol: numbers.symbol, number: numbers.number };
    branch = numbers.branch;
    remarks = basis === 'past' ? [m.remarkPastQualification()] : [];
    payer = payerOf(parseInsurerNumber(numbers.insurerNumber).kind) ?? settings.unknownInsuranceTypePayer;
  } else {
    ho = unknownHo(declaration, settings);
    const unknown = unknownRemarks(visit, declaration, settings);
    remarks = unknown.lines;
    if (!unknown.reachable && !override) {
      needs.push(issue('UNKNOWN_NO_ADDRESS', m.unknownNeedsContact()));
    }
    // The 審査支払機関 still follows the insurer a document showed (該当資格なし does not make a 国保 card 社保).
    payer =
      (!declaration && fromEvidence ? payerOf(parseInsurerNumber(fromEvidence.insurerNumber).kind) : undefined) ??
      payerForDeclaredType(declaration?.insuranceType ?? 'unknown', settings);
  }

  return {
    basis,
    mode: settings.mode,
    rule,
    ho,
    sn: {
      payerType: '1',
      confirmationCode: '01',
      insurerNumber: '',
      symbol: '',
      number: '',
      branch,
      recipientNumber: '',
    },
    remarks,
    comments: remarks.map((text) => ({
      shinryoShikibetsu: settings.commentShinryoShikibetsu,
      futanKubun: '1',
      code: settings.commentCode,
      text,
    })),
    payer,
    needsDecision: needs,
    warnings,
  };
}
