// Parsed terminal files → typed answers. Pure: bytes in, objects out. Nothing is converted to numbers,
// nothing unknown is dropped, nothing is "fixed".
import { unzipSync } from 'fflate';
import { TerminalError } from './errors.ts';
import { decodeXmlBytes, parseXmlText } from './xml.ts';
import type {
  BulkConfirmUnit,
  ElderlyRecipientCertificateInfo,
  MessageHeader,
  QualificationAnswer,
  QualificationBody,
  QualificationRecord,
  QualificationSearchInfo,
  TerminalAnswer,
  XmlTree,
} from './model.ts';

/** The character the registry puts where it cannot represent the real one. */
export const UNREPRESENTABLE_MARK = '●';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

function leaf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Split an element's children into the known ones (renamed to camelCase, leaves only) and the rest (kept under
 * their XML names). A known name whose content is not a leaf is kept in `extra` too.
 */
function split<K extends string>(obj: Obj, known: Record<string, K>, nested: readonly string[] = []) {
  const out: Partial<Record<K, string>> = {};
  const extra: Obj = {};
  for (const [name, value] of Object.entries(obj)) {
    const key = known[name];
    const s = leaf(value);
    if (key !== undefined && s !== undefined) out[key] = s;
    else if (!nested.includes(name)) extra[name] = value;
  }
  return { out, extra };
}

const HEADER_FIELDS = {
  ProcessExecutionTime: 'processExecutionTime',
  QualificationConfirmationDate: 'qualificationConfirmationDate',
  MedicalInstitutionCode: 'medicalInstitutionCode',
  ArbitraryFileIdentifier: 'arbitraryFileIdentifier',
  ReferenceClassification: 'referenceClassification',
  SegmentOfResult: 'segmentOfResult',
  ErrorCode: 'errorCode',
  ErrorMessage: 'errorMessage',
  CharacterCodeIdentifier: 'characterCodeIdentifier',
  ReceptionNumber: 'receptionNumber',
} as const;

const SEARCH_FIELDS = {
  InsurerNumber: 'insurerNumber',
  InsuredCardSymbol: 'insuredCardSymbol',
  InsuredIdentificationNumber: 'insuredIdentificationNumber',
  InsuredBranchNumber: 'insuredBranchNumber',
  Birthdate: 'birthdate',
  ArbitraryIdentifier: 'arbitraryIdentifier',
} as const;

const RECORD_FIELDS = {
  InsuredCardClassification: 'insuredCardClassification',
  InsurerNumber: 'insurerNumber',
  InsuredCardSymbol: 'insuredCardSymbol',
  InsuredIdentificationNumber: 'insuredIdentificationNumber',
  InsuredBranchNumber: 'insuredBranchNumber',
  PersonalFamilyClassification: 'personalFamilyClassification',
  InsuredName: 'insuredName',
  Name: 'name',
  NameOfOther: 'nameOfOther',
  NameKana: 'nameKana',
  NameOfOtherKana: 'nameOfOtherKana',
  Sex1: 'sex1',
  Sex2: 'sex2',
  Birthdate: 'birthdate',
  Address: 'address',
  PostNumber: 'postNumber',
  InsuredCertificateIssuanceDate: 'insuredCertificateIssuanceDate',
  InsuredCardValidDate: 'insuredCardValidDate',
  InsuredCardExpirationDate: 'insuredCardExpirationDate',
  InsuredPartialContributionRatio: 'insuredPartialContributionRatio',
  PreschoolClassification: 'preschoolClassification',
  ReasonOfLoss: 'reasonOfLoss',
  InsurerName: 'insurerName',
  ReferenceNumber: 'referenceNumber',
} as const;

const ELDERLY_FIELDS = {
  ElderlyRecipientCertificateDate: 'certificateDate',
  ElderlyRecipientValidStartDate: 'validStartDate',
  ElderlyRecipientValidEndDate: 'validEndDate',
  ElderlyRecipientContributionRatio: 'contributionRatio',
} as const;

