// Bytes <-> text <-> tree for the terminal's XML files: encoding detection (declaration, CharacterCodeIdentifier,
// and the bytes themselves), a strict parse that keeps every value as a string, and a small serializer.
import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CharacterCodeIdentifier } from './codes.ts';
import { TerminalError } from './errors.ts';
import { answerRefusedText } from './messages.ts';
import type { TextEncodingName, XmlTree } from './model.ts';

/** Windows writes "Shift_JIS" files as CP932 (NEC/IBM extensions such as 髙, ①); decode and encode with it. */
const SJIS_CODEC = 'cp932';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  warning?: 'declared_shift_jis_but_utf8' | 'declared_utf8_but_shift_jis';
}

function declaredEncoding(bytes: Uint8Array): TextEncodingName | undefined {
  const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (!m || m[1] === undefined) return undefined;
  const name = m[1].toLowerCase().replace(/[-_\s]/g, '');
  if (name === 'shiftjis' || name === 'sjis' || name === 'cp932' || name === 'windows31j' || name === 'ms932')
    return 'shift_jis';
  if (name === 'utf8') return 'utf-8';
  return undefined;
}

function characterCodeIdentifier(bytes: Uint8Array): string | undefined {
  // ASCII-compatible in both encodings, so it can be read before decoding.
  const m = /<CharacterCodeIdentifier>\s*(\d)\s*<\/CharacterCodeIdentifier>/.exec(
    Buffer.from(bytes).toString('latin1'),
  );
  return m?.[1];
}

function isStrictUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return true;
  return false;
}

/**
 * Decode a terminal file. The declaration decides; without one, CharacterCodeIdentifier (0 UTF-8, 1 Shift_JIS);
 * without either, the bytes. A file declared Shift_JIS whose bytes are valid UTF-8 with non-ASCII content (a
 * UTF-8 body under a Shift_JIS declaration: Shift_JIS kanji text is practically never valid UTF-8) is decoded as
 * UTF-8 and flagged, so names stay right and the anomaly is visible. The reverse case is handled likewise.
 */
export function decodeXmlBytes(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  const cci = characterCodeIdentifier(bytes);
  const declared =
    declaredEncoding(bytes) ??
    (cci === CharacterCodeIdentifier.utf8
      ? 'utf-8'
      : cci === CharacterCodeIdentifier.shiftJis
        ? 'shift_jis'
        : undefined);
  const nonAscii = hasNonAscii(bytes);
  const utf8ok = isStrictUtf8(bytes);
  if (declared === 'shift_jis') {
    if (nonAscii && utf8ok)
      return {
        text: new TextDecoder('utf-8').decode(bytes),
        encoding: 'utf-8',
        warning: 'declared_shift_jis_but_utf8',
      };
    return { text: iconv.decode(Buffer.from(bytes), SJIS_CODEC), encoding: 'shift_jis' };
  }
  if (declared === 'utf-8') {
    if (utf8ok) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
    return {
      text: iconv.decode(Buffer.from(bytes), SJIS_CODEC),
      encoding: 'shift_jis',
      warning: 'declared_utf8_but_shift_jis',
    };
  }
  if (utf8ok) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  return { text: iconv.decode(Buffer.from(bytes), SJIS_CODEC), encoding: 'shift_jis' };
}

export function encodeXmlText(text: string, encoding: TextEncodingName): Buffer {
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, SJIS_CODEC);
}

/** Deeper than any terminal file (XmlMsg/MessageBody/BulkConfirmUnit/ResultList/Result…/Elderly…/leaf is 7). */
const MAX_DEPTH = 32;

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false, // every value stays a string: "030", "00138057", "01"
  parseAttributeValue: false,
  trimValues: true,
  // Entities: only the five XML ones and numeric character references ever reach the parser (checkDeclarations
  // refuses everything else first); `htmlEntities` is what makes it decode the numeric ones (&#x9AD9; → 髙).
  processEntities: true,
  htmlEntities: true,
  maxNestedTags: MAX_DEPTH,
});

