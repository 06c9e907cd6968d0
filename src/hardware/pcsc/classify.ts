// Classification of the 利用者証明用電子証明書 by its notAfter (DOMAIN.md §6): the reader warns from
// 3 months before to 3 months after expiry, and the card still works as a 保険証 for 3 months after the
// certificate expired. Only "expired beyond the grace" (and an unreadable chip) trigger the fallback flow.
import { X509Certificate } from 'node:crypto';
import { JST_OFFSET_MS } from '../../claims/dates.ts';

export type CertificateStatus = 'ok' | 'expiring_soon' | 'expired_in_grace' | 'expired';
export type CardDiagnosisStatus = CertificateStatus | 'chip_unreadable';

export const GRACE_MONTHS = 3;
export const WARN_BEFORE_MONTHS = 3;

/**
 * Add calendar months as people in Japan count them (JST, no DST): 2026-01-31 + 1 month → 2026-02-28.
 * The time of day is kept.
 */
export function addMonthsJst(at: Date, months: number): Date {
  const local = new Date(at.getTime() + JST_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  const shifted = Date.UTC(
    targetYear,
    targetMonth,
    day,
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return new Date(shifted - JST_OFFSET_MS);
}

export interface CertificateClassification {
  status: CertificateStatus;
  /** The card cannot be used for マイナ保険証 confirmation: start the fallback flow. */
  fallbackTrigger: boolean;
  notAfter: Date;
  /** notAfter + 3 months: until then the card still works as a 保険証. */
  graceEndsAt: Date;
  /** Whole days from now to notAfter (negative once expired). */
  daysToExpiry: number;
}

export function classifyCertificateExpiry(notAfter: Date, now: Date): CertificateClassification {
  const graceEndsAt = addMonthsJst(notAfter, GRACE_MONTHS);
  const warnFrom = addMonthsJst(notAfter, -WARN_BEFORE_MONTHS);
  const t = now.getTime();
  let status: CertificateStatus;
  if (t > graceEndsAt.getTime()) status = 'expired';
  else if (t > notAfter.getTime()) status = 'expired_in_grace';
  else if (t >= warnFrom.getTime()) status = 'expiring_soon';
  else status = 'ok';
  return {
    status,
    fallbackTrigger: status === 'expired',
    notAfter,
    graceEndsAt,
    daysToExpiry: Math.floor((notAfter.getTime() - t) / 86_400_000),
  };
}

export interface ParsedCertificate {
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  issuer: string;
}

/** Parse DER with Node's X509Certificate. Throws when the bytes are not a certificate. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const cert = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength));
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notAfter.getTime()) || Number.isNaN(notBefore.getTime()))
    throw new Error('certificate dates unreadable');
  return { notBefore, notAfter, serialNumber: cert.serialNumber, issuer: cert.issuer };
}
