// The claim basis decision (DOMAIN.md §2): ① 現資格 → ② 旧資格 → ③ 不詳, each only if the previous is
// impossible, from what a visit knows (its evidence, past data, what the terminal said at reception) and,
// after the fact, what the terminal answered during reconciliation.
import { splitByBytes } from './bytes.ts';
import { insuranceCardIsPast } from './card-dates.ts';
import { payerForDeclaredType, validateDeclaration } from './declaration.ts';
import { contactComplete, fillNumbers, unknownContact, unknownRemarks, type UnknownContact } from './fill.ts';
import { parseInsurerNumber, payerOf, type Payer } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { hasUnrepresentableMark, kanaKey, nfkc, toFullWidth } from './normalize.ts';
import { normalizeInsuranceNumbers, sameNumbers } from './numbers.ts';
import type { ClaimError } from './result.ts';
import type { ClaimSettings } from './settings.ts';
import type { Declaration, InsuranceNumbers, TerminalFinding, Visit } from './visit.ts';

export type ClaimBasis = 'current' | 'past' | 'unknown';
export type PersonalFamily = '1' | '2' | '';

/** ①②③ as staff read them. */
export const BASIS_LABEL = { current: '①現資格', past: '②旧資格', unknown: '③不詳' } as const;

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
  | 'expired_card_past'
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
  /**
   * ③ only: the 住所 / 連絡先 staff typed in the review (a later phone call, the patient file) where the visit had
   * none. Each non-empty value is the 摘要's.
   */
  contact?: ReviewContact;
}

/** 住所 / 連絡先 typed in a review for a ③ claim. */
export interface ReviewContact {
  address?: string;
  phone?: string;
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
  /** 本人/家族 for the レセコン: '1' 本人, '2' 家族 (terminal's PersonalFamilyClassification, else the 申立書), '' unknown. */
  personalFamily: PersonalFamily;
  /** For ③ and disaster fills: the 住所・事業所名・連絡先 the 摘要 carries (a ③ without 住所 and 連絡先 is not claimable). */
  contact: UnknownContact | null;
  /** Claim-ready only when this is empty: each item needs a staff decision. */
  needsDecision: ClaimError[];
  /** Worth telling staff, but not blocking (情報不一致, ● in a name, …). */
  warnings: ClaimError[];
}

const issue = (code: string, message: string): ClaimError => ({ code, message });

