// 保険者番号 and 公費負担者番号: structure, 検証番号 (check digit), the terminal's `00` padding (DOMAIN.md §3).
import { houbetsuNames, claimMessages as m, prefectureNames } from './messages.ts';
import { nfkc } from './normalize.ts';
import type { ClaimError } from './result.ts';

/**
 * 検証番号 of a number body: multiply the digits by 2,1,2,1… starting with 2 at the rightmost digit, add the
 * digits of each product, check = (10 − sum mod 10) mod 10. Used for 保険者番号 and 公費負担者番号 alike.
 */
export function checkDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    const product = digit * (i % 2 === 0 ? 2 : 1);
    sum += product >= 10 ? product - 9 : product; // digit sum of a product ≤ 18
  }
  return (10 - (sum % 10)) % 10;
}

export type InsurerKind =
  | 'shaho' // 被用者保険 (8 digits, 法別 01–34, 63, 72–75)
  | 'taishoku' // 退職者医療 (法別 67)
  | 'kouki' // 後期高齢者医療 (法別 39)
  | 'kokuho' // 市町村国保 (6 digits)
  | 'kokuho_kumiai' // 国民健康保険組合 (6 digits, 保険者別 300s)
  | 'kouhi' // 公費負担者番号
  | 'invalid';

export interface InsurerNumberInfo {
  input: string;
  /** Canonical digits: 8 for 社保/後期/公費, 6 for 国保 (the `00` padding removed). '' when unreadable. */
  normalized: string;
  /** The 8-digit form the 資格確認端末 XML uses (国保 left-padded with `00`). */
  padded: string;
  valid: boolean;
  kind: InsurerKind;
  houbetsu: string | null;
  houbetsuName: string | null;
  prefecture: string | null;
  prefectureName: string | null;
  /** The last digit as typed (null when there is none). */
  checkDigit: number | null;
  /** The 検証番号 the other digits require (null when the body is not readable). */
  expectedCheckDigit: number | null;
  errors: ClaimError[];
}

const SEPARATORS = /[\s\u3000\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF70]/g;

function cleanDigits(input: string): { digits: string; bad: string | null } {
  const s = nfkc(input).replace(SEPARATORS, '');
  const bad = s.match(/\D/);
  return { digits: s, bad: bad ? bad[0] : null };
}

function prefectureOf(p: string): { name: string | null; error: ClaimError | null } {
  const n = Number(p);
  if (!/^\d\d$/.test(p) || n < 1 || n > 47) {
    return { name: null, error: { code: 'INSURER_PREFECTURE', message: m.insurerPrefecture(p) } };
  }
  return { name: prefectureNames[n - 1] ?? null, error: null };
}

function base(input: string): InsurerNumberInfo {
  return {
    input,
    normalized: '',
    padded: '',
    valid: false,
    kind: 'invalid',
    houbetsu: null,
    houbetsuName: null,
    prefecture: null,
    prefectureName: null,
    checkDigit: null,
    expectedCheckDigit: null,
    errors: [],
  };
}

/** Parse and validate a 保険者番号 as typed, read from a card, or sent by the terminal (`00`-padded 国保). */
export function parseInsurerNumber(input: string): InsurerNumberInfo {
  const info = base(input);
  const { digits, bad } = cleanDigits(input);
  if (digits === '') {
    info.errors.push({ code: 'INSURER_EMPTY', message: m.insurerEmpty() });
    return info;
  }
  if (bad !== null) {
    info.errors.push({ code: 'INSURER_NOT_DIGITS', message: m.insurerNotDigits(bad) });
    return info;
  }
  // The terminal pads 国保 numbers to 8 digits with `00`; 法別 00 does not exist otherwise.
  const body = digits.length === 8 && digits.startsWith('00') ? digits.slice(2) : digits;
  if (body.length !== 8 && body.length !== 6) {
    info.errors.push({ code: 'INSURER_LENGTH', message: m.insurerLength(digits.length) });
    return info;
  }
  info.normalized = body;
  info.padded = body.length === 6 ? `00${body}` : body;
  info.checkDigit = Number(body.at(-1));
  info.expectedCheckDigit = checkDigit(body.slice(0, -1));

  if (body.length === 6) {
    const pref = prefectureOf(body.slice(0, 2));
    info.prefecture = body.slice(0, 2);
    info.prefectureName = pref.name;
    if (pref.error) info.errors.push(pref.error);
    info.kind = body[2] === '3' ? 'kokuho_kumiai' : 'kokuho';
  } else {
    const houbetsu = body.slice(0, 2);
    info.houbetsu = houbetsu;
    info.houbetsuName = houbetsuNames[houbetsu] ?? null;
    if (info.houbetsuName === null) {
      info.errors.push({ code: 'INSURER_HOUBETSU', message: m.insurerHoubetsu(houbetsu) });
    }
    const pref = prefectureOf(body.slice(2, 4));
    info.prefecture = body.slice(2, 4);
    info.prefectureName = pref.name;
    if (pref.error) info.errors.push(pref.error);
    info.kind = houbetsu === '39' ? 'kouki' : houbetsu === '67' ? 'taishoku' : 'shaho';
  }
  if (info.checkDigit !== info.expectedCheckDigit) {
    info.errors.push({ code: 'INSURER_CHECK_DIGIT', message: m.insurerCheckDigit(info.expectedCheckDigit) });
  }
  info.valid = info.errors.length === 0;
  if (!info.valid) info.kind = 'invalid';
  return info;
}

/** Parse and validate a 公費負担者番号 (8 digits: 法別 + 都道府県 + 実施機関 + 検証番号). */
export function parseKouhiNumber(input: string): InsurerNumberInfo {
  const info = base(input);
  const { digits, bad } = cleanDigits(input);
  if (digits === '') {
    info.errors.push({ code: 'KOUHI_EMPTY', message: m.kouhiEmpty() });
    return info;
  }
  if (bad !== null) {
    info.errors.push({ code: 'KOUHI_NOT_DIGITS', message: m.kouhiNotDigits(bad) });
    return info;
  }
  if (digits.length !== 8) {
    info.errors.push({ code: 'KOUHI_LENGTH', message: m.kouhiLength(digits.length) });
    return info;
  }
  info.normalized = digits;
  info.padded = digits;
  info.houbetsu = digits.slice(0, 2);
  info.prefecture = digits.slice(2, 4);
  const pref = prefectureOf(info.prefecture);
  info.prefectureName = pref.name;
  if (pref.error) info.errors.push({ ...pref.error, code: 'KOUHI_PREFECTURE' });
  info.checkDigit = Number(digits.at(-1));
  info.expectedCheckDigit = checkDigit(digits.slice(0, -1));
  if (info.checkDigit !== info.expectedCheckDigit) {
    info.errors.push({ code: 'KOUHI_CHECK_DIGIT', message: m.kouhiCheckDigit(info.expectedCheckDigit) });
  }
  info.valid = info.errors.length === 0;
  info.kind = info.valid ? 'kouhi' : 'invalid';
  return info;
}

/** 審査支払機関 a claim goes to: 社会保険診療報酬支払基金 or 国民健康保険団体連合会. */
export type Payer = 'shiharai_kikin' | 'kokuhoren';

export function payerOf(kind: InsurerKind): Payer | null {
  switch (kind) {
    case 'shaho':
      return 'shiharai_kikin';
    case 'kokuho':
    case 'kokuho_kumiai':
    case 'kouki':
    case 'taishoku':
      return 'kokuhoren';
    default:
      return null;
  }
}
