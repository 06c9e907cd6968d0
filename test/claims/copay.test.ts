import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  copayByAge,
  elderlyFirstDay,
  koukiFirstDay,
  percentFromContributionRatio,
  preschoolLastDay,
} from '../../src/claims/copay.ts';
import { addDays } from '../../src/claims/dates.ts';

const rate = (birthDate: string, serviceDate: string, extra: { highIncome?: boolean; koukiPercent?: number } = {}) => {
  const r = copayByAge({ birthDate, serviceDate, ...extra });
  if (!r.ok) throw new Error(r.errors.map((e) => e.code).join());
  return r.value;
};

describe('未就学 (2割 until the first 3/31 after the eve of the 6th birthday)', () => {
  it('born 2000-04-01: 2割 through 2006-03-31, 3割 from 2006-04-01 (DOMAIN.md reference)', () => {
    expect(rate('2000-04-01', '2006-03-31')).toMatchObject({ percent: 20, band: 'preschool' });
    expect(rate('2000-04-01', '2006-04-01')).toMatchObject({ percent: 30, band: 'general' });
  });

  it('born 2000-04-02: 2割 through 2007-03-31 (DOMAIN.md reference)', () => {
    expect(rate('2000-04-02', '2007-03-31')).toMatchObject({ percent: 20, band: 'preschool' });
    expect(rate('2000-04-02', '2007-04-01')).toMatchObject({ percent: 30, band: 'general' });
    expect(preschoolLastDay('2000-04-02')).toBe('2007-03-31');
  });

  it('covers the day of birth and a mid-year birthday', () => {
    expect(rate('2020-08-10', '2020-08-10').band).toBe('preschool');
    expect(preschoolLastDay('2020-08-10')).toBe('2027-03-31');
    expect(preschoolLastDay('2020-03-31')).toBe('2026-03-31');
    expect(preschoolLastDay('2020-02-29')).toBe('2026-03-31');
  });

  it('says why, with the boundary date', () => {
    expect(rate('2000-04-02', '2005-01-01').reason).toContain('2007-03-31');
  });
});

describe('70〜74歳 (from the month after the month of the 70th birthday`s eve)', () => {
  it('born mid-month: from the 1st of the next month', () => {
    expect(elderlyFirstDay('1955-05-15')).toBe('2025-06-01');
    expect(rate('1955-05-15', '2025-05-31')).toMatchObject({ percent: 30, band: 'general' });
    expect(rate('1955-05-15', '2025-06-01')).toMatchObject({ percent: 20, band: 'elderly' });
  });

  it('born on the 1st: from the birth month itself', () => {
    expect(elderlyFirstDay('1955-05-01')).toBe('2025-05-01');
    expect(rate('1955-05-01', '2025-04-30')).toMatchObject({ percent: 30, band: 'general' });
    expect(rate('1955-05-01', '2025-05-01')).toMatchObject({ percent: 20, band: 'elderly' });
  });

  it('born on 2nd of a month: eve is the 1st of the birth month, so the next month', () => {
    expect(elderlyFirstDay('1955-05-02')).toBe('2025-06-01');
  });

  it('born in December rolls into January of the next year; born 1/1 starts in January', () => {
    expect(elderlyFirstDay('1955-12-20')).toBe('2026-01-01');
    expect(elderlyFirstDay('1956-01-01')).toBe('2026-01-01');
  });

  it('現役並み所得 pays 3割', () => {
    expect(rate('1955-05-15', '2025-07-01', { highIncome: true })).toMatchObject({ percent: 30, band: 'elderly' });
  });
});

