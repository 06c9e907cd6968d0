// The 個人番号 (My Number) guard. The number and PINs are never stored or logged: a value that looks like a
// My Number is refused loudly (store) or replaced by a marker (log lines). Pure: no I/O.
//
// "Looks like a My Number" = 12 digits passing the check digit, written the way staff actually type it:
// full-width or kanji digits (〇一二…九, 零), grouped any way (4-4-4, 3-3-3-3, 2-…, none, one by one) with
// any separators between the groups (dashes, the IME's long-vowel mark ー, minus signs, bars, dots, ・,
// slashes, commas, underscores, runs of spaces). Typed text is cut into digit groups (maximal digit runs)
// and chains of groups joined only by separators; a candidate is a window of whole groups holding exactly 12
// digits, so a number that is part of a longer digit run is never flagged. When a window is only part of its
// chain, the separator at its edge must differ from every separator inside it ("1234-5678-9018 03-1234-5678"
// is a My Number next to a phone number; "2026/12/06 - 2026/12/07" holds no number at all).

/** Keys that name the number or a PIN: refused whatever their value. */
const FORBIDDEN_KEY =
  /(my_?number|mynumber|kojin_?bang[o]u?|individual_?number|個人番号|マイナンバー(?!カード)|^pin$|pin_?code|暗証番号)/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID inside a longer string (a job key `<visit id>:reconcile`, a review key): an id, never typed digits. */
const UUID_IN_TEXT = /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What a log line carries instead of a number found by `redactMyNumbers`. */
export const MY_NUMBER_MARKER = '[個人番号削除]';

