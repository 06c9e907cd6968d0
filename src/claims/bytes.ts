// Byte lengths as the レセコン and the UKE layout count them: Windows-31J (CP932) bytes, 1 for half-width
// ASCII and half-width katakana, 2 for everything else. UKE 漢字 fields hold full-width text only, so their
// limit in bytes is twice their limit in characters; limits are checked in bytes everywhere (issue #12).

/** UKE HO/SN 記号・番号: 漢字 fields of at most 38 bytes (記録条件仕様). */
export const UKE_SYMBOL_NUMBER_MAX_BYTES = 38;

/** CP932 bytes of one code point (characters CP932 cannot hold count 2: they are refused elsewhere). */
function codeBytes(c: number): number {
  if (c <= 0x7f) return 1;
  if (c >= 0xff61 && c <= 0xff9f) return 1; // half-width katakana
  return 2;
}

/** UTF-16 units of a code point codePointAt read: 2 for a surrogate pair, else 1 (a lone surrogate included). */
const unitsAt = (c: number): number => (c > 0xffff ? 2 : 1);

/** Length of a string in CP932 bytes (read by char codes: no string per character). */
export function sjisByteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length;) {
    const c = text.codePointAt(i)!;
    n += codeBytes(c);
    i += unitsAt(c);
  }
  return n;
}

/**
 * Split text into pieces of at most `maxBytes` CP932 bytes each, never inside a character. Empty text gives
 * one empty piece.
 */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (maxBytes < 2) throw new RangeError('maxBytes must be at least 2');
  const out: string[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length;) {
    const c = text.codePointAt(i)!;
    const b = codeBytes(c);
    if (used + b > maxBytes) {
      out.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += b;
    i += unitsAt(c);
  }
  out.push(text.slice(start));
  return out;
}
