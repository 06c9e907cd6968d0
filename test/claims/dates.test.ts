import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBothCalendars, parseIsoDate, parseTypedDate, toWareki } from '../../src/claims/dates.ts';

const parsed = (s: string) => {
  const r = parseTypedDate(s);
  return r.ok ? r.value : r.errors[0]!.code;
};

describe('dates as staff type them', () => {
  it('reads 西暦 in the usual forms', () => {
    for (const s of [
      '1970-04-01',
      '1970/4/1',
      '1970.4.1',
      '19700401',
      '1970年4月1日',
      '１９７０－０４－０１',
      ' 1970/04/01 ',
    ]) {
      expect(parsed(s), s).toBe('1970-04-01');
    }
  });

  it('reads 和暦 with letters, one-kanji and full era names, and 元年', () => {
    for (const s of [
      'S45.4.1',
      's45/4/1',
      'S450401',
      '昭和45年4月1日',
      '昭45.4.1',
      'Ｓ４５．４．１',
      '昭和４５年４月１日',
    ]) {
      expect(parsed(s), s).toBe('1970-04-01');
    }
    expect(parsed('平成元年1月8日')).toBe('1989-01-08');
    expect(parsed('H1.1.8')).toBe('1989-01-08');
    expect(parsed('R1.5.1')).toBe('2019-05-01');
    expect(parsed('令和7年11月25日')).toBe('2025-11-25');
    expect(parsed('T15.12.24')).toBe('1926-12-24');
    expect(parsed('M45.7.29')).toBe('1912-07-29');
  });

  it('refuses a 和暦 date outside its era rather than guessing', () => {
    expect(parsed('昭和64年1月8日')).toBe('DATE_INVALID'); // 平成 began that day
    expect(parsed('H31.5.1')).toBe('DATE_INVALID'); // 令和 began that day
    expect(parsed('H1.1.7')).toBe('DATE_INVALID');
    expect(parsed('S0.1.1')).toBe('DATE_INVALID');
  });

  it('refuses impossible dates and unreadable text with a Japanese example of what works', () => {
    expect(parsed('2023-02-29')).toBe('DATE_INVALID');
    expect(parsed('1970-13-01')).toBe('DATE_INVALID');
    expect(parsed('きのう')).toBe('DATE_FORMAT');
    expect(parsed('')).toBe('DATE_FORMAT');
    const r = parseTypedDate('X45.4.1');
    expect(!r.ok && r.errors[0]!.message).toContain('S45.4.1');
  });

  it('shows 和暦 through Intl (元年 included)', () => {
    expect(toWareki('1970-04-01')).toBe('昭和45年4月1日');
    expect(toWareki('1989-01-07')).toBe('昭和64年1月7日');
    expect(toWareki('1989-01-08')).toBe('平成元年1月8日');
    expect(toWareki('2019-05-01')).toBe('令和元年5月1日');
    expect(formatBothCalendars('2026-11-25')).toBe('2026年11月25日（令和8年11月25日）');
  });

  it('round-trips: any date shown in 和暦 reads back as the same date (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1912-07-30T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseIsoDate(iso)).not.toBeNull();
          expect(parsed(toWareki(iso))).toBe(iso);
        },
      ),
    );
  });
});
