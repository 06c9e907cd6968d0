// 被保険者資格申立書: validation, and which 審査支払機関 a 不詳 claim goes to. Zod-free on purpose: the
// reception wizard validates the 申立書 as staff type it, and zod stays out of the renderer's first paint.
// parseDeclarationShape mirrors the `Declaration` schema in visit.ts field for field (same defaults, same
// key order, unknown keys dropped); test/claims/declaration-shape.test.ts checks the two agree.
import { parseIsoDate } from './dates.ts';
import type { Payer } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { digitsOnly, nfkc } from './normalize.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';
import type { ClaimSettings } from './settings.ts';
import type { Declaration, DeclaredInsuranceType, InsuranceNumbers } from './visit.ts';

const EMPLOYEE_TYPES: ReadonlySet<DeclaredInsuranceType> = new Set(['kyokai', 'kumiai', 'kyosai', 'seamen']);

export const declarationLabels = {
  name: '氏名',
  birthDate: '生年月日',
  address: '住所',
  phone: '連絡先',
  insuranceType: '加入している保険の種類',
} as const;

/** The insurance types a 申立書 offers, in the form's order. */
export const DECLARED_TYPES: readonly DeclaredInsuranceType[] = [
  'kyokai',
  'kumiai',
  'kyosai',
  'seamen',
  'kokuho',
  'kouki',
  'unknown',
];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Why a field has the wrong shape (only programs send such input; the form always sends text). */
const shapeReason = {
  string: '文字列ではありません',
  object: '項目の組ではありません',
  date: 'YYYY-MM-DD',
  choice: '選べる値ではありません',
  boolean: 'はい・いいえではありません',
} as const;

interface ShapeIssue {
  field: string;
  reason: string;
}

/**
 * The `Declaration` schema's structural check without zod: required strings, ISO dates, the choices, the
 * defaults ('' and relationship 'self'), optional fields omitted when absent, unknown keys dropped.
 */
export function parseDeclarationShape(input: unknown): { value: Declaration } | { issues: ShapeIssue[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { issues: [{ field: '', reason: shapeReason.object }] };
  }
  const src = input as Record<string, unknown>;
  const issues: ShapeIssue[] = [];
  const str = (key: string, fallback?: string, from: Record<string, unknown> = src, prefix = ''): string => {
    const v = from[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') {
      issues.push({ field: prefix + key, reason: shapeReason.string });
      return '';
    }
    return v;
  };
  const date = (key: string): string => {
    const v = src[key];
    if (typeof v !== 'string') issues.push({ field: key, reason: shapeReason.string });
    else if (!ISO_DATE.test(v)) issues.push({ field: key, reason: shapeReason.date });
    return typeof v === 'string' ? v : '';
  };
  const choice = <T extends string>(key: string, options: readonly T[], fallback?: T): T | undefined => {
    const v = src[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'string' && (options as readonly string[]).includes(v)) return v as T;
    issues.push({ field: key, reason: shapeReason.choice });
    return undefined;
  };

  const declaredOn = date('declaredOn');
  const name = str('name');
  const nameKana = str('nameKana', '');
  const birthDate = date('birthDate');
  const sex = src.sex === undefined ? undefined : choice('sex', ['male', 'female'] as const);
  const postalCode = str('postalCode', '');
  const address = str('address');
  const phone = str('phone');
  const insuranceType = choice('insuranceType', DECLARED_TYPES);
  const relationship = choice('relationship', ['self', 'family'] as const, 'self');
  const insuredPersonName = str('insuredPersonName', '');
  const insurerName = str('insurerName', '');
  const employerName = str('employerName', '');
  const employerAddress = str('employerAddress', '');
  let knownNumbers: Partial<InsuranceNumbers> | undefined;
  const known = src.knownNumbers;
  if (known !== undefined) {
    if (typeof known !== 'object' || known === null || Array.isArray(known)) {
      issues.push({ field: 'knownNumbers', reason: shapeReason.object });
    } else {
      const k = known as Record<string, unknown>;
      const opt = (key: keyof InsuranceNumbers, fallback?: string) =>
        k[key] === undefined && fallback === undefined ? undefined : str(key, fallback, k, 'knownNumbers.');
      const insurerNumber = opt('insurerNumber');
      const symbol = opt('symbol', '');
      const number = opt('number');
      const branch = opt('branch', '');
      knownNumbers = {
        ...(insurerNumber === undefined ? {} : { insurerNumber }),
        symbol,
        ...(number === undefined ? {} : { number }),
        branch,
      };
    }
  }
  const acquiredOn = src.acquiredOn === undefined ? undefined : date('acquiredOn');
  const signedBy = str('signedBy', '');
  const certified = src.disabilityCertified;
  if (certified !== undefined && typeof certified !== 'boolean')
    issues.push({ field: 'disabilityCertified', reason: shapeReason.boolean });
  if (issues.length > 0) return { issues };
  return {
    value: {
      declaredOn,
      name,
      nameKana,
      birthDate,
      ...(sex === undefined ? {} : { sex }),
      postalCode,
      address,
      phone,
      insuranceType: insuranceType!,
      relationship: relationship!,
      insuredPersonName,
      insurerName,
      employerName,
      employerAddress,
      ...(knownNumbers === undefined ? {} : { knownNumbers }),
      ...(acquiredOn === undefined ? {} : { acquiredOn }),
      signedBy,
      ...(typeof certified === 'boolean' ? { disabilityCertified: certified } : {}),
    },
  };
}