const BODY_FIELDS = {
  ProcessingResultStatus: 'processingResultStatus',
  ProcessingResultCode: 'processingResultCode',
  ProcessingResultMessage: 'processingResultMessage',
  QualificationValidity: 'qualificationValidity',
} as const;

/** 国保 insurer numbers travel as "00" + 6 digits; there is no 法別 "00", so the padding is unambiguous. */
export function unpadInsurerNumber(raw: string): string {
  return /^00\d{6}$/.test(raw) ? raw.slice(2) : raw;
}

/** The 8-digit form the XML uses: a 6-digit 国保 number gets "00" in front. */
export function padInsurerNumber(n: string): string {
  return /^\d{6}$/.test(n) ? `00${n}` : n;
}

export function hasUnrepresentable(...names: (string | undefined)[]): boolean {
  return names.some((n) => n !== undefined && n.includes(UNREPRESENTABLE_MARK));
}

export function parseHeader(v: unknown): MessageHeader {
  const { out, extra } = split(isObj(v) ? v : {}, HEADER_FIELDS);
  return { ...out, extra };
}

export function parseSearchInfo(v: unknown): QualificationSearchInfo | undefined {
  if (!isObj(v)) return undefined;
  const { out, extra } = split(v, SEARCH_FIELDS);
  return { ...out, extra };
}

function parseElderly(v: unknown): ElderlyRecipientCertificateInfo | undefined {
  if (!isObj(v)) return undefined;
  const { out, extra } = split(v, ELDERLY_FIELDS);
  return { ...out, extra };
}

export function parseRecord(v: unknown): QualificationRecord {
  const obj = isObj(v) ? v : {};
  const { out, extra } = split(obj, RECORD_FIELDS, ['ElderlyRecipientCertificateInfo']);
  const elderly = parseElderly(obj.ElderlyRecipientCertificateInfo);
  if (obj.ElderlyRecipientCertificateInfo !== undefined && !elderly)
    extra.ElderlyRecipientCertificateInfo = obj.ElderlyRecipientCertificateInfo;
  return {
    ...out,
    ...(out.insurerNumber !== undefined ? { insurerNumberUnpadded: unpadInsurerNumber(out.insurerNumber) } : {}),
    ...(elderly ? { elderlyRecipientCertificateInfo: elderly } : {}),
    nameHasUnrepresentable: hasUnrepresentable(
      out.name,
      out.nameKana,
      out.nameOfOther,
      out.nameOfOtherKana,
      out.insuredName,
    ),
    extra,
  };
}

/** ResultList holds ResultOfQualificationConfirmation elements; tolerate them directly in the body too. */
function parseResultList(body: Obj): QualificationRecord[] {
  const lists = asArray(body.ResultList);
  const items: unknown[] = [];
  for (const list of lists) if (isObj(list)) items.push(...asArray(list.ResultOfQualificationConfirmation));
  items.push(...asArray(body.ResultOfQualificationConfirmation));
  return items.map(parseRecord);
}

function parseQualificationBody(v: unknown): QualificationBody {
  const obj = isObj(v) ? v : {};
  const { out, extra } = split(obj, BODY_FIELDS, [
    'ResultList',
    'ResultOfQualificationConfirmation',
    'QualificationConfirmSearchInfo',
  ]);
  const searchInfo = parseSearchInfo(obj.QualificationConfirmSearchInfo);
  return { ...out, ...(searchInfo ? { searchInfo } : {}), results: parseResultList(obj), extra };
}

function parseBulkUnit(v: unknown): BulkConfirmUnit {
  const obj = isObj(v) ? v : {};
  const { out, extra } = split(obj, { ...BODY_FIELDS, ReferenceNumber: 'referenceNumber' } as const, [
    'ResultList',
    'ResultOfQualificationConfirmation',
    'QualificationConfirmSearchInfo',
  ]);
  const searchInfo = parseSearchInfo(obj.QualificationConfirmSearchInfo);
  return { ...out, ...(searchInfo ? { searchInfo } : {}), results: parseResultList(obj), extra };
}

