// 医療機関コード (10 digits): 都道府県番号 (2) + 点数表番号 (1: 1 医科, 3 歯科, 4 調剤) + 医療機関コード (7 = 郡市区番号 2
// + 医療機関番号 4 + 検証番号 1).
//
// 検証番号: computed over the first 9 digits (都道府県番号 and 点数表番号 included) with the same modulus-10
// weights 2,1,2,1… from the rightmost digit as the 保険者番号 (src/claims/insurer.ts checkDigit; i.e. Luhn).
// Source: ja.wikipedia 「処方箋発行医療機関コード」 (checks "Luhn", the 7-digit code's check digit "is computed
// together with the 2-digit 都道府県番号 and the 1-digit 点数表番号"), worked example 0110113719 verified.
// UNCONFIRMED by an official source: one secondary source only, no MHLW notice text was found (docs/ui.md
// "Settings"). If a real code is ever refused, relax the check here, the one place that holds it.
import { checkDigit } from './insurer.ts';

export type InstitutionCodeProblem = 'length' | 'digits' | 'prefecture' | 'tensuhyo' | 'checkDigit';

/** Why a 医療機関コード is refused (src/claims/institution.ts), for the 設定 screen and the core alike. */
export const institutionCodeMessages = {
  digits: '数字だけで入力してください。',
  length: '10桁で入力してください（都道府県番号2桁＋点数表番号1桁＋医療機関コード7桁）。',
  prefecture: '先頭2桁の都道府県番号は01〜47です。',
  tensuhyo: '3桁目の点数表番号は 1（医科）・3（歯科）・4（調剤）のいずれかです。',
  checkDigit: '最後の1桁（検証番号）が合いません。番号を確かめてください。',
} as const satisfies Record<InstitutionCodeProblem, string>;

/** 点数表番号 accepted here: 1 医科, 3 歯科, 4 調剤. */
export const TENSUHYO = { '1': 'ika', '3': 'shika', '4': 'chozai' } as const;

/** The first problem of a (normalised, digits-only expected) 医療機関コード, or null when it is valid. */
export function institutionCodeProblem(code: string): InstitutionCodeProblem | null {
  if (!/^\d*$/.test(code)) return 'digits';
  if (code.length !== 10) return 'length';
  const pref = Number(code.slice(0, 2));
  if (pref < 1 || pref > 47) return 'prefecture';
  if (!Object.hasOwn(TENSUHYO, code[2]!)) return 'tensuhyo';
  if (institutionCheckDigit(code.slice(0, 9)) !== Number(code[9])) return 'checkDigit';
  return null;
}

/** The 検証番号 for the first 9 digits. */
export function institutionCheckDigit(body9: string): number {
  return checkDigit(body9);
}
