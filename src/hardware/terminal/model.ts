// The shapes of the 資格確認端末 file interface (DOMAIN.md §5), as this link sees them.
// Every value from the XML is a string, exactly as written (leading zeros kept). Elements we do not model are
// kept in `extra` (original element names), and the whole parsed tree is kept in `raw`.
import { z } from 'zod';

/** One single 資格確認 query (保険者番号+記号+番号+枝番+生年月日). */
export const QualificationQuery = z.object({
  /** 保険者番号: 8 digits, or 6 for 国保 (sent left-padded with "00", see `padKokuhoInsurer`). */
  insurerNumber: z.string().min(1),
  symbol: z.string().default(''),
  number: z.string().min(1),
  branch: z.string().default(''),
  birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  /** 医療機関コード (10 digits). Omitted from the request when empty. */
  medicalInstitutionCode: z.string().default(''),
  /** Date the qualification is asked for (QualificationConfirmationDate), e.g. the service date. UNCONFIRMED element. */
  confirmationDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  /** 限度額適用認定証 提供同意 (LimitApplicationCertificateRelatedConsFlg): default not consented. */
  limitApplicationConsent: z.boolean().default(false),
  /** Per-row identifier (ArbitraryIdentifier) echoed back in 一括照会 results. */
  rowId: z.string().optional(),
  /** Further QualificationConfirmSearchInfo elements, written as given (the mandatory list is UNCONFIRMED). */
  extra: z.record(z.string(), z.string()).optional(),
});
export type QualificationQuery = z.infer<typeof QualificationQuery>;
export type QualificationQueryInput = z.input<typeof QualificationQuery>;

export type XmlTree = Record<string, unknown>;

/**
 * A field of an answer whose text does not have the form the interface gives it (DOMAIN.md §5): an InsurerNumber
 * that is not 6 or 8 digits, a Birthdate that is not a YYYYMMDD date, a code that is not one digit, a known field
 * given twice or holding child elements. The text is kept as written (typed field and `raw`); it is never repaired.
 * An unknown code of the right form (e.g. QualificationValidity "7") is NOT a problem: the code lists are
 * UNCONFIRMED. Empty elements count as absent, not as problems.
 *
 * Consumers: an answer (or 一括照会 row) with problems yields no TerminalFinding (`finding: null`); the reconciler
 * reads `fieldProblems` to send the visit to 要確認 with the reason.
 */
export interface FieldProblem {
  /** Element path below XmlMsg with array indexes, e.g. "MessageBody/ResultList/ResultOfQualificationConfirmation[0]/InsurerNumber". */
  path: string;
  /** 'bad_shape': the text has the wrong form; 'not_a_value': the element repeats or holds child elements. */
  reason: 'bad_shape' | 'not_a_value';
  /** The form expected, in English, e.g. "6 or 8 digits". */
  expected: string;
  /** The text as written, cut to 64 characters (absent for 'not_a_value'). */
  value?: string;
}
export type TextEncodingName = 'shift_jis' | 'utf-8';

export interface MessageHeader {
  processExecutionTime?: string;
  qualificationConfirmationDate?: string;
  medicalInstitutionCode?: string;
  arbitraryFileIdentifier?: string;
  referenceClassification?: string;
  /** 1 正常, 2 処理中, 9 異常 (codes.ts SegmentOfResult). */
  segmentOfResult?: string;
  errorCode?: string;
  errorMessage?: string;
  /** 0 UTF-8, 1 Shift_JIS (codes.ts CharacterCodeIdentifier). */
  characterCodeIdentifier?: string;
  /** 一括照会: the ticket used to fetch results. */
  receptionNumber?: string;
  extra: Record<string, unknown>;
  /** Problems in the header's own fields (also listed in the answer's `fieldProblems`). */
  fieldProblems: FieldProblem[];
}

export interface ElderlyRecipientCertificateInfo {
  certificateDate?: string;
  validStartDate?: string;
  validEndDate?: string;
  /** e.g. "020" = 2割. */
  contributionRatio?: string;
  extra: Record<string, unknown>;
}

export interface QualificationSearchInfo {
  insurerNumber?: string;
  insuredCardSymbol?: string;
  insuredIdentificationNumber?: string;
  insuredBranchNumber?: string;
  birthdate?: string;
  arbitraryIdentifier?: string;
  extra: Record<string, unknown>;
}

