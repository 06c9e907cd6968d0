// 被保険者資格申立書: validation, and which 審査支払機関 a 不詳 claim goes to.
import { parseIsoDate } from './dates.ts';
import type { Payer } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { digitsOnly, nfkc } from './normalize.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';
import type { ClaimSettings } from './settings.ts';
import { Declaration, type DeclaredInsuranceType } from './visit.ts';

const EMPLOYEE_TYPES: ReadonlySet<DeclaredInsuranceType> = new Set(['kyokai', 'kumiai', 'kyosai', 'seamen']);

export const declarationLabels = {
  name: '氏名',
  birthDate: '生年月日',
  address: '住所',
  phone: '連絡先',
  insuranceType: '加入している保険の種類',
} as const;

/**
 * Validate and normalise a 申立書 (NFKC on every field, phone and postal code as digits). Reports every problem
 * at once, each naming its field, so the form can show them next to the inputs.
 */
export function validateDeclaration(input: unknown): Result<Declaration> {
  const parsed = Declaration.safeParse(input);
  if (!parsed.success) {
    return fail(
      ...parsed.error.issues.map((i) => {
        const field = i.path.join('.');
        const label = declarationLabels[field as keyof typeof declarationLabels];
        return label
          ? { code: 'DECLARATION_REQUIRED', message: m.declRequired(label), field }
          : { code: 'DECLARATION_INVALID', message: m.visitInvalid(field, i.message), field };
      }),
    );
  }
  const d = parsed.data;
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