const KANJI_DIGITS: Readonly<Record<string, string>> = {
  〇: '0',
  零: '0',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/**
 * Separator classes (after NFKC). A class letter stands for the kind of separator: two gaps "differ" when
 * their sets of classes differ, so ー and - are the same kind, a space and a dash are not.
 */
const SEPARATORS: readonly [RegExp, string][] = [
  [/\s/u, 's'],
  // dashes, hyphens, minus signs, the long-vowel mark, box-drawing bars used as dashes; not the wave dashes
  // 〜 〰 (ranges: 2026/1/6〜2026/1/7)
  [/[\p{Pd}\u2212\u30FC\uFF70\u2043\u02D7\u2500\u2501\u2574\u2576\uFE63](?<![\u301C\u3030])/u, 'd'],
  [/[|\u00A6\u2502\u2503\uFFE8]/u, 'b'],
  // dots and middle dots, the ideographic full stop
  [/[.\u00B7\u2022\u2027\u2219\u22C5\u30FB\uFF65\u3002\uFF61]/u, 'p'],
  [/[/\\\u2215\u2044\uFF0F]/u, 'l'],
  [/[,\u201A\u3001\uFF64]/u, 'c'],
  [/[_\u2017]/u, 'u'],
];

const separatorKinds = new Map<string, string | undefined>();

function separatorClass(c: string): string | undefined {
  if (separatorKinds.has(c)) return separatorKinds.get(c);
  const kind = SEPARATORS.find(([re]) => re.test(c))?.[1];
  if (separatorKinds.size < 4096) separatorKinds.set(c, kind);
  return kind;
}

/** 個人番号 check digit (番号法施行令 第8条): weights 2..7,2..6 from the right over the first 11 digits. */
export function isMyNumberLike(digits: string): boolean {
  if (!/^\d{12}$/.test(digits)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = Number(digits[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  const check = r <= 1 ? 0 : 11 - r;
  return check === Number(digits[11]);
}

/** One character of the normalised text and the UTF-16 range of the typed text it came from. */
interface Cell {
  c: string;
  from: number;
  to: number;
}

/** NFKC per typed character (so every normalised character knows where it came from), kanji digits as digits. */
function normalise(text: string): Cell[] {
  const cells: Cell[] = [];
  let i = 0;
  for (const ch of text) {
    const to = i + ch.length;
    const n = ch.charCodeAt(0) < 0x80 ? ch : ch.normalize('NFKC');
    for (let k = 0; k < n.length; k++) {
      const c = n[k]!;
      cells.push({ c: KANJI_DIGITS[c] ?? c, from: i, to });
    }
    i = to;
  }
  // UUIDs are ids, never typed digits: their characters break chains like any letter.
  const flat = cells.map((x) => x.c).join('');
  for (const m of flat.matchAll(UUID_IN_TEXT)) {
    for (let k = m.index; k < m.index + m[0].length; k++) cells[k]!.c = 'x';
  }
  return cells;
}

interface Group {
  digits: string;
  from: number;
  to: number;
}

/** Chains of digit groups joined only by separators; `gaps[k]` is the separator kind between groups k and k+1. */
function chains(cells: readonly Cell[]): { groups: Group[]; gaps: string[] }[] {
  const out: { groups: Group[]; gaps: string[] }[] = [];
  let groups: Group[] = [];
  let gaps: string[] = [];
  let gap = new Set<string>();
  const flush = (): void => {
    if (groups.length) out.push({ groups, gaps });
    groups = [];
    gaps = [];
  };
  for (let k = 0; k < cells.length;) {
    const cell = cells[k]!;
    if (cell.c >= '0' && cell.c <= '9') {
      let digits = '';
      const from = cell.from;
      let to = cell.to;
      while (k < cells.length && cells[k]!.c >= '0' && cells[k]!.c <= '9') {
        digits += cells[k]!.c;
        to = cells[k]!.to;
        k++;
      }
      if (groups.length) gaps.push([...gap].sort().join(''));
      groups.push({ digits, from, to });
      gap = new Set();
      continue;
    }
    const kind = separatorClass(cell.c);
    if (kind === undefined) flush();
    else gap.add(kind);
    k++;
  }
  flush();
  return out;
}

function isDate(y: string, m: string, d: string): boolean {
  return /^(19|20)\d\d$/.test(y) && m.length <= 2 && d.length <= 2 && +m >= 1 && +m <= 12 && +d >= 1 && +d <= 31;
}

/**
 * A chain with its dates taken out: three groups year-month-day (2026-1-6, 2026/01/06) joined by one kind of
 * separator are a date, and a date breaks the chain like a letter would ("2026/1/6 - 2026/1/7" holds twelve
 * digits but no number). No one groups a My Number 4-2-2.
 */
function withoutDates(chain: { groups: Group[]; gaps: string[] }): { groups: Group[]; gaps: string[] }[] {
  const { groups, gaps } = chain;
  const out: { groups: Group[]; gaps: string[] }[] = [];
  let from = 0;
  for (let k = 0; k + 2 < groups.length;) {
    const date = gaps[k] === gaps[k + 1] && isDate(groups[k]!.digits, groups[k + 1]!.digits, groups[k + 2]!.digits);
    if (!date) {
      k++;
      continue;
    }
    if (k > from) out.push({ groups: groups.slice(from, k), gaps: gaps.slice(from, k - 1) });
    from = k += 3;
  }
  if (from < groups.length) out.push({ groups: groups.slice(from), gaps: gaps.slice(from) });
  return out;
}

/** One character that is or becomes a digit (NFKC, kanji); ⑩…⑳, ㉑… (\p{No}) become two. */
const DIGITISH = /^[\p{N}〇零一二三四五六七八九]$/u;
/** The kanji digits among the CJK ideographs U+4E00–U+9FFF (the only characters of that block DIGITISH takes). */
const KANJI_DIGIT_CODES = new Set([...'一二三四五六七八九零'].map((c) => c.charCodeAt(0)));

/** ASCII separators (the ASCII characters SEPARATORS takes): they join digit groups into a chain. */
const ASCII_SEPARATOR = new Set([...' \t\n\v\f\r-|./\\,_'].map((c) => c.charCodeAt(0)));

/**
 * Cheap first look: a number is twelve digits within one chain (chains()), and most text (names, dates, times,
 * phone numbers) has fewer than twelve in every chain. An upper bound of each chain's digits: ASCII letters and
 * signs other than the separators end a chain, and so do kana and kanji letters (NFKC leaves them as they are; none
 * is a separator or a digit but the kanji digits); every other character may be a separator after NFKC and ends
 * nothing, and counts as two digits when DIGITISH takes it (⑩ → 10).
 */
function mayHoldTwelveDigits(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x30 && c <= 0x39) {
        if (++n >= 12) return true;
      } else if (!ASCII_SEPARATOR.has(c)) n = 0;
      continue;
    }
    if ((c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa)) {
      n = 0;
      continue;
    }
    if (c >= 0x4e00 && c <= 0x9fff && !KANJI_DIGIT_CODES.has(c)) {
      n = 0;
      continue;
    }
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (DIGITISH.test(String.fromCodePoint(cp)) && (n += 2) >= 12) return true;
  }
  return false;
}

/** Where My Numbers sit in `text`, as UTF-16 ranges of the typed text (overlapping ranges merged). */
function findMyNumbers(text: string): { from: number; to: number }[] {
  const found: { from: number; to: number }[] = [];
  if (!mayHoldTwelveDigits(text)) return found;
  for (const { groups, gaps } of chains(normalise(text)).flatMap(withoutDates)) {
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length && digits.length < 12; j++) {
        digits += groups[j]!.digits;
        if (digits.length !== 12 || !isMyNumberLike(digits)) continue;
        const inner = new Set(gaps.slice(i, j));
        if (i > 0 && inner.has(gaps[i - 1]!)) continue;
        if (j < groups.length - 1 && inner.has(gaps[j]!)) continue;
        found.push({ from: groups[i]!.from, to: groups[j]!.to });
      }
    }
  }
  found.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged;
}

