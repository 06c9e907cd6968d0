// Hostile or broken answers (#13): oversized files, DOCTYPE/entities, fields of the wrong form, answers without
// our key. Each refusal is a TerminalError TERMINAL_MALFORMED_ANSWER with a cause, and the file is set aside.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { FileTerminalClient, type TerminalClientOptions } from '../../src/hardware/terminal/client.ts';
import { TerminalSimulator } from '../../src/hardware/terminal/simulator.ts';
import { isTerminalError, TerminalError } from '../../src/hardware/terminal/errors.ts';
import { answerBaseName, requestFileName } from '../../src/hardware/terminal/files.ts';
import { parseAnswer, parseQualificationAnswer } from '../../src/hardware/terminal/parser.ts';
import { toTerminalFinding } from '../../src/hardware/terminal/finding.ts';
import { qualificationAnswerXml, recordElems, type SimPerson } from '../../src/hardware/terminal/answers.ts';
import { encodeXmlText } from '../../src/hardware/terminal/xml.ts';
import type { BulkResultAnswer } from '../../src/hardware/terminal/model.ts';
import { YAMADA, makeShare, tempDir } from './helpers.ts';

const person: SimPerson = YAMADA;
const query = {
  insurerNumber: person.insurerNumber,
  symbol: person.symbol ?? '',
  number: person.number,
  branch: person.branch ?? '',
  birthDate: person.birthDate,
};

/** A valid single answer as the simulator writes it, optionally with another key, or none. */
function answerXml(key: string | undefined, validity = '1'): string {
  return qualificationAnswerXml(
    {
      header: {
        ...(key !== undefined ? { key } : {}),
        at: new Date('2025-01-06T01:00:00Z'),
        characterCodeIdentifier: '1',
      },
      validityCode: validity,
      search: { insurerNumber: '06130012', symbol: 'ｱｲｳ', number: '0456', branch: '00', birthdate: '19881224' },
      records: [recordElems(person)],
    },
    'shift_jis',
  );
}

const sjis = (xml: string) => encodeXmlText(xml, 'shift_jis');

function malformed(fn: () => unknown): TerminalError {
  try {
    fn();
  } catch (e) {
    expect(isTerminalError(e, 'TERMINAL_MALFORMED_ANSWER')).toBe(true);
    return e as TerminalError;
  }
  throw new Error('expected a TerminalError');
}

let share: { dir: string; cleanup: () => void };
let client: FileTerminalClient | undefined;

beforeEach(async () => {
  share = tempDir();
  await makeShare(share.dir);
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  share.cleanup();
});

function newClient(opts: Partial<TerminalClientOptions> = {}): FileTerminalClient {
  client = new FileTerminalClient({ dir: share.dir, timeoutMs: 3_000, pollMs: 50, settleMs: 20, ...opts });
  return client;
}

/** Put an answer for `key` into res/ before asking: the client takes it as already answered. */
async function placeAnswer(key: string, data: Uint8Array, ext = '.xml'): Promise<string> {
  const file = answerBaseName(requestFileName('qualification', key)) + ext;
  await writeFile(path.join(share.dir, 'res', file), data);
  return file;
}

const resNames = () => readdirSync(path.join(share.dir, 'res'));

async function refusal(p: Promise<unknown>): Promise<TerminalError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isTerminalError(e, 'TERMINAL_MALFORMED_ANSWER')).toBe(true);
  return e as TerminalError;
}

