import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { ClaimSettings, defaultClaimSettings } from '../../src/claims/settings.ts';
import type { Declaration } from '../../src/claims/visit.ts';
import { loadExample, visitWith } from './helpers.ts';

const S = defaultClaimSettings;
const settings = (over: Partial<ClaimSettings>) => ClaimSettings.parse({ ...over });

const declaration = (over: Partial<Declaration> = {}) => ({
  declaredOn: '2026-11-20',
  name: '鈴木 次郎',
  birthDate: '1980-05-15',
  sex: 'female' as const,
  address: '東京都中野区中野1-1-1',
  phone: '090-1234-5678',
  insuranceType: 'kyokai' as const,
  employerName: '株式会社なかの商事',
  ...over,
});
const unknownVisit = (over: Partial<Declaration> = {}) =>
  visitWith({ cause: 'qualification_not_found', evidence: { kind: 'declaration', declaration: declaration(over) } });

describe('① 現資格', () => {
  it('uses the numbers the evidence shows, normalised (portal, 資格確認書, 保険証, お知らせ+card, verbal)', () => {
    for (const [file, insurer] of [
      ['portal.json', '06132013'],
      ['qualification-certificate.json', '01130012'],
      ['notice-with-card.json', '39131156'],
      ['verbal.json', '06132013'],
      ['emergency-mode.json', '06132013'],
    ] as const) {
      const d = decideClaim(loadExample(file), S);
      expect(d.basis, file).toBe('current');
      expect(d.rule, file).toBe('evidence_current');
      expect(d.ho.insurerNumber, file).toBe(insurer);
      expect(d.remarks, file).toEqual([]);
      expect(d.needsDecision, file).toEqual([]);
    }
  });

  it('normalises full-width typed numbers and carries 枝番 in SN, not HO', () => {
    const d = decideClaim(loadExample('qualification-certificate.json'), S);
    expect(d.ho).toEqual({ insurerNumber: '01130012', symbol: '12-34', number: '5678' });
    expect(d.sn).toMatchObject({ payerType: '1', confirmationCode: '01', branch: '00' });
    expect(d.payer).toBe('shiharai_kikin');
  });

  it('counts the numbers the patient remembers on the 申立書 as 聞き取り (current)', () => {
    const d = decideClaim(loadExample('declaration-known-numbers.json'), S);
    expect(d).toMatchObject({ basis: 'current', ho: { insurerNumber: '06132013', number: '567' } });
  });

  it('prefers the terminal`s valid answer, and notes 情報不一致 when staff typed something else', () => {
    const v = loadExample('portal.json');
    const answer = {
      validity: 'valid' as const,
      insurance: { insurerNumber: '01130012', symbol: '99', number: '1', branch: '02' },
    };
    const d = decideClaim(v, S, answer);
    expect(d).toMatchObject({
      basis: 'current',
      rule: 'terminal_valid',
      ho: { insurerNumber: '01130012', symbol: '99' },
    });
    expect(d.sn.branch).toBe('02');
    expect(d.warnings.map((w) => w.code)).toContain('INFO_MISMATCH');
    const same = decideClaim(v, S, { validity: 'valid', insurance: v.evidence.insurance! });
    expect(same.warnings).toEqual([]);
  });

  it('takes the newer 資格 of 無効(新しい資格あり)', () => {
    const v = unknownVisit();
    const d = decideClaim(v, S, {
      validity: 'invalid_newer',
      insurance: { insurerNumber: '01130012', symbol: '1', number: '2', branch: '' },
      newerInsurance: { insurerNumber: '39131156', symbol: '', number: '00123456', branch: '' },
    });
    expect(d).toMatchObject({ basis: 'current', rule: 'terminal_newer', ho: { insurerNumber: '39131156' } });
    expect(d.payer).toBe('kokuhoren');
  });

  it('該当資格なし for a shown 資格確認書 at reconciliation: 要確認 with ③ proposed and the typed numbers shown (issue #12)', () => {
    const v = loadExample('qualification-certificate.json');
    const d = decideClaim(v, S, { validity: 'not_found' });
    expect(d.basis).toBe('unknown');
    expect(d.ho.insurerNumber).toBe(S.unknownInsurerNumber);
    expect(d.needsDecision.map((n) => n.code)).toEqual(['TERMINAL_NOT_FOUND_REVIEW']);
    expect(d.needsDecision[0]!.message).toContain('保険者番号 01130012・記号 12-34・番号 5678・枝番 00');
  });

  it('該当資格なし: the setting makes ③ automatic (seed: 「資格情報なしの場合には『不詳レセプト』」), or keeps ①', () => {
    const v = loadExample('qualification-certificate.json');
    const d = decideClaim(v, ClaimSettings.parse({ notFoundWithEvidence: 'unknown' }), { validity: 'not_found' });
    expect(d.basis).toBe('unknown');
    expect(d.needsDecision).toEqual([]);
    expect(d.warnings.map((w) => w.code)).toContain('TERMINAL_NOT_FOUND_UNKNOWN');
    const keep = decideClaim(v, ClaimSettings.parse({ notFoundWithEvidence: 'evidence' }), { validity: 'not_found' });
    expect(keep).toMatchObject({
      basis: 'current',
      rule: 'evidence_current',
      ho: { insurerNumber: '01130012', symbol: '12-34', number: '5678' },
    });
    expect(keep.warnings.map((w) => w.code)).toContain('TERMINAL_NOT_FOUND');
  });

  it('「資格情報なし」 at reception followed by a 資格確認書 is the official ① path', () => {
    const v = { ...loadExample('qualification-certificate.json'), terminal: { validity: 'not_found' as const } };
    const d = decideClaim(v, S);
    expect(d).toMatchObject({ basis: 'current', rule: 'evidence_current' });
  });

  it('does not use evidence with a wrong check digit; it says why', () => {
    const v = visitWith({
      evidence: {
        kind: 'insurance_card',
        insurance: { insurerNumber: '06132014', symbol: '1', number: '2', branch: '' },
      },
    });
    const d = decideClaim(v, S);
    expect(d.basis).toBe('unknown');
    expect(d.warnings.map((w) => w.code)).toContain('EVIDENCE_INSURER_CHECK_DIGIT');
  });
});

