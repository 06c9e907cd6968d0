// Claim settings: everything DOMAIN.md marks UNCONFIRMED is a setting with its documented default.
import { z } from 'zod';

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
  /** 不詳 記号: filled with 「7」 to this many digits; 0 omits the 記号 (default, UNCONFIRMED). */
  unknownSymbolLength: z.number().int().min(0).max(38).default(0),
  /** 不詳 番号: filled with 「7」 to this many digits (default 8, UNCONFIRMED). */
  unknownNumberLength: z.number().int().min(1).max(38).default(8),
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
   * 'unknown' claims ③ 不詳 (or ② from a past record), as issue #7 asks; 'evidence' keeps ① from the document.
   * Either way a warning says so and staff can pick the other basis in review. Only the reconciliation answer
   * counts: 「資格情報なし」 at reception followed by a document is the official ① path.
   */
  notFoundWithEvidence: z.enum(['unknown', 'evidence']).default('unknown'),
  /** 審査支払機関 when the 申立書 says 「わからない」 and nothing else points one way. */
  unknownInsuranceTypePayer: z.enum(['shiharai_kikin', 'kokuhoren']).default('shiharai_kikin'),
  /** Disaster fills. */
  disasterInsurerNumber: z
    .string()
    .regex(/^\d{8}$/)
    .default('99999999'),
  disasterNumber: z
    .string()
    .regex(/^\d{1,38}$/)
    .default('999999999'),
});
export type ClaimSettings = z.infer<typeof ClaimSettings>;
export type ClaimSettingsInput = z.input<typeof ClaimSettings>;

export const defaultClaimSettings: ClaimSettings = ClaimSettings.parse({});

/** Insurer numbers that are fills, not real insurers: allowed in exports although their check digit fails. */
export function fillInsurerNumbers(s: ClaimSettings): Set<string> {
  const fills = new Set<string>([s.unknownInsurerNumber]);
  if (s.kokuhoUnknownForm !== '8digit') fills.add(s.kokuhoUnknownForm);
  if (s.mode === 'disaster') fills.add(s.disasterInsurerNumber);
  return fills;
}
