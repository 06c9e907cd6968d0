import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decideClaim } from '../../src/claims/decide.ts';
import type { ExportItem } from '../../src/claims/month-export.ts';
import { toFullWidth } from '../../src/claims/normalize.ts';
import { defaultClaimSettings as S } from '../../src/claims/settings.ts';
import { Visit, type VisitInput } from '../../src/claims/visit.ts';

export const examplesDir = join(import.meta.dirname, '../../docs/examples');

export function loadExample(name: string): Visit {
  return Visit.parse(JSON.parse(readFileSync(join(examplesDir, name), 'utf8')));
}

export function exampleNames(): string[] {
  return readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
}

/** A visit with the given overrides on top of docs/examples/portal.json. */
export function visitWith(over: Partial<VisitInput>): Visit {
  const base = JSON.parse(readFileSync(join(examplesDir, 'portal.json'), 'utf8')) as VisitInput;
  return Visit.parse({ ...base, ...over });
}

function withPatient(v: Visit, over: Partial<Visit['patient']>): Visit {
  return { ...v, patient: { ...v.patient, ...over } };
}

/** Four outage visits: ① 家族 from the terminal, ② re-claimed, ③ (9-digit fill, long address), ③ 後期 (8 digits). */
export function sheetItems(): ExportItem[] {
  const portal = withPatient(loadExample('portal.json'), { patientId: '100' });
  const past = withPatient(loadExample('invalid-past.json'), { patientId: '9' });
  const unknown = loadExample('declaration-unknown.json');
  unknown.evidence.declaration!.address =
    '北海道札幌市中央区北一条西二丁目一番地 札幌市役所本庁舎内 架空ビルディング第三十三号室';
  const elderly = withPatient(loadExample('declaration-unknown.json'), {
    patientId: '12',
    name: '佐藤 一郎',
    nameKana: 'サトウ イチロウ',
    birthDate: '1948-03-01',
    sex: 'male',
  });
  elderly.id = '0193a0c0-0000-7000-8000-000000000010';
  elderly.copay = { percent: 10, source: 'age', reason: '' };
  elderly.evidence.declaration = {
    ...elderly.evidence.declaration!,
    name: '佐藤 一郎',
    birthDate: '1948-03-01',
    insuranceType: 'kouki',
    employerName: '',
  };
  return [
    {
      visit: portal,
      decision: decideClaim(portal, S, {
        validity: 'valid',
        insurance: { insurerNumber: '06132013', symbol: '1234', number: '567', branch: '01' },
        personalFamily: '2',
      }),
    },
    { visit: past, decision: decideClaim(past, S), reclaimOf: { returnId: 'R-1', originalMonth: '2026-10' } },
    { visit: unknown, decision: decideClaim(unknown, S) },
    { visit: elderly, decision: decideClaim(elderly, S) },
  ];
}

/** One receipt of a UKE file as a レセコン writes it (for the 請求前点検 tests). */
export interface Receipt {
  patientId?: string;
  name: string;
  kana?: string;
  birth: string; // YYYYMMDD
  month?: string; // YYYYMM
  ho: [string, string, string];
  branch?: string;
  comments?: string[];
}

/** A receipt as a レセコン writes it: RE (38 fields), HO (15), SN (9), then one CO per line. */
function receiptLines(r: Receipt, seq: number): string[] {
  const re = Array.from({ length: 38 }, () => '');
  re[0] = 'RE';
  re[1] = String(seq);
  re[2] = '1112';
  re[3] = r.month ?? '202611';
  re[4] = r.name.replace(' ', '　');
  re[5] = '1';
  re[6] = r.birth;
  re[7] = '';
  re[13] = r.patientId ?? '';
  re[36] = r.kana ?? '';
  const ho = [
    'HO',
    r.ho[0],
    toFullWidth(r.ho[1]),
    toFullWidth(r.ho[2]),
    '1',
    '350',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ];
  const sn = ['SN', '1', '01', '', '', '', r.branch ?? '', '', ''];
  const co = (r.comments ?? []).map((t) => ['CO', '99', '1', '810000001', toFullWidth(t)].join(','));
  return [re.join(','), ho.join(','), 'SY,8830052,20261120,1,,,,,', sn.join(','), ...co, 'SI,1,1,111000110,,1,1'];
}

/** A whole UKE file (IR, the receipts, GO): CRLF by default, as the 記録条件仕様 has it. */
export function ukeText(receipts: Receipt[], eol = '\r\n', trailer = true): string {
  const lines = ['IR,1,13,1,1234567,,テストクリニック,202611,00,0312345678'];
  receipts.forEach((r, i) => lines.push(...receiptLines(r, i + 1)));
  if (trailer) lines.push(`GO,${receipts.length},${receipts.length * 350},99`);
  return lines.join(eol) + eol;
}
