// Dates of the move off the old 健康保険証 (DOMAIN.md §7), zod-free so the reception wizard can use them.
// Both are claim settings (settings.ts); these are their defaults.

/** Last day an old 健康保険証 counts as evidence of the current 資格. */
export const INSURANCE_CARD_VALID_UNTIL = '2025-12-01';

/** End of the 暫定的な取扱い (事務連絡 2025-06-27 [S60]): expired cards / the お知らせ alone when online-confirmed. */
export const TRANSITIONAL_UNTIL = '2026-03-31';

/** A 保険証 shown on this service date gives past numbers (after `validUntil`). */
export function insuranceCardIsPast(serviceDate: string, validUntil: string = INSURANCE_CARD_VALID_UNTIL): boolean {
  return serviceDate > validUntil;
}