describe('② 旧資格', () => {
  it('claims the lost numbers of 「資格（無効）」 with 摘要 「旧資格情報」', () => {
    const d = decideClaim(loadExample('invalid-past.json'), S);
    expect(d).toMatchObject({ basis: 'past', rule: 'terminal_invalid_past', remarks: ['旧資格情報'] });
    expect(d.ho).toEqual({ insurerNumber: '01130012', symbol: '12-34', number: '5678' });
    expect(d.comments).toEqual([{ shinryoShikibetsu: '99', futanKubun: '1', code: '810000001', text: '旧資格情報' }]);
  });

  it('treats evidence that shows the very numbers the terminal called 無効 as past, not current', () => {
    const v = loadExample('qualification-certificate.json');
    const d = decideClaim(v, S, {
      validity: 'invalid',
      insurance: { insurerNumber: '01130012', symbol: '12-34', number: '5678', branch: '00' },
    });
    expect(d.basis).toBe('past');
  });

  it('falls back to past-visit records when nothing current is known', () => {
    const v = visitWith({
      evidence: { kind: 'verbal', confirmedUnchanged: false },
      pastInsurance: { insurerNumber: '138057', symbol: '新宿', number: '1', branch: '' },
    });
    const d = decideClaim(v, S);
    expect(d).toMatchObject({ basis: 'past', rule: 'past_record', remarks: ['旧資格情報'], payer: 'kokuhoren' });
    expect(d.needsDecision.map((e) => e.code)).toEqual(['VERBAL_NOT_CONFIRMED']);
  });
});

