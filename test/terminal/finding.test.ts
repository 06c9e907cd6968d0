import { describe, expect, it } from 'vitest';
import { TerminalFinding } from '../../src/claims/visit.ts';
import { bulkUnitToFinding, toTerminalFinding } from '../../src/hardware/terminal/finding.ts';
import { parseAnswer, parseQualificationAnswer } from '../../src/hardware/terminal/parser.ts';
import { qualificationAnswerXml, recordElems, type SimPerson } from '../../src/hardware/terminal/answers.ts';
import { encodeXmlText } from '../../src/hardware/terminal/xml.ts';
import type { BulkResultAnswer } from '../../src/hardware/terminal/model.ts';
import { YAMADA, fixture } from './helpers.ts';

const person: SimPerson = YAMADA;

function answer(validityCode: string | undefined, records: SimPerson[]) {
  const xml = qualificationAnswerXml(
    {
      header: { key: 'k', at: new Date('2025-03-01T00:30:00Z'), characterCodeIdentifier: '1' },
      ...(validityCode !== undefined ? { validityCode } : {}),
      search: { insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', birthdate: '19881224' },
      records: records.map((r) => recordElems(r)),
    },
    'shift_jis',
  );
  return parseQualificationAnswer(encodeXmlText(xml, 'shift_jis'));
}

describe('toTerminalFinding', () => {
  it('valid: numbers, person, copay, answeredAt in Japan time; conforms to the TerminalFinding schema', () => {
    const f = toTerminalFinding(answer('1', [person]))!;
    expect(f).toEqual({
      validity: 'valid',
      insurance: { insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', branch: '00' },
      name: '山田 太郎',
      birthDate: '1988-12-24',
      sex: 'male',
      personalFamily: '1', // PersonalFamilyClassification 1 本人: the レセコン needs it (issue #12)
      copayPercent: 30,
      answeredAt: '2025-03-01T09:30:00+09:00',
    });
    expect(TerminalFinding.parse(f)).toEqual(f);
    expect(toTerminalFinding(answer('1', [{ ...person, personalFamily: '2' }]))!.personalFamily).toBe('2');
  });

  it('valid 国保 answer: insurer number in its 6-digit card form; elderly ratio used when no partial ratio', () => {
    const a = parseQualificationAnswer(fixture('qualification-valid-kokuho.sjis.xml'));
    const f = toTerminalFinding(a)!;
    expect(f.insurance).toEqual({ insurerNumber: '138057', symbol: '0012', number: '0001234', branch: '01' });
    expect(f.copayPercent).toBe(20);
    expect(f.sex).toBe('female');
    const noPartial = answer('1', [{ ...person, copayPercent: undefined, elderlyCopayPercent: 20 }]);
    expect(toTerminalFinding(noPartial)!.copayPercent).toBe(20);
  });

  it('invalid: the lost numbers', () => {
    const f = toTerminalFinding(answer('2', [{ ...person, status: 'lost' }]))!;
    expect(f.validity).toBe('invalid');
    expect(f.insurance).toEqual({ insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', branch: '00' });
    expect(f.newerInsurance).toBeUndefined();
  });

  it('invalid_newer: the queried (lost) numbers and the newer 資格 with its copay', () => {
    const f = toTerminalFinding(parseQualificationAnswer(fixture('qualification-invalid-newer.utf8.xml')))!;
    expect(f.validity).toBe('invalid_newer');
    expect(f.insurance).toEqual({ insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', branch: '00' });
    expect(f.newerInsurance).toEqual({ insurerNumber: '01130017', symbol: '12345', number: '067', branch: '00' });
    expect(f.copayPercent).toBe(30);
    expect(TerminalFinding.parse(f)).toEqual(f);
  });

  it('not_found and multiple carry no numbers', () => {
    expect(toTerminalFinding(answer('4', []))).toEqual({
      validity: 'not_found',
      answeredAt: '2025-03-01T09:30:00+09:00',
    });
    expect(toTerminalFinding(answer('5', []))!.validity).toBe('multiple');
  });

  it('an unknown or missing validity code maps to null (the raw answer is kept)', () => {
    expect(toTerminalFinding(parseQualificationAnswer(fixture('qualification-unknown-validity.sjis.xml')))).toBeNull();
    expect(toTerminalFinding(answer(undefined, [person]))).toBeNull();
  });

  it('bulk rows map the same way', () => {
    const a = parseAnswer(fixture('bulk-result.sjis.xml'), { file: 'OQSmuquc02res_x.xml' }) as BulkResultAnswer;
    const [first, second] = a.units.map((u) => bulkUnitToFinding(u, a.header));
    expect(first).toMatchObject({
      validity: 'valid',
      copayPercent: 10,
      insurance: { insurerNumber: '39131015', number: '00098765' },
    });
    expect(second).toMatchObject({ validity: 'not_found' });
  });
});
