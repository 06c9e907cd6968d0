// The visit: one reception taken while マイナ保険証 confirmation could not be done.
// This is the one shape shared by the CLI (`claims decide`, `visits add`), the journal, the UI and the
// reconciler. docs/visit.md documents it; docs/examples/ has one complete example per evidence path.
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const isoDateTime = z.string().datetime({ offset: true });

/** Why the card check could not be done (DOMAIN.md §1). */
export const FailureCause = z.enum([
  'reader_fault', // 顔認証付きカードリーダー の故障
  'terminal_fault', // 資格確認端末 の故障
  'card_fault', // 券面汚損・ICチップ破損
  'certificate_expired', // 利用者証明用電子証明書 の期限切れ
  'power_outage', // 停電
  'facility_network', // 施設の通信障害
  'wide_area_network', // 広範囲のネットワーク障害
  'qualification_invalid', // 「資格（無効）」
  'qualification_not_found', // 「資格情報なし」
]);
export type FailureCause = z.infer<typeof FailureCause>;

/** How the person was identified (本人確認). */
export const IdentityMethod = z.enum(['face', 'pin', 'visual', 'none']);
export type IdentityMethod = z.infer<typeof IdentityMethod>;

/** What showed the insurance, in the official order (DOMAIN.md §1). */
export const EvidenceKind = z.enum([
  'portal', // マイナポータル「医療保険の資格情報」画面 or its PDF
  'qualification_certificate', // 資格確認書
  'insurance_card', // 健康保険証
  'notice_with_card', // 資格情報のお知らせ, shown together with the マイナンバーカード
  'verbal', // returning patient: verbal confirmation that nothing changed since a past visit
  'declaration', // 被保険者資格申立書
  'emergency_mode', // システム障害時モード (緊急時医療情報・資格確認機能)
  'precheck', // 事前確認: the terminal's answer fetched ahead (before opening hours), identity checked at the desk
]);
export type EvidenceKind = z.infer<typeof EvidenceKind>;

export const Sex = z.enum(['male', 'female']);
export type Sex = z.infer<typeof Sex>;

/** 保険者番号・記号・番号・枝番 as typed or read. Strings throughout: leading zeros matter. */
export const InsuranceNumbers = z.object({
  insurerNumber: z.string(),
  symbol: z.string().default(''),
  number: z.string(),
  branch: z.string().default(''),
});
export type InsuranceNumbers = z.infer<typeof InsuranceNumbers>;

/** 申立書 保険種別. 'unknown' is the form's 「わからない」. */
export const DeclaredInsuranceType = z.enum([
  'kyokai', // 協会けんぽ
  'kumiai', // 健康保険組合
  'kyosai', // 共済組合
  'seamen', // 船員保険
  'kokuho', // 国民健康保険 (市町村 / 国保組合)
  'kouki', // 後期高齢者医療
  'unknown', // わからない
]);
export type DeclaredInsuranceType = z.infer<typeof DeclaredInsuranceType>;

export const Relationship = z.enum(['self', 'family']);

/** 被保険者資格申立書: what the patient declares when nothing else shows the insurance. */
export const Declaration = z.object({
  declaredOn: isoDate,
  name: z.string(),
  nameKana: z.string().default(''),
  birthDate: isoDate,
  sex: Sex.optional(),
  postalCode: z.string().default(''),
  address: z.string(),
  phone: z.string(),
  insuranceType: DeclaredInsuranceType,
  relationship: Relationship.default('self'),
  insuredPersonName: z.string().default(''), // 被保険者氏名 when the patient is a family member
  insurerName: z.string().default(''), // 保険者名 when known
  employerName: z.string().default(''), // 事業所名 (勤務先)
  employerAddress: z.string().default(''),
  /** Numbers the patient remembers, if any (partial numbers are kept but not claimed). */
  knownNumbers: InsuranceNumbers.partial().optional(),
  /** Insurance acquired or changed recently (資格取得日 when the patient knows it). */
  acquiredOn: isoDate.optional(),
  signedBy: z.string().default(''), // 申立者 when not the patient (保護者 etc.)
  /**
   * 65–74 with a 障害認定 (後期高齢者医療 from 65): only staff can know it, so the form asks. With the age it
   * decides the 後期 form of the ③ 不詳 番号 (8 digits, 2023-07-19 事務連絡).
   */
  disabilityCertified: z.boolean().optional(),
});
export type Declaration = z.infer<typeof Declaration>;

