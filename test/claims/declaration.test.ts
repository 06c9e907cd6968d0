import { describe, expect, it } from 'vitest';
import { formatPhone, payerForDeclaredType, validateDeclaration } from '../../src/claims/declaration.ts';
import { ClaimSettings, defaultClaimSettings } from '../../src/claims/settings.ts';

const valid = {
  declaredOn: '2026-11-20',
  name: ' 鈴木　次郎 ',
  nameKana: 'ｽｽﾞｷ ｼﾞﾛｳ',
  birthDate: '1990-07-07',
  postalCode: '〒164-0001',
  address: '東京都中野区中野１－１－１',
  phone: '（090）1234-5678',
  insuranceType: 'kyokai',
  employerName: '株式会社なかの商事',
};

describe('被保険者資格申立書', () => {
  it('normalises every field (NFKC, phone and postal code as digits)', () => {
    const r = validateDeclaration(valid);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({
        name: '鈴木 次郎',
        nameKana: 'スズキ ジロウ',
        postalCode: '1640001',
        address: '東京都中野区中野1-1-1',
        phone: '09012345678',
        relationship: 'self',
      });
    }
  });

  it('accepts 「わからない」 as the 保険種別 without an employer', () => {
    expect(validateDeclaration({ ...valid, insuranceType: 'unknown', employerName: '' }).ok).toBe(true);
  });

  it('requires the fields 摘要 depends on, and names each missing one in Japanese', () => {
    const r = validateDeclaration({ ...valid, name: '', address: '  ', phone: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.field)).toEqual(['name', 'address', 'phone']);
      expect(r.errors[0]!.message).toContain('氏名');
    }
  });

  it('rejects missing or unknown fields with a reason, never throwing', () => {
    const r = validateDeclaration({ name: 'x' });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.field)).toEqual(
        expect.arrayContaining(['birthDate', 'address', 'phone', 'insuranceType']),
      );
    expect(validateDeclaration(null).ok).toBe(false);
    expect(validateDeclaration({ ...valid, insuranceType: 'other' }).ok).toBe(false);
  });

  it('checks phone, postal code, birth date, 家族 and employer rules', () => {
    const codes = (over: object) => {
      const r = validateDeclaration({ ...valid, ...over });
      return r.ok ? [] : r.errors.map((e) => e.code);
    };
    expect(codes({ phone: '1234' })).toEqual(['DECLARATION_PHONE']);
    expect(codes({ postalCode: '12345' })).toEqual(['DECLARATION_POSTAL']);
    expect(codes({ birthDate: '1990-02-30' })).toEqual(['DATE_INVALID']);
    expect(codes({ relationship: 'family' })).toEqual(['DECLARATION_FAMILY_INSURED']);
    expect(codes({ relationship: 'family', insuredPersonName: '鈴木 一郎' })).toEqual([]);
    expect(codes({ employerName: '' })).toEqual(['DECLARATION_EMPLOYER']);
    expect(codes({ insuranceType: 'kokuho', employerName: '' })).toEqual([]);
  });

  it('routes the claim by 保険種別', () => {
    const s = defaultClaimSettings;
    expect(payerForDeclaredType('kyokai', s)).toBe('shiharai_kikin');
    expect(payerForDeclaredType('kyosai', s)).toBe('shiharai_kikin');
    expect(payerForDeclaredType('kokuho', s)).toBe('kokuhoren');
    expect(payerForDeclaredType('kouki', s)).toBe('kokuhoren');
    expect(payerForDeclaredType('unknown', s)).toBe('shiharai_kikin');
    expect(payerForDeclaredType('unknown', ClaimSettings.parse({ unknownInsuranceTypePayer: 'kokuhoren' }))).toBe(
      'kokuhoren',
    );
  });

  it('formats mobile numbers for 摘要 and leaves others as digits', () => {
    expect(formatPhone('09012345678')).toBe('090-1234-5678');
    expect(formatPhone('0312345678')).toBe('0312345678');
  });
});
