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

/** Katakana to hiragana, after NFKC (half-width kana become full-width first): for kana search keys. */
export function kanaKey(input: string): string {
  return nfkc(input)
    .replace(SPACES, '')
    .replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/**
 * The registry writes ● where it holds a character outside the standard set. Such names are flagged for staff
 * and never "fixed".
 */
export function hasUnrepresentableMark(name: string): boolean {
  return name.includes('●');
}

/** Half-width ASCII and space to full-width (UKE 漢字 fields are full-width; this also keeps commas out). */
export function toFullWidth(input: string): string {
  return input
    .replace(/[\u0021-\u007E]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
    .replace(/ /g, '\u3000');
}
