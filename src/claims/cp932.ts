// Text on its way into a Shift_JIS (Windows-31J, CP932) file the 資格確認端末 or a レセコン reads. Unicode has two
// code points for several JIS characters: the JIS X 0208 mapping gives 〜 U+301C, CP932 (what Windows and the
// terminal use) gives ～ U+FF5E. Encoders that know only CP932 turn the JIS forms into '?', and a wrong 記号 is
// then asked and answered 該当資格なし (issue #12). Map that family to the CP932 forms as Windows does; refuse,
// naming the field, anything else CP932 cannot hold. Pure (iconv-lite only tells what CP932 can hold).
import iconv from 'iconv-lite';
import { claimMessages as m } from './messages.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';

/** JIS X 0208 (Unicode consortium Shift_JIS) code point → the CP932 code point of the same JIS character. */
export const CP932_EQUIVALENTS: Readonly<Record<string, string>> = {
  '\u301C': '\uFF5E', // WAVE DASH 〜 → FULLWIDTH TILDE ～ (0x8160)
  '\u2016': '\u2225', // DOUBLE VERTICAL LINE ‖ → PARALLEL TO ∥ (0x8161)
  '\u2212': '\uFF0D', // MINUS SIGN − → FULLWIDTH HYPHEN-MINUS － (0x817C)
  '\u00A2': '\uFFE0', // CENT SIGN ¢ → FULLWIDTH CENT SIGN (0x8191)
  '\u00A3': '\uFFE1', // POUND SIGN £ → FULLWIDTH POUND SIGN (0x8192)
  '\u00AC': '\uFFE2', // NOT SIGN ¬ → FULLWIDTH NOT SIGN (0x81CA)
  '\u2014': '\u2015', // EM DASH — → HORIZONTAL BAR ― (0x815C)
  '\u00A6': '\uFFE4', // BROKEN BAR ¦ → FULLWIDTH BROKEN BAR (0xFA55)
};

const EQUIVALENT = new RegExp(`[${Object.keys(CP932_EQUIVALENTS).join('')}]`, 'g');

/** Replace the JIS forms by their CP932 equivalents; everything else is left as it is. */
export function toCp932Forms(text: string): string {
  return text.replace(EQUIVALENT, (c) => CP932_EQUIVALENTS[c]!);
}

/** The same mapping by code point (firstUnencodable reads code points, not strings). */
const EQUIVALENT_CODE = new Map(
  Object.entries(CP932_EQUIVALENTS).map(([jis, win]) => [jis.codePointAt(0)!, win.codePointAt(0)!]),
);

/**
 * Whether CP932 holds each non-ASCII code point seen so far: asking iconv-lite once per character instead of once
 * per occurrence (a month's export checks every field of every visit). Bounded: cleared when it grows large.
 */
const encodable = new Map<number, boolean>();
const ENCODABLE_CACHE_MAX = 20_000;

function cp932Holds(code: number): boolean {
  let holds = encodable.get(code);
  if (holds === undefined) {
    const ch = String.fromCodePoint(code);
    holds = iconv.decode(iconv.encode(ch, 'cp932'), 'cp932') === ch;
    if (encodable.size >= ENCODABLE_CACHE_MAX) encodable.clear();
    encodable.set(code, holds);
  }
  return holds;
}

/**
 * The first character of `text` CP932 cannot hold (after the mapping above), or null. Reads char codes (no string
 * per character: a month's export runs this on every field of every visit).
 */
export function firstUnencodable(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    code = EQUIVALENT_CODE.get(code) ?? code;
    if (!cp932Holds(code)) return String.fromCodePoint(code);
  }
  return null;
}

/**
 * Each field mapped to its CP932 form, or an error per field that holds a character CP932 cannot encode
 * (code CP932_UNREPRESENTABLE, `field` = the field's name) — never a silent '?'.
 */
export function cp932Fields<T extends Record<string, string>>(
  fields: T,
  labels: Partial<Record<keyof T, string>> = {},
): Result<T> {
  const errors: ClaimError[] = [];
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const bad = firstUnencodable(value);
    if (bad !== null) {
      errors.push({
        code: 'CP932_UNREPRESENTABLE',
        message: m.cp932Unrepresentable(labels[key as keyof T] ?? key, bad),
        field: key,
      });
    } else out[key] = toCp932Forms(value);
  }
  return errors.length > 0 ? fail(...errors) : ok(out as T);
}