export type AnswerKindHint = 'qualification' | 'bulk_upload' | 'bulk_result';

/** Which answer a file name announces (OQSsiquc01res_, OQSmuquc01res_, OQSmuquc02res_, face files). */
export function answerKindOfFile(fileName: string): AnswerKindHint | undefined {
  if (fileName.startsWith('OQSsiquc01res_')) return 'qualification';
  if (fileName.startsWith('OQSmuquc01res_')) return 'bulk_upload';
  if (fileName.startsWith('OQSmuquc02res_')) return 'bulk_result';
  return undefined;
}

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The XML inside a zip answer: the entry named like the answer if present, else the first .xml entry. */
export function unzipAnswer(bytes: Uint8Array, file?: string): Uint8Array {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', `zip answer cannot be opened: ${(e as Error).message}`, {
      file,
    });
  }
  const names = Object.keys(entries).filter((n) => n.toLowerCase().endsWith('.xml'));
  const base = file?.replace(/\.zip$/i, '');
  const chosen = names.find((n) => base !== undefined && n.endsWith(`${base.split(/[\\/]/).pop()}.xml`)) ?? names[0];
  const data = chosen !== undefined ? entries[chosen] : undefined;
  if (!data) throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'zip answer holds no .xml file', { file });
  return data;
}

export interface ParseOptions {
  /** File name, for the kind hint and error details. */
  file?: string;
  /** Force the kind; otherwise from the file name, then from the content. */
  kind?: AnswerKindHint;
}

/** Parse one answer file's bytes (.xml or .zip). Throws TerminalError TERMINAL_MALFORMED_ANSWER. */
export function parseAnswer(bytes: Uint8Array, opts: ParseOptions = {}): TerminalAnswer {
  const file = opts.file;
  const xmlBytes = isZip(bytes) || file?.toLowerCase().endsWith('.zip') ? unzipAnswer(bytes, file) : bytes;
  if (xmlBytes.length === 0) throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'answer file is empty', { file });
  const decoded = decodeXmlBytes(xmlBytes);
  const tree = parseXmlText(decoded.text, file);
  const root = tree.XmlMsg;
  if (!isObj(root)) throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'answer has no XmlMsg root element', { file });
  const header = parseHeader(root.MessageHeader);
  if (!isObj(root.MessageHeader))
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'answer has no MessageHeader', { file });
  let warning: QualificationAnswer['encodingWarning'] = decoded.warning;
  const cci = header.characterCodeIdentifier;
  if (
    !warning &&
    ((cci === '0' && decoded.encoding !== 'utf-8') || (cci === '1' && decoded.encoding !== 'shift_jis'))
  ) {
    warning = 'character_code_identifier_mismatch';
  }
  const base = {
    encoding: decoded.encoding,
    ...(warning ? { encodingWarning: warning } : {}),
    header,
    raw: tree as XmlTree,
  };
  const body = isObj(root.MessageBody) ? root.MessageBody : {};
  const kind =
    opts.kind ??
    (file ? answerKindOfFile(file.split(/[\\/]/).pop() ?? file) : undefined) ??
    (body.BulkConfirmUnit !== undefined
      ? 'bulk_result'
      : header.receptionNumber !== undefined || body.ReceptionNumber !== undefined
        ? 'bulk_upload'
        : 'qualification');
  if (kind === 'bulk_upload') {
    const { out } = split(body, { ...BODY_FIELDS, ReceptionNumber: 'receptionNumber' } as const);
    const receptionNumber = out.receptionNumber ?? header.receptionNumber;
    return {
      kind,
      ...base,
      ...(receptionNumber !== undefined ? { receptionNumber } : {}),
      ...(out.processingResultStatus !== undefined ? { processingResultStatus: out.processingResultStatus } : {}),
      ...(out.processingResultCode !== undefined ? { processingResultCode: out.processingResultCode } : {}),
      ...(out.processingResultMessage !== undefined ? { processingResultMessage: out.processingResultMessage } : {}),
      body,
    };
  }
  if (kind === 'bulk_result') {
    const extra = header.extra;
    return {
      kind,
      ...base,
      units: asArray(body.BulkConfirmUnit).map(parseBulkUnit),
      ...(typeof extra.NumberOfProcessingResult === 'string'
        ? { numberOfProcessingResult: extra.NumberOfProcessingResult }
        : {}),
      ...(typeof extra.NumberOfNormalProcessing === 'string'
        ? { numberOfNormalProcessing: extra.NumberOfNormalProcessing }
        : {}),
      ...(typeof extra.NumberOfError === 'string' ? { numberOfError: extra.NumberOfError } : {}),
      body,
    };
  }
  if (!isObj(root.MessageBody) && header.segmentOfResult !== '9') {
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'answer has no MessageBody', { file });
  }
  return { kind: 'qualification', ...base, body: parseQualificationBody(body) };
}