/** ResultOfQualificationConfirmation. */
export interface QualificationRecord {
  insuredCardClassification?: string;
  /** As written in the answer (国保: "00" + 6 digits). */
  insurerNumber?: string;
  /** The insurer number with the 国保 "00" padding removed (6 digits), otherwise equal to `insurerNumber`. */
  insurerNumberUnpadded?: string;
  insuredCardSymbol?: string;
  insuredIdentificationNumber?: string;
  insuredBranchNumber?: string;
  /** 1 本人, 2 家族 (codes.ts PersonalFamilyClassification). */
  personalFamilyClassification?: string;
  insuredName?: string;
  name?: string;
  nameOfOther?: string;
  nameKana?: string;
  nameOfOtherKana?: string;
  /** 1 男, 2 女 (券面). */
  sex1?: string;
  sex2?: string;
  /** YYYYMMDD. */
  birthdate?: string;
  address?: string;
  postNumber?: string;
  insuredCertificateIssuanceDate?: string;
  insuredCardValidDate?: string;
  insuredCardExpirationDate?: string;
  /** "030" = 3割. */
  insuredPartialContributionRatio?: string;
  preschoolClassification?: string;
  reasonOfLoss?: string;
  insurerName?: string;
  elderlyRecipientCertificateInfo?: ElderlyRecipientCertificateInfo;
  referenceNumber?: string;
  /** A name field holds ● (a character the registry could not represent). The text is never altered. */
  nameHasUnrepresentable: boolean;
  extra: Record<string, unknown>;
}

export interface QualificationBody {
  /** 1 正常, 2 エラー (codes.ts ProcessingResultStatus). */
  processingResultStatus?: string;
  processingResultCode?: string;
  processingResultMessage?: string;
  /** 1 有効, 2 無効, 3 無効(新しい資格あり), 4 該当資格なし, 5 複数該当 (codes.ts QualificationValidity). Unknown codes kept. */
  qualificationValidity?: string;
  searchInfo?: QualificationSearchInfo;
  results: QualificationRecord[];
  extra: Record<string, unknown>;
}

interface AnswerBase {
  encoding: TextEncodingName;
  /** Set when the bytes did not match the declared encoding and were decoded as what they are. */
  encodingWarning?:
    'declared_shift_jis_but_utf8' | 'declared_utf8_but_shift_jis' | 'character_code_identifier_mismatch';
  header: MessageHeader;
  raw: XmlTree;
  /**
   * Every field of the answer (header and body) whose form is wrong; empty for a well-formed answer. A non-empty
   * list means: do not apply the answer automatically (no finding is derived from it), show it for a decision.
   */
  fieldProblems: FieldProblem[];
}

/** A single 資格確認 answer (OQSsiquc01res_ in res/, or a face-reader file in face/). */
export interface QualificationAnswer extends AnswerBase {
  kind: 'qualification';
  body: QualificationBody;
}

/** 一括照会 upload answer (OQSmuquc01res_): a reception number to fetch with later. */
export interface BulkUploadAnswer extends AnswerBase {
  kind: 'bulk_upload';
  receptionNumber?: string;
  processingResultStatus?: string;
  processingResultCode?: string;
  processingResultMessage?: string;
  body: Record<string, unknown>;
}

/** One row of a 一括照会 result. */
export interface BulkConfirmUnit {
  searchInfo?: QualificationSearchInfo;
  processingResultStatus?: string;
  processingResultCode?: string;
  processingResultMessage?: string;
  qualificationValidity?: string;
  results: QualificationRecord[];
  referenceNumber?: string;
  extra: Record<string, unknown>;
  /** Problems inside this row (also listed in the answer's `fieldProblems`); the row yields no finding. */
  fieldProblems: FieldProblem[];
}

/** 一括照会 result (OQSmuquc02res_). SegmentOfResult 2 (処理中) means: fetch again later. */
export interface BulkResultAnswer extends AnswerBase {
  kind: 'bulk_result';
  units: BulkConfirmUnit[];
  numberOfProcessingResult?: string;
  numberOfNormalProcessing?: string;
  numberOfError?: string;
  body: Record<string, unknown>;
}

export type TerminalAnswer = QualificationAnswer | BulkUploadAnswer | BulkResultAnswer;
