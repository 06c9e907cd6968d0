// 自己負担割合 (health-insurance share) by age, with every boundary of DOMAIN.md §4. Rates are integer percent.
// 公費 and local subsidies are separate layers and not handled here.
import { addDays, ageOn, compareIso, formatIso, parseIsoDate, type YMD } from './dates.ts';
import { claimMessages as m } from './messages.ts';
import { fail, ok, type Result } from './result.ts';

export type CopayBand = 'preschool' | 'general' | 'elderly' | 'kouki';

export interface CopayInput {
  birthDate: string;
  serviceDate: string;
  /** 現役並み所得: 3割 for 70–74 (and 後期 when no explicit percent is given). */
  highIncome?: boolean;
  /** 後期高齢者 share from the 資格確認書 / 保険証 / terminal: 1割, 2割 or 3割. */
  koukiPercent?: number;
}

export interface CopayResult {
  percent: 10 | 20 | 30;
  band: CopayBand;
  /** Why, in Japanese, with the boundary date that applied. */
  reason: string;
  /** The band's boundary the rule used (ISO date), for display. */
  boundary: string | null;
}

const iso = (p: YMD) => formatIso(p);

/** The same calendar day `years` later; 2/29 births reach their birthday on 3/1 in common years. */
function anniversary(birth: YMD, years: number): string {
  const y = birth.y + years;
  const leapless = birth.m === 2 && birth.d === 29 && new Date(Date.UTC(y, 1, 29)).getUTCMonth() !== 1;
  return leapless ? formatIso({ y, m: 3, d: 1 }) : formatIso({ y, m: birth.m, d: birth.d });
}

/**
 * Last day of 未就学: the first 3/31 on or after the day before the 6th birthday (the age rises on that eve).
 * Born 4/1 → the eve is 3/31 itself, so the child leaves a year earlier than a 4/2 birthday.
 */
export function preschoolLastDay(birthDate: string): string | null {
  const b = parseIsoDate(birthDate);
  if (!b) return null;
  const eve = addDays(anniversary(b, 6), -1);
  const eveYear = Number(eve.slice(0, 4));
  const marchEnd = `${eveYear}-03-31`;
  return compareIso(eve, marchEnd) <= 0 ? marchEnd : `${eveYear + 1}-03-31`;
}

/**
 * First day of the 70–74 band: the 1st of the month after the month containing the eve of the 70th birthday.
 * Born on the 1st → the eve falls in the previous month, so the band starts in the birth month.
 */
export function elderlyFirstDay(birthDate: string): string | null {
  const b = parseIsoDate(birthDate);
  if (!b) return null;
  const eve = parseIsoDate(addDays(anniversary(b, 70), -1))!;
  const next = eve.m === 12 ? { y: eve.y + 1, m: 1, d: 1 } : { y: eve.y, m: eve.m + 1, d: 1 };
  return iso(next);
}

/** First day of 後期高齢者医療: the 75th birthday itself (same-day switch). */
export function koukiFirstDay(birthDate: string): string | null {
  const b = parseIsoDate(birthDate);
  return b ? anniversary(b, 75) : null;
}

export function copayByAge(input: CopayInput): Result<CopayResult> {
  const birth = parseIsoDate(input.birthDate);
  const on = parseIsoDate(input.serviceDate);
  if (!birth) return fail({ code: 'DATE_INVALID', message: m.dateInvalid(input.birthDate), field: 'birthDate' });
  if (!on) return fail({ code: 'DATE_INVALID', message: m.dateInvalid(input.serviceDate), field: 'serviceDate' });
  if (compareIso(input.birthDate, input.serviceDate) > 0) {
    return fail({ code: 'BIRTH_AFTER_SERVICE', message: m.birthAfterService(), field: 'birthDate' });
  }
  if (ageOn(birth, on) > 130) return fail({ code: 'BIRTH_TOO_OLD', message: m.birthTooOld(), field: 'birthDate' });

  const preschoolEnd = preschoolLastDay(input.birthDate)!;
  if (compareIso(input.serviceDate, preschoolEnd) <= 0) {
    return ok({
      percent: 20,
      band: 'preschool',
      reason: `未就学児（${preschoolEnd}まで）のため2割`,
      boundary: preschoolEnd,
    });
  }
  const koukiStart = koukiFirstDay(input.birthDate)!;
  if (compareIso(input.serviceDate, koukiStart) >= 0) {
    const p = input.koukiPercent ?? (input.highIncome ? 30 : undefined);
    if (p === undefined) {
      return fail({ code: 'KOUKI_PERCENT_REQUIRED', message: m.kokiPercentMissing(), field: 'koukiPercent' });
    }
    if (p !== 10 && p !== 20 && p !== 30) {
      return fail({ code: 'KOUKI_PERCENT_INVALID', message: m.kokiPercentBad(p), field: 'koukiPercent' });
    }
    return ok({
      percent: p,
      band: 'kouki',
      reason: `後期高齢者医療（75歳の誕生日${koukiStart}から）: ${p / 10}割`,
      boundary: koukiStart,
    });
  }
  const elderlyStart = elderlyFirstDay(input.birthDate)!;
  if (compareIso(input.serviceDate, elderlyStart) >= 0) {
    return ok(
      input.highIncome
        ? {
            percent: 30,
            band: 'elderly',
            reason: `70〜74歳（${elderlyStart}から）・現役並み所得のため3割`,
            boundary: elderlyStart,
          }
        : { percent: 20, band: 'elderly', reason: `70〜74歳（${elderlyStart}から）のため2割`, boundary: elderlyStart },
    );
  }
  return ok({ percent: 30, band: 'general', reason: '6歳（就学後）〜69歳のため3割', boundary: null });
}

/**
 * The terminal's share fields (`InsuredPartialContributionRatio` "030", `ElderlyRecipientContributionRatio`)
 * are percent as three digits: "010" = 1割. They win over age arithmetic when present.
 */
export function percentFromContributionRatio(code: string | undefined | null): 10 | 20 | 30 | null {
  if (!code || !/^\d{1,3}$/.test(code.trim())) return null;
  const n = Number(code.trim());
  return n === 10 || n === 20 || n === 30 ? n : null;
}