describe('③ 不詳', () => {
  it('fills 77777777 / no 記号 / 777777777 and heads 摘要 with 「不詳」, then 住所, 事業所名, 連絡先 (2023-07-19 事務連絡 [S1b])', () => {
    const d = decideClaim(loadExample('declaration-unknown.json'), S);
    expect(d).toMatchObject({ basis: 'unknown', rule: 'unknown_declaration' });
    expect(d.ho).toEqual({ insurerNumber: '77777777', symbol: '', number: '777777777' });
    expect(d.remarks).toEqual([
      '不詳',
      '住所：東京都中野区中野1-1-1 コーポ中野101',
      '事業所名：株式会社なかの商事',
      '連絡先：090-1234-5678',
    ]);
    expect(d.sn.branch).toBe('');
    expect(d.payer).toBe('shiharai_kikin');
    expect(d.needsDecision).toEqual([]);
  });

  it('uses 77777779 for レセコン that enforce the check digit', () => {
    expect(decideClaim(unknownVisit(), settings({ unknownInsurerNumber: '77777779' })).ho.insurerNumber).toBe(
      '77777779',
    );
  });

  it('uses the configured 国保 6-digit form only when the 申立書 says 国保', () => {
    const s = settings({ kokuhoUnknownForm: '777771' });
    expect(decideClaim(unknownVisit({ insuranceType: 'kokuho', employerName: '' }), s).ho.insurerNumber).toBe('777771');
    expect(
      decideClaim(
        unknownVisit({ insuranceType: 'kokuho', employerName: '' }),
        settings({ kokuhoUnknownForm: '777777' }),
      ).ho.insurerNumber,
    ).toBe('777777');
    expect(decideClaim(unknownVisit({ insuranceType: 'kyokai' }), s).ho.insurerNumber).toBe('77777777');
    expect(decideClaim(unknownVisit({ insuranceType: 'kokuho', employerName: '' }), S).ho.insurerNumber).toBe(
      '77777777',
    );
  });

  it('fills 記号 and 番号 to the configured lengths', () => {
    const d = decideClaim(unknownVisit(), settings({ unknownSymbolLength: 4, unknownNumberLength: 10 }));
    expect(d.ho).toMatchObject({ symbol: '7777', number: '7777777777' });
  });

  it('uses the configured comment code on every CO line', () => {
    const d = decideClaim(unknownVisit(), settings({ commentCode: '830100001', commentShinryoShikibetsu: '50' }));
    expect(d.comments.length).toBe(4);
    for (const c of d.comments) expect(c).toMatchObject({ code: '830100001', shinryoShikibetsu: '50' });
  });

  it('routes 「わからない」 to the configured 審査支払機関, and 国保・後期 to 国保連', () => {
    expect(decideClaim(unknownVisit({ insuranceType: 'unknown' }), S).payer).toBe('shiharai_kikin');
    expect(
      decideClaim(unknownVisit({ insuranceType: 'unknown' }), settings({ unknownInsuranceTypePayer: 'kokuhoren' }))
        .payer,
    ).toBe('kokuhoren');
    expect(decideClaim(unknownVisit({ insuranceType: 'kouki', employerName: '' }), S).payer).toBe('kokuhoren');
  });

  it('「資格情報なし」 with no numbers anywhere is 不詳', () => {
    const d = decideClaim(unknownVisit(), S, { validity: 'not_found' });
    expect(d.basis).toBe('unknown');
  });

  it('asks for a 申立書 when 不詳 has no address or phone to put in 摘要', () => {
    const v = visitWith({
      evidence: { kind: 'verbal', confirmedUnchanged: true },
      patient: {
        patientId: '',
        name: '山田 花子',
        nameKana: '',
        birthDate: '1980-05-15',
        sex: 'female',
        postalCode: '',
        address: '',
        phone: '',
      },
    });
    const d = decideClaim(v, S);
    expect(d.basis).toBe('unknown');
    expect(d.rule).toBe('unknown_no_declaration');
    expect(d.needsDecision.map((e) => e.code)).toContain('UNKNOWN_NO_ADDRESS');
  });

  it('reports an incomplete 申立書 field by field instead of claiming from it', () => {
    const d = decideClaim(unknownVisit({ phone: 'なし', employerName: '' }), S);
    expect(d.needsDecision.map((e) => e.code).sort()).toEqual(['DECLARATION_EMPLOYER', 'DECLARATION_PHONE']);
    expect(d.needsDecision.find((e) => e.code === 'DECLARATION_PHONE')!.field).toBe('phone');
  });
});

