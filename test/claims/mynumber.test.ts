import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsMyNumber,
  findForbidden,
  isMyNumberLike,
  MY_NUMBER_MARKER,
  redactMyNumbers,
} from '../../src/claims/mynumber.ts';

/** Check digit by the letter of 番号法施行令 第8条, written out independently of the module. */
function checkDigit(first11: readonly number[]): number {
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += first11[11 - n]! * (n <= 6 ? n + 1 : n - 5);
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

const KANJI = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const digit = (d: number): fc.Arbitrary<string> =>
  fc.constantFrom(String(d), String.fromCharCode(0xff10 + d), KANJI[d]!, ...(d === 0 ? ['零'] : []));

/** Separators staff type between digit groups (one run may mix several, and spaces come in runs). */
const SEPARATORS = ['-', 'ー', '−', '–', '—', '‐', '－', 'ｰ', '―', '/', '／', '.', '．', '・', '･', ',', '、', '_'];
const SPACES = [' ', '  ', '　', '\t', ' \u3000 '];
const separatorRun = fc
  .array(fc.constantFrom(...SEPARATORS, ...SPACES), { minLength: 1, maxLength: 3 })
  .map((a) => a.join(''));

/** Text around a number: no digits, kanji numerals or separators at its edge next to the number. */
const before = fc.constantFrom('', '番号は', 'note: ', '住所 東京都港区 ', 'ｱｲｳ', '記号 ア', '（控え）');
const after = fc.constantFrom('', 'です', ' を控えた', '）', 'ABC', ' 確認済み');

const validNumber = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 11 })
  .map((d) => [...d, checkDigit(d)]);
const invalidNumber = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 11 }), fc.integer({ min: 1, max: 9 }))
  .map(([d, k]) => [...d, (checkDigit(d) + k) % 10]);

/** Group sizes summing to 12: the card's 4-4-4, 3-3-3-3, 2-…, none, one by one, or any other cut. */
const grouping = fc.oneof(
  fc.constantFrom([4, 4, 4], [3, 3, 3, 3], [2, 2, 2, 2, 2, 2], [12], Array<number>(12).fill(1)),
  fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).map((cuts) => [...cuts, 12].map((c, i, a) => c - (a[i - 1] ?? 0))),
);

/**
 * Year-month-day groups (19xx/20xx, then two groups of one or two digits) read as a date, and dates are
 * skipped by design (see the module comment). No one groups a My Number that way; the property leaves them out.
 */
function looksLikeDate(groups: string[]): boolean {
  return groups.some(
    (y, k) =>
      /^(19|20)\d\d$/.test(y) && k + 2 < groups.length && groups[k + 1]!.length <= 2 && groups[k + 2]!.length <= 2,
  );
}

/** A 12-digit number written in a random grouping, separators and digit forms. */
function written(number: fc.Arbitrary<number[]>) {
  return fc
    .tuple(number, grouping)
    .chain(([digits, sizes]) =>
      fc.tuple(
        fc.tuple(...digits.map(digit)),
        fc.array(separatorRun, { minLength: sizes.length - 1, maxLength: sizes.length - 1 }),
        fc.constant({ digits, sizes }),
      ),
    )
    .map(([forms, seps, { digits, sizes }]) => {
      const groups: string[] = [];
      const plain: string[] = [];
      let at = 0;
      for (const n of sizes) {
        groups.push(forms.slice(at, at + n).join(''));
        plain.push(digits.slice(at, at + n).join(''));
        at += n;
      }
      return {
        text: groups.map((g, i) => (i ? seps[i - 1]! : '') + g).join(''),
        dateLike: looksLikeDate(plain),
      };
    });
}

describe('個人番号 check digit', () => {
  it('accepts the published example and rejects its neighbours', () => {
    expect(isMyNumberLike('123456789018')).toBe(true);
    for (let d = 0; d <= 9; d++) if (d !== 8) expect(isMyNumberLike(`12345678901${d}`)).toBe(false);
    expect(isMyNumberLike('12345678901')).toBe(false);
  });
});

