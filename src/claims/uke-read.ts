// Reading the month's UKE file the レセコン wrote (レセ電, 記録条件仕様 医科): Shift_JIS, one record a line
// (CRLF; LF accepted), comma-separated fields, the record type first. Only the records the 請求前点検 needs are
// read: RE (レセプト共通), HO (保険者), SN (資格確認), CO (コメント), GO (trailer). Other types (IR, KO, SY, SI, IY,
// …) are skipped, unknown ones too. A malformed line is reported with its line number; the rest is still read.
// Field positions (1 = the record type), as the 記録条件仕様 lays them out (cf. hangilc/myclinic-ts
// packages/rezept/records/): RE 2 レセプト番号, 3 レセプト種別, 4 診療年月, 5 氏名, 6 男女区分, 7 生年月日,
// 14 カルテ番号等, 37 カタカナ氏名; HO 2 保険者番号, 3 記号, 4 番号; SN 7 枝番; CO 5 文字データ. Pure.
import iconv from 'iconv-lite';
import { claimMessages as m } from './messages.ts';

export interface UkeRe {
  line: number;
  receiptNumber: string;
  /** 診療年月 as YYYY-MM, or '' when it cannot be read. */
  month: string;
  name: string;
  /** 生年月日 as YYYY-MM-DD, or '' when it cannot be read. */
  birthDate: string;
  patientId: string;
  nameKana: string;
}

export interface UkeReceipt {
  re: UkeRe;
  ho: { line: number; insurerNumber: string; symbol: string; number: string }[];
  sn: { line: number; insurerNumber: string; symbol: string; number: string; branch: string }[];
  comments: { line: number; text: string }[];
}

export interface UkeProblem {
  /** 1-based line number; 0 for the file as a whole. */
  line: number;
  code: string;
  message: string;
}

export interface UkeFile {
  receipts: UkeReceipt[];
  problems: UkeProblem[];
  /** Lines read (without a final empty line). */
  lines: number;
}

const EOF_MARK = String.fromCharCode(0x1a);

/** Fewest fields (the type included) a record needs to be read. */
const MIN_FIELDS: Readonly<Record<string, number>> = { RE: 7, HO: 4, SN: 7, CO: 5 };

/** UKE 元号 codes: 1 明治 … 5 令和, with the year before each era's 元年. */
const ERA_BASE: Readonly<Record<string, number>> = { '1': 1867, '2': 1911, '3': 1925, '4': 1988, '5': 2018 };

function validMonth(mo: string): boolean {
  return Number(mo) >= 1 && Number(mo) <= 12;
}

/** 診療年月: YYYYMM (西暦) or GYYMM (和暦, 元号 code + year + month). */
export function ukeMonth(s: string): string {
  const t = s.trim();
  let r = /^(\d{4})(\d{2})$/.exec(t);
  if (r && validMonth(r[2]!)) return `${r[1]}-${r[2]}`;
  r = /^([1-5])(\d{2})(\d{2})$/.exec(t);
  if (r && validMonth(r[3]!)) return `${ERA_BASE[r[1]!]! + Number(r[2])}-${r[3]}`;
  return '';
}

/** 生年月日: YYYYMMDD (西暦) or GYYMMDD (和暦). */
export function ukeDate(s: string): string {
  const t = s.trim();
  let r = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (r && validMonth(r[2]!)) return `${r[1]}-${r[2]}-${r[3]}`;
  r = /^([1-5])(\d{2})(\d{2})(\d{2})$/.exec(t);
  if (r && validMonth(r[3]!)) return `${ERA_BASE[r[1]!]! + Number(r[2])}-${r[3]}-${r[4]}`;
  return '';
}

/** Decode a UKE file's bytes (Windows-31J). */
export function decodeUke(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes), 'cp932');
}

/** Read UKE text into receipts (an RE and the HO/SN/CO records after it), with every problem found. */
export function readUke(text: string): UkeFile {
  // A trailing EOF mark (0x1A) is a convention of UKE media; a BOM is not, but costs nothing to drop.
  let body = text.replace(/^\uFEFF/, '');
  while (body.endsWith(EOF_MARK)) body = body.slice(0, -1);
  const rawLines = body.split(/\r\n|\n|\r/);
  if (rawLines.at(-1) === '') rawLines.pop();
  const receipts: UkeReceipt[] = [];
  const problems: UkeProblem[] = [];
  let current: UkeReceipt | undefined;
  let trailer = false;
  rawLines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const f = raw.split(',');
    const type = f[0]!;
    if (!/^[A-Z]{2}$/.test(type)) {
      problems.push({ line, code: 'UKE_NO_RECORD_TYPE', message: m.ukeNoRecordType() });
      return;
    }
    const min = MIN_FIELDS[type];
    if (type === 'GO') trailer = true;
    if (min === undefined) return; // IR, KO, SY, SI, … and unknown types: not needed here
    if (f.length < min) {
      problems.push({ line, code: 'UKE_SHORT_RECORD', message: m.ukeShortRecord(type, f.length, min) });
      if (type === 'RE') current = undefined; // its HO/SN/CO cannot be told apart from the previous patient's
      return;
    }
    const at = (k: number) => (f[k - 1] ?? '').trim();
    if (type === 'RE') {
      current = {
        re: {
          line,
          receiptNumber: at(2),
          month: ukeMonth(at(4)),
          name: at(5),
          birthDate: ukeDate(at(7)),
          patientId: at(14),
          nameKana: at(37),
        },
        ho: [],
        sn: [],
        comments: [],
      };
      receipts.push(current);
      if (current.re.month === '' || current.re.birthDate === '')
        problems.push({ line, code: 'UKE_BAD_DATE', message: m.ukeBadDate(at(4), at(7)) });
      return;
    }
    if (!current) {
      problems.push({ line, code: 'UKE_ORPHAN_RECORD', message: m.ukeOrphanRecord(type) });
      return;
    }
    if (type === 'HO') current.ho.push({ line, insurerNumber: at(2), symbol: at(3), number: at(4) });
    else if (type === 'SN')
      current.sn.push({ line, insurerNumber: at(4), symbol: at(5), number: at(6), branch: at(7) });
    else current.comments.push({ line, text: at(5) });
  });
  if (!trailer) problems.push({ line: 0, code: 'UKE_NO_TRAILER', message: m.ukeNoTrailer() });
  return { receipts, problems, lines: rawLines.length };
}
