// Fuzzing the answer parser from a valid simulator answer: truncations, byte flips, injected entities / DOCTYPE /
// deep nesting / prototype names / huge runs, optionally zipped. Every outcome is a TerminalError, or a parse in
// which no field of the wrong form passes silently (it is listed in fieldProblems, and then there is no finding).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { qualificationAnswerXml, recordElems, type SimPerson } from '../../src/hardware/terminal/answers.ts';
import { TerminalError } from '../../src/hardware/terminal/errors.ts';
import { toTerminalFinding } from '../../src/hardware/terminal/finding.ts';
import type { QualificationAnswer } from '../../src/hardware/terminal/model.ts';
import { parseAnswer } from '../../src/hardware/terminal/parser.ts';
import { encodeXmlText } from '../../src/hardware/terminal/xml.ts';
import { TAKAHASHI } from './helpers.ts';

const person: SimPerson = { ...TAKAHASHI, elderlyCopayPercent: 20, validFrom: '2024-04-01' };
const FILE = 'OQSsiquc01res_fuzzkey.xml';
const BASE_XML = qualificationAnswerXml(
  {
    header: { key: 'fuzzkey', medicalInstitutionCode: '1312345678', at: new Date(), characterCodeIdentifier: '1' },
    validityCode: '1',
    search: { insurerNumber: '00138057', symbol: '0012', number: '0001234', branch: '01', birthdate: '19500105' },
    records: [recordElems(person)],
  },
  'shift_jis',
);
const BASE = encodeXmlText(BASE_XML, 'shift_jis');
const LIMIT = 1024 * 1024;

const SNIPPETS = [
  '<!DOCTYPE XmlMsg [<!ENTITY v "3">]>',
  '<!ENTITY x "1">',
  '&v;',
  '&#0;',
  '&#x9AD9;',
  '&amp;',
  '&',
  '<',
  ']]>',
  '<![CDATA[&v;]]>',
  '<!-- &v; -->',
  '<__proto__>1</__proto__>',
  '<constructor>1</constructor>',
  `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`,
  '<QualificationValidity>9x</QualificationValidity>',
  '<InsurerNumber>12</InsurerNumber>',
  '<Birthdate>20241399</Birthdate>',
  '<ResultList><ResultOfQualificationConfirmation><InsurerNumber>x</InsurerNumber></ResultOfQualificationConfirmation></ResultList>',
  'x'.repeat(LIMIT + 10), // huge: over the limit
];

/** Elements whose text a field edit replaces (the n-th occurrence in the document). */
const EDITABLE = [
  'SegmentOfResult',
  'QualificationValidity',
  'ProcessingResultStatus',
  'InsurerNumber',
  'InsuredBranchNumber',
  'Birthdate',
  'InsuredPartialContributionRatio',
  'ElderlyRecipientContributionRatio',
] as const;

const mutation: fc.Arbitrary<Mutation> = fc.record({
  edits: fc.array(fc.tuple(fc.constantFrom(...EDITABLE), fc.nat(1), fc.stringMatching(/^[0-9０-９a-zｱ-ﾝ -]{0,10}$/)), {
    maxLength: 3,
  }),
  truncateAt: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
  inserts: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)), { maxLength: 3 }),
  zip: fc.boolean(),
});

interface Mutation {
  edits: [element: string, nth: number, text: string][];
  truncateAt: number | undefined;
  flips: [number, number][];
  inserts: [number, string][];
  zip: boolean;
}