describe('answer size limit', () => {
  it('a 50 MB answer is refused unread (TERMINAL_MALFORMED_ANSWER, oversized) and set aside', async () => {
    const key = 'big50mb';
    const xml = answerXml(key);
    const at = xml.indexOf('</MessageBody>');
    const head = sjis(xml.slice(0, at) + '<Padding>');
    const tail = sjis('</Padding>' + xml.slice(at));
    const file = path.join(share.dir, 'res', answerBaseName(requestFileName('qualification', key)) + '.xml');
    const size = 50 * 1024 * 1024;
    const fh = await open(file, 'w');
    await fh.write(head);
    await fh.write(Buffer.alloc(size - head.length - tail.length, 0x78), 0, undefined, head.length);
    await fh.write(tail, 0, undefined, size - tail.length);
    await fh.close();

    const e = await refusal(newClient().confirm(query, { key }));
    expect(e.details).toMatchObject({ key, cause: 'oversized', size, limit: 1024 * 1024 });
    expect(e.messageJa).toContain('大きすぎる');
    const names = resNames();
    expect(names.some((n) => n.startsWith(path.basename(file) + '.rejected-'))).toBe(true);
    expect(names).not.toContain(path.basename(file));
    expect(statSync(path.join(share.dir, 'res', names[0]!)).size).toBe(size); // kept whole, as evidence
    expect(client!.health().lastOutcome).toBe('TERMINAL_MALFORMED_ANSWER');
  });

  it('the limit is a setting; a zip inflating past it is refused without inflating it all', async () => {
    const small = newClient({ maxAnswerBytes: 256 });
    await placeAnswer('tinylimit', sjis(answerXml('tinylimit')));
    const e = await refusal(small.confirm(query, { key: 'tinylimit' }));
    expect(e.details).toMatchObject({ cause: 'oversized', limit: 256 });
    await small.close();

    const bomb = answerXml('zipbomb').replace(
      '</MessageBody>',
      `<Padding>${'x'.repeat(8 * 1024 * 1024)}</Padding></MessageBody>`,
    );
    const zipped = zipSync({ [`${answerBaseName(requestFileName('qualification', 'zipbomb'))}.xml`]: sjis(bomb) });
    expect(zipped.length).toBeLessThan(1024 * 1024); // the file itself passes the size check
    await placeAnswer('zipbomb', zipped, '.zip');
    const z = await refusal(newClient().confirm(query, { key: 'zipbomb' }));
    expect(z.details.cause).toBe('oversized');
    expect(resNames().some((n) => n.includes('zipbomb.zip.rejected-'))).toBe(true);
  });

  it('一括照会 results are allowed the base limit plus an allowance per row of the batch', async () => {
    const sim = await TerminalSimulator.start({ dir: share.dir, registry: [person], pollMs: 50 });
    try {
      const c = newClient({ maxAnswerBytes: 1024, bulkAnswerBytesPerRow: 64 });
      const up = await c.bulkUpload([query, { ...query, number: '0457' }, { ...query, number: '0458' }], {
        key: 'bulkup',
      });
      const e = await refusal(c.bulkFetch(up.receptionNumber, { key: 'bulkf1' }));
      expect(e.details).toMatchObject({ cause: 'oversized', limit: 1024 + 3 * 64 });
      const r = await c.bulkFetch(up.receptionNumber, { key: 'bulkf2', rows: 100 });
      expect(r.rows).toHaveLength(3);
      expect(r.answer.fieldProblems).toEqual([]);
      expect(r.rows[0]?.finding?.validity).toBe('valid');
    } finally {
      await sim.stop();
    }
  });

  it('a normal answer under the default limit is applied', async () => {
    await placeAnswer('normal1', sjis(answerXml('normal1')));
    const r = await newClient().confirm(query, { key: 'normal1' });
    expect(r.finding?.validity).toBe('valid');
    expect(r.answer.fieldProblems).toEqual([]);
    expect(r.keyEcho).toBe('echoed');
  });
});

