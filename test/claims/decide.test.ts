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
      ['insurance-card.json', '138057'],
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

  it('該当資格なし for a shown 資格確認書 at reconciliation: ③ by default, ① when the setting keeps the document', () => {
    const v = loadExample('qualification-certificate.json');
    const d = decideClaim(v, S, { validity: 'not_found' });
    expect(d.basis).toBe('unknown');
    expect(d.ho.insurerNumber).toBe(S.unknownInsurerNumber);
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
  it('fills 「7」 and puts the 申立書`s 住所, 事業所名, 連絡先 in 摘要', () => {
    const d = decideClaim(loadExample('declaration-unknown.json'), S);
    expect(d).toMatchObject({ basis: 'unknown', rule: 'unknown_declaration' });
    expect(d.ho).toEqual({ insurerNumber: '77777777', symbol: '', number: '77777777' });
    expect(d.remarks).toEqual([
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
    expect(d.comments.length).toBe(3);
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

describe('disaster mode (「9」, a separate claim mode)', () => {
  it('fills 9s and heads 摘要 with 「不詳」 — never 7s', () => {
    const d = decideClaim(unknownVisit(), settings({ mode: 'disaster' }));
    expect(d.mode).toBe('disaster');
    expect(d.ho).toEqual({ insurerNumber: '99999999', symbol: '', number: '999999999' });
    expect(d.remarks[0]).toBe('不詳');
    expect(JSON.stringify(d)).not.toContain('7777');
  });

  it('still claims known numbers normally', () => {
    expect(decideClaim(loadExample('portal.json'), settings({ mode: 'disaster' })).ho.insurerNumber).toBe('06132013');
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
