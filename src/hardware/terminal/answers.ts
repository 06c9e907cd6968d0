// Answer documents as the connector writes them: used by the simulator, the fixtures and demo mode.
import {
  PersonalFamilyClassification,
  ProcessingResultStatus,
  ReferenceClassification,
  SegmentOfResult,
  SexCode,
  type CharacterCodeIdentifier,
} from './codes.ts';
import { padInsurerNumber } from './parser.ts';
import { treeToElems, xmlDocument, type XmlElem } from './xml.ts';
import type { TextEncodingName } from './model.ts';
import { JST_OFFSET_MS } from '../../claims/dates.ts';

/** One insured person's 資格 as the simulator's registry holds it. */
export interface SimPerson {
  insurerNumber: string;
  symbol?: string;
  number: string;
  branch?: string;
  name: string;
  nameKana?: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: 'male' | 'female';
  /** 一部負担割合 in percent (30 → "030"). */
  copayPercent?: number;
  /** 高齢受給者 一部負担金の割合 in percent, written as ElderlyRecipientCertificateInfo. */
  elderlyCopayPercent?: number;
  address?: string;
  postNumber?: string;
  insurerName?: string;
  /** 1 本人, 2 家族. */
  personalFamily?: PersonalFamilyClassification;
  /** 'lost': the 資格 ended (ReasonOfLoss, expiration date). Default 'valid'. */
  status?: 'valid' | 'lost';
  reasonOfLoss?: string;
  validFrom?: string;
  expiredOn?: string;
  /** For a lost 資格: the newer one, if the person has one (→ 無効(新しい資格あり)). */
  newer?: Omit<SimPerson, 'name' | 'nameKana' | 'birthDate' | 'sex' | 'newer'>;
  /** Elements the parser does not know, written into the record as-is. */
  extra?: Record<string, string>;
}

const ymd = (iso: string | undefined) => (iso ? iso.replace(/-/g, '') : undefined);
const ratio = (p: number | undefined) => (p === undefined ? undefined : String(p).padStart(3, '0'));

export function recordElems(p: SimPerson, over: Partial<SimPerson> = {}): XmlElem[] {
  const r = { ...p, ...over };
  const elderly: XmlElem[] | undefined =
    r.elderlyCopayPercent !== undefined
      ? [['ElderlyRecipientContributionRatio', ratio(r.elderlyCopayPercent)]]
      : undefined;
  return [
    ['InsuredCardClassification', '01'],
    ['InsurerNumber', padInsurerNumber(r.insurerNumber)],
    ['InsuredCardSymbol', r.symbol || undefined],
    ['InsuredIdentificationNumber', r.number],
    ['InsuredBranchNumber', r.branch || undefined],
    ['PersonalFamilyClassification', r.personalFamily ?? PersonalFamilyClassification.insured],
    ['Name', r.name],
    ['NameKana', r.nameKana || undefined],
    ['Sex1', r.sex === 'male' ? SexCode.male : SexCode.female],
    ['Birthdate', ymd(r.birthDate)],
    ['Address', r.address || undefined],
    ['PostNumber', r.postNumber || undefined],
    ['InsuredCardValidDate', ymd(r.validFrom)],
    ['InsuredCardExpirationDate', ymd(r.expiredOn)],
    ['InsuredPartialContributionRatio', ratio(r.copayPercent)],
    ['ReasonOfLoss', r.status === 'lost' ? (r.reasonOfLoss ?? '1') : undefined],
    ['InsurerName', r.insurerName ?? 'シミュレーション保険者'],
    ['ElderlyRecipientCertificateInfo', elderly],
    ...treeToElems(r.extra ?? {}),
  ];
}

export interface SearchEcho {
  insurerNumber?: string;
  symbol?: string;
  number?: string;
  branch?: string;
  /** YYYYMMDD as received. */
  birthdate?: string;
  arbitraryIdentifier?: string;
}

export function searchEchoElems(s: SearchEcho): XmlElem[] {
  return [
    ['InsurerNumber', s.insurerNumber],
    ['InsuredCardSymbol', s.symbol || undefined],
    ['InsuredIdentificationNumber', s.number],
    ['InsuredBranchNumber', s.branch || undefined],
    ['Birthdate', s.birthdate],
    ['ArbitraryIdentifier', s.arbitraryIdentifier],
  ];
}

