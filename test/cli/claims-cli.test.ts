import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleNames, examplesDir } from '../claims/helpers.ts';
import { shikaku } from './run.ts';

describe('shikaku claims insurer', () => {
  it('says 33120015 is valid (exit 0)', () => {
    const r = shikaku(['claims', 'insurer', '33120015', '--json']);
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({
      input: '33120015',
      normalized: '33120015',
      valid: true,
      kind: 'shaho',
      checkDigit: 5,
      expectedCheckDigit: 5,
      errors: [],
    });
  });

  it('says 33120016 is invalid with the expected check digit 5 (exit 1)', () => {
    const r = shikaku(['claims', 'insurer', '33120016', '--json']);
    expect(r.status).toBe(1);
    const j = r.json() as { valid: boolean; expectedCheckDigit: number; errors: { code: string; message: string }[] };
    expect(j.valid).toBe(false);
    expect(j.expectedCheckDigit).toBe(5);
    expect(j.errors[0]!.code).toBe('INSURER_CHECK_DIGIT');
  });

  it('prints a short Japanese line without --json, and checks 公費 with --kouhi', () => {
    expect(shikaku(['claims', 'insurer', '３３１２００１５']).stdout).toMatch(/^有効: 33120015/);
    expect(shikaku(['claims', 'insurer', '54016027', '--kouhi', '--json']).json()).toMatchObject({
      valid: true,
      kind: 'kouhi',
    });
  });

  it('exits 2 on usage errors', () => {
    expect(shikaku(['claims', 'insurer']).status).toBe(2);
    expect(shikaku(['claims', 'insurer', '1', '--bogus']).status).toBe(2);
    expect(shikaku(['no-such-command']).status).toBe(2);
  });
});

describe('shikaku claims copay', () => {
  it('prints percent, band and reason', () => {
    const r = shikaku(['claims', 'copay', '--birth', '2000-04-01', '--on', '2006-04-01', '--json']);
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ percent: 30, band: 'general' });
  });

  it('takes 和暦 and 後期 options', () => {
    expect(
      shikaku([
        'claims',
        'copay',
        '--birth',
        'S25.11.20',
        '--on',
        'R7.11.20',
        '--kouki-percent',
        '20',
        '--json',
      ]).json(),
    ).toMatchObject({ percent: 20, band: 'kouki' });
    expect(
      shikaku(['claims', 'copay', '--birth', '1955-05-15', '--on', '2025-07-01', '--income', 'high', '--json']).json(),
    ).toMatchObject({ percent: 30, band: 'elderly' });
  });

  it('exits 1 with reasons when the birth date is after the service date', () => {
    const r = shikaku(['claims', 'copay', '--birth', '2026-12-01', '--on', '2026-11-25', '--json']);
    expect(r.status).toBe(1);
    expect((r.json() as { errors: { code: string }[] }).errors[0]!.code).toBe('BIRTH_AFTER_SERVICE');
  });

  it('exits 2 without the required options', () => {
    expect(shikaku(['claims', 'copay', '--birth', '2000-01-01']).status).toBe(2);
  });
});

describe('shikaku claims decide', () => {
  const expected: Record<string, string> = {
    'portal.json': 'current',
    'qualification-certificate.json': 'current',
    // A 健康保険証 shown after 2025-12-01 gives past numbers (DOMAIN.md §7); the example is dated 2026-11-20.
    'insurance-card.json': 'past',
    'notice-with-card.json': 'current',
    'verbal.json': 'current',
    'emergency-mode.json': 'current',
    'declaration-known-numbers.json': 'current',
    'invalid-past.json': 'past',
    'declaration-unknown.json': 'unknown',
  };

  it('has an expectation for every documented example', () => {
    expect(exampleNames().sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, basis] of Object.entries(expected)) {
    it(`decides docs/examples/${file} as ${basis}`, () => {
      const r = shikaku(['claims', 'decide', '--json'], { input: readFileSync(join(examplesDir, file), 'utf8') });
      expect(r.status).toBe(0);
      const j = r.json() as { basis: string; ho: object; sn: object; remarks: string[] };
      expect(j.basis).toBe(basis);
      expect(j.ho).toHaveProperty('insurerNumber');
      expect(j.sn).toHaveProperty('branch');
      expect(Array.isArray(j.remarks)).toBe(true);
    });
  }

  it('applies a settings file and a later terminal answer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shikaku-cli-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify({ unknownInsurerNumber: '77777779' }));
    writeFileSync(
      join(dir, 't.json'),
      JSON.stringify({ validity: 'valid', insurance: { insurerNumber: '39131156', number: '00123456' } }),
    );
    const input = readFileSync(join(examplesDir, 'declaration-unknown.json'), 'utf8');
    expect(shikaku(['claims', 'decide', '--json', '--settings', join(dir, 's.json')], { input }).json()).toMatchObject({
      ho: { insurerNumber: '77777779' },
    });
    expect(shikaku(['claims', 'decide', '--json', '--terminal', join(dir, 't.json')], { input }).json()).toMatchObject({
      basis: 'current',
      rule: 'terminal_valid',
    });
  });

  it('gives the published ③ fill and 摘要 (2023-07-19 事務連絡): 77777777, no 記号, 777777777, 「不詳」 first; 本人/家族', () => {
    const input = readFileSync(join(examplesDir, 'declaration-unknown.json'), 'utf8');
    const j = shikaku(['claims', 'decide', '--json'], { input }).json() as Record<string, unknown>;
    expect(j).toMatchObject({
      basis: 'unknown',
      ho: { insurerNumber: '77777777', symbol: '', number: '777777777' },
      remarks: [
        '不詳',
        '住所：東京都中野区中野1-1-1 コーポ中野101',
        '事業所名：株式会社なかの商事',
        '連絡先：090-1234-5678',
      ],
      personalFamily: '1',
      needsDecision: [],
    });
    expect(shikaku(['claims', 'decide'], { input }).stdout).toBe(
      '③不詳: 77777777  777777777 本人 摘要: 不詳 / 住所：東京都中野区中野1-1-1 コーポ中野101 / 事業所名：株式会社なかの商事 / 連絡先：090-1234-5678\n',
    );
  });

  it('exits 1 with field reasons for an invalid visit, 2 for text that is not JSON', () => {
    const r = shikaku(['claims', 'decide', '--json'], { input: JSON.stringify({ id: 'x' }) });
    expect(r.status).toBe(1);
    expect((r.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain('serviceDate');
    expect(shikaku(['claims', 'decide', '--json'], { input: 'not json' }).status).toBe(2);
  });
});

describe('shikaku claims date', () => {
  it('reads typed dates', () => {
    expect(shikaku(['claims', 'date', '昭和45年4月1日', '--json']).json()).toMatchObject({ iso: '1970-04-01' });
    expect(shikaku(['claims', 'date', 'S64.1.8']).status).toBe(1);
  });
});
