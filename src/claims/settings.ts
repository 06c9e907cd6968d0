// Claim settings: everything DOMAIN.md marks UNCONFIRMED is a setting with its documented default.
import { z } from 'zod';
import { INSURANCE_CARD_VALID_UNTIL, TRANSITIONAL_UNTIL } from './card-dates.ts';

export const ClaimSettings = z.object({
  /**
   * 'normal': the outage rules (① 現資格 / ② 旧資格 / ③ 不詳 filled with 「7」).
   * 'disaster': the separate disaster rules (「9」 fills, 「不詳」 at the head of 摘要欄). Never mixed.
   */
  mode: z.enum(['normal', 'disaster']).default('normal'),
  /** ③ 不詳 保険者番号: 77777777, or 77777779 for レセコン that enforce the check digit (2023-09-15 改正). */
  unknownInsurerNumber: z.enum(['77777777', '77777779']).default('77777777'),
  /**
   * 国保 不詳 form (UNCONFIRMED): '8digit' uses unknownInsurerNumber for every insurer; '777777' or '777771'
   * (the check-digit-valid 6-digit form) are used when the declaration says 国保.
   */
  kokuhoUnknownForm: z.enum(['8digit', '777777', '777771']).default('8digit'),
  /**
   * 不詳 記号: filled with 「7」 to this many digits; 0 omits the 記号 (default: the 2023-07-19 事務連絡 says the
   * 記号 is not recorded [S1b]).
   */
  unknownSymbolLength: z.number().int().min(0).max(19).default(0),
  /** 不詳 番号: filled with 「7」 to this many digits (default 9: 「777777777」, 2023-07-19 事務連絡 [S1b]). */
  unknownNumberLength: z.number().int().min(1).max(19).default(9),
  /** 不詳 番号 for 後期高齢者医療: 8 digits 「77777777」 by the same 事務連絡 [S1b]. */
  unknownNumberLengthKouki: z.number().int().min(1).max(19).default(8),
  /** コメントコード for 摘要 text (UNCONFIRMED: no mandated code; 810000001 is the free-text comment). */
  commentCode: z
    .string()
    .regex(/^\d{9}$/)
    .default('810000001'),
  /** 診療識別 for the CO records (99: 全体に係るもの; configurable for レセコン that expect otherwise). */
  commentShinryoShikibetsu: z
    .string()
    .regex(/^\d{2}$/)
    .default('99'),
  /**
   * When reconciliation's answer for the visit's numbers is 該当資格なし although a document showed them:
   * 'review' (default) proposes ③ 不詳 (or ② from a past record) and sends the visit to 要確認 with the typed
   * numbers shown, so a typing slip is caught before a ③ claim that ① would have paid (issue #12); 'unknown'
   * claims the proposal without asking (issue #7's 「資格情報なしの場合には『不詳レセプト』」); 'evidence' keeps ①
   * from the document. Only the reconciliation answer counts: 「資格情報なし」 at reception followed by a
   * document is the official ① path.
   */
  notFoundWithEvidence: z.enum(['review', 'unknown', 'evidence']).default('review'),
  /** 審査支払機関 when the 申立書 says 「わからない」 and nothing else points one way. */
  unknownInsuranceTypePayer: z.enum(['shiharai_kikin', 'kokuhoren']).default('shiharai_kikin'),
  /** Disaster fills. */
  disasterInsurerNumber: z
    .string()
    .regex(/^\d{8}$/)
    .default('99999999'),
  /** Fill lengths stop at 19: UKE 記号・番号 hold 38 bytes, written full-width. */
  disasterNumber: z
    .string()
    .regex(/^\d{1,19}$/)
    .default('999999999'),
  /**
   * Last day an old 健康保険証 counts as evidence of the current 資格 (2025-12-01, DOMAIN.md §7). A 保険証
   * shown after it gives *past* numbers (② unless reconciliation confirms them).
   */
  insuranceCardValidUntil: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default(INSURANCE_CARD_VALID_UNTIL),
  /**
   * End of the 暫定的な取扱い (事務連絡 2025-06-27, to 2026-03-31 [S60]): until then, when the online check
   * confirms the 資格, the 資格情報のお知らせ counts without the card.
   */
  transitionalUntil: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default(TRANSITIONAL_UNTIL),
  /**
   * Bytes of one UKE CO 文字データ (漢字, 2 bytes a character). UNCONFIRMED: 76 (38 characters) as read from the
   * 記録条件仕様; a longer 摘要 line is continued on the next CO record.
   */
  commentMaxBytes: z.number().int().min(20).max(2400).default(76),
});
export type ClaimSettings = z.infer<typeof ClaimSettings>;
export type ClaimSettingsInput = z.input<typeof ClaimSettings>;

export const defaultClaimSettings: ClaimSettings = ClaimSettings.parse({});

/**
 * Stored claim settings read key by key: a value the rules no longer accept (an older build's range, a hand edit)
 * falls back to its own default and is named in `invalid`; every other key keeps the clinic's value. (Parsing the
 * whole object would drop all of a clinic's choices for one bad value.) Unknown keys are ignored.
 */
export function readClaimSettings(raw: unknown): { settings: ClaimSettings; invalid: string[] } {
  const whole = ClaimSettings.safeParse(raw);
  if (whole.success) return { settings: whole.data, invalid: [] };
  const stored = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...defaultClaimSettings };
  const invalid: string[] = [];
  for (const [key, field] of Object.entries(ClaimSettings.shape)) {
    if (!(key in stored)) continue;
    const r = (field as z.ZodType).safeParse(stored[key]);
    if (r.success) settings[key] = r.data;
    else invalid.push(key);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid.push('(not an object)');
  return { settings: settings as ClaimSettings, invalid };
}

/** Insurer numbers that are fills, not real insurers: allowed in exports although their check digit fails. */
export function fillInsurerNumbers(s: ClaimSettings): Set<string> {
  const fills = new Set<string>([s.unknownInsurerNumber]);
  if (s.kokuhoUnknownForm !== '8digit') fills.add(s.kokuhoUnknownForm);
  if (s.mode === 'disaster') fills.add(s.disasterInsurerNumber);
  return fills;
}
