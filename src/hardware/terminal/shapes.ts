// The forms the interface gives to answer fields (DOMAIN.md §5), checked by the parser so that a field with the
// wrong form never passes silently as a value (see FieldProblem in model.ts). Only forms we are sure of are
// checked; free text (names, addresses, ErrorCode, ArbitraryFileIdentifier …) is not. A code of the right form
// that is not in a code table is fine: the code lists are UNCONFIRMED.
import type { FieldProblem } from './model.ts';

interface Shape {
  test(text: string): boolean;
  expected: string;
}

const pattern = (re: RegExp, expected: string): Shape => ({ test: (t) => re.test(t), expected });

/** YYYYMMDD that names a real calendar day. */
const DATE8: Shape = {
  expected: 'a date YYYYMMDD',
  test(t) {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  },
};
const CODE1 = pattern(/^\d$/, 'a one-digit code');
const RATIO3 = pattern(/^\d{3}$/, '3 digits (e.g. "030" = 3割)');
const COUNT = pattern(/^\d{1,9}$/, 'a count (digits)');

/** Element name → form. The same element name has the same form wherever it appears (header, echo, record). */
const SHAPES: Readonly<Record<string, Shape>> = {
  // MessageHeader
  ProcessExecutionTime: pattern(/^\d{14}$/, '14 digits YYYYMMDDHHmmss'),
  QualificationConfirmationDate: DATE8,
  MedicalInstitutionCode: pattern(/^\d{10}$/, '10 digits'),
  ReferenceClassification: CODE1,
  SegmentOfResult: CODE1,
  CharacterCodeIdentifier: CODE1,
  NumberOfProcessingResult: COUNT,
  NumberOfNormalProcessing: COUNT,
  NumberOfError: COUNT,
  // MessageBody / BulkConfirmUnit
  ProcessingResultStatus: CODE1,
  QualificationValidity: CODE1,
  // QualificationConfirmSearchInfo and ResultOfQualificationConfirmation
  InsurerNumber: pattern(/^(\d{6}|\d{8})$/, '6 or 8 digits'),
  InsuredBranchNumber: pattern(/^\d{2}$/, '2 digits'),
  Birthdate: DATE8,
  InsuredCardClassification: pattern(/^\d{2}$/, 'a two-digit code'),
  PersonalFamilyClassification: CODE1,
  Sex1: CODE1,
  Sex2: CODE1,
  InsuredCertificateIssuanceDate: DATE8,
  InsuredCardValidDate: DATE8,
  InsuredCardExpirationDate: DATE8,
  InsuredPartialContributionRatio: RATIO3,
  // ElderlyRecipientCertificateInfo
  ElderlyRecipientCertificateDate: DATE8,
  ElderlyRecipientValidStartDate: DATE8,
  ElderlyRecipientValidEndDate: DATE8,
  ElderlyRecipientContributionRatio: RATIO3,
};

/** Whether the element name has a checked form (its content must then be one text value). */
export function hasShape(name: string): boolean {
  return Object.hasOwn(SHAPES, name);
}

/** The problem with one element's text, if its form is wrong. Empty text counts as absent. */
export function shapeProblem(name: string, text: string, path: string): FieldProblem | undefined {
  const shape = Object.hasOwn(SHAPES, name) ? SHAPES[name] : undefined;
  if (!shape || text === '' || shape.test(text)) return undefined;
  return { path, reason: 'bad_shape', expected: shape.expected, value: text.slice(0, 64) };
}

/** A known single-value element that repeats or holds child elements. */
export function notAValue(path: string, expected: string): FieldProblem {
  return { path, reason: 'not_a_value', expected };
}