/**
 * Validate and normalise a 申立書 (NFKC on every field, phone and postal code as digits). Reports every problem
 * at once, each naming its field, so the form can show them next to the inputs.
 */
export function validateDeclaration(input: unknown): Result<Declaration> {
  const parsed = parseDeclarationShape(input);
  if ('issues' in parsed) {
    return fail(
      ...parsed.issues.map(({ field, reason }) => {
        const label = declarationLabels[field as keyof typeof declarationLabels];
        return label
          ? { code: 'DECLARATION_REQUIRED', message: m.declRequired(label), field }
          : { code: 'DECLARATION_INVALID', message: m.visitInvalid(field, reason), field };
      }),
    );
  }
  const d = parsed.value;
  const errors: ClaimError[] = [];
  const text = (s: string) => nfkc(s).replace(/\s+/g, ' ');
  const out: Declaration = {
    ...d,
    name: text(d.name),
    nameKana: text(d.nameKana),
    address: text(d.address),
    insuredPersonName: text(d.insuredPersonName),
    insurerName: text(d.insurerName),
    employerName: text(d.employerName),
    employerAddress: text(d.employerAddress),
    signedBy: text(d.signedBy),
    phone: d.phone,
    postalCode: d.postalCode,
  };
  for (const key of ['name', 'address'] as const) {
    if (out[key] === '')
      errors.push({ code: 'DECLARATION_REQUIRED', message: m.declRequired(declarationLabels[key]), field: key });
  }
  if (!parseIsoDate(d.birthDate))
    errors.push({ code: 'DATE_INVALID', message: m.dateInvalid(d.birthDate), field: 'birthDate' });
  const phone = digitsOnly(d.phone.replace(/[()（）]/g, ''));
  if (phone === null || phone.length < 10 || phone.length > 11) {
    errors.push({ code: 'DECLARATION_PHONE', message: m.declPhone(), field: 'phone' });
  } else {
    out.phone = phone;
  }
  if (d.postalCode !== '') {
    const postal = digitsOnly(d.postalCode.replace(/^〒/, ''));
    if (postal === null || postal.length !== 7)
      errors.push({ code: 'DECLARATION_POSTAL', message: m.declPostal(), field: 'postalCode' });
    else out.postalCode = postal;
  }
  if (d.relationship === 'family' && out.insuredPersonName === '') {
    errors.push({ code: 'DECLARATION_FAMILY_INSURED', message: m.declFamilyInsured(), field: 'insuredPersonName' });
  }
  if (EMPLOYEE_TYPES.has(d.insuranceType) && out.employerName === '') {
    errors.push({ code: 'DECLARATION_EMPLOYER', message: m.declEmployer(), field: 'employerName' });
  }
  return errors.length > 0 ? fail(...errors) : ok(out);
}

/** The 審査支払機関 a 不詳 claim goes to, from the 申立書's 保険種別 (「わからない」 → the configured default). */
export function payerForDeclaredType(type: DeclaredInsuranceType, settings: ClaimSettings): Payer {
  if (EMPLOYEE_TYPES.has(type)) return 'shiharai_kikin';
  if (type === 'kokuho' || type === 'kouki') return 'kokuhoren';
  return settings.unknownInsuranceTypePayer;
}

/** 'xxx-xxxx-xxxx' style for print and 摘要: mobile (11 digits) as 3-4-4, others as given digits. */
export function formatPhone(digits: string): string {
  if (/^0[5789]0\d{8}$/.test(digits)) return `${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`;
  return digits;
}