/** Numbers the visit's own evidence shows as current, when that evidence is usable. */
function currentFromEvidence(
  visit: Visit,
  warnings: ClaimError[],
  needs: ClaimError[],
  noticeAloneAccepted: boolean,
): InsuranceNumbers | null {
  const ev = visit.evidence;
  let candidate: Partial<InsuranceNumbers> | undefined;
  switch (ev.kind) {
    case 'portal':
    case 'qualification_certificate':
    case 'insurance_card':
    case 'emergency_mode':
    case 'precheck':
      candidate = ev.insurance;
      break;
    case 'notice_with_card':
      if (visit.identity.method === 'none' && !noticeAloneAccepted) {
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

const RELATIONSHIP_CODE = { self: '1', family: '2' } as const;

/** 「2025-12-01」 → 「2025年12月1日」 for messages. */
function jpDate(iso: string): string {
  const [y, mo, d] = iso.split('-').map(Number);
  return `${y}年${mo}月${d}日`;
}

/** Numbers as staff typed them, for messages: 保険者番号 記号 番号 枝番. */
function numbersText(n: InsuranceNumbers): string {
  return [
    `保険者番号 ${n.insurerNumber}`,
    n.symbol && `記号 ${n.symbol}`,
    `番号 ${n.number}`,
    n.branch && `枝番 ${n.branch}`,
  ]
    .filter(Boolean)
    .join('・');
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

  // 暫定的な取扱い (to settings.transitionalUntil): the お知らせ alone counts when the online check confirms.
  const noticeAloneAccepted = finding?.validity === 'valid' && visit.serviceDate <= settings.transitionalUntil;
  let fromEvidence = currentFromEvidence(visit, warnings, needs, noticeAloneAccepted);
  // An old 健康保険証 shown after it stopped being valid gives past numbers (DOMAIN.md §7); reconciliation may
  // still confirm them as current (the terminal's valid answer wins below).
  let oldCard: InsuranceNumbers | null = null;
  if (
    visit.evidence.kind === 'insurance_card' &&
    insuranceCardIsPast(visit.serviceDate, settings.insuranceCardValidUntil) &&
    fromEvidence
  ) {
    oldCard = fromEvidence;
    fromEvidence = null;
    warnings.push(issue('OLD_INSURANCE_CARD', m.oldInsuranceCard(jpDate(settings.insuranceCardValidUntil))));
  }
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

  // 該当資格なし at reconciliation for the numbers a document showed: ③ (or ②) proposed; by default staff check
  // the typed numbers first (要確認), the setting can make the proposal automatic or keep the document.
  const shown = fromEvidence ?? oldCard;
  const notFoundOverrides =
    answer?.validity === 'not_found' && shown !== null && settings.notFoundWithEvidence !== 'evidence';
  if (notFoundOverrides) {
    if (settings.notFoundWithEvidence === 'review') {
      needs.push(issue('TERMINAL_NOT_FOUND_REVIEW', m.terminalNotFoundReview(numbersText(shown))));
    } else warnings.push(issue('TERMINAL_NOT_FOUND_UNKNOWN', m.terminalNotFoundUnknown()));
  }

  // 事前確認: the numbers were the terminal's a few hours before; an answer now about another 資格 (or none) means it
  // changed in between, which staff look at (要確認) rather than the claim following either answer by itself.
  if (
    visit.evidence.kind === 'precheck' &&
    answer &&
    fromEvidence &&
    !(terminalCurrent && sameNumbers(fromEvidence, terminalCurrent))
  ) {
    needs.push(issue('PRECHECK_CHANGED', m.precheckChanged(numbersText(fromEvidence))));
  }

  if (finding?.validity === 'multiple') {
    needs.push(issue('MULTIPLE_MATCHES', m.multipleMatches()));
  }

  if (terminalCurrent) {
    numbers = terminalCurrent;
    basis = 'current';
    rule = finding!.validity === 'valid' ? 'terminal_valid' : 'terminal_newer';
    if (shown && !sameNumbers(shown, terminalCurrent)) {
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
  } else if (oldCard && !notFoundOverrides) {
    numbers = oldCard;
    basis = 'past';
    rule = 'expired_card_past';
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
  let contact: UnknownContact | null = null;
  if (numbers) {
    ho = { insurerNumber: numbers.insurerNumber, symbol: numbers.symbol, number: numbers.number };
    branch = numbers.branch;
    remarks = basis === 'past' ? [m.remarkPastQualification()] : [];
    payer = payerOf(parseInsurerNumber(numbers.insurerNumber).kind) ?? settings.unknownInsuranceTypePayer;
  } else {
    ho = fillNumbers(visit, declaration, settings);
    contact = unknownContact(visit, declaration);
    if (override?.contact?.address) contact.address = override.contact.address;
    if (override?.contact?.phone) contact.phone = override.contact.phone;
    remarks = unknownRemarks(contact);
    // Not claimable without 住所 and 連絡先 [S1b]: a person must get them (the export refuses it even after review).
    if (!contactComplete(contact) && !override) {
      needs.push(issue('UNKNOWN_NO_ADDRESS', m.unknownNeedsContact()));
    }
    // The 審査支払機関 still follows the insurer a document showed (該当資格なし does not make a 国保 card 社保).
    const known = fromEvidence ?? oldCard;
    payer =
      (!declaration && known ? payerOf(parseInsurerNumber(known.insurerNumber).kind) : undefined) ??
      payerForDeclaredType(declaration?.insuranceType ?? 'unknown', settings);
  }
  const personalFamily: PersonalFamily =
    finding?.personalFamily ?? (declaration ? RELATIONSHIP_CODE[declaration.relationship] : '');

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
    // One CO record per 摘要 line; a line longer than the CO 文字データ (bytes, full-width) continues on the next.
    comments: remarks.flatMap((line) =>
      splitByBytes(toFullWidth(line), settings.commentMaxBytes).map((text) => ({
        shinryoShikibetsu: settings.commentShinryoShikibetsu,
        futanKubun: '1',
        code: settings.commentCode,
        text,
      })),
    ),
    payer,
    personalFamily,
    contact,
    needsDecision: needs,
    warnings,
  };
}
