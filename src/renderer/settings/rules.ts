// Validation as typed on the 設定 screen. The core validates again on save (src/main/core/handlers/settings.ts)
// and its reasons replace these when they differ; these give the reason before the save button is pressed.
import { parseIsoDate } from '../../claims/dates.ts';
import { institutionCodeMessages, institutionCodeProblem } from '../../claims/institution.ts';
import { prefectureNames } from '../../claims/messages.ts';
import { digitsOnly, nfkc } from '../../claims/normalize.ts';
import { strings } from '../strings.ts';

const t = strings.settings;

/** The reason a 医療機関コード is wrong ('' is allowed: not set yet), or null. */
export function institutionError(raw: string): string | null {
  const d = digitsOnly(raw);
  if (d === null) return institutionCodeMessages.digits;
  if (d === '') return null;
  const p = institutionCodeProblem(d);
  return p ? institutionCodeMessages[p] : null;
}

/** What a valid code says about itself: 都道府県 and 点数表. */
export function institutionSummary(raw: string): string | undefined {
  const d = digitsOnly(raw);
  if (!d || institutionCodeProblem(d) !== null) return undefined;
  return t.institutionOk(prefectureNames[Number(d.slice(0, 2)) - 1] ?? '', t.tensuhyo[d[2]!] ?? '');
}

/** An integer in [min, max] typed in any width; null when it is not one. */
export function parseIntIn(raw: string, min: number, max: number): number | null {
  const d = digitsOnly(raw);
  if (d === null || d === '' || d.length > 9) return null;
  const n = Number(d);
  return n >= min && n <= max ? n : null;
}

export function intError(raw: string, min: number, max: number): string | null {
  return parseIntIn(raw, min, max) === null ? t.intRange(min, max) : null;
}

/** Exactly `n` digits (or, with a range 'a-b', between a and b digits). */
export function digitsError(raw: string, min: number, max = min): string | null {
  const d = nfkc(raw);
  const ok = /^\d+$/.test(d) && d.length >= min && d.length <= max;
  return ok ? null : t.digitsN(min === max ? String(min) : `${min}〜${max}`);
}

/** A calendar date typed as YYYY-MM-DD (any width), or the reason it is not one. */
export function dateError(raw: string): string | null {
  return parseIsoDate(nfkc(raw).trim()) === null ? t.dateFormat : null;
}
