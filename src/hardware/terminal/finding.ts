// Parsed answer → TerminalFinding (src/claims/visit.ts). Pure.
import type { InsuranceNumbers, Sex, TerminalFinding, TerminalValidity } from '../../claims/visit.ts';
import type {
  BulkConfirmUnit,
  MessageHeader,
  QualificationAnswer,
  QualificationRecord,
  QualificationSearchInfo,
} from './model.ts';
import { QualificationValidity, SexCode } from './codes.ts';
import { unpadInsurerNumber } from './parser.ts';

export const VALIDITY_BY_CODE: Readonly<Record<string, TerminalValidity>> = {
  [QualificationValidity.valid]: 'valid',
  [QualificationValidity.invalid]: 'invalid',
  [QualificationValidity.invalidNewer]: 'invalid_newer',
  [QualificationValidity.notFound]: 'not_found',
  [QualificationValidity.multiple]: 'multiple',
};

/** YYYYMMDD → YYYY-MM-DD, or undefined when it is not a plausible date. */
export function isoDateFromTerminal(s: string | undefined): string | undefined {
  const m = s ? /^(\d{4})(\d{2})(\d{2})$/.exec(s) : null;
  if (!m) return undefined;
  const [, y, mo, d] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  return `${y}-${mo}-${d}`;
}

/** ProcessExecutionTime (YYYYMMDDHHmmss, Japan time) → ISO 8601 with +09:00. */
export function isoDateTimeFromTerminal(s: string | undefined): string | undefined {
  const m = s ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m;
  return `${y}-${mo}-${d}T${h}:${mi}:${se}+09:00`;
}

export function sexFromTerminal(code: string | undefined): Sex | undefined {
  return code === SexCode.male ? 'male' : code === SexCode.female ? 'female' : undefined;
}

/** "030" → 30 (percent). Non-numeric → undefined. */
export function percentFromRatio(ratio: string | undefined): number | undefined {
  return ratio !== undefined && /^\d{1,3}$/.test(ratio) ? Number.parseInt(ratio, 10) : undefined;
}

/** The insured's share in percent: the answer's own rate fields (they win over age arithmetic, DOMAIN.md §4). */
export function copayPercentOf(r: QualificationRecord): number | undefined {
  return (
    percentFromRatio(r.insuredPartialContributionRatio) ??
    percentFromRatio(r.elderlyRecipientCertificateInfo?.contributionRatio)
  );
}

/** Numbers of a record. The insurer number is given in its card form: 国保 without the XML's "00" padding. */
export function insuranceOf(r: QualificationRecord): InsuranceNumbers | undefined {
  if (r.insurerNumber === undefined || r.insuredIdentificationNumber === undefined) return undefined;
  return {
    insurerNumber: unpadInsurerNumber(r.insurerNumber),
    symbol: r.insuredCardSymbol ?? '',
    number: r.insuredIdentificationNumber,
    branch: r.insuredBranchNumber ?? '',
  };
}

const norm = (s: string | undefined) => (s ?? '').normalize('NFKC').trim();

function matchesSearch(r: QualificationRecord, q: QualificationSearchInfo | undefined): boolean {
  if (!q) return false;
  return (
    unpadInsurerNumber(norm(r.insurerNumber)) === unpadInsurerNumber(norm(q.insurerNumber)) &&
    norm(r.insuredIdentificationNumber) === norm(q.insuredIdentificationNumber) &&
    norm(r.insuredCardSymbol) === norm(q.insuredCardSymbol)
  );
}

interface FindingInput {
  qualificationValidity: string | undefined;
  results: QualificationRecord[];
  searchInfo: QualificationSearchInfo | undefined;
  processExecutionTime: string | undefined;
}

function personFields(r: QualificationRecord | undefined): Partial<TerminalFinding> {
  if (!r) return {};
  const birthDate = isoDateFromTerminal(r.birthdate);
  const sex = sexFromTerminal(r.sex1);
  const pf = r.personalFamilyClassification;
  return {
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    // 本人/家族: the レセコン needs it, and for a claim after the fact the answer is its only source.
    ...(pf === '1' || pf === '2' ? { personalFamily: pf } : {}),
  };
}

function findingFrom(input: FindingInput): TerminalFinding | null {
  const validity =
    input.qualificationValidity !== undefined ? VALIDITY_BY_CODE[input.qualificationValidity] : undefined;
  if (!validity) return null;
  const answeredAt = isoDateTimeFromTerminal(input.processExecutionTime);
  const base: TerminalFinding = { validity, ...(answeredAt ? { answeredAt } : {}) };
  const { results, searchInfo } = input;
  const matching = results.find((r) => matchesSearch(r, searchInfo));

  switch (validity) {
    case 'valid': {
      const r = matching ?? results[0];
      const insurance = r ? insuranceOf(r) : undefined;
      const copay = r ? copayPercentOf(r) : undefined;
      return {
        ...base,
        ...personFields(r),
        ...(insurance ? { insurance } : {}),
        ...(copay !== undefined ? { copayPercent: copay } : {}),
      };
    }
    case 'invalid': {
      // The lost (past) 資格: the basis for a ② 旧資格 claim.
      const r = matching ?? results[0];
      const insurance = r ? insuranceOf(r) : undefined;
      return { ...base, ...personFields(r), ...(insurance ? { insurance } : {}) };
    }
    case 'invalid_newer': {
      // `insurance`: the queried, now invalid 資格; `newerInsurance`: a record with other numbers, when present.
      const old = matching ?? (results.length > 1 ? results[0] : undefined);
      const newer = results.find((r) => r !== old);
      const insurance = old ? insuranceOf(old) : undefined;
      const newerInsurance = newer ? insuranceOf(newer) : undefined;
      const copay = newer ? copayPercentOf(newer) : undefined;
      return {
        ...base,
        ...personFields(newer ?? old),
        ...(insurance ? { insurance } : {}),
        ...(newerInsurance ? { newerInsurance } : {}),
        ...(copay !== undefined ? { copayPercent: copay } : {}),
      };
    }
    case 'not_found':
    case 'multiple':
      return base;
  }
}

/**
 * The finding of a single 資格確認 answer, or null when the answer states no known QualificationValidity
 * (an unknown code, or none) or has fields of the wrong form (`fieldProblems`): keep the raw answer and decide
 * by hand.
 */
export function toTerminalFinding(answer: QualificationAnswer): TerminalFinding | null {
  if (answer.fieldProblems.length > 0) return null;
  return findingFrom({
    qualificationValidity: answer.body.qualificationValidity,
    results: answer.body.results,
    searchInfo: answer.body.searchInfo,
    processExecutionTime: answer.header.processExecutionTime,
  });
}

/** The finding of one 一括照会 result row; null as for a single answer (the row's or the header's problems). */
export function bulkUnitToFinding(unit: BulkConfirmUnit, header: MessageHeader): TerminalFinding | null {
  if (unit.fieldProblems.length > 0 || header.fieldProblems.length > 0) return null;
  return findingFrom({
    qualificationValidity: unit.qualificationValidity,
    results: unit.results,
    searchInfo: unit.searchInfo,
    processExecutionTime: header.processExecutionTime,
  });
}
