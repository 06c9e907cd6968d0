// Request documents the client writes into req/ (Shift_JIS by default, like every terminal file).
import { cp932Fields } from '../../claims/cp932.ts';
import { characterCodeIdentifierOf } from './codes.ts';
import { TerminalError } from './errors.ts';
import { QualificationQuery, type QualificationQueryInput, type TextEncodingName } from './model.ts';
import { padInsurerNumber } from './parser.ts';
import { xmlDocument, encodeXmlText, type XmlElem } from './xml.ts';

export interface BuildOptions {
  encoding?: TextEncodingName;
  /** Send 6-digit 国保 insurer numbers left-padded with "00" (the XML's 8-digit form). Default true. */
  padKokuhoInsurer?: boolean;
}

/** Validate and normalise a query: NFKC, trimmed, numbers kept as strings. */
export function normalizeQuery(input: QualificationQueryInput): QualificationQuery {
  const parsed = QualificationQuery.safeParse(input);
  if (!parsed.success) {
    throw new TerminalError(
      'TERMINAL_INVALID_QUERY',
      `invalid query: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const q = parsed.data;
  const n = (s: string) => s.normalize('NFKC').trim();
  const out: QualificationQuery = {
    ...q,
    insurerNumber: n(q.insurerNumber),
    symbol: n(q.symbol),
    number: n(q.number),
    branch: n(q.branch),
    medicalInstitutionCode: n(q.medicalInstitutionCode),
  };
  if (!/^\d{6}(\d{2})?$/.test(out.insurerNumber)) {
    throw new TerminalError(
      'TERMINAL_INVALID_QUERY',
      `insurer number must be 6 or 8 digits (got ${JSON.stringify(out.insurerNumber)})`,
    );
  }
  return out;
}

/**
 * Shift_JIS requests: the text fields in their CP932 forms (〜 U+301C → ～, − U+2212 → －, …) and a refusal, naming
 * the field, for what CP932 cannot hold — iconv would write '?', the terminal would be asked about another 記号
 * and answer 該当資格なし (issue #12).
 */
function forEncoding(q: QualificationQuery, encoding: TextEncodingName): QualificationQuery {
  if (encoding === 'utf-8') return q;
  const { symbol, number, branch, medicalInstitutionCode } = q;
  const r = cp932Fields(
    { symbol, number, branch, medicalInstitutionCode, ...q.extra },
    { symbol: '記号', number: '番号', branch: '枝番' },
  );
  if (!r.ok) {
    throw new TerminalError(
      'TERMINAL_INVALID_QUERY',
      `not representable in Shift_JIS: ${r.errors.map((e) => e.field).join(', ')}`,
      {},
      r.errors.map((e) => e.message).join(' '),
    );
  }
  const { symbol: s, number: n, branch: b, medicalInstitutionCode: c, ...extra } = r.value;
  return { ...q, symbol: s, number: n, branch: b, medicalInstitutionCode: c, ...(q.extra ? { extra } : {}) };
}

const ymd = (iso: string) => iso.replace(/-/g, '');

function searchInfoElems(q: QualificationQuery, opts: BuildOptions): XmlElem[] {
  const insurer = opts.padKokuhoInsurer === false ? q.insurerNumber : padInsurerNumber(q.insurerNumber);
  return [
    ['InsurerNumber', insurer],
    ['InsuredCardSymbol', q.symbol || undefined],
    ['InsuredIdentificationNumber', q.number],
    ['InsuredBranchNumber', q.branch || undefined],
    ['Birthdate', ymd(q.birthDate)],
    ['LimitApplicationCertificateRelatedConsFlg', q.limitApplicationConsent ? '1' : '0'],
    ['ArbitraryIdentifier', q.rowId],
    ...Object.entries(q.extra ?? {}).map(([k, v]) => [k, v] as const),
  ];
}

/** OQSsiquc01req_: one 資格確認. `key` goes into ArbitraryFileIdentifier. */
export function buildQualificationRequest(
  input: QualificationQueryInput,
  key: string,
  opts: BuildOptions = {},
): Buffer {
  const encoding = opts.encoding ?? 'shift_jis';
  const q = forEncoding(normalizeQuery(input), encoding);
  const doc = xmlDocument(
    [
      'XmlMsg',
      [
        [
          'MessageHeader',
          [
            ['MedicalInstitutionCode', q.medicalInstitutionCode || undefined],
            ['ArbitraryFileIdentifier', key],
            ['QualificationConfirmationDate', q.confirmationDate ? ymd(q.confirmationDate) : undefined],
            ['CharacterCodeIdentifier', characterCodeIdentifierOf(encoding)],
          ],
        ],
        ['MessageBody', [['QualificationConfirmSearchInfo', searchInfoElems(q, opts)]]],
      ],
    ],
    encoding,
  );
  return encodeXmlText(doc, encoding);
}

/** OQSmuquc01req_: many queries in one upload. Give each query a `rowId` to match result rows back. */
export function buildBulkUploadRequest(
  inputs: QualificationQueryInput[],
  key: string,
  medicalInstitutionCode: string,
  opts: BuildOptions = {},
): Buffer {
  if (inputs.length === 0) throw new TerminalError('TERMINAL_INVALID_QUERY', 'bulk upload needs at least one query');
  const encoding = opts.encoding ?? 'shift_jis';
  const qs = inputs.map((i) => forEncoding(normalizeQuery(i), encoding));
  const doc = xmlDocument(
    [
      'XmlMsg',
      [
        [
          'MessageHeader',
          [
            ['MedicalInstitutionCode', medicalInstitutionCode || undefined],
            ['ArbitraryFileIdentifier', key],
            ['CharacterCodeIdentifier', characterCodeIdentifierOf(encoding)],
          ],
        ],
        ['MessageBody', qs.map((q): XmlElem => ['QualificationConfirmSearchInfo', searchInfoElems(q, opts)])],
      ],
    ],
    encoding,
  );
  return encodeXmlText(doc, encoding);
}

/** OQSmuquc02req_: fetch the results of an upload by its ReceptionNumber. */
export function buildBulkFetchRequest(
  receptionNumber: string,
  key: string,
  medicalInstitutionCode: string,
  opts: BuildOptions = {},
): Buffer {
  const encoding = opts.encoding ?? 'shift_jis';
  const doc = xmlDocument(
    [
      'XmlMsg',
      [
        [
          'MessageHeader',
          [
            ['MedicalInstitutionCode', medicalInstitutionCode || undefined],
            ['ArbitraryFileIdentifier', key],
            ['CharacterCodeIdentifier', characterCodeIdentifierOf(encoding)],
          ],
        ],
        ['MessageBody', [['ReceptionNumber', receptionNumber]]],
      ],
    ],
    encoding,
  );
  return encodeXmlText(doc, encoding);
}