export function parseQualificationAnswer(bytes: Uint8Array, file?: string): QualificationAnswer {
  const a = parseAnswer(bytes, { kind: 'qualification', ...(file !== undefined ? { file } : {}) });
  return a as QualificationAnswer;
}

// ---- requests (read by the simulator; useful to inspect what was sent) ----

export interface ParsedQualificationRequest {
  key?: string;
  medicalInstitutionCode?: string;
  confirmationDate?: string;
  searchInfo: QualificationSearchInfo;
  encoding: 'shift_jis' | 'utf-8';
}

function requestRoot(bytes: Uint8Array, file?: string) {
  const decoded = decodeXmlBytes(bytes);
  const tree = parseXmlText(decoded.text, file);
  const root = tree.XmlMsg;
  if (!isObj(root))
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'request has no XmlMsg root element', { file });
  return {
    root,
    header: parseHeader(root.MessageHeader),
    body: isObj(root.MessageBody) ? root.MessageBody : {},
    encoding: decoded.encoding,
  };
}

export function parseQualificationRequest(bytes: Uint8Array, file?: string): ParsedQualificationRequest {
  const { header, body, encoding } = requestRoot(bytes, file);
  return {
    ...(header.arbitraryFileIdentifier !== undefined ? { key: header.arbitraryFileIdentifier } : {}),
    ...(header.medicalInstitutionCode !== undefined ? { medicalInstitutionCode: header.medicalInstitutionCode } : {}),
    ...(header.qualificationConfirmationDate !== undefined
      ? { confirmationDate: header.qualificationConfirmationDate }
      : {}),
    searchInfo: parseSearchInfo(body.QualificationConfirmSearchInfo) ?? { extra: {} },
    encoding,
  };
}

export interface ParsedBulkUploadRequest {
  key?: string;
  medicalInstitutionCode?: string;
  rows: QualificationSearchInfo[];
}

export function parseBulkUploadRequest(bytes: Uint8Array, file?: string): ParsedBulkUploadRequest {
  const { header, body } = requestRoot(bytes, file);
  return {
    ...(header.arbitraryFileIdentifier !== undefined ? { key: header.arbitraryFileIdentifier } : {}),
    ...(header.medicalInstitutionCode !== undefined ? { medicalInstitutionCode: header.medicalInstitutionCode } : {}),
    rows: asArray(body.QualificationConfirmSearchInfo)
      .map(parseSearchInfo)
      .filter((r): r is QualificationSearchInfo => r !== undefined),
  };
}

export interface ParsedBulkFetchRequest {
  key?: string;
  medicalInstitutionCode?: string;
  receptionNumber?: string;
}

export function parseBulkFetchRequest(bytes: Uint8Array, file?: string): ParsedBulkFetchRequest {
  const { header, body } = requestRoot(bytes, file);
  const rn = leaf(body.ReceptionNumber) ?? header.receptionNumber;
  return {
    ...(header.arbitraryFileIdentifier !== undefined ? { key: header.arbitraryFileIdentifier } : {}),
    ...(header.medicalInstitutionCode !== undefined ? { medicalInstitutionCode: header.medicalInstitutionCode } : {}),
    ...(rn !== undefined ? { receptionNumber: rn } : {}),
  };
}