function mutate(m: Mutation): Uint8Array {
  let xml = BASE_XML;
  for (const [element, nth, text] of m.edits) {
    let at = -1;
    for (let k = 0; k <= nth; k++) at = xml.indexOf(`<${element}>`, at + 1);
    if (at < 0) continue;
    const start = at + element.length + 2;
    xml = xml.slice(0, start) + text + xml.slice(xml.indexOf('<', start));
  }
  let bytes = encodeXmlText(xml, 'shift_jis');
  for (const [at, text] of m.inserts) {
    const i = at % (bytes.length + 1);
    bytes = Buffer.concat([bytes.subarray(0, i), encodeXmlText(text, 'shift_jis'), bytes.subarray(i)]);
  }
  for (const [at, value] of m.flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
  if (m.truncateAt !== undefined) bytes = bytes.subarray(0, m.truncateAt % (bytes.length + 1));
  return m.zip ? zipSync({ [FILE]: bytes }) : bytes;
}

const SHAPE: Record<string, RegExp> = {
  insurerNumber: /^(\d{6}|\d{8})$/,
  insuredBranchNumber: /^\d{2}$/,
  birthdate: /^\d{8}$/,
  qualificationValidity: /^\d$/,
  processingResultStatus: /^\d$/,
  segmentOfResult: /^\d$/,
  insuredPartialContributionRatio: /^\d{3}$/,
  contributionRatio: /^\d{3}$/,
};

/** Typed fields with a checked form, each with the element name its problem would be reported under. */
function checkedFields(a: QualificationAnswer): [element: string, key: string, value: string | undefined][] {
  const out: [string, string, string | undefined][] = [
    ['SegmentOfResult', 'segmentOfResult', a.header.segmentOfResult],
    ['QualificationValidity', 'qualificationValidity', a.body.qualificationValidity],
    ['ProcessingResultStatus', 'processingResultStatus', a.body.processingResultStatus],
    ['InsurerNumber', 'insurerNumber', a.body.searchInfo?.insurerNumber],
    ['Birthdate', 'birthdate', a.body.searchInfo?.birthdate],
  ];
  for (const r of a.body.results) {
    out.push(['InsurerNumber', 'insurerNumber', r.insurerNumber]);
    out.push(['InsuredBranchNumber', 'insuredBranchNumber', r.insuredBranchNumber]);
    out.push(['Birthdate', 'birthdate', r.birthdate]);
    out.push(['InsuredPartialContributionRatio', 'insuredPartialContributionRatio', r.insuredPartialContributionRatio]);
    const ratio = r.elderlyRecipientCertificateInfo?.contributionRatio;
    out.push(['ElderlyRecipientContributionRatio', 'contributionRatio', ratio]);
  }
  return out;
}

describe('answer parser fuzz (300 runs)', () => {
  it('the unmutated answer parses cleanly into a finding', () => {
    const a = parseAnswer(BASE, { file: FILE, maxBytes: LIMIT }) as QualificationAnswer;
    expect(a.fieldProblems).toEqual([]);
    expect(toTerminalFinding(a)?.validity).toBe('valid');
  });

  it('every mutation is a TerminalError or a parse whose wrong-form fields are all reported', () => {
    let parsed = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        const bytes = mutate(m);
        let a: QualificationAnswer;
        try {
          a = parseAnswer(bytes, {
            file: m.zip ? FILE.replace('.xml', '.zip') : FILE,
            maxBytes: LIMIT,
          }) as QualificationAnswer;
        } catch (e) {
          expect(e).toBeInstanceOf(TerminalError);
          expect((e as TerminalError).code).toBe('TERMINAL_MALFORMED_ANSWER');
          refused += 1;
          return;
        }
        parsed += 1;
        for (const [element, key, value] of checkedFields(a)) {
          if (value === undefined || value === '' || SHAPE[key]!.test(value)) continue;
          expect(a.fieldProblems.some((p) => p.path.endsWith(`/${element}`) && p.value === value.slice(0, 64))).toBe(
            true,
          );
        }
        const finding = toTerminalFinding(a);
        if (a.fieldProblems.length > 0) expect(finding).toBeNull();
        if (finding?.insurance) expect(finding.insurance.insurerNumber).toMatch(/^(\d{6}|\d{8})$/);
        if (finding?.birthDate) expect(finding.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
      { numRuns: 300, seed: 13 },
    );
    expect(parsed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
