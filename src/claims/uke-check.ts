// 請求前点検: the month's UKE file the レセコン wrote, checked against the decisions for the outage visits. Read
// only: it lists differences and never writes a claim file. Each outage visit of the month (the month export's
// selection, re-claims included) is matched to the RE records of the file — by カルテ番号 when both sides have
// one, else by カナ氏名 (or 氏名) + 生年月日 — with the same 診療年月; then its HO / SN / CO are compared with the
// decision: 保険者番号・記号・番号, 枝番, and the 摘要 lines (③ must begin with 「不詳」). Pure.
import { BASIS_LABEL } from './decide.ts';
import { patientLabel } from './export.ts';
import { parseInsurerNumber } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { itemsForMonth, type ExportItem } from './month-export.ts';
import { kanaKey, nfkc, normalizeSymbolOrNumber } from './normalize.ts';
import { readUke, type UkeProblem, type UkeReceipt } from './uke-read.ts';
import type { InsuranceNumbers, Visit } from './visit.ts';

export type UkeFindingCode =
  | 'UKE_VISIT_MISSING'
  | 'UKE_VISIT_TWO_RECEIPTS'
  | 'UKE_VISIT_UNDECIDED'
  | 'UKE_NO_HO'
  | 'UKE_OLD_NUMBERS'
  | 'UKE_HO_DIFFERS'
  | 'UKE_BRANCH_DIFFERS'
  | 'UKE_UNKNOWN_NO_HEAD'
  | 'UKE_REMARK_MISSING';

export interface UkeFinding {
  code: UkeFindingCode;
  visitId: string;
  patientId: string;
  serviceDate: string;
  /** Line of the record concerned (the RE, or the HO), 0 when the file has none for the visit. */
  line: number;
  message: string;
}

export interface UkeCheckReport {
  month: string;
  receipts: number;
  visits: number;
  findings: UkeFinding[];
  /** Malformed lines and file-level problems (a missing GO trailer: the file may be truncated). */
  problems: UkeProblem[];
}

const digitsKey = (s: string) => {
  const n = nfkc(s).replace(/\s/g, '');
  const p = parseInsurerNumber(n);
  return p.valid ? p.normalized : n;
};
const numberKey = (s: string) => normalizeSymbolOrNumber(s).replace(/-/g, '');
const nameKey = (s: string) => nfkc(s).replace(/[\s\u3000]/g, '');
const idKey = (s: string) => {
  const t = nfkc(s);
  return /^\d+$/.test(t) ? t.replace(/^0+(?=\d)/, '') : t;
};

function samePerson(visit: Visit, r: UkeReceipt): boolean {
  const p = visit.patient;
  if (r.re.birthDate !== p.birthDate) return false;
  const kanaOk = r.re.nameKana !== '' && p.nameKana !== '' && kanaKey(r.re.nameKana) === kanaKey(p.nameKana);
  return kanaOk || nameKey(r.re.name) === nameKey(p.name);
}

/**
 * The receipts of the visit's 診療年月 that are this patient's: those with the same カルテ番号 when there are any;
 * otherwise those without a カルテ番号 (all of them, when the visit has none) with the same カナ氏名 (or 氏名) and
 * 生年月日. A receipt with another カルテ番号 is another patient.
 */
function receiptsOf(visit: Visit, receipts: UkeReceipt[]): UkeReceipt[] {
  const month = receipts.filter((r) => r.re.month === visit.serviceDate.slice(0, 7));
  const id = visit.patient.patientId;
  if (id !== '') {
    const byId = month.filter((r) => r.re.patientId !== '' && idKey(r.re.patientId) === idKey(id));
    if (byId.length > 0) return byId;
    return month.filter((r) => r.re.patientId === '' && samePerson(visit, r));
  }
  return month.filter((r) => samePerson(visit, r));
}

/** Numbers the visit knew that are not the decision's: old ones a レセコン might still carry. */
function oldNumbers(item: ExportItem): InsuranceNumbers[] {
  const v = item.visit;
  const sets = [v.pastInsurance, v.evidence.insurance, v.terminal?.insurance];
  return sets.filter((n): n is InsuranceNumbers => !!n && n.insurerNumber !== '' && n.number !== '');
}

const show = (insurer: string, symbol: string, number: string) =>
  [insurer, symbol, number].filter((x) => x !== '').join(' ');

