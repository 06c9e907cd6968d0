import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import {
  parseAnswer,
  parseQualificationAnswer,
  unpadInsurerNumber,
  padInsurerNumber,
} from '../../src/hardware/terminal/parser.ts';
import { decodeXmlBytes } from '../../src/hardware/terminal/xml.ts';
import { buildBulkUploadRequest, buildQualificationRequest } from '../../src/hardware/terminal/builder.ts';
import { parseBulkUploadRequest, parseQualificationRequest } from '../../src/hardware/terminal/parser.ts';
import { isTerminalError } from '../../src/hardware/terminal/errors.ts';
import type { BulkResultAnswer, BulkUploadAnswer } from '../../src/hardware/terminal/model.ts';
import { fixture } from './helpers.ts';

describe('parse a Shift_JIS qualification answer (fixture)', () => {
  const a = parseQualificationAnswer(fixture('qualification-valid-kokuho.sjis.xml'), 'OQSsiquc01res_fixture.xml');
  const r = a.body.results[0]!;

  it('decodes kanji, full-width and half-width kana from Shift_JIS', () => {
    expect(a.encoding).toBe('shift_jis');
    expect(a.encodingWarning).toBeUndefined();
    expect(r.name).toBe('髙橋　●美');
    expect(r.nameKana).toBe('ﾀｶﾊｼ ｴﾐ');
    expect(r.address).toBe('東京都千代田区千代田１－１');
    expect(r.insurerName).toBe('千代田区国民健康保険');
  });

  it('keeps every number as the string written, leading zeros included', () => {
    expect(r.insurerNumber).toBe('00138057');
    expect(r.insuredCardSymbol).toBe('0012');
    expect(r.insuredIdentificationNumber).toBe('0001234');
    expect(r.insuredBranchNumber).toBe('01');
    expect(r.insuredPartialContributionRatio).toBe('020');
    expect(r.referenceNumber).toBe('0000123');
    expect(r.birthdate).toBe('19500105');
    expect(a.header.medicalInstitutionCode).toBe('1312345678');
    expect(a.body.searchInfo?.insuredIdentificationNumber).toBe('0001234');
  });

  it('exposes the unpadded 6-digit 国保 insurer number next to the raw value', () => {
    expect(r.insurerNumberUnpadded).toBe('138057');
    expect(unpadInsurerNumber('06130012')).toBe('06130012');
    expect(padInsurerNumber('138057')).toBe('00138057');
  });

  it('flags ● in a name without altering it', () => {
    expect(r.nameHasUnrepresentable).toBe(true);
    expect(r.name).toContain('●');
  });

  it('keeps unknown elements at every level', () => {
    expect(a.header.extra).toEqual({ FutureHeaderItem: 'A1' });
    expect(r.extra).toMatchObject({ FutureRecordFlag: '007', LimitApplicationCertificateRelatedConsFlg: '0' });
    expect(r.elderlyRecipientCertificateInfo).toMatchObject({
      contributionRatio: '020',
      validEndDate: '20250731',
      extra: { ElderlyFutureItem: 'x' },
    });
    expect(a.body.extra).toEqual({ PrescriptionIssueSelect: '1' });
    expect(a.raw).toHaveProperty(
      'XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation.FutureRecordFlag',
      '007',
    );
  });

  it('reads header codes', () => {
    expect(a.header).toMatchObject({
      segmentOfResult: '1',
      characterCodeIdentifier: '1',
      arbitraryFileIdentifier: 'fixture-valid-01',
      processExecutionTime: '20250301093015',
    });
    expect(a.body.qualificationValidity).toBe('1');
  });
});

