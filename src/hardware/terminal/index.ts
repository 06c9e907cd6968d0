// The 資格確認端末 link: public surface for the reconciler, the health layer, the CLI and demo mode.
export {
  FileTerminalClient,
  type AnswerHealth,
  type BulkFetchOptions,
  type BulkFetchResult,
  type BulkRow,
  type BulkUploadResult,
  type ConfirmOptions,
  type FaceEvent,
  type KeyEcho,
  type TerminalBulkPort,
  type TerminalClientOptions,
  type TerminalLinkStatus,
  type TerminalPort,
  type TerminalResult,
} from './client.ts';
export {
  TerminalError,
  TerminalErrorCodes,
  isTerminalError,
  type TerminalErrorCode,
  type TerminalErrorDetails,
} from './errors.ts';
export { terminalErrorMessages, answerRefusedText } from './messages.ts';
export {
  SegmentOfResult,
  ProcessingResultStatus,
  QualificationValidity,
  CharacterCodeIdentifier,
  ReferenceClassification,
  PersonalFamilyClassification,
  isSegmentOfResult,
  isProcessingResultStatus,
  isQualificationValidity,
  isCharacterCodeIdentifier,
  isReferenceClassification,
  isPersonalFamilyClassification,
  segmentOfResultLabels,
  processingResultStatusLabels,
  qualificationValidityLabels,
  referenceClassificationLabels,
  personalFamilyClassificationLabels,
  SexCode,
  characterCodeIdentifierOf,
} from './codes.ts';
export { QualificationQuery } from './model.ts';
export type {
  BulkConfirmUnit,
  BulkResultAnswer,
  BulkUploadAnswer,
  FieldProblem,
  MessageHeader,
  QualificationAnswer,
  QualificationBody,
  QualificationQueryInput,
  QualificationRecord,
  QualificationSearchInfo,
  TerminalAnswer,
} from './model.ts';
export {
  parseAnswer,
  parseQualificationAnswer,
  unpadInsurerNumber,
  padInsurerNumber,
  UNREPRESENTABLE_MARK,
} from './parser.ts';
export { buildQualificationRequest, buildBulkUploadRequest, buildBulkFetchRequest, normalizeQuery } from './builder.ts';
export { toTerminalFinding, bulkUnitToFinding, VALIDITY_BY_CODE } from './finding.ts';
export { PREFIX, newKey, requestFileName, answerBaseName, shareDirs, type RequestKind } from './files.ts';
export {
  TerminalSimulator,
  Scenario,
  AnswerSpec,
  SimRule,
  type SimPerson,
  type SimLogEntry,
  type SimulatorOptions,
} from './simulator.ts';
export { TerminalPriority } from './priority.ts';