describe('My Number detection', () => {
  it.each([
    '123456789018',
    '1234 5678 9018',
    '1234-5678-9018',
    '1234ー5678ー9018',
    '1234−5678−9018',
    '1234–5678–9018',
    '1234—5678—9018',
    '1234/5678/9018',
    '1234.5678.9018',
    '1234・5678・9018',
    '1234,5678,9018',
    '1234_5678_9018',
    '1234  5678  9018',
    '1234　5678　9018',
    '123-456-789-018',
    '12-34-56-78-90-18',
    '1 2 3 4 5 6 7 8 9 0 1 8',
    '１２３４－５６７８－９０１８',
    '一二三四ー五六七八ー九〇一八',
    '一二三四五六七八九零一八',
    '1234 - 5678 - 9018',
    '1234ー5678 9018',
    '番号：1234ー5678ー9018（本人申告）',
    '電話 03-1234-5678 番号 1234-5678-9018',
    '1234-5678-9018 03-1234-5678',
    '2026-01-06 1234-5678-9018',
    '2026-01-06T09:15:00+09:00 1234-5678-9018',
    'サトウ1234ー5678ー9018山田',
  ])('finds %s', (text) => {
    expect(containsMyNumber(text)).toBe(true);
    expect(findForbidden({ note: text })).toBe('note');
    expect(redactMyNumbers(text)).toContain(MY_NUMBER_MARKER);
    expect(containsMyNumber(redactMyNumbers(text))).toBe(false);
  });

  it('finds any valid number in any grouping, separators and digit forms (property)', () => {
    fc.assert(
      fc.property(before, written(validNumber), after, (b, w, a) => {
        fc.pre(!w.dateLike);
        const text = b + w.text + a;
        expect(containsMyNumber(text)).toBe(true);
        expect(findForbidden({ patient: { address: text } })).toBe('patient.address');
        expect(redactMyNumbers(text)).toBe(b + MY_NUMBER_MARKER + a);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves text without a number as it is, and redacts every number in a line', () => {
    expect(redactMyNumbers('電話 03-1234-5678')).toBe('電話 03-1234-5678');
    expect(redactMyNumbers('a 123456789018 b 1234ー5678ー9018 c')).toBe(
      `a ${MY_NUMBER_MARKER} b ${MY_NUMBER_MARKER} c`,
    );
    expect(redactMyNumbers('')).toBe('');
  });
});

describe('what is not a My Number', () => {
  it.each([
    '03-1234-5678',
    '090-1234-5678',
    '〒123-4567',
    '2026-12-06',
    '令和8年12月6日',
    '06130012',
    '123456789012',
    '1234567890180',
    '01234567890180',
    // each of these holds a 12-digit window of whole groups that passes the check digit
    '2026/12/01 - 2026/12/02',
    '2026/1/5 - 2026/1/6',
    '2026/3/4〜2026/3/5',
    '2026/12/01 - 2026-12-02',
    '03-1006-5678 03-1006-5678',
    '〒123-4567 03-1234-5678',
    '1234〜5678〜9018',
    'AB-12345',
    // date-times: twelve digits and more, in chains of a date and of two digits each
    '2026-12-06T09:15:00+09:00',
    '2026-12-06T09:15:00.123Z',
  ])('%s', (text) => {
    expect(containsMyNumber(text)).toBe(false);
    expect(findForbidden({ note: text })).toBeUndefined();
    expect(redactMyNumbers(text)).toBe(text);
  });

  it('phone numbers, postal codes, 記号 with letters, dates and insurer numbers (property)', () => {
    const d = (n: number) =>
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
    const sep = fc.constantFrom('-', 'ー', '−', ' ', '');
    const phone = fc.oneof(
      fc.tuple(d(1), d(4), d(4), sep).map(([a, b, c, s]) => `0${a}${s}${b}${s}${c}`),
      fc.tuple(fc.constantFrom('70', '80', '90'), d(4), d(4), sep).map(([a, b, c, s]) => `0${a}${s}${b}${s}${c}`),
    );
    const postal = fc.tuple(d(3), d(4), fc.constantFrom('-', 'ー', '－')).map(([a, b, s]) => `〒${a}${s}${b}`);
    const symbol = fc
      .tuple(fc.constantFrom('ア', 'あ', 'A', 'ｶ', '横浜'), d(2), fc.constantFrom('', '-'), d(6))
      .map(([k, a, s, b]) => `${k}${a}${s}${b}`);
    const date = fc
      .tuple(fc.integer({ min: 1990, max: 2039 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
      .chain(([y, m, dd]) =>
        fc.constantFrom(
          `${y}-${String(m).padStart(2, '0')}-${String(dd).padStart(2, '0')}`,
          `${y}/${m}/${dd}`,
          `${y}.${m}.${dd}`,
          `令和${(y % 30) + 1}年${m}月${dd}日`,
          `${y}年${m}月${dd}日`,
        ),
      );
    const dateRange = fc
      .tuple(date, date, fc.constantFrom(' - ', '〜', '、', ' ', '-', '/'))
      .filter(([a, b]) => a.replace(/\d/g, '') === b.replace(/\d/g, ''))
      .map(([a, b, s]) => a + s + b);
    const insurer = fc.oneof(d(6), d(8));
    fc.assert(
      fc.property(fc.oneof(phone, postal, symbol, date, dateRange, insurer), before, after, (x, b, a) => {
        const text = b + x + a;
        expect(containsMyNumber(text)).toBe(false);
        expect(findForbidden({ note: text })).toBeUndefined();
        expect(redactMyNumbers(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('12 digits failing the check digit, in any written form (property)', () => {
    fc.assert(
      fc.property(before, written(invalidNumber), after, (b, w, a) => {
        expect(containsMyNumber(b + w.text + a)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('a valid number inside a longer digit run (property)', () => {
    const longer = fc
      .tuple(
        validNumber,
        fc.constantFrom([12], [4, 4, 4], [3, 3, 3, 3], [6, 6], [2, 2, 2, 2, 2, 2]),
        fc.constantFrom('-', 'ー', ' ', '・', ''),
        d9(),
        d9(),
        fc.constantFrom('both', 'before', 'after'),
      )
      .map(([digits, sizes, s, x, y, where]) => {
        let at = 0;
        const groups = sizes.map((n) => digits.slice((at += n) - n, at).join(''));
        if (where !== 'after') groups[0] = x + groups[0];
        if (where !== 'before') groups[groups.length - 1] += y;
        return groups.join(s);
      });
    fc.assert(
      fc.property(longer, (text) => {
        expect(containsMyNumber(text)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

function d9(): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: 9 }).chain(digit);
}

describe('findForbidden', () => {
  it('refuses keys that name the number or a PIN, whatever their value', () => {
    expect(findForbidden({ myNumber: '' })).toBe('myNumber');
    expect(findForbidden({ patient: { 個人番号: null } })).toBe('patient.個人番号');
    expect(findForbidden({ pin: '1234' })).toBe('pin');
    expect(findForbidden({ マイナンバーカード: true })).toBeUndefined();
  });

  it('names the path of a value holding a number: nested objects, arrays, numbers', () => {
    expect(findForbidden({ a: [{ b: 'x' }, { b: '1234ー5678ー9018' }] })).toBe('a[1].b');
    expect(findForbidden({ n: 123456789018 })).toBe('n');
    expect(findForbidden('123456789018')).toBe('(value)');
    expect(findForbidden({ n: 123456789012, s: 'ok' })).toBeUndefined();
  });

  it('exempts ids: UUIDs (alone or inside keys) and sha256 digests', () => {
    // 0190f000-1234-5678-9018-… holds the valid run 1234 5678 9018 in its middle groups.
    const id = '0190f000-1234-5678-9018-000000000a01';
    expect(containsMyNumber('123456789018')).toBe(true);
    expect(findForbidden({ id })).toBeUndefined();
    expect(findForbidden({ key: `${id}:reconcile` })).toBeUndefined();
    expect(findForbidden({ key: `${id}:review:${id}` })).toBeUndefined();
    const sha = `${'ab'.repeat(20)}123456789018${'cd'.repeat(6)}`;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(findForbidden({ sha256: sha })).toBeUndefined();
    expect(redactMyNumbers(sha)).toBe(sha);
    // the exemption is for ids only: the same digits typed next to an id are still found
    expect(findForbidden({ note: `${id} 1234-5678-9018` })).toBe('note');
  });
});