describe('encodings', () => {
  it('reads a UTF-8 answer with CharacterCodeIdentifier 0 and several records', () => {
    const a = parseQualificationAnswer(fixture('qualification-invalid-newer.utf8.xml'));
    expect(a.encoding).toBe('utf-8');
    expect(a.encodingWarning).toBeUndefined();
    expect(a.body.results.map((r) => r.insurerName)).toEqual(['旧健康保険組合', '全国健康保険協会東京支部']);
    expect(a.body.results[1]!.insuredIdentificationNumber).toBe('067');
    expect(a.body.results[0]!.nameHasUnrepresentable).toBe(false);
  });

  it('decodes a UTF-8 body declared Shift_JIS as UTF-8 and flags it', () => {
    const text = fixture('qualification-valid-kokuho.sjis.xml');
    const utf8Body = Buffer.from(iconv.decode(text, 'cp932'), 'utf8'); // declaration still says Shift_JIS
    const a = parseQualificationAnswer(utf8Body);
    expect(a.encoding).toBe('utf-8');
    expect(a.encodingWarning).toBe('declared_shift_jis_but_utf8');
    expect(a.body.results[0]!.name).toBe('髙橋　●美');
  });

  it('flags a CharacterCodeIdentifier that contradicts the bytes', () => {
    const text = iconv
      .decode(fixture('qualification-valid-kokuho.sjis.xml'), 'cp932')
      .replace('encoding="Shift_JIS"', 'encoding="UTF-8"');
    const a = parseQualificationAnswer(Buffer.from(text, 'utf8')); // UTF-8, but CharacterCodeIdentifier says 1
    expect(a.encoding).toBe('utf-8');
    expect(a.encodingWarning).toBe('character_code_identifier_mismatch');
  });

  it('uses CharacterCodeIdentifier when there is no declaration', () => {
    const body =
      '<XmlMsg><MessageHeader><CharacterCodeIdentifier>1</CharacterCodeIdentifier></MessageHeader><MessageBody><X>渡邊</X></MessageBody></XmlMsg>';
    const d = decodeXmlBytes(iconv.encode(body, 'cp932'));
    expect(d).toMatchObject({ encoding: 'shift_jis', text: body });
  });
});

describe('failures are typed', () => {
  it('malformed XML → TERMINAL_MALFORMED_ANSWER', () => {
    try {
      parseAnswer(fixture('malformed.sjis.xml'));
      expect.unreachable();
    } catch (e) {
      expect(isTerminalError(e, 'TERMINAL_MALFORMED_ANSWER')).toBe(true);
    }
  });

  it('a truncated file → TERMINAL_MALFORMED_ANSWER', () => {
    const full = fixture('qualification-valid-kokuho.sjis.xml');
    expect(() => parseAnswer(full.subarray(0, Math.floor(full.length / 2)))).toThrow(
      expect.objectContaining({ code: 'TERMINAL_MALFORMED_ANSWER' }),
    );
    expect(() => parseAnswer(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'TERMINAL_MALFORMED_ANSWER' }));
  });

  it('a broken zip → TERMINAL_MALFORMED_ANSWER', () => {
    expect(() => parseAnswer(Buffer.from('PK\u0003\u0004garbage'), { file: 'x.zip' })).toThrow(
      expect.objectContaining({ code: 'TERMINAL_MALFORMED_ANSWER' }),
    );
  });

  it('an error segment parses (the client turns it into an error), with its code and message', () => {
    const a = parseQualificationAnswer(fixture('qualification-error-segment.sjis.xml'));
    expect(a.header).toMatchObject({
      segmentOfResult: '9',
      errorCode: 'EOQS9999',
      errorMessage: 'オンライン資格確認等システムに接続できません',
    });
  });

  it('an unknown QualificationValidity code is accepted and kept', () => {
    const a = parseQualificationAnswer(fixture('qualification-unknown-validity.sjis.xml'));
    expect(a.body.qualificationValidity).toBe('7');
    expect(a.body.processingResultCode).toBe('W0042');
  });
});

describe('一括照会 files', () => {
  it('upload answer carries the ReceptionNumber (leading zeros kept)', () => {
    const a = parseAnswer(fixture('bulk-upload-result.sjis.xml'), { file: 'OQSmuquc01res_x.xml' }) as BulkUploadAnswer;
    expect(a.kind).toBe('bulk_upload');
    expect(a.receptionNumber).toBe('0000456789');
  });

  it('result answer has one unit per row with its ArbitraryIdentifier', () => {
    const a = parseAnswer(fixture('bulk-result.sjis.xml'), { file: 'OQSmuquc02res_x.xml' }) as BulkResultAnswer;
    expect(a.kind).toBe('bulk_result');
    expect(a.numberOfProcessingResult).toBe('2');
    expect(a.units.map((u) => u.searchInfo?.arbitraryIdentifier)).toEqual(['row-001', 'row-002']);
    expect(a.units[0]!.results[0]).toMatchObject({
      name: '佐藤　花子',
      insuredIdentificationNumber: '00098765',
      insuredPartialContributionRatio: '010',
    });
    expect(a.units[1]!.qualificationValidity).toBe('4');
    expect(a.units[1]!.results).toEqual([]);
  });
});