const XML_ENTITY = /^&(?:lt|gt|amp|quot|apos|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/;

/** A code point XML allows as a character (the Char production of XML 1.0). */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * The text outside comments and CDATA sections, in one pass (an unterminated one runs to the end; the validator
 * refuses the file later). A regular expression with lazy matching would be quadratic on many unterminated `<!--`.
 */
function withoutCommentsAndCdata(text: string): string {
  const out: string[] = [];
  let i = 0;
  let comment = text.indexOf('<!--');
  let cdata = text.indexOf('<![CDATA[');
  while (comment !== -1 || cdata !== -1) {
    const isComment = cdata === -1 || (comment !== -1 && comment < cdata);
    const start = isComment ? comment : cdata;
    out.push(text.slice(i, start));
    const end = text.indexOf(isComment ? '-->' : ']]>', start + (isComment ? 4 : 9));
    if (end === -1) return out.join('');
    i = end + 3;
    if (comment !== -1 && comment < i) comment = text.indexOf('<!--', i);
    if (cdata !== -1 && cdata < i) cdata = text.indexOf('<![CDATA[', i);
  }
  out.push(text.slice(i));
  return out.join('');
}

/**
 * The terminal never writes a DOCTYPE or its own entities. A file that does (e.g. `<!ENTITY v "3">` and `&v;` as
 * QualificationValidity) is refused before parsing, as is any `&` that is not one of the five XML entities or a
 * numeric reference to an XML character. Comments and CDATA sections are plain text and not looked into.
 */
function checkDeclarations(text: string, file: string | undefined): void {
  const plain = withoutCommentsAndCdata(text);
  const decl = /<!(DOCTYPE|ENTITY)/i.exec(plain);
  if (decl) {
    throw new TerminalError(
      'TERMINAL_MALFORMED_ANSWER',
      `file holds a <!${decl[1]}> declaration (terminal files never do)`,
      { file, cause: 'doctype' },
      answerRefusedText.declaration,
    );
  }
  for (let i = plain.indexOf('&'); i !== -1; i = plain.indexOf('&', i + 1)) {
    const m = XML_ENTITY.exec(plain.slice(i, i + 12));
    const cp =
      m?.[1] !== undefined ? Number.parseInt(m[1], 10) : m?.[2] !== undefined ? Number.parseInt(m[2], 16) : 0x20;
    if (!m || !isXmlChar(cp)) {
      throw new TerminalError(
        'TERMINAL_MALFORMED_ANSWER',
        `file holds an entity reference other than the XML ones: ${JSON.stringify(plain.slice(i, i + 12))}`,
        { file, cause: 'entity' },
        answerRefusedText.declaration,
      );
    }
  }
}

/**
 * Parse XML text into a tree of strings and objects; repeated elements become arrays. Every failure is a
 * TerminalError TERMINAL_MALFORMED_ANSWER (never another error).
 */
export function parseXmlText(text: string, file?: string): XmlTree {
  checkDeclarations(text, file);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new TerminalError(
      'TERMINAL_MALFORMED_ANSWER',
      `XML is not well-formed: ${valid.err.msg} (line ${valid.err.line})`,
      {
        file,
        cause: valid.err.code,
      },
    );
  }
  let tree: unknown;
  try {
    tree = parser.parse(text) as unknown;
  } catch (e) {
    // e.g. nesting deeper than MAX_DEPTH, or an element named like a JavaScript prototype property
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', `XML cannot be parsed: ${(e as Error).message}`, {
      file,
      cause: 'parser',
    });
  }
  if (!tree || typeof tree !== 'object') {
    throw new TerminalError('TERMINAL_MALFORMED_ANSWER', 'XML has no root element', { file });
  }
  return tree as XmlTree;
}

// ---- serializer ----

/** An element: name and content (text, children, or nothing → element omitted). */
export type XmlElem = readonly [name: string, content: string | readonly XmlElem[] | undefined];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function serialize(elem: XmlElem, depth: number, out: string[]): void {
  const [name, content] = elem;
  if (content === undefined) return;
  const pad = '  '.repeat(depth);
  if (typeof content === 'string') {
    out.push(`${pad}<${name}>${escapeXml(content)}</${name}>`);
    return;
  }
  out.push(`${pad}<${name}>`);
  for (const child of content) serialize(child, depth + 1, out);
  out.push(`${pad}</${name}>`);
}

/** The XML text of a document, with the declaration the terminal uses, CRLF line ends. */
export function xmlDocument(root: XmlElem, encoding: TextEncodingName): string {
  const decl = `<?xml version="1.0" encoding="${encoding === 'utf-8' ? 'UTF-8' : 'Shift_JIS'}" standalone="no"?>`;
  const out = [decl];
  serialize(root, 0, out);
  return out.join('\r\n') + '\r\n';
}

/** Turn a parsed subtree (or a plain record) back into elements, e.g. to write unknown elements through. */
export function treeToElems(tree: Record<string, unknown>): XmlElem[] {
  const out: XmlElem[] = [];
  for (const [name, value] of Object.entries(tree)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || v === null) continue;
      if (typeof v === 'object') out.push([name, treeToElems(v as Record<string, unknown>)]);
      else out.push([name, String(v)]);
    }
  }
  return out;
}