describe('③ 後期高齢者医療: 番号 8 digits 「77777777」 (2023-07-19 事務連絡 [S1b])', () => {
  const born = (birthDate: string, over: Partial<Declaration> = {}) => {
    const v = unknownVisit({ birthDate, ...over });
    return { ...v, patient: { ...v.patient, birthDate } };
  };
  it('when the 申立書 says 後期', () => {
    expect(decideClaim(unknownVisit({ insuranceType: 'kouki', employerName: '' }), S).ho.number).toBe('77777777');
  });
  it('from the 75th birthday itself (same-day switch), whatever the 申立書 says', () => {
    const v = born('1951-11-20');
    expect(decideClaim(v, S).ho.number).toBe('77777777');
    expect(decideClaim(born('1951-11-21'), S).ho.number).toBe('777777777');
  });
  it('65–74 only with 障害認定, which staff mark on the 申立書', () => {
    expect(decideClaim(born('1960-01-01'), S).ho.number).toBe('777777777');
    expect(decideClaim(born('1960-01-01', { disabilityCertified: true }), S).ho.number).toBe('77777777');
    expect(decideClaim(born('1970-01-01', { disabilityCertified: true }), S).ho.number).toBe('777777777');
  });
  it('both lengths are settings', () => {
    const s = settings({ unknownNumberLength: 8, unknownNumberLengthKouki: 10 });
    expect(decideClaim(unknownVisit(), s).ho.number).toBe('77777777');
    expect(decideClaim(unknownVisit({ insuranceType: 'kouki', employerName: '' }), s).ho.number).toBe('7777777777');
  });
});

describe('本人/家族 (PersonalFamilyClassification: 1 本人, 2 家族)', () => {
  it('from the terminal`s answer, else from the 申立書; unknown otherwise', () => {
    const v = loadExample('portal.json');
    expect(decideClaim(v, S).personalFamily).toBe('');
    expect(
      decideClaim(v, S, { validity: 'valid', insurance: v.evidence.insurance!, personalFamily: '2' }).personalFamily,
    ).toBe('2');
    expect(decideClaim(unknownVisit(), S).personalFamily).toBe('1');
    expect(
      decideClaim(unknownVisit({ relationship: 'family', insuredPersonName: '鈴木 一郎' }), S).personalFamily,
    ).toBe('2');
  });
});

describe('old 健康保険証 (valid to 2025-12-01; 暫定的な取扱い to 2026-03-31: DOMAIN.md §7 [S60])', () => {
  const card = (serviceDate: string) => ({ ...loadExample('insurance-card.json'), serviceDate });
  it('shown on or before 2025-12-01: ① from the card', () => {
    expect(decideClaim(card('2025-12-01'), S)).toMatchObject({ basis: 'current', rule: 'evidence_current' });
  });
  it('shown after: the numbers are past numbers (②) with a warning; reconciliation may still confirm ①', () => {
    const v = card('2026-11-20');
    const d = decideClaim(v, S);
    expect(d).toMatchObject({ basis: 'past', rule: 'expired_card_past', remarks: ['旧資格情報'] });
    expect(d.ho).toEqual({ insurerNumber: '138057', symbol: '新宿', number: '0012345' });
    expect(d.warnings.map((w) => w.code)).toContain('OLD_INSURANCE_CARD');
    const confirmed = decideClaim(v, S, { validity: 'valid', insurance: v.evidence.insurance! });
    expect(confirmed).toMatchObject({ basis: 'current', rule: 'terminal_valid' });
    expect(confirmed.warnings.map((w) => w.code)).not.toContain('INFO_MISMATCH');
    const notFound = decideClaim(v, S, { validity: 'not_found' });
    expect(notFound).toMatchObject({ basis: 'unknown' });
    expect(notFound.needsDecision.map((n) => n.code)).toEqual(['TERMINAL_NOT_FOUND_REVIEW']);
  });
  it('the cut-off date is a setting', () => {
    const later = settings({ insuranceCardValidUntil: '2026-12-31' });
    expect(decideClaim(card('2026-11-20'), later)).toMatchObject({ basis: 'current', rule: 'evidence_current' });
  });
  it('the お知らせ alone counts, when the online check confirms, until the end of the 暫定的な取扱い', () => {
    const notice = (serviceDate: string) => ({
      ...visitWith({
        identity: { method: 'none', confirmedBy: '' },
        evidence: {
          kind: 'notice_with_card',
          insurance: { insurerNumber: '39131156', symbol: '', number: '00123456', branch: '' },
        },
      }),
      serviceDate,
    });
    const answer = {
      validity: 'valid' as const,
      insurance: { insurerNumber: '39131156', symbol: '', number: '00123456', branch: '' },
    };
    expect(decideClaim(notice('2026-03-31'), S, answer).needsDecision).toEqual([]);
    expect(decideClaim(notice('2026-04-01'), S, answer).needsDecision.map((n) => n.code)).toEqual([
      'NOTICE_WITHOUT_CARD',
    ]);
  });
});