describe('requests', () => {
  it('builds a Shift_JIS request with the documented declaration, padded 国保 number, and our key', () => {
    const bytes = buildQualificationRequest(
      {
        insurerNumber: '138057',
        symbol: '０１２',
        number: '0001234',
        branch: '01',
        birthDate: '1950-01-05',
        medicalInstitutionCode: '1312345678',
      },
      'visit-0001',
    );
    const text = bytes.toString('latin1');
    expect(text.startsWith('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>\r\n')).toBe(true);
    const req = parseQualificationRequest(bytes);
    expect(req.key).toBe('visit-0001');
    expect(req.medicalInstitutionCode).toBe('1312345678');
    expect(req.searchInfo).toMatchObject({
      insurerNumber: '00138057',
      insuredCardSymbol: '012', // NFKC
      insuredIdentificationNumber: '0001234',
      insuredBranchNumber: '01',
      birthdate: '19500105',
    });
  });

  it('rejects an invalid query with TERMINAL_INVALID_QUERY', () => {
    expect(() => buildQualificationRequest({ insurerNumber: '12', number: '1', birthDate: '1950-01-05' }, 'k')).toThrow(
      expect.objectContaining({ code: 'TERMINAL_INVALID_QUERY' }),
    );
    expect(() =>
      buildQualificationRequest({ insurerNumber: '06130012', number: '1', birthDate: '19500105' }, 'k'),
    ).toThrow(expect.objectContaining({ code: 'TERMINAL_INVALID_QUERY' }));
  });

  it('sends 〜 and − in their CP932 forms and refuses 𠮷, naming the field, instead of writing ? (issue #12)', () => {
    const q = { insurerNumber: '06130012', symbol: '12〜3', number: '4−56', birthDate: '1950-01-05' };
    const bytes = buildQualificationRequest(q, 'k');
    expect(parseQualificationRequest(bytes).searchInfo).toMatchObject({
      insuredCardSymbol: '12～3',
      insuredIdentificationNumber: '4－56',
    });
    expect(() => buildQualificationRequest({ ...q, number: '𠮷1' }, 'k')).toThrow(
      expect.objectContaining({
        code: 'TERMINAL_INVALID_QUERY',
        messageJa: expect.stringContaining('「番号」の文字「𠮷」'),
      }),
    );
    expect(() => buildBulkUploadRequest([{ ...q, symbol: '𠮷' }], 'k', '1312345678')).toThrow(
      expect.objectContaining({ code: 'TERMINAL_INVALID_QUERY' }),
    );
    // UTF-8 requests carry the characters as typed.
    expect(
      parseQualificationRequest(buildQualificationRequest({ ...q, number: '𠮷1' }, 'k', { encoding: 'utf-8' }))
        .searchInfo,
    ).toMatchObject({ insuredIdentificationNumber: '𠮷1' });
  });

  it('builds a bulk upload with one search block per query and row ids', () => {
    const bytes = buildBulkUploadRequest(
      [
        { insurerNumber: '39131015', number: '00098765', birthDate: '1940-07-10', rowId: 'row-001' },
        { insurerNumber: '138057', symbol: '0099', number: '0000001', birthDate: '2001-04-01', rowId: 'row-002' },
      ],
      'bulk-1',
      '1312345678',
    );
    const req = parseBulkUploadRequest(bytes);
    expect(req.key).toBe('bulk-1');
    expect(req.rows.map((r) => [r.arbitraryIdentifier, r.insurerNumber, r.insuredIdentificationNumber])).toEqual([
      ['row-001', '39131015', '00098765'],
      ['row-002', '00138057', '0000001'],
    ]);
  });
});