describe('DOCTYPE and entities', () => {
  const withEntity = (key: string) =>
    answerXml(key)
      .replace('standalone="no"?>', 'standalone="no"?>\r\n<!DOCTYPE XmlMsg [<!ENTITY v "3">]>')
      .replace(
        '<QualificationValidity>1</QualificationValidity>',
        '<QualificationValidity>&v;</QualificationValidity>',
      );

  it('an answer declaring an entity used as QualificationValidity is refused and set aside, not recorded as ②', async () => {
    const file = await placeAnswer('doctype1', sjis(withEntity('doctype1')));
    const e = await refusal(newClient().confirm(query, { key: 'doctype1' }));
    expect(e.details.cause).toBe('doctype');
    expect(e.messageJa).toContain('DOCTYPE');
    expect(resNames().some((n) => n.startsWith(`${file}.rejected-`))).toBe(true);
  });

  it('the parser refuses DOCTYPE, unknown named entities and references to non-characters; XML ones are decoded', () => {
    expect(malformed(() => parseAnswer(sjis(withEntity('k')))).details.cause).toBe('doctype');
    const named = answerXml('k').replace('<Name>山田 太郎</Name>', '<Name>&nbsp;山田</Name>');
    expect(malformed(() => parseAnswer(sjis(named))).details.cause).toBe('entity');
    const nul = answerXml('k').replace('<Name>山田 太郎</Name>', '<Name>&#0;山田</Name>');
    expect(malformed(() => parseAnswer(sjis(nul))).details.cause).toBe('entity');
    const ok = answerXml('k').replace('<Name>山田 太郎</Name>', '<Name>&#x9AD9;橋 &amp; &lt;&#21033;&gt;</Name>');
    expect(parseQualificationAnswer(sjis(ok)).body.results[0]?.name).toBe('髙橋 & <利>');
    // inside a comment, an ampersand is text
    const comment = answerXml('k').replace('<MessageBody>', '<MessageBody><!-- &v; -->');
    expect(parseQualificationAnswer(sjis(comment)).body.qualificationValidity).toBe('1');
  });
});

describe('every parser failure is a TerminalError', () => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['not xml', Buffer.from('hello')],
    ['deep nesting', Buffer.from(`<XmlMsg>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</XmlMsg>`)],
    ['a __proto__ element', sjis(answerXml('k').replace('<MessageBody>', '<MessageBody><__proto__>1</__proto__>'))],
    [
      'a constructor element',
      sjis(answerXml('k').replace('<MessageBody>', '<MessageBody><constructor><x/></constructor>')),
    ],
    ['a broken zip', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 0xff)])],
    ['a zip without xml', zipSync({ 'a.txt': new Uint8Array(3) })],
    ['a megabyte of unterminated comments', Buffer.from(`<XmlMsg>${'<!--'.repeat(256 * 1024)}`)],
    ['a megabyte of ampersands', Buffer.from(`<XmlMsg>${'&amp;'.repeat(200 * 1024)}</XmlMsg>`)],
    ['invalid Shift_JIS bytes', Buffer.concat([sjis(answerXml('k').slice(0, 200)), Buffer.from([0x81, 0xff, 0xfc])])],
  ];
  it.each(cases)('%s', (_name, bytes) => {
    try {
      const a = parseAnswer(bytes, { file: 'OQSsiquc01res_k.xml' });
      expect(a.kind).toBe('qualification'); // parsed: fine, as long as nothing else escaped
    } catch (e) {
      expect(e).toBeInstanceOf(TerminalError);
      expect((e as TerminalError).code).toBe('TERMINAL_MALFORMED_ANSWER');
    }
  });
});

