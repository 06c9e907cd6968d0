// Parsed terminal files → typed answers. Pure: bytes in, objects out. Nothing is converted to numbers,
// nothing unknown is dropped, nothing is "fixed".
import { CharacterCodeIdentifier, SegmentOfResult } from './codes.ts';
import { TerminalError, isTerminalError } from './errors.ts';
import { answerRefusedText } from './messages.ts';
import { hasShape, notAValue, shapeProblem } from './shapes.ts';
import { decodeXmlBytes, parseXmlText } from './xml.ts';
import { ZipReadError, zipEntries, zipEntryData } from './zip.ts';
import type {
  BulkConfirmUnit,
  ElderlyRecipientCertificateInfo,
  FieldProblem,
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

/** Where in the answer a parse step is (element path below XmlMsg) and where its field problems go. */
interface Ctx {
  path: string;
  problems: FieldProblem[];
}

const at = (ctx: Ctx, name: string, index?: number): Ctx => ({
  path: `${ctx.path}/${name}${index !== undefined ? `[${index}]` : ''}`,
  problems: ctx.problems,
});

/** Elements that may repeat, with the path of each (indexed only when the element did repeat). */
function each(v: unknown, ctx: Ctx, name: string): [unknown, Ctx][] {
  if (Array.isArray(v)) return v.map((x, i) => [x, at(ctx, name, i)]);
  return asArray(v).map((x) => [x, at(ctx, name)]);
}

/**
 * Split an element's children into the known ones (renamed to camelCase, leaves only) and the rest (kept under
 * their XML names). A known name whose content is not a leaf is kept in `extra` too. Each child with a checked
 * form (shapes.ts), and each known child that is not one text value, is reported into `ctx.problems`.
 */
function split<K extends string>(obj: Obj, known: Record<string, K>, nested: readonly string[] = [], ctx?: Ctx) {
  const out: Partial<Record<K, string>> = {};
  const extra: Obj = {};
  for (const [name, value] of Object.entries(obj)) {
    const key = Object.hasOwn(known, name) ? known[name] : undefined;
    const s = leaf(value);
    if (key !== undefined && s !== undefined) out[key] = s;
    else if (!nested.includes(name)) extra[name] = value;
    if (!ctx || nested.includes(name)) continue;
    const path = `${ctx.path}/${name}`;
    if (s !== undefined) {
      const problem = shapeProblem(name, s, path);
      if (problem) ctx.problems.push(problem);
    } else if (key !== undefined || hasShape(name)) {
      ctx.problems.push(notAValue(path, Array.isArray(value) ? 'a single element' : 'text, not child elements'));
    }
  }
  return { out, extra };
}

/** A throwaway context for requests and sub-trees whose problems nobody reads. */
const scratch = (path: string): Ctx => ({ path, problems: [] });

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

/** MessageHeader; its own field problems are in `fieldProblems`. */
export function parseHeader(v: unknown): MessageHeader {
  const ctx = scratch('MessageHeader');
  const { out, extra } = split(isObj(v) ? v : {}, HEADER_FIELDS, [], ctx);
  return { ...out, extra, fieldProblems: ctx.problems };
}

export function parseSearchInfo(
  v: unknown,
  ctx: Ctx = scratch('QualificationConfirmSearchInfo'),
): QualificationSearchInfo | undefined {
  if (!isObj(v)) return undefined;
  const { out, extra } = split(v, SEARCH_FIELDS, [], ctx);
  return { ...out, extra };
}

function parseElderly(v: unknown, ctx: Ctx): ElderlyRecipientCertificateInfo | undefined {
  if (!isObj(v)) return undefined;
  const { out, extra } = split(v, ELDERLY_FIELDS, [], ctx);
  return { ...out, extra };
}

export function parseRecord(v: unknown, ctx: Ctx = scratch('ResultOfQualificationConfirmation')): QualificationRecord {
  const obj = isObj(v) ? v : {};
  const { out, extra } = split(obj, RECORD_FIELDS, ['ElderlyRecipientCertificateInfo'], ctx);
  const elderlyCtx = at(ctx, 'ElderlyRecipientCertificateInfo');
  const elderly = parseElderly(obj.ElderlyRecipientCertificateInfo, elderlyCtx);
  if (obj.ElderlyRecipientCertificateInfo !== undefined && !isObj(obj.ElderlyRecipientCertificateInfo))
    ctx.problems.push(notAValue(elderlyCtx.path, 'one element with child elements'));
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
function parseResultList(body: Obj, ctx: Ctx): QualificationRecord[] {
  const items: [unknown, Ctx][] = [];
  for (const [list, listCtx] of each(body.ResultList, ctx, 'ResultList'))
    if (isObj(list))
      items.push(...each(list.ResultOfQualificationConfirmation, listCtx, 'ResultOfQualificationConfirmation'));
  items.push(...each(body.ResultOfQualificationConfirmation, ctx, 'ResultOfQualificationConfirmation'));
  return items.map(([item, itemCtx]) => parseRecord(item, itemCtx));
}

const BODY_NESTED = ['ResultList', 'ResultOfQualificationConfirmation', 'QualificationConfirmSearchInfo'] as const;

/** The search echo: one element (a repeated one is a problem and is not used). */
function parseEcho(obj: Obj, ctx: Ctx): QualificationSearchInfo | undefined {
  const echoCtx = at(ctx, 'QualificationConfirmSearchInfo');
  if (Array.isArray(obj.QualificationConfirmSearchInfo)) {
    ctx.problems.push(notAValue(echoCtx.path, 'a single element'));
    return undefined;
  }
  return parseSearchInfo(obj.QualificationConfirmSearchInfo, echoCtx);
}

function parseQualificationBody(v: unknown, ctx: Ctx): QualificationBody {
  const obj = isObj(v) ? v : {};
  const { out, extra } = split(obj, BODY_FIELDS, BODY_NESTED, ctx);
  const searchInfo = parseEcho(obj, ctx);
  return { ...out, ...(searchInfo ? { searchInfo } : {}), results: parseResultList(obj, ctx), extra };
}

function parseBulkUnit(v: unknown, path: string): BulkConfirmUnit {
  const obj = isObj(v) ? v : {};
  const ctx = scratch(path);
  const { out, extra } = split(obj, { ...BODY_FIELDS, ReferenceNumber: 'referenceNumber' } as const, BODY_NESTED, ctx);
  const searchInfo = parseEcho(obj, ctx);
  const results = parseResultList(obj, ctx);
  return { ...out, ...(searchInfo ? { searchInfo } : {}), results, extra, fieldProblems: ctx.problems };
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

/** The refusal of an answer that is larger than its limit (TERMINAL_MALFORMED_ANSWER, cause 'oversized'). */
export function oversizedAnswer(size: number, limit: number, file?: string): TerminalError {
  return new TerminalError(
    'TERMINAL_MALFORMED_ANSWER',
    `answer is ${size} bytes, over the limit of ${limit}: not read`,
    { ...(file !== undefined ? { file } : {}), cause: 'oversized', size, limit },
    answerRefusedText.oversized(size, limit),
  );
}

/**
 * The XML inside a zip answer: the entry named like the answer if present, else the first .xml entry. It is
 * inflated to at most `maxBytes` (declared sizes are not trusted).
 */
export function unzipAnswer(bytes: Uint8Array, file?: string, maxBytes = Number.MAX_SAFE_INTEGER): Uint8Array {
  try {
    const entries = zipEntries(bytes).filter((e) => e.name.toLowerCase().endsWith('.xml'));
    const base = file
      ?.replace(/\.zip$/i, '')
      .split(/[\\/]/)
      .pop();
    const chosen = entries.find((e) => base !== undefined && e.name.endsWith(`${base}.xml`)) ?? entries[0];
    if (!chosen) throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'zip answer holds no .xml file', { file });
    return zipEntryData(bytes, chosen, maxBytes);
  } catch (e) {
    if (e instanceof ZipReadError && e.kind === 'oversized')
      throw oversizedAnswer(e.size ?? maxBytes + 1, maxBytes, file);
    throw asMalformed(e, file, 'zip answer cannot be opened');
  }
}

/** Any failure while reading an answer, as a TerminalError (a TerminalError passes through unchanged). */
function asMalformed(e: unknown, file: string | undefined, what: string): TerminalError {
  if (isTerminalError(e)) return e;
  return new TerminalError('TERMINAL_MALFORMED_ANSWER', `${what}: ${e instanceof Error ? e.message : String(e)}`, {
    ...(file !== undefined ? { file } : {}),
    cause: e instanceof Error ? e.name : 'unknown',
  });
}

export interface ParseOptions {
  /** File name, for the kind hint and error details. */
  file?: string;
  /** Force the kind; otherwise from the file name, then from the content. */
  kind?: AnswerKindHint;
  /** Refuse XML (after unzipping) larger than this many bytes. Default: no limit (the client sets one). */
  maxBytes?: number;
}

/**
 * Parse one answer file's bytes (.xml or .zip). Every failure is a TerminalError TERMINAL_MALFORMED_ANSWER, never
 * another error. Fields with a wrong form do not fail the parse: they are listed in `fieldProblems`.
 */
export function parseAnswer(bytes: Uint8Array, opts: ParseOptions = {}): TerminalAnswer {
  try {
    return parseAnswerBytes(bytes, opts);
  } catch (e) {
    throw asMalformed(e, opts.file, 'answer cannot be parsed');
  }
}

function parseAnswerBytes(bytes: Uint8Array, opts: ParseOptions): TerminalAnswer {
  const file = opts.file;
  const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const xmlBytes = isZip(bytes) || file?.toLowerCase().endsWith('.zip') ? unzipAnswer(bytes, file, max) : bytes;
  if (xmlBytes.length > max) throw oversizedAnswer(xmlBytes.length, max, file);
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
    ((cci === CharacterCodeIdentifier.utf8 && decoded.encoding !== 'utf-8') ||
      (cci === CharacterCodeIdentifier.shiftJis && decoded.encoding !== 'shift_jis'))
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
  const bodyCtx = scratch('MessageBody');
  const kind =
    opts.kind ??
    (file ? answerKindOfFile(file.split(/[\\/]/).pop() ?? file) : undefined) ??
    (body.BulkConfirmUnit !== undefined
      ? 'bulk_result'
      : header.receptionNumber !== undefined || body.ReceptionNumber !== undefined
        ? 'bulk_upload'
        : 'qualification');
  if (kind === 'bulk_upload') {
    const { out } = split(body, { ...BODY_FIELDS, ReceptionNumber: 'receptionNumber' } as const, [], bodyCtx);
    const receptionNumber = out.receptionNumber ?? header.receptionNumber;
    return {
      kind,
      ...base,
      ...(receptionNumber !== undefined ? { receptionNumber } : {}),
      ...(out.processingResultStatus !== undefined ? { processingResultStatus: out.processingResultStatus } : {}),
      ...(out.processingResultCode !== undefined ? { processingResultCode: out.processingResultCode } : {}),
      ...(out.processingResultMessage !== undefined ? { processingResultMessage: out.processingResultMessage } : {}),
      body,
      fieldProblems: [...header.fieldProblems, ...bodyCtx.problems],
    };
  }
  if (kind === 'bulk_result') {
    const extra = header.extra;
    const units = each(body.BulkConfirmUnit, bodyCtx, 'BulkConfirmUnit').map(([u, c]) => parseBulkUnit(u, c.path));
    return {
      kind,
      ...base,
      units,
      ...(typeof extra.NumberOfProcessingResult === 'string'
        ? { numberOfProcessingResult: extra.NumberOfProcessingResult }
        : {}),
      ...(typeof extra.NumberOfNormalProcessing === 'string'
        ? { numberOfNormalProcessing: extra.NumberOfNormalProcessing }
        : {}),
      ...(typeof extra.NumberOfError === 'string' ? { numberOfError: extra.NumberOfError } : {}),
      body,
      fieldProblems: [...header.fieldProblems, ...units.flatMap((u) => u.fieldProblems)],
    };
  }
  if (!isObj(root.MessageBody) && header.segmentOfResult !== SegmentOfResult.error) {
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'answer has no MessageBody', { file });
  }
  const parsedBody = parseQualificationBody(body, bodyCtx);
  return {
    kind: 'qualification',
    ...base,
    body: parsedBody,
    fieldProblems: [...header.fieldProblems, ...bodyCtx.problems],
  };
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
  try {
    return requestRootOf(bytes, file);
  } catch (e) {
    throw asMalformed(e, file, 'request cannot be parsed');
  }
}

function requestRootOf(bytes: Uint8Array, file?: string) {
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
      .map((row) => parseSearchInfo(row))
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