describe('後期高齢者 (from the 75th birthday itself, 1/2/3割 by income)', () => {
  it('switches on the birthday, not the next month: one month can hold two claims', () => {
    expect(koukiFirstDay('1950-11-20')).toBe('2025-11-20');
    expect(rate('1950-11-20', '2025-11-19')).toMatchObject({ percent: 20, band: 'elderly' });
    expect(rate('1950-11-20', '2025-11-20', { koukiPercent: 10 })).toMatchObject({ percent: 10, band: 'kouki' });
  });

  it('takes 1割, 2割 or 3割 as confirmed, and 3割 for 現役並み', () => {
    expect(rate('1940-01-01', '2026-01-01', { koukiPercent: 20 }).percent).toBe(20);
    expect(rate('1940-01-01', '2026-01-01', { koukiPercent: 30 }).percent).toBe(30);
    expect(rate('1940-01-01', '2026-01-01', { highIncome: true }).percent).toBe(30);
  });

  it('never guesses a 後期 rate: it asks for it', () => {
    const r = copayByAge({ birthDate: '1940-01-01', serviceDate: '2026-01-01' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.code).toBe('KOUKI_PERCENT_REQUIRED');
    const bad = copayByAge({ birthDate: '1940-01-01', serviceDate: '2026-01-01', koukiPercent: 15 });
    expect(!bad.ok && bad.errors[0]!.code).toBe('KOUKI_PERCENT_INVALID');
  });

  it('29 February births turn 75 on 1 March in common years', () => {
    expect(koukiFirstDay('1952-02-29')).toBe('2027-03-01');
  });
});

describe('bad input', () => {
  it('a birth date after the service date is an error', () => {
    const r = copayByAge({ birthDate: '2026-12-01', serviceDate: '2026-11-25' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'BIRTH_AFTER_SERVICE', field: 'birthDate' });
  });

  it('impossible dates are errors, not exceptions', () => {
    expect(copayByAge({ birthDate: '2023-02-29', serviceDate: '2026-01-01' }).ok).toBe(false);
    expect(copayByAge({ birthDate: '1980-01-01', serviceDate: 'yesterday' }).ok).toBe(false);
    expect(copayByAge({ birthDate: '1880-01-01', serviceDate: '2026-01-01' }).ok).toBe(false);
  });
});

describe('band boundaries (property)', () => {
  const birth = fc
    .date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('未就学 ends exactly at its last day, on a 3/31, and the day after is 3割', () => {
    fc.assert(
      fc.property(birth, (b) => {
        const last = preschoolLastDay(b)!;
        expect(last.endsWith('-03-31')).toBe(true);
        expect(rate(b, last).band).toBe('preschool');
        const next = addDays(last, 1);
        if (next < elderlyFirstDay(b)!) expect(rate(b, next).band).toBe('general');
        // the 6th birthday's eve lies in the year before the boundary or on it
        const age6eve = addDays(`${Number(b.slice(0, 4)) + 6}${b.slice(4)}`.replace('-02-29', '-03-01'), -1);
        expect(last >= age6eve).toBe(true);
        expect(addDays(last, -366) < age6eve).toBe(true);
      }),
    );
  });

  it('70〜74 starts on the 1st of a month, within a month after the 70th birthday`s eve', () => {
    fc.assert(
      fc.property(birth, (b) => {
        const start = elderlyFirstDay(b)!;
        expect(start.endsWith('-01')).toBe(true);
        expect(rate(b, addDays(start, -1)).band).toBe('general');
        expect(rate(b, start).band).toBe('elderly');
        const y70 = `${Number(b.slice(0, 4)) + 70}${b.slice(4)}`.replace('-02-29', '-03-01');
        expect(start <= addDays(y70, 31)).toBe(true);
        expect(start >= addDays(y70, -1)).toBe(true);
      }),
    );
  });

  it('後期 starts on the 75th birthday and the day before is still 70〜74', () => {
    fc.assert(
      fc.property(birth, (b) => {
        const start = koukiFirstDay(b)!;
        expect(rate(b, addDays(start, -1)).band).toBe('elderly');
        expect(rate(b, start, { koukiPercent: 10 }).band).toBe('kouki');
      }),
    );
  });
});

describe('terminal contribution ratio', () => {
  it('reads "010" as 1割, "020" as 2割, "030" as 3割; anything else is not a rate', () => {
    expect(percentFromContributionRatio('010')).toBe(10);
    expect(percentFromContributionRatio('020')).toBe(20);
    expect(percentFromContributionRatio('030')).toBe(30);
    expect(percentFromContributionRatio('000')).toBeNull();
    expect(percentFromContributionRatio('')).toBeNull();
    expect(percentFromContributionRatio(undefined)).toBeNull();
    expect(percentFromContributionRatio('abc')).toBeNull();
  });
});
