import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigit, parseInsurerNumber, parseKouhiNumber, payerOf } from '../../src/claims/insurer.ts';

/** Reference implementation written from the rule's words, independent of the production loop. */
function referenceCheckDigit(body: string): number {
  const digits = body.split('').reverse().map(Number);
  const sum = digits
    .map((d, i) => d * (i % 2 === 0 ? 2 : 1))
    .map((p) =>
      String(p)
        .split('')
        .map(Number)
        .reduce((a, b) => a + b, 0),
    )
    .reduce((a, b) => a + b, 0);
  return (10 - (sum % 10)) % 10;
}

describe('check digit (検証番号)', () => {
  it('matches the verified examples in DOMAIN.md §3', () => {
    expect(checkDigit('3312001')).toBe(5); // 33120015
    expect(checkDigit('5401602')).toBe(7); // 54016027 (公費 uses the same rule)
    expect(checkDigit('7777777')).toBe(9); // why 77777779 exists
    expect(checkDigit('77777')).toBe(1); // 国保 6-digit 777771
  });

  it('agrees with the rule as written, for any body', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{5,7}$/), (body) => {
        expect(checkDigit(body)).toBe(referenceCheckDigit(body));
      }),
    );
  });

  it('catches every single-digit typing error', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{7}$/), fc.nat(6), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const changed = body.slice(0, pos) + ((Number(body[pos]) + delta) % 10) + body.slice(pos + 1);
        expect(checkDigit(changed)).not.toBe(checkDigit(body));
      }),
    );
  });
});

describe('parseInsurerNumber', () => {
  it('accepts 33120015 and names its parts', () => {
    const r = parseInsurerNumber('33120015');
    expect(r).toMatchObject({ valid: true, kind: 'shaho', normalized: '33120015', houbetsu: '33', prefecture: '12' });
    expect(r.houbetsuName).toContain('警察共済');
    expect(r.prefectureName).toBe('千葉県');
    expect(r.errors).toEqual([]);
  });

  it('rejects 33120016 with the expected check digit 5, even though the rest looks fine', () => {
    const r = parseInsurerNumber('33120016');
    expect(r.valid).toBe(false);
    expect(r.checkDigit).toBe(6);
    expect(r.expectedCheckDigit).toBe(5);
    expect(r.errors.map((e) => e.code)).toEqual(['INSURER_CHECK_DIGIT']);
    expect(r.errors[0]!.message).toMatch(/「5」/);
  });

  it('normalises full-width digits, spaces and hyphens', () => {
    expect(parseInsurerNumber('３３１２００１５').normalized).toBe('33120015');
    expect(parseInsurerNumber(' 3312 0015 ').valid).toBe(true);
    expect(parseInsurerNumber('33-12-0015').valid).toBe(true);
    expect(parseInsurerNumber('３３１２　００１５').valid).toBe(true);
  });

  it('classifies 後期高齢者 (39), 退職 (67) and 国保 (6 digits, 国保組合 in the 300s)', () => {
    expect(parseInsurerNumber('39131156')).toMatchObject({ valid: true, kind: 'kouki' });
    const kokuho = parseInsurerNumber('138057');
    expect(kokuho).toMatchObject({ valid: true, kind: 'kokuho', normalized: '138057', padded: '00138057' });
    const body = '13305';
    const kumiai = parseInsurerNumber(body + checkDigit(body));
    expect(kumiai).toMatchObject({ valid: true, kind: 'kokuho_kumiai' });
    const t = '6713001';
    expect(parseInsurerNumber(t + checkDigit(t))).toMatchObject({ valid: true, kind: 'taishoku' });
  });

  it('reads the terminal`s 00-padded 国保 numbers as 6-digit 国保', () => {
    const r = parseInsurerNumber('00138057');
    expect(r).toMatchObject({ valid: true, kind: 'kokuho', normalized: '138057', padded: '00138057' });
  });

  it('gives a reason a receptionist understands for each kind of mistake', () => {
    expect(parseInsurerNumber('').errors[0]!.code).toBe('INSURER_EMPTY');
    const letters = parseInsurerNumber('3312OO15');
    expect(letters.errors[0]!.code).toBe('INSURER_NOT_DIGITS');
    expect(letters.errors[0]!.message).toContain('「O」');
    expect(parseInsurerNumber('3312001').errors[0]).toMatchObject({ code: 'INSURER_LENGTH' });
    expect(parseInsurerNumber('3312001').errors[0]!.message).toContain('7桁');
    const houbetsu = '9913001';
    expect(parseInsurerNumber(houbetsu + checkDigit(houbetsu)).errors.map((e) => e.code)).toEqual(['INSURER_HOUBETSU']);
    const pref = '0148001';
    expect(parseInsurerNumber(pref + checkDigit(pref)).errors.map((e) => e.code)).toEqual(['INSURER_PREFECTURE']);
    const pref0 = '0100001';
    expect(parseInsurerNumber(pref0 + checkDigit(pref0)).errors.map((e) => e.code)).toEqual(['INSURER_PREFECTURE']);
    for (const e of parseInsurerNumber('99480016').errors) expect(e.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
  });

  it('treats 不詳 fills as invalid insurer numbers (they are claim fills, never a person`s insurer)', () => {
    expect(parseInsurerNumber('77777777').valid).toBe(false);
    expect(parseInsurerNumber('77777779').valid).toBe(false); // 法別 77 does not exist
    expect(parseInsurerNumber('99999999').valid).toBe(false);
  });

  it('accepts every well-formed number and rejects every wrong last digit (property)', () => {
    const houbetsu = fc.constantFrom('01', '02', '06', '31', '32', '33', '34', '39', '63', '67', '72');
    const pref = fc.integer({ min: 1, max: 47 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(houbetsu, pref, fc.stringMatching(/^\d{3}$/), fc.integer({ min: 1, max: 9 }), (h, p, s, delta) => {
        const body = h + p + s;
        const good = body + checkDigit(body);
        expect(parseInsurerNumber(good).valid).toBe(true);
        const bad = body + ((checkDigit(body) + delta) % 10);
        const r = parseInsurerNumber(bad);
        expect(r.valid).toBe(false);
        expect(r.expectedCheckDigit).toBe(checkDigit(body));
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseInsurerNumber(s);
        expect(r.valid === (r.errors.length === 0)).toBe(true);
      }),
    );
  });
});

describe('parseKouhiNumber (公費負担者番号)', () => {
  it('validates 54016027 and rejects a wrong check digit', () => {
    expect(parseKouhiNumber('54016027')).toMatchObject({ valid: true, kind: 'kouhi', houbetsu: '54' });
    const bad = parseKouhiNumber('54016028');
    expect(bad).toMatchObject({ valid: false, expectedCheckDigit: 7 });
    expect(bad.errors[0]!.code).toBe('KOUHI_CHECK_DIGIT');
    expect(parseKouhiNumber('540160').errors[0]!.code).toBe('KOUHI_LENGTH');
    expect(parseKouhiNumber('').errors[0]!.code).toBe('KOUHI_EMPTY');
  });
});

describe('payerOf', () => {
  it('sends 社保 to 支払基金 and 国保・後期 to 国保連', () => {
    expect(payerOf('shaho')).toBe('shiharai_kikin');
    expect(payerOf('kokuho')).toBe('kokuhoren');
    expect(payerOf('kokuho_kumiai')).toBe('kokuhoren');
    expect(payerOf('kouki')).toBe('kokuhoren');
    expect(payerOf('invalid')).toBeNull();
  });
});
