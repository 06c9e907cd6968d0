// Export records for the レセコン: a CSV row per visit, the checks every export makes, and the file encoding.
// Pure: these functions build strings and bytes; writing files is the caller's business.
import iconv from 'iconv-lite';
import { firstUnencodable, toCp932Forms } from './cp932.ts';
import { sjisByteLength, UKE_SYMBOL_NUMBER_MAX_BYTES } from './bytes.ts';
import { parseInsurerNumber } from './insurer.ts';
import { BASIS_LABEL, type ClaimDecision } from './decide.ts';
import { toWareki } from './dates.ts';
import { contactComplete } from './fill.ts';
import { claimMessages as m } from './messages.ts';
import { toFullWidth } from './normalize.ts';
import { fail, ok, type ClaimError, type Result } from './result.ts';
import { fillInsurerNumbers, type ClaimSettings } from './settings.ts';
import type { Visit } from './visit.ts';

export type TextEncoding = 'shift_jis' | 'utf8';

/** CSV columns, in order (documented in docs/claims-export.md). */
export const CSV_COLUMNS = [
  'visit_id',
  'service_date',
  'service_date_wareki',
  'patient_id',
  'name',
  'name_kana',
  'birth_date',
  'sex',
  'basis',
  'basis_label',
  'rule',
  'insurer_number',
  'symbol',
  'number',
  'branch',
  'payer',
  'copay_percent',
  'remarks',
  'needs_decision',
  'cause',
  'evidence',
  'relationship',
] as const;

/** Japanese column headings of the month files staff open (the CLI's single `--format csv` keeps CSV_COLUMNS). */
export const CSV_COLUMN_LABELS: Record<(typeof CSV_COLUMNS)[number], string> = {
  visit_id: '受付ID',
  service_date: '診療日',
  service_date_wareki: '診療日（和暦）',
  patient_id: 'カルテ番号',
  name: '氏名',
  name_kana: 'カナ氏名',
  birth_date: '生年月日',
  sex: '性別',
  basis: '請求区分コード',
  basis_label: '請求区分',
  rule: '判定規則',
  insurer_number: '保険者番号',
  symbol: '記号',
  number: '番号',
  branch: '枝番',
  payer: '請求先',
  copay_percent: '負担割合（％）',
  remarks: '摘要',
  needs_decision: '要確認',
  cause: '障害の原因',
  evidence: '確認方法',
  relationship: '本人家族',
};