describe('fields of the wrong form', () => {
  it('are listed in fieldProblems with their path, kept as written, and the answer yields no finding', () => {
    const full = answerXml('k');
    const cut = full.indexOf('<ResultList>'); // the record only, not the search echo
    const xml =
      full.slice(0, cut) +
      full
        .slice(cut)
        .replace('<InsurerNumber>06130012<', '<InsurerNumber>0613001<')
        .replace('<Birthdate>19881224<', '<Birthdate>19880230<')
        .replace('<InsuredBranchNumber>00<', '<InsuredBranchNumber>0<')
        .replace('<InsuredPartialContributionRatio>030<', '<InsuredPartialContributionRatio>3割<');
    const a = parseQualificationAnswer(sjis(xml));
    const byPath = Object.fromEntries(a.fieldProblems.map((p) => [p.path, p]));
    const rec = 'MessageBody/ResultList/ResultOfQualificationConfirmation';
    expect(byPath[`${rec}/InsurerNumber`]).toMatchObject({
      reason: 'bad_shape',
      value: '0613001',
      expected: '6 or 8 digits',
    });
    expect(byPath[`${rec}/InsuredBranchNumber`]).toMatchObject({ reason: 'bad_shape', value: '0' });
    expect(byPath[`${rec}/InsuredPartialContributionRatio`]).toMatchObject({ value: '3割' });
    expect(byPath[`${rec}/Birthdate`]).toMatchObject({ value: '19880230', expected: 'a date YYYYMMDD' });
    expect(a.fieldProblems).toHaveLength(4);
    expect(a.body.results[0]?.insurerNumber).toBe('0613001'); // never repaired
    expect(a.fieldProblems.every((p) => p.path.startsWith('MessageBody/'))).toBe(true);
    expect(toTerminalFinding(a)).toBeNull();
  });

  it('a bad-form validity or a repeated one is a problem; an unknown code of the right form is not', () => {
    const bad = parseQualificationAnswer(sjis(answerXml('k', 'x3')));
    expect(bad.fieldProblems).toEqual([
      { path: 'MessageBody/QualificationValidity', reason: 'bad_shape', expected: 'a one-digit code', value: 'x3' },
    ]);
    const twice = answerXml('k').replace(
      '<QualificationValidity>1</QualificationValidity>',
      '<QualificationValidity>1</QualificationValidity><QualificationValidity>2</QualificationValidity>',
    );
    expect(parseQualificationAnswer(sjis(twice)).fieldProblems).toMatchObject([
      { path: 'MessageBody/QualificationValidity', reason: 'not_a_value' },
    ]);
    const unknown = parseQualificationAnswer(
      sjis(
        answerXml('k', '7').replace(
          '<MessageBody>',
          '<MessageBody><NewElement>x</NewElement><InsuredBranchNumber></InsuredBranchNumber>',
        ),
      ),
    );
    expect(unknown.fieldProblems).toEqual([]);
    expect(unknown.body.qualificationValidity).toBe('7');
    expect(unknown.body.extra.NewElement).toBe('x');
  });

  it('一括照会: a row with a bad field gets no finding, the other rows keep theirs', () => {
    const unit = (n: string, birth: string) =>
      `<BulkConfirmUnit><QualificationConfirmSearchInfo><InsurerNumber>06130012</InsurerNumber><InsuredIdentificationNumber>${n}</InsuredIdentificationNumber><Birthdate>${birth}</Birthdate><ArbitraryIdentifier>${n}</ArbitraryIdentifier></QualificationConfirmSearchInfo><ProcessingResultStatus>1</ProcessingResultStatus><QualificationValidity>4</QualificationValidity></BulkConfirmUnit>`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader><MessageBody>${unit('1', '19880101')}${unit('2', '1988011')}</MessageBody></XmlMsg>`;
    const a = parseAnswer(Buffer.from(xml), { kind: 'bulk_result' }) as BulkResultAnswer;
    expect(a.units[0]?.fieldProblems).toEqual([]);
    expect(a.units[1]?.fieldProblems).toMatchObject([
      { path: 'MessageBody/BulkConfirmUnit[1]/QualificationConfirmSearchInfo/Birthdate', value: '1988011' },
    ]);
    expect(a.fieldProblems).toHaveLength(1);
  });
});

describe('an answer without ArbitraryFileIdentifier (UNCONFIRMED whether the connector always echoes it)', () => {
  it('is matched by its file name and flagged keyEcho "absent" for the caller’s echo check', async () => {
    await placeAnswer('nokey1', sjis(answerXml(undefined)));
    const r = await newClient().confirm(query, { key: 'nokey1' });
    expect(r.keyEcho).toBe('absent');
    expect(r.finding?.validity).toBe('valid');
    expect(r.answer.body.searchInfo?.insuredIdentificationNumber).toBe('0456');
  });

  it('another identifier is still refused (TERMINAL_KEY_MISMATCH)', async () => {
    await placeAnswer('mykey1', sjis(answerXml('otherkey')));
    const e = await newClient()
      .confirm(query, { key: 'mykey1' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isTerminalError(e, 'TERMINAL_KEY_MISMATCH')).toBe(true);
  });
});
