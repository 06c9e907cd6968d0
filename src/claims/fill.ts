// The fills of a claim whose numbers are not (fully) known, and the 摘要 that goes with them.
// ③ 不詳 (2023-07-19 保険局医療課 事務連絡, as quoted by 社会保険出版社 [S1b]): 保険者番号 「77777777」 (or
// 「77777779」), 記号 not recorded, 番号 「777777777」 (9 digits) but 「77777777」 (8) for 後期高齢者医療; 摘要 begins
// with 「不詳」, then the 申立書's 住所・事業所名・連絡先; without 住所 and 連絡先 a ③ is not claimable.
// Disaster mode (中医協 総-6-1 別添 [S12]): insurer known → that 保険者番号 with the 9-filled 番号; insurer
// unknown → 「99999999」 with any known 記号・番号; 「不詳」 heads 摘要 either way.
import { koukiFirstDay } from './copay.ts';
import { ageOn, compareIso, parseIsoDate } from './dates.ts';
import { formatPhone } from './declaration.ts';
import { parseInsurerNumber } from './insurer.ts';
import { claimMessages as m } from './messages.ts';
import { normalizeSymbolOrNumber } from './normalize.ts';
import type { ClaimSettings } from './settings.ts';
import type { Declaration, InsuranceNumbers, Visit } from './visit.ts';

export interface FillNumbers {
  insurerNumber: string;
  symbol: string;
  number: string;
}

/**
 * Is the patient in 後期高齢者医療 on the service date? The 申立書 says so (保険種別 後期), or the patient is 75 or
 * older (from the 75th birthday itself), or 65–74 with a 障害認定 (which only staff know: the 申立書's flag).
 */
export function isKoukiPatient(visit: Visit, declaration: Declaration | null): boolean {
  if (declaration?.insuranceType === 'kouki') return true;
  const birthDate = declaration?.birthDate ?? visit.patient.birthDate;
  const first = koukiFirstDay(birthDate);
  if (first && compareIso(visit.serviceDate, first) >= 0) return true;
  const b = parseIsoDate(birthDate);
  const on = parseIsoDate(visit.serviceDate);
  return !!(declaration?.disabilityCertified && b && on && ageOn(b, on) >= 65);
}

/** The parts of the numbers known although the set is incomplete: a valid 保険者番号, a 記号, a 番号. */
export function partialNumbers(visit: Visit): Partial<InsuranceNumbers> {
  const sources: (Partial<InsuranceNumbers> | undefined)[] = [
    visit.evidence.insurance,
    visit.evidence.declaration?.knownNumbers,
  ];
  const out: Partial<InsuranceNumbers> = {};
  for (const s of sources) {
    if (!s) continue;
    if (out.insurerNumber === undefined && s.insurerNumber) {
      const p = parseInsurerNumber(s.insurerNumber);
      if (p.valid) out.insurerNumber = p.normalized;
    }
    if (out.symbol === undefined && s.symbol) out.symbol = normalizeSymbolOrNumber(s.symbol) || undefined;
    if (out.number === undefined && s.number) out.number = normalizeSymbolOrNumber(s.number) || undefined;
  }
  return out;
}

/** HO values of a claim without (full) numbers, by the claim mode. */
export function fillNumbers(visit: Visit, declaration: Declaration | null, settings: ClaimSettings): FillNumbers {
  if (settings.mode === 'disaster') {
    const known = partialNumbers(visit);
    return known.insurerNumber
      ? { insurerNumber: known.insurerNumber, symbol: known.symbol ?? '', number: settings.disasterNumber }
      : {
          insurerNumber: settings.disasterInsurerNumber,
          symbol: known.symbol ?? '',
          number: known.number ?? settings.disasterNumber,
        };
  }
  const kokuho = declaration?.insuranceType === 'kokuho' && settings.kokuhoUnknownForm !== '8digit';
  const kouki = isKoukiPatient(visit, declaration);
  return {
    insurerNumber: kokuho ? settings.kokuhoUnknownForm : settings.unknownInsurerNumber,
    symbol: '7'.repeat(settings.unknownSymbolLength),
    number: '7'.repeat(kouki ? settings.unknownNumberLengthKouki : settings.unknownNumberLength),
  };
}

export interface UnknownContact {
  address: string;
  employer: string;
  phone: string;
}

/** 住所・事業所名・連絡先 for the 摘要: the 申立書's, else the 4 items and the patient record. */
export function unknownContact(visit: Visit, declaration: Declaration | null): UnknownContact {
  return {
    address: declaration?.address || visit.evidence.fourItems?.address || visit.patient.address,
    employer: declaration?.employerName ?? '',
    phone: declaration?.phone || visit.patient.phone,
  };
}

/** A ③ is claimable only with 住所 and 連絡先 [S1b]. */
export function contactComplete(c: UnknownContact): boolean {
  return c.address.trim() !== '' && c.phone.trim() !== '';
}

/** 摘要 lines of a ③ / disaster claim: 「不詳」 first, then 住所, 事業所名, 連絡先 (those known). */
export function unknownRemarks(c: UnknownContact): string[] {
  const lines = [m.remarkUnknownHead()];
  if (c.address) lines.push(m.remarkAddress(c.address));
  if (c.employer) lines.push(m.remarkEmployer(c.employer));
  if (c.phone) lines.push(m.remarkPhone(formatPhone(c.phone)));
  return lines;
}
