import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasUnrepresentableMark, kanaKey, normalizeSymbolOrNumber, toFullWidth } from '../../src/claims/normalize.ts';
import { normalizeBranch, normalizeInsuranceNumbers, sameNumbers } from '../../src/claims/numbers.ts';

describe('記号・番号 normalisation', () => {
  it('applies NFKC, unifies every dash and drops spaces, keeping leading zeros', () => {
    expect(normalizeSymbolOrNumber('０１２３')).toBe('0123');
    expect(normalizeSymbolOrNumber(' 12－34 ')).toBe('12-34');
    expect(normalizeSymbolOrNumber('12ー34')).toBe('12-34');
    expect(normalizeSymbolOrNumber('12―34')).toBe('12-34');
    expect(normalizeSymbolOrNumber('１２　３４')).toBe('1234');
    expect(normalizeSymbolOrNumber('-0012-')).toBe('0012');
    expect(normalizeSymbolOrNumber('ｱｲｳ')).toBe('アイウ'); // half-width kana on old cards
    expect(normalizeSymbolOrNumber('新宿')).toBe('新宿');
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(normalizeSymbolOrNumber(normalizeSymbolOrNumber(s))).toBe(normalizeSymbolOrNumber(s));
      }),
    );
  });
});

describe('枝番', () => {
  it('is two digits, or empty when not known', () => {
    expect(normalizeBranch('01')).toEqual({ ok: true, value: '01' });
    expect(normalizeBranch('０２')).toEqual({ ok: true, value: '02' });
    expect(normalizeBranch('1')).toEqual({ ok: true, value: '01' });
    expect(normalizeBranch('')).toEqual({ ok: true, value: '' });
    expect(normalizeBranch('123').ok).toBe(false);
    expect(normalizeBranch('a1').ok).toBe(false);
  });
});

describe('normalizeInsuranceNumbers', () => {
  it('returns canonical strings', () => {
    expect(
      normalizeInsuranceNumbers({
        insurerNumber: '０１１３００１２',
        symbol: '１２－３４',
        number: '００５６７８',
        branch: '0',
      }),
    ).toEqual({
      ok: true,
      value: { insurerNumber: '01130012', symbol: '12-34', number: '005678', branch: '00' },
    });
  });

  it('reports every field`s problem at once, with the field named', () => {
    const r = normalizeInsuranceNumbers({ insurerNumber: '01130013', symbol: 'a,b', number: '', branch: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => [e.field, e.code])).toEqual([
        ['insurerNumber', 'INSURER_CHECK_DIGIT'],
        ['symbol', 'NUMBER_BAD_CHARS'],
        ['number', 'NUMBER_EMPTY'],
        ['branch', 'BRANCH_FORMAT'],
      ]);
    }
    const long = normalizeInsuranceNumbers({ insurerNumber: '01130012', number: '1'.repeat(39) });
    expect(!long.ok && long.errors[0]!.code).toBe('NUMBER_TOO_LONG');
  });

  it('compares sets of numbers regardless of width and hyphens', () => {
    const a = { insurerNumber: '01130012', symbol: '12-34', number: '5678', branch: '00' };
    expect(sameNumbers(a, { insurerNumber: '０１１３００１２', symbol: '1234', number: '５６７８', branch: '' })).toBe(
      true,
    );
    expect(sameNumbers(a, { ...a, number: '5679' })).toBe(false);
    expect(sameNumbers({ ...a, insurerNumber: '00138057' }, { ...a, insurerNumber: '138057' })).toBe(true);
  });
});

describe('text helpers', () => {
  it('makes kana search keys from katakana, hiragana and half-width kana', () => {
    expect(kanaKey('ヤマダ ハナコ')).toBe('ヤマダハナコ');
    expect(kanaKey('ﾔﾏﾀﾞ ﾊﾅｺ')).toBe('ヤマダハナコ');
    expect(kanaKey('やまだ　はなこ')).toBe('ヤマダハナコ');
    expect(kanaKey('やまだ・はなこ')).toBe('ヤマダハナコ');
    expect(kanaKey('smith')).toBe('SMITH');
  });

  it('spots ● without changing the name', () => {
    expect(hasUnrepresentableMark('髙●太郎')).toBe(true);
    expect(hasUnrepresentableMark('高橋太郎')).toBe(false);
  });

  it('turns ASCII into full-width for UKE 漢字 fields, so no comma survives', () => {
    expect(toFullWidth('12-34, A')).toBe('１２－３４，　Ａ');
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(toFullWidth(s)).not.toMatch(/[,\u0021-\u007E]/);
      }),
    );
  });
});
