// Calendar dates as 'YYYY-MM-DD' strings (no time zone: a birth date is a date), 和暦 display, and dates as
// reception staff type them: `1970-04-01`, `1970/4/1`, `19700401`, `S45.4.1`, `昭和45年4月1日`, `平成元年1月8日`.
import { claimMessages as m } from './messages.ts';
import { nfkc } from './normalize.ts';
import { fail, ok, type Result } from './result.ts';

export interface YMD {
  y: number;
  m: number;
  d: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatIso({ y, m: mo, d }: YMD): string {
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
}

export function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

function validYmd(y: number, mo: number, d: number): boolean {
  return Number.isInteger(y) && y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** Parse a strict ISO calendar date; null when it is not one or does not exist (2023-02-29). */
export function parseIsoDate(s: string): YMD | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) return null;
  const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return validYmd(y, mo, d) ? { y, m: mo, d } : null;
}

/** Compare two ISO dates (string order is date order for 'YYYY-MM-DD'). */
export function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The day before (or after, with a negative count) an ISO date. */
export function addDays(iso: string, days: number): string {
  const p = parseIsoDate(iso);
  if (!p) throw new RangeError(`not an ISO date: ${iso}`);
  const t = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
  return formatIso({ y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() });
}

/** Full years of age on a date, by the 年齢計算ニ関スル法律 (age rises at the end of the day before the birthday). */
export function ageOn(birth: YMD, on: YMD): number {
  let age = on.y - birth.y;
  if (on.m < birth.m || (on.m === birth.m && on.d < birth.d)) age -= 1;
  return age;
}

interface Era {
  name: string;
  letters: string[];
  start: string;
}

/** Eras from newest to oldest. `start` is the first day of the era. */
export const ERAS: Era[] = [
  { name: '令和', letters: ['R', 'r'], start: '2019-05-01' },
  { name: '平成', letters: ['H', 'h'], start: '1989-01-08' },
  { name: '昭和', letters: ['S', 's'], start: '1926-12-25' },
  { name: '大正', letters: ['T', 't'], start: '1912-07-30' },
  { name: '明治', letters: ['M', 'm'], start: '1868-01-25' },
];

const eraByToken = new Map<string, Era>();
for (const e of ERAS) {
  eraByToken.set(e.name, e);
  eraByToken.set(e.name[0]!, e); // 令, 平, 昭, 大, 明
  for (const l of e.letters) eraByToken.set(l, e);
}

function eraOf(iso: string): Era | null {
  return ERAS.find((e) => compareIso(iso, e.start) >= 0) ?? null;
}

/**
 * A date as staff type it, to ISO. Accepts 西暦 (`1970-04-01`, `1970/4/1`, `1970.4.1`, `19700401`,
 * `1970年4月1日`) and 和暦 (`S45.4.1`, `S450401`, `昭和45年4月1日`, `昭45.4.1`, `平成元年1月8日`, `R7/1/1`).
 * A 和暦 date outside its era (昭和64年2月1日) is an error, not a guess.
 */
export function parseTypedDate(input: string): Result<string> {
  const s = nfkc(input).replace(/\s+/g, '');
  const bad = () => fail<string>({ code: 'DATE_FORMAT', message: m.dateFormat(input) });
  const invalid = () => fail<string>({ code: 'DATE_INVALID', message: m.dateInvalid(input) });

  let match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (match) {
    const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    return validYmd(y, mo, d) ? ok(formatIso({ y, m: mo, d })) : invalid();
  }
  match =
    /^(令和|平成|昭和|大正|明治|[令平昭大明RHSTMrhstm])(元|\d{1,2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ??
    /^([RHSTMrhstm])(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!match) return bad();
  const era = eraByToken.get(match[1]!);
  if (!era) return bad();
  const eraYear = match[2] === '元' ? 1 : Number(match[2]);
  const startYear = Number(era.start.slice(0, 4));
  const [y, mo, d] = [startYear + eraYear - 1, Number(match[3]), Number(match[4])];
  if (eraYear < 1 || !validYmd(y, mo, d)) return invalid();
  const iso = formatIso({ y, m: mo, d });
  if (eraOf(iso) !== era) return invalid();
  return ok(iso);
}

/**
 * The Japanese-calendar formatter, made on first use: building it loads ICU's calendar data (tens of ms in
 * Chromium), which the first screen, before any date is shown, should not pay at load.
 */
let warekiFormat: Intl.DateTimeFormat | undefined;
const wareki = (): Intl.DateTimeFormat =>
  (warekiFormat ??= new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
    era: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  }));

/** 和暦 display of an ISO date, e.g. '1970-04-01' → '昭和45年4月1日' (the first year of an era reads 元年). */
export function toWareki(iso: string): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return wareki().format(new Date(Date.UTC(p.y, p.m - 1, p.d)));
}

/** '1970-04-01' → '1970年4月1日（昭和45年4月1日）': what a receptionist reads back to a patient. */
export function formatBothCalendars(iso: string): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  return `${p.y}年${p.m}月${p.d}日（${toWareki(iso)}）`;
}

/** Japan Standard Time is UTC+9 all year (no daylight saving): claims follow the clinic's calendar. */
export const JST_OFFSET_MS = 9 * 3_600_000;

/** 'YYYY-MM-DD' of an epoch-ms instant in Japan time. */
export function jstDate(ms: number): string {
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM' of an epoch-ms instant in Japan time. */
export function jstMonth(ms: number): string {
  return jstDate(ms).slice(0, 7);
}

/** The month after a 'YYYY-MM' month ('2025-12' → '2026-01'). */
export function nextMonth(month: string): string {
  const [y, mo] = month.split('-').map(Number) as [number, number];
  return mo === 12 ? `${pad(y + 1, 4)}-01` : `${pad(y, 4)}-${pad(mo + 1)}`;
}
