// The 個人番号 (My Number) and PINs are never stored. Visits pass through zod, which drops unknown keys, but a
// field that *looks* like a My Number is refused loudly instead of silently kept or silently dropped.

const FORBIDDEN_KEY =
  /(my_?number|mynumber|kojin_?bang[o]u?|individual_?number|個人番号|マイナンバー(?!カード)|^pin$|pin_?code|暗証番号)/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID inside a longer string (a job key `<visit id>:reconcile`, a review key): an id, never typed digits. */
const UUID_IN_TEXT = /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** 12 digits, bare or grouped 4-4-4 (as printed on the card), not part of a longer number. */
const TWELVE_DIGITS = /(?<!\d)(\d{4})[\s\-‐]?(\d{4})[\s\-‐]?(\d{4})(?!\d)/g;

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

/** Finds the first path that carries a forbidden key or a 12-digit value passing the My Number check digit. */
export function findForbidden(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') {
    if (UUID.test(value)) return undefined; // ids are hex with hyphens, never a number someone typed
    if (SHA256_HEX.test(value)) return undefined; // a digest (evidence, files): ~2% hold a check-digit-valid run
    const t = value.normalize('NFKC').replace(UUID_IN_TEXT, ' ');
    for (const m of t.matchAll(TWELVE_DIGITS)) {
      if (isMyNumberLike(m[1]! + m[2]! + m[3]!)) return path || '(value)';
    }
    return undefined;
  }
  if (typeof value === 'number') return isMyNumberLike(String(value)) ? path || '(value)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findForbidden(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEY.test(k)) return p;
      const hit = findForbidden(v, p);
      if (hit) return hit;
    }
  }
  return undefined;
}