/** Whole-string ids that are never typed numbers: a UUID, a sha256 digest (~2% hold a check-digit-valid run). */
function isId(text: string): boolean {
  return UUID.test(text) || SHA256_HEX.test(text);
}

/** True when `text` carries a My Number in any typed form (see the module comment). */
export function containsMyNumber(text: string): boolean {
  return mayHoldTwelveDigits(text) && !isId(text) && findMyNumbers(text).length > 0;
}

/** `text` with every My Number in it replaced by MY_NUMBER_MARKER (for log lines). */
export function redactMyNumbers(text: string): string {
  if (isId(text)) return text;
  let out = '';
  let at = 0;
  for (const r of findMyNumbers(text)) {
    out += text.slice(at, r.from) + MY_NUMBER_MARKER;
    at = r.to;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** Finds the first path that carries a forbidden key or a value holding a My Number. */
export function findForbidden(value: unknown, path = ''): string | undefined {
  const hit = forbiddenIn(value);
  if (hit === undefined) return undefined;
  const at = hit.reduce<string>((p, seg) => (typeof seg === 'number' ? `${p}[${seg}]` : p ? `${p}.${seg}` : seg), path);
  return at || '(value)';
}

/** The path to the first hit, innermost segment last ([] for `value` itself); its string is made only for a hit. */
function forbiddenIn(value: unknown): (string | number)[] | undefined {
  if (typeof value === 'string') return containsMyNumber(value) ? [] : undefined;
  if (typeof value === 'number') return isMyNumberLike(String(value)) ? [] : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = forbiddenIn(value[i]);
      if (hit) return (hit.unshift(i), hit);
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const k of Object.keys(value)) {
      if (FORBIDDEN_KEY.test(k)) return [k];
      const hit = forbiddenIn((value as Record<string, unknown>)[k]);
      if (hit) return (hit.unshift(k), hit);
    }
  }
  return undefined;
}
