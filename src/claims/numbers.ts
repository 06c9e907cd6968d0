// 保険者番号・記号・番号・枝番 together: normalised, validated, each error naming its field.
import { sjisByteLength, UKE_SYMBOL_NUMBER_MAX_BYTES } from './bytes.ts';
import { parseInsurerNumber } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { digitsOnly, normalizeSymbolOrNumber, toFullWidth } from './normalize.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';
import type { InsuranceNumbers } from './visit.ts';

/** Commas and quotes break CSV/UKE; control characters never belong in a number. */
const FORBIDDEN = /[,"'\p{Cc}]/u;

function checkFreeText(value: string, label: string, field: string, required: boolean): ClaimError[] {
  if (value === '') return required ? [{ code: 'NUMBER_EMPTY', message: m.numberEmpty(label), field }] : [];
  if (FORBIDDEN.test(value)) return [{ code: 'NUMBER_BAD_CHARS', message: m.numberBadChars(label), field }];
  // UKE 記号/番号 are 漢字 fields of at most 38 bytes, written full-width: 19 characters (issue #12: bytes, not
  // characters).
  if (sjisByteLength(toFullWidth(value)) > UKE_SYMBOL_NUMBER_MAX_BYTES) {
    return [
      {
        code: 'NUMBER_TOO_LONG',
        message: m.numberTooLong(label, UKE_SYMBOL_NUMBER_MAX_BYTES / 2, UKE_SYMBOL_NUMBER_MAX_BYTES),
        field,
      },
    ];
  }
  return [];
}

/** 枝番: '' (not known) or 2 digits; a single typed digit is the same 枝番 written short ('1' → '01'). */
export function normalizeBranch(input: string): Result<string> {
  const d = digitsOnly(input);
  if (d === null || d.length > 2) return fail({ code: 'BRANCH_FORMAT', message: m.branchFormat(), field: 'branch' });
  return ok(d === '' ? '' : d.padStart(2, '0'));
}

/**
 * Normalise a set of numbers as typed or read. The 保険者番号 must validate (check digit included); 記号 may be
 * empty (後期高齢者・国保 often have none); 番号 is required.
 */
export function normalizeInsuranceNumbers(input: {
  insurerNumber: string;
  symbol?: string;
  number: string;
  branch?: string;
}): Result<InsuranceNumbers> {
  const errors: ClaimError[] = [];
  const insurer = parseInsurerNumber(input.insurerNumber);
  errors.push(...insurer.errors.map((e) => ({ ...e, field: 'insurerNumber' })));
  const symbol = normalizeSymbolOrNumber(input.symbol ?? '');
  const number = normalizeSymbolOrNumber(input.number);
  errors.push(...checkFreeText(symbol, '記号', 'symbol', false));
  errors.push(...checkFreeText(number, '番号', 'number', true));
  const branch = normalizeBranch(input.branch ?? '');
  if (!branch.ok) errors.push(...branch.errors);
  if (errors.length > 0 || !branch.ok) return { ok: false, errors };
  return ok({ insurerNumber: insurer.normalized, symbol, number, branch: branch.value });
}

/** Same person, same 資格? Compares normalised values (full-width or hyphen differences do not count). */
export function sameNumbers(a: InsuranceNumbers, b: InsuranceNumbers): boolean {
  const ia = parseInsurerNumber(a.insurerNumber).normalized || a.insurerNumber;
  const ib = parseInsurerNumber(b.insurerNumber).normalized || b.insurerNumber;
  const n = (s: string) => normalizeSymbolOrNumber(s).replace(/-/g, '');
  return ia === ib && n(a.symbol) === n(b.symbol) && n(a.number) === n(b.number);
}
