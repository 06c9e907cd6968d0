// Text as people type it: full-width digits, stray spaces, hyphens of every width.

/** Every dash-like character that appears in typed or printed numbers. */
const DASHES = /[\u002D\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30FC\uFF0D\uFF70\u2043\u02D7]/g;
const SPACES = /[\s\u3000]+/g;

/** NFKC, then trimmed. The basis of every other normalisation. */
export function nfkc(input: string): string {
  return input.normalize('NFKC').trim();
}

/** Digits only after NFKC, with spaces and hyphens removed; null when anything else remains. */
export function digitsOnly(input: string): string | null {
  const s = nfkc(input).replace(SPACES, '').replace(DASHES, '');
  return /^\d*$/.test(s) ? s : null;
}

/**
 * 記号・番号: free text in practice (full-width digits, hyphens, kana on old cards). NFKC, spaces removed,
 * every dash unified to '-', leading and trailing dashes dropped. Leading zeros are kept: these are strings.
 */
export function normalizeSymbolOrNumber(input: string): string {
  return nfkc(input)
    .replace(SPACES, '')
    .replace(DASHES, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
}

/**
 * Search and comparison key for names: NFKC (half-width kana → full-width, ｶﾞ → ガ), hiragana → katakana,
 * spaces and middle dots removed, Latin upper-cased. The journal stores it in indexed columns, so keep it stable.
 */
export function kanaKey(text: string): string {
  const n = text.normalize('NFKC').replace(/[\s\u3000・･.]/g, '');
  let out = '';
  for (const ch of n) {
    const c = ch.codePointAt(0)!;
    // Hiragana U+3041..U+3096 and the iteration marks ゝゞ map to katakana by +0x60.
    out += (c >= 0x3041 && c <= 0x3096) || c === 0x309d || c === 0x309e ? String.fromCodePoint(c + 0x60) : ch;
  }
  return out.toUpperCase();
}

/**
 * The registry writes ● where it holds a character outside the standard set. Such names are flagged for staff
 * and never "fixed".
 */
export function hasUnrepresentableMark(name: string): boolean {
  return name.includes('●');
}

/** A character toFullWidth changes. */
const HALF_WIDTH = /[\u0020-\u007E]/;

/** Half-width ASCII and space to full-width (UKE 漢字 fields are full-width; this also keeps commas out). */
export function toFullWidth(input: string): string {
  if (!HALF_WIDTH.test(input)) return input;
  return input
    .replace(/[\u0021-\u007E]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    .replace(/ /g, '\u3000');
}