/** What the 資格確認端末 said, at reception or later during reconciliation. */
export const TerminalValidity = z.enum(['valid', 'invalid', 'invalid_newer', 'not_found', 'multiple']);
export type TerminalValidity = z.infer<typeof TerminalValidity>;

export const TerminalFinding = z.object({
  validity: TerminalValidity,
  /**
   * The 資格 the answer is about: for 'valid' the current one; for 'invalid' and 'invalid_newer' the queried,
   * now lost 資格 (the basis for ② 旧資格).
   */
  insurance: InsuranceNumbers.optional(),
  /** For 'invalid_newer': the newer 資格 when the answer carries it (the basis for ①). */
  newerInsurance: InsuranceNumbers.optional(),
  name: z.string().optional(),
  birthDate: isoDate.optional(),
  sex: Sex.optional(),
  copayPercent: z.number().int().optional(),
  /** PersonalFamilyClassification of the 資格 claimed on: '1' 本人, '2' 家族. */
  personalFamily: z.enum(['1', '2']).optional(),
  answeredAt: isoDateTime.optional(),
});
export type TerminalFinding = z.infer<typeof TerminalFinding>;

/** The card's 4 basic items noted during システム障害時モード (DOMAIN.md §1). */
export const FourItems = z.object({
  name: z.string(),
  birthDate: isoDate,
  sex: Sex,
  address: z.string(),
});

export const Patient = z.object({
  /** The clinic's own patient id (カルテ番号 / 照会番号), when there is one. */
  patientId: z.string().default(''),
  name: z.string().min(1),
  nameKana: z.string().default(''),
  birthDate: isoDate,
  sex: Sex,
  postalCode: z.string().default(''),
  address: z.string().default(''),
  phone: z.string().default(''),
});
export type Patient = z.infer<typeof Patient>;

export const Evidence = z.object({
  kind: EvidenceKind,
  /** The numbers the evidence shows (portal, 資格確認書, 保険証, お知らせ, verbal from stored data). */
  insurance: InsuranceNumbers.optional(),
  /** For 'verbal': which stored record the patient confirmed as unchanged. */
  pastRecordRef: z.string().optional(),
  /** For 'verbal': staff confirmed 「変更なし」 with the patient. */
  confirmedUnchanged: z.boolean().optional(),
  declaration: Declaration.optional(),
  fourItems: FourItems.optional(),
  /** For 'emergency_mode': the incident (activation) this visit was taken under. */
  incidentRef: z.string().optional(),
  /** For 'precheck': when the answer was fetched and the archived answer file it rests on (docs/precheck.md). */
  precheck: z
    .object({ fetchedAt: isoDateTime, answerSha256: z.string().regex(/^[0-9a-f]{64}$/), rowId: z.string() })
    .optional(),
});
export type Evidence = z.infer<typeof Evidence>;

export const Copay = z.object({
  percent: z.union([z.literal(0), z.literal(10), z.literal(20), z.literal(30)]),
  /** Where the rate came from: age arithmetic, a terminal answer, or staff changing it (with a reason). */
  source: z.enum(['age', 'terminal', 'staff']),
  reason: z.string().default(''),
});
export type Copay = z.infer<typeof Copay>;

export const Visit = z.object({
  id: z.string().min(1),
  serviceDate: isoDate,
  receivedAt: isoDateTime,
  staff: z.string().min(1),
  patient: Patient,
  cause: FailureCause,
  identity: z.object({
    method: IdentityMethod,
    confirmedBy: z.string().default(''),
    confirmedAt: isoDateTime.optional(),
  }),
  evidence: Evidence,
  /** Numbers known from the past (the 「資格（無効）」 screen, past visit records): the basis for ②. */
  pastInsurance: InsuranceNumbers.optional(),
  /** What the terminal said at reception, if it answered at all (e.g. 「資格（無効）」 with old numbers). */
  terminal: TerminalFinding.optional(),
  copay: Copay,
  note: z.string().default(''),
  /**
   * A visit taken in 訓練モード (practice on the simulated devices): set by the core running in 訓練モード, refused by
   * a real one, never exported as a claim.
   */
  drill: z.literal(true).optional(),
});
export type Visit = z.infer<typeof Visit>;
export type VisitInput = z.input<typeof Visit>;
