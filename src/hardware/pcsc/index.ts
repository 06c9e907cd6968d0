// Public surface of the PC/SC adapter. The health layer, core and CLI import from here only.
export type { CardReaderPort, PcscSnapshot, ReaderSnapshot, ServiceState, CardDiagnosis } from './types.ts';
export type { CardDiagnosisStatus, CertificateStatus } from './classify.ts';
export { classifyCertificateExpiry, addMonthsJst, GRACE_MONTHS, WARN_BEFORE_MONTHS } from './classify.ts';
export { CardReaderError, actionFor, toErrorInfo, formatPcscCode, PCSC_CODES } from './errors.ts';
export type { CardReaderErrorCode, PcscErrorInfo, ErrorAction } from './errors.ts';
export { PcscCardReader, type PcscCardReaderOptions } from './real.ts';
export { SimulatedCardReader, type SimulatedCard, type SimulatedCardReaderOptions } from './simulated.ts';
export { diagnosisMessage, errorMessage } from './messages.ts';