describe('disaster mode (「9」, a separate claim mode)', () => {
  it('fills 9s and heads 摘要 with 「不詳」 — never 7s', () => {
    const d = decideClaim(unknownVisit(), settings({ mode: 'disaster' }));
    expect(d.mode).toBe('disaster');
    expect(d.ho).toEqual({ insurerNumber: '99999999', symbol: '', number: '999999999' });
    expect(d.remarks[0]).toBe('不詳');
    expect(d.remarks.filter((r) => r === '不詳')).toHaveLength(1);
    expect(JSON.stringify(d)).not.toContain('7777');
  });

  it('still claims known numbers normally', () => {
    expect(decideClaim(loadExample('portal.json'), settings({ mode: 'disaster' })).ho.insurerNumber).toBe('06132013');
  });

  it('insurer known → that 保険者番号 with the 9-filled 番号, 「不詳」 first (中医協 総-6-1 別添 [S12])', () => {
    const v = unknownVisit({ knownNumbers: { insurerNumber: '06132013', symbol: '1234' } });
    const d = decideClaim(v, settings({ mode: 'disaster' }));
    expect(d).toMatchObject({
      basis: 'unknown',
      ho: { insurerNumber: '06132013', symbol: '1234', number: '999999999' },
    });
    expect(d.remarks[0]).toBe('不詳');
  });

  it('insurer unknown → 99999999 with any known 記号・番号 (中医協 総-6-1 別添 [S12])', () => {
    const v = unknownVisit({ knownNumbers: { insurerNumber: '0613201', symbol: '1234', number: '567' } });
    const d = decideClaim(v, settings({ mode: 'disaster' }));
    expect(d.ho).toEqual({ insurerNumber: '99999999', symbol: '1234', number: '567' });
  });
});

describe('needs a staff decision', () => {
  it('複数該当', () => {
    const d = decideClaim(loadExample('portal.json'), S, { validity: 'multiple' });
    expect(d.needsDecision.map((e) => e.code)).toContain('MULTIPLE_MATCHES');
  });

  it('name, birth date or sex differing from the answer; ● only warns', () => {
    const v = loadExample('portal.json');
    const ins = v.evidence.insurance!;
    const codes = (a: object) =>
      decideClaim(v, S, { validity: 'valid', insurance: ins, ...a }).needsDecision.map((e) => e.code);
    expect(codes({ name: '山田 花江' })).toEqual(['NAME_MISMATCH']);
    expect(codes({ name: '山田　花子' })).toEqual([]); // full-width space is the same name
    expect(codes({ birthDate: '1980-05-16' })).toEqual(['BIRTH_MISMATCH']);
    expect(codes({ sex: 'male' })).toEqual(['SEX_MISMATCH']);
    const marked = decideClaim(v, S, { validity: 'valid', insurance: ins, name: '山●花子' });
    expect(marked.needsDecision).toEqual([]);
    expect(marked.warnings.map((w) => w.code)).toContain('NAME_UNREPRESENTABLE');
  });

  it('お知らせ without the card is not evidence', () => {
    const v = visitWith({
      identity: { method: 'none', confirmedBy: '' },
      evidence: {
        kind: 'notice_with_card',
        insurance: { insurerNumber: '06132013', symbol: '', number: '1', branch: '' },
      },
    });
    const d = decideClaim(v, S);
    expect(d.basis).not.toBe('current');
    expect(d.needsDecision.map((e) => e.code)).toContain('NOTICE_WITHOUT_CARD');
  });

  it('システム障害時モード without the 4 items', () => {
    const v = visitWith({
      evidence: {
        kind: 'emergency_mode',
        insurance: { insurerNumber: '06132013', symbol: '', number: '1', branch: '' },
      },
    });
    expect(decideClaim(v, S).needsDecision.map((e) => e.code)).toContain('FOUR_ITEMS_MISSING');
  });

  it('flags ● in the patient name and keeps it as typed', () => {
    const v = visitWith({ patient: { ...loadExample('portal.json').patient, name: '髙●太郎' } });
    const d = decideClaim(v, S);
    expect(d.warnings.map((w) => w.code)).toContain('NAME_UNREPRESENTABLE');
  });
});

describe('purity', () => {
  it('same input, same output; the visit is not changed', () => {
    const v = loadExample('declaration-unknown.json');
    const before = JSON.stringify(v);
    expect(decideClaim(v, S)).toEqual(decideClaim(v, S));
    expect(JSON.stringify(v)).toBe(before);
  });
});