function compare(item: ExportItem, r: UkeReceipt, out: UkeFinding[]): void {
  const { visit, decision } = item;
  const add = (code: UkeFindingCode, line: number, message: string) =>
    out.push({
      code,
      visitId: visit.id,
      patientId: visit.patient.patientId,
      serviceDate: visit.serviceDate,
      line,
      message,
    });
  const who = `${patientLabel(visit)} ${visit.serviceDate} ${BASIS_LABEL[decision.basis]}`;
  const ho = r.ho[0];
  if (!ho) add('UKE_NO_HO', r.re.line, m.ukeNoHo(who));
  else {
    const same =
      digitsKey(ho.insurerNumber) === digitsKey(decision.ho.insurerNumber) &&
      numberKey(ho.symbol) === numberKey(decision.ho.symbol) &&
      numberKey(ho.number) === numberKey(decision.ho.number);
    if (!same) {
      const found = show(ho.insurerNumber, ho.symbol, ho.number);
      const expected = show(decision.ho.insurerNumber, decision.ho.symbol, decision.ho.number);
      const old =
        decision.basis === 'current' &&
        oldNumbers(item).some(
          (n) =>
            digitsKey(n.insurerNumber) === digitsKey(ho.insurerNumber) &&
            numberKey(n.symbol) === numberKey(ho.symbol) &&
            numberKey(n.number) === numberKey(ho.number),
        );
      if (old) add('UKE_OLD_NUMBERS', ho.line, m.ukeOldNumbers(who, found, expected));
      else add('UKE_HO_DIFFERS', ho.line, m.ukeHoDiffers(who, found, expected));
    }
  }
  const branch = decision.sn.branch;
  if (branch !== '' && !r.sn.some((s) => nfkc(s.branch) === branch)) {
    const found = r.sn.map((s) => s.branch).filter((b) => b !== '');
    add('UKE_BRANCH_DIFFERS', r.sn[0]?.line ?? r.re.line, m.ukeBranchDiffers(who, found.join('・'), branch));
  }
  const texts = r.comments.map((c) => nameKey(c.text));
  const joined = texts.join('');
  if (decision.basis === 'unknown' && !texts.some((t) => t.startsWith(nameKey(m.remarkUnknownHead())))) {
    add('UKE_UNKNOWN_NO_HEAD', r.re.line, m.ukeUnknownNoHead(who));
  }
  const missing = decision.remarks.filter((line) => line !== m.remarkUnknownHead() && !joined.includes(nameKey(line)));
  if (missing.length > 0) add('UKE_REMARK_MISSING', r.re.line, m.ukeRemarkMissing(who, missing));
}

/** Check a decoded UKE file against a month's outage visits and their decisions. */
export function checkUke(text: string, items: ExportItem[], month: string): UkeCheckReport {
  const file = readUke(text);
  const selected = itemsForMonth(items, month);
  const findings: UkeFinding[] = [];
  for (const item of selected) {
    const { visit, decision } = item;
    const base = { visitId: visit.id, patientId: visit.patient.patientId, serviceDate: visit.serviceDate };
    const who = `${patientLabel(visit)} ${visit.serviceDate}`;
    if (decision.needsDecision.length > 0) {
      findings.push({ ...base, code: 'UKE_VISIT_UNDECIDED', line: 0, message: m.ukeVisitUndecided(who) });
      continue;
    }
    const found = receiptsOf(visit, file.receipts);
    if (found.length === 0) {
      findings.push({ ...base, code: 'UKE_VISIT_MISSING', line: 0, message: m.ukeVisitMissing(who) });
    } else if (found.length > 1) {
      findings.push({
        ...base,
        code: 'UKE_VISIT_TWO_RECEIPTS',
        line: found[0]!.re.line,
        message: m.ukeTwoReceipts(
          who,
          found.map((r) => r.re.line),
        ),
      });
    } else compare(item, found[0]!, findings);
  }
  // In file order (a visit the file lacks at the end), so staff can walk the file top to bottom.
  const order = (f: UkeFinding) => (f.line === 0 ? Number.MAX_SAFE_INTEGER : f.line);
  findings.sort((a, b) => order(a) - order(b));
  return { month, receipts: file.receipts.length, visits: selected.length, findings, problems: file.problems };
}

/** The report as text for staff: a summary line, one line per difference, then the file's problems. */
export function formatUkeReport(r: UkeCheckReport): string {
  const lines = [m.ukeSummary(r.month, r.receipts, r.visits, r.findings.length, r.problems.length)];
  for (const f of r.findings) lines.push(f.line > 0 ? m.ukeAtLine(f.line, f.message) : f.message);
  for (const p of r.problems) lines.push(p.line > 0 ? m.ukeAtLine(p.line, p.message) : p.message);
  return lines.join('\n') + '\n';
}
