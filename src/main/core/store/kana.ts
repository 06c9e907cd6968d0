// Search keys for names (the key itself is the claims domain's kanaKey), stored in indexed columns so prefix
// search is an index range.

export { kanaKey } from '../../../claims/normalize.ts';

/** True when the (normalised) text is kana only: the query then searches the kana column. */
export function isKanaOnly(key: string): boolean {
  return key.length > 0 && /^[\u30a1-\u30ffー]+$/u.test(key);
}

/** The smallest string greater than every string starting with `prefix` (for an index range scan). */
export function prefixUpperBound(prefix: string): string {
  return prefix + '\u{10FFFF}';
}
