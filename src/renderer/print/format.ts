// Local date and time, as the renderer shows and sends them (the printed sheets, the incident screen, the
// reception wizard). Times are in the clinic PC's local time; dates on the official form also in 和暦.
import { toWareki } from '../../claims/dates.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** '2026-11-25' → '2026年11月25日'. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : iso;
}

/** '2026-11-25' → '令和8年11月25日（2026年）'. */
export function formatDateWareki(iso: string): string {
  const m = /^(\d{4})-\d{2}-\d{2}$/.exec(iso);
  return m ? `${toWareki(iso)}（${m[1]}年）` : iso;
}

/** '2026-11' → '令和8年11月'. */
export function formatMonthWareki(month: string): string {
  return /^\d{4}-\d{2}$/.test(month) ? toWareki(`${month}-01`).replace(/\d+日$/, '') : month;
}

/** An ISO instant → '2026年11月25日 09:05' in local time ('' for '' / null, the text itself when unreadable). */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An ISO instant → '2026/11/25 09:05' in local time, for narrow table cells. */
export function formatDateTimeShort(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local calendar date (the clinic's day), YYYY-MM-DD. */
export function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** ISO 8601 with the local offset (+09:00 in Japan). */
export function localIso(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** An instant as staff type it: 'YYYY-MM-DD HH:MM', local time. */
export function toLocalInput(d: Date): string {
  return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A typed local time → ISO 8601 with the local offset; undefined when it is not a time. Accepts
 * 'YYYY-MM-DD HH:MM[:SS]' (also with '/' or 'T', full-width digits) and 'HH:MM' alone (= today).
 */
export function fromLocalInput(value: string, today: Date = new Date()): string | undefined {
  const t = value.normalize('NFKC').trim();
  const full = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]+)(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  const timeOnly = /^(\d{1,2}):(\d{2})$/.exec(t);
  let parts: number[];
  if (full) parts = [full[1], full[2], full[3], full[4], full[5], full[6] ?? '0'].map(Number);
  else if (timeOnly)
    parts = [today.getFullYear(), today.getMonth() + 1, today.getDate(), Number(timeOnly[1]), Number(timeOnly[2]), 0];
  else return undefined;
  const [y, mo, da, h, mi, sec] = parts as [number, number, number, number, number, number];
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  const d = new Date(y, mo - 1, da, h, mi, sec);
  if (d.getFullYear() !== y || d.getMonth() !== mo - 1 || d.getDate() !== da || d.getHours() !== h) return undefined;
  return localIso(d);
}

/** A local calendar date 'YYYY-MM-DD' → the ISO instant of its start (from) or its last second (to). */
export function dayBoundary(date: string, end: boolean): string | undefined {
  return fromLocalInput(`${date} ${end ? '23:59:59' : '00:00:00'}`);
}

/**
 * A phone number as people write it: 090-1234-5678, 0120-123-456, 03-1234-5678 (Tokyo / Osaka: 2-digit area
 * codes), else 3-3-4 for other fixed lines. Digits only are grouped; anything already written otherwise is kept.
 */
export function formatPhone(raw: string): string {
  const t = raw.normalize('NFKC').trim();
  if (!/^\d+$/.test(t)) return t;
  if (t.length === 11 && /^0[5789]0/.test(t)) return `${t.slice(0, 3)}-${t.slice(3, 7)}-${t.slice(7)}`;
  if (t.length === 10 && /^0120|^0800/.test(t)) return `${t.slice(0, 4)}-${t.slice(4, 7)}-${t.slice(7)}`;
  if (t.length === 10 && /^0[36]/.test(t)) return `${t.slice(0, 2)}-${t.slice(2, 6)}-${t.slice(6)}`;
  if (t.length === 10) return `${t.slice(0, 3)}-${t.slice(3, 6)}-${t.slice(6)}`;
  return t;
}