export function executionTime(at: Date): string {
  // Japan time, whatever the machine's zone.
  const j = new Date(at.getTime() + JST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${j.getUTCFullYear()}${p(j.getUTCMonth() + 1)}${p(j.getUTCDate())}${p(j.getUTCHours())}${p(j.getUTCMinutes())}${p(j.getUTCSeconds())}`;
}

export interface HeaderInput {
  key?: string;
  medicalInstitutionCode?: string;
  at: Date;
  /** Default '1'. */
  segmentOfResult?: string;
  errorCode?: string;
  errorMessage?: string;
  /** 1 card, 2 保険証情報. Default '2' (a number query). */
  referenceClassification?: string;
  receptionNumber?: string;
  characterCodeIdentifier: CharacterCodeIdentifier;
  extra?: Record<string, string>;
}

function headerElems(h: HeaderInput): XmlElem[] {
  return [
    ['ProcessExecutionTime', executionTime(h.at)],
    ['QualificationConfirmationDate', executionTime(h.at).slice(0, 8)],
    ['MedicalInstitutionCode', h.medicalInstitutionCode || undefined],
    ['ArbitraryFileIdentifier', h.key],
    ['ReceptionNumber', h.receptionNumber],
    ['ReferenceClassification', h.referenceClassification ?? ReferenceClassification.insuranceNumbers],
    ['SegmentOfResult', h.segmentOfResult ?? SegmentOfResult.normal],
    ['ErrorCode', h.errorCode],
    ['ErrorMessage', h.errorMessage],
    ['CharacterCodeIdentifier', h.characterCodeIdentifier],
    ...treeToElems(h.extra ?? {}),
  ];
}

export interface QualificationAnswerInput {
  header: HeaderInput;
  /** Omit the body entirely (error segment answers). */
  noBody?: boolean;
  processingResultStatus?: string;
  processingResultCode?: string;
  processingResultMessage?: string;
  validityCode?: string;
  search?: SearchEcho;
  records: XmlElem[][];
  extraBody?: Record<string, string>;
}

export function qualificationAnswerXml(a: QualificationAnswerInput, declared: TextEncodingName): string {
  const body: XmlElem[] = [
    ['ProcessingResultStatus', a.processingResultStatus ?? ProcessingResultStatus.normal],
    ['ProcessingResultCode', a.processingResultCode],
    ['ProcessingResultMessage', a.processingResultMessage],
    ['QualificationValidity', a.validityCode],
    ['QualificationConfirmSearchInfo', a.search ? searchEchoElems(a.search) : undefined],
    [
      'ResultList',
      a.records.length > 0 ? a.records.map((r): XmlElem => ['ResultOfQualificationConfirmation', r]) : undefined,
    ],
    ...treeToElems(a.extraBody ?? {}),
  ];
  return xmlDocument(
    [
      'XmlMsg',
      [
        ['MessageHeader', headerElems(a.header)],
        ['MessageBody', a.noBody ? undefined : body],
      ],
    ],
    declared,
  );
}

export function bulkUploadAnswerXml(
  header: HeaderInput,
  receptionNumber: string | undefined,
  declared: TextEncodingName,
): string {
  return xmlDocument(
    [
      'XmlMsg',
      [
        ['MessageHeader', headerElems({ ...header, ...(receptionNumber !== undefined ? { receptionNumber } : {}) })],
        [
          'MessageBody',
          header.segmentOfResult === SegmentOfResult.error
            ? undefined
            : [['ProcessingResultStatus', ProcessingResultStatus.normal]],
        ],
      ],
    ],
    declared,
  );
}

export interface BulkUnitInput {
  search: SearchEcho;
  processingResultStatus?: string;
  validityCode?: string;
  records: XmlElem[][];
}

export function bulkResultAnswerXml(header: HeaderInput, units: BulkUnitInput[], declared: TextEncodingName): string {
  const done = (header.segmentOfResult ?? SegmentOfResult.normal) === SegmentOfResult.normal;
  const errors = units.filter(
    (u) => (u.processingResultStatus ?? ProcessingResultStatus.normal) !== ProcessingResultStatus.normal,
  ).length;
  const extra: Record<string, string> = done
    ? {
        NumberOfProcessingResult: String(units.length),
        NumberOfNormalProcessing: String(units.length - errors),
        NumberOfError: String(errors),
      }
    : {};
  return xmlDocument(
    [
      'XmlMsg',
      [
        ['MessageHeader', headerElems({ ...header, extra: { ...extra, ...(header.extra ?? {}) } })],
        [
          'MessageBody',
          done
            ? units.map((u): XmlElem => [
                'BulkConfirmUnit',
                [
                  ['QualificationConfirmSearchInfo', searchEchoElems(u.search)],
                  ['ProcessingResultStatus', u.processingResultStatus ?? ProcessingResultStatus.normal],
                  ['QualificationValidity', u.validityCode],
                  [
                    'ResultList',
                    u.records.length > 0
                      ? u.records.map((r): XmlElem => ['ResultOfQualificationConfirmation', r])
                      : undefined,
                  ],
                ],
              ])
            : undefined,
        ],
      ],
    ],
    declared,
  );
}