export function csvRow(visit: Visit, decision: ClaimDecision): string[] {
  const byColumn: Record<(typeof CSV_COLUMNS)[number], string> = {
    visit_id: visit.id,
    service_date: visit.serviceDate,
    service_date_wareki: toWareki(visit.serviceDate),
    patient_id: visit.patient.patientId,
    name: visit.patient.name,
    name_kana: visit.patient.nameKana,
    birth_date: visit.patient.birthDate,
    sex: visit.patient.sex === 'male' ? '1' : '2',
    basis: decision.basis,
    basis_label: BASIS_LABEL[decision.basis],
    rule: decision.rule,
    insurer_number: decision.ho.insurerNumber,
    symbol: decision.ho.symbol,
    number: decision.ho.number,
    branch: decision.sn.branch,
    payer: decision.payer,
    copay_percent: String(visit.copay.percent),
    remarks: decision.remarks.join(' / '),
    needs_decision: decision.needsDecision.map((e) => e.code).join(' '),
    cause: visit.cause,
    evidence: visit.evidence.kind,
    relationship: decision.personalFamily,
  };
  return CSV_COLUMNS.map((c) => byColumn[c]);
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record (RFC 4180 quoting), without its line end. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** RFC 4180 CSV with CRLF line ends and a header row. */
export function toCsv(rows: string[][], header: readonly string[] = CSV_COLUMNS): string {
  return [header, ...rows].map(csvLine).join('\r\n') + '\r\n';
}

/** Parse RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** How a patient is named in export messages: カルテ番号 and 氏名 (the visit id when there is no カルテ番号). */
export function patientLabel(visit: Visit): string {
  const p = visit.patient;
  // Without a カルテ番号 the clerk finds the patient by name and birth date (an internal id means nothing to them).
  return p.patientId
    ? `${p.name}（カルテ番号 ${p.patientId}）`
    : `${p.name}（生年月日 ${p.birthDate}、カルテ番号なし）`;
}

/**
 * A decision is exportable when the 保険者番号 passes its check digit or is one of the configured fills (不詳 /
 * disaster), 記号・番号 fit the UKE 漢字 fields (38 bytes, full-width), nothing needs a decision, and a ③ has its
 * 住所 and 連絡先 [S1b]. Returns the problems, empty when fine.
 */
export function exportProblems(visit: Visit, decision: ClaimDecision, settings: ClaimSettings): ClaimError[] {
  const visitId = visit.id;
  const problems: ClaimError[] = [];
  const insurer = decision.ho.insurerNumber;
  if (!fillInsurerNumbers(settings).has(insurer) && !parseInsurerNumber(insurer).valid) {
    problems.push({ code: 'EXPORT_BAD_NUMBER', message: m.exportBadNumber(visitId), field: visitId });
  }
  for (const [label, value] of [
    ['記号', decision.ho.symbol],
    ['番号', decision.ho.number],
  ] as const) {
    if (sjisByteLength(toFullWidth(value)) > UKE_SYMBOL_NUMBER_MAX_BYTES) {
      problems.push({
        code: 'EXPORT_FIELD_TOO_LONG',
        message: m.exportFieldTooLong(patientLabel(visit), label, UKE_SYMBOL_NUMBER_MAX_BYTES),
        field: visitId,
      });
    }
  }
  if (decision.basis === 'unknown' && decision.contact && !contactComplete(decision.contact)) {
    problems.push({
      code: 'EXPORT_UNKNOWN_NO_CONTACT',
      message: m.exportUnknownNoContact(patientLabel(visit)),
      field: visitId,
    });
  }
  if (decision.needsDecision.length > 0) {
    problems.push({
      code: 'EXPORT_NEEDS_DECISION',
      message: m.exportNeedsDecision(visitId, decision.needsDecision.map((e) => e.message).join(' ')),
      field: visitId,
    });
  }
  return problems;
}

/**
 * Each field of a visit's export rows (CSV columns and the 摘要 CO lines) that holds a character CP932 cannot
 * encode, as an error naming the patient and the field (code EXPORT_UNENCODABLE, `field` = the visit id). `row`:
 * its csvRow when the caller has it already.
 */
export function unencodableProblems(
  visit: Visit,
  decision: ClaimDecision,
  row: readonly string[] = csvRow(visit, decision),
): ClaimError[] {
  const problems: ClaimError[] = [];
  const seen = new Set<string>();
  const check = (label: string, value: string): void => {
    const ch = firstUnencodable(value);
    if (ch === null || seen.has(label)) return;
    seen.add(label);
    problems.push({
      code: 'EXPORT_UNENCODABLE',
      message: m.exportUnencodable(patientLabel(visit), label, ch),
      field: visit.id,
    });
  };
  for (let i = 0; i < CSV_COLUMNS.length; i++) check(CSV_COLUMN_LABELS[CSV_COLUMNS[i]!], row[i]!);
  for (const c of decision.comments) check(CSV_COLUMN_LABELS.remarks, c.text);
  return problems;
}

/** The UTF-8 byte order mark: Excel reads a UTF-8 CSV as UTF-8 only when it begins with one. */
export const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/**
 * Encode text for a file. 'shift_jis' is Windows-31J (CP932, what Japanese Windows レセコン read): the JIS forms
 * of the wave dash / minus family become their CP932 forms as Windows converts them (cp932.ts); any other
 * character the encoding cannot hold is an error naming it — never a silent '?'.
 */
export function encodeText(text: string, encoding: TextEncoding): Result<Uint8Array> {
  if (encoding === 'utf8') return ok(new TextEncoder().encode(text));
  text = toCp932Forms(text);
  const bytes = iconv.encode(text, 'cp932');
  const back = iconv.decode(bytes, 'cp932');
  if (back !== text) {
    const chars = [...text];
    const backChars = [...back];
    const i = chars.findIndex((c, k) => backChars[k] !== c);
    const ch = chars[i] ?? '';
    return fail({
      code: 'ENCODING_UNREPRESENTABLE',
      message: m.encodingUnrepresentable(ch),
    });
  }
  return ok(new Uint8Array(bytes));
}

export function decodeText(bytes: Uint8Array, encoding: TextEncoding): string {
  return encoding === 'utf8' ? new TextDecoder('utf-8').decode(bytes) : iconv.decode(Buffer.from(bytes), 'cp932');
}
