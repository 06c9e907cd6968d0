// Characters on the way to Shift_JIS files (issue #12): the JIS forms of 〜 − ‖ ¢ £ ¬ — ¦ become their CP932
// forms (as Windows maps them); anything else CP932 cannot hold is refused with the field named.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { sjisByteLength, splitByBytes } from '../../src/claims/bytes.ts';
import { CP932_EQUIVALENTS, cp932Fields, firstUnencodable, toCp932Forms } from '../../src/claims/cp932.ts';

describe('CP932 forms', () => {
  it('maps each JIS X 0208 form to the code point CP932 round-trips (Microsoft cp932 table)', () => {
    for (const [jis, win] of Object.entries(CP932_EQUIVALENTS)) {
      expect(iconv.decode(iconv.encode(jis, 'cp932'), 'cp932'), jis).not.toBe(jis); // would become '?'
      expect(iconv.decode(iconv.encode(win, 'cp932'), 'cp932'), win).toBe(win);
    }
    expect(toCp932Forms('12〜34−5')).toBe('12～34－5');
    expect(iconv.encode(toCp932Forms('〜−'), 'cp932').toString('hex')).toBe('8160817c');
  });

  it('refuses 𠮷 (outside CP932), naming the field, and passes 髙 and ① (NEC/IBM extensions)', () => {
    expect(firstUnencodable('髙①﨑')).toBeNull();
    expect(firstUnencodable('𠮷野')).toBe('𠮷');
    const r = cp932Fields({ symbol: '〜12', number: '𠮷3' }, { symbol: '記号', number: '番号' });
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'CP932_UNREPRESENTABLE', field: 'number' }] });
    if (!r.ok) expect(r.errors[0]!.message).toContain('「番号」の文字「𠮷」');
    expect(cp932Fields({ symbol: '〜12', number: '3−4' })).toEqual({
      ok: true,
      value: { symbol: '～12', number: '3－4' },
    });
  });
});

describe('byte lengths (UKE limits are bytes: 2 per full-width character)', () => {
  it('counts CP932 bytes', () => {
    expect(sjisByteLength('AB12')).toBe(4);
    expect(sjisByteLength('ｱｲ')).toBe(2); // half-width katakana: 1 byte each
    expect(sjisByteLength('１２あ')).toBe(6);
  });
  it('splits at a byte limit without cutting a character', () => {
    expect(splitByBytes('あいう', 4)).toEqual(['あい', 'う']);
    expect(splitByBytes('aあいう', 4)).toEqual(['aあ', 'いう']);
    expect(splitByBytes('', 4)).toEqual(['']);
  });
});
