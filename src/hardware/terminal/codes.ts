// The code tables of the 資格確認端末 file interface (DOMAIN.md §5) and of this link's own failures.
// Codes travel as strings exactly as written ("1", never 1). The tables name the codes we know; the lists are
// UNCONFIRMED, so a code outside a table is kept and shown as-is, never refused for being unknown.
// This module imports nothing: errors.ts, messages.ts, the parser and the simulator all build on it.

type CodeOf<T extends Record<string, string>> = T[keyof T];

/** A type guard for the codes of one table. */
function codeGuard<T extends Record<string, string>>(table: T): (v: unknown) => v is CodeOf<T> {
  const codes = new Set<unknown>(Object.values(table));
  return (v: unknown): v is CodeOf<T> => codes.has(v);
}

/** MessageHeader/SegmentOfResult: 1 正常, 2 処理中 (一括照会: fetch again later), 9 異常 (ErrorCode set). */
export const SegmentOfResult = { normal: '1', processing: '2', error: '9' } as const;
export type SegmentOfResult = CodeOf<typeof SegmentOfResult>;
export const isSegmentOfResult = codeGuard(SegmentOfResult);
export const segmentOfResultLabels: Readonly<Record<SegmentOfResult, string>> = {
  '1': '正常終了',
  '2': '処理中',
  '9': '異常終了',
};

/** MessageBody/ProcessingResultStatus: 1 正常, 2 エラー (ProcessingResultCode / ProcessingResultMessage set). */
export const ProcessingResultStatus = { normal: '1', error: '2' } as const;
export type ProcessingResultStatus = CodeOf<typeof ProcessingResultStatus>;
export const isProcessingResultStatus = codeGuard(ProcessingResultStatus);
export const processingResultStatusLabels: Readonly<Record<ProcessingResultStatus, string>> = {
  '1': '正常終了',
  '2': 'エラー',
};

/** MessageBody/QualificationValidity. */
export const QualificationValidity = {
  valid: '1',
  invalid: '2',
  invalidNewer: '3',
  notFound: '4',
  multiple: '5',
} as const;
export type QualificationValidity = CodeOf<typeof QualificationValidity>;
export const isQualificationValidity = codeGuard(QualificationValidity);
/** Labels of QualificationValidity codes, for display. Unknown codes are shown as-is. */
export const qualificationValidityLabels: Readonly<Record<string, string>> = {
  '1': '有効',
  '2': '無効',
  '3': '無効(新しい資格あり)',
  '4': '該当資格なし',
  '5': '複数該当',
} satisfies Record<QualificationValidity, string>;

/** MessageHeader/CharacterCodeIdentifier: the file's encoding. */
export const CharacterCodeIdentifier = { utf8: '0', shiftJis: '1' } as const;
export type CharacterCodeIdentifier = CodeOf<typeof CharacterCodeIdentifier>;
export const isCharacterCodeIdentifier = codeGuard(CharacterCodeIdentifier);

/** The CharacterCodeIdentifier that announces a file's encoding. */
export function characterCodeIdentifierOf(encoding: 'utf-8' | 'shift_jis'): CharacterCodeIdentifier {
  return encoding === 'utf-8' ? CharacterCodeIdentifier.utf8 : CharacterCodeIdentifier.shiftJis;
}

/** MessageHeader/ReferenceClassification: what the 資格確認 was made with. */
export const ReferenceClassification = { card: '1', insuranceNumbers: '2' } as const;
export type ReferenceClassification = CodeOf<typeof ReferenceClassification>;
export const isReferenceClassification = codeGuard(ReferenceClassification);
export const referenceClassificationLabels: Readonly<Record<ReferenceClassification, string>> = {
  '1': 'マイナンバーカード',
  '2': '保険証情報',
};

/** ResultOfQualificationConfirmation/PersonalFamilyClassification. */
export const PersonalFamilyClassification = { insured: '1', family: '2' } as const;
export type PersonalFamilyClassification = CodeOf<typeof PersonalFamilyClassification>;
export const isPersonalFamilyClassification = codeGuard(PersonalFamilyClassification);
export const personalFamilyClassificationLabels: Readonly<Record<PersonalFamilyClassification, string>> = {
  '1': '本人',
  '2': '家族',
};

/** ResultOfQualificationConfirmation/Sex1, Sex2 (券面 / 性別2). */
export const SexCode = { male: '1', female: '2' } as const;
export type SexCode = CodeOf<typeof SexCode>;

/** This link's failure codes (TerminalError.code): for machines (health, outbox, logs). */
export const TerminalErrorCodes = [
  'TERMINAL_TIMEOUT',
  'TERMINAL_SHARE_MISSING',
  'TERMINAL_SHARE_NOT_WRITABLE',
  'TERMINAL_MALFORMED_ANSWER',
  'TERMINAL_ERROR_SEGMENT',
  'TERMINAL_PROCESSING_ERROR',
  'TERMINAL_KEY_MISMATCH',
  'TERMINAL_REQUEST_REJECTED',
  'TERMINAL_INVALID_QUERY',
  'TERMINAL_CLOSED',
  'TERMINAL_PARSER_FAILED',
] as const;
export type TerminalErrorCode = (typeof TerminalErrorCodes)[number];
