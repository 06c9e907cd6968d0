// Search keys for names: NFKC (half-width kana → full-width, full-width ASCII → ASCII, ｶﾞ → ガ), hiragana →
// katakana, spaces and middle dots removed. Stored in indexed columns so prefix search is an index range.

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

/** True when the (normalised) text is kana only: the query then searches the kana column. */
export function isKanaOnly(key: string): boolean {
  return key.length > 0 && /^[\u30a1-\u30ffー]+$/u.test(key);
}

/** The smallest string greater than every string starting with `prefix` (for an index range scan). */
export function prefixUpperBound(prefix: string): string {
  return prefix + '\u{10FFFF}';
}
