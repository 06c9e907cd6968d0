// From what was read off the card to the diagnosis shown to staff. Runs in the parent (and in the
// simulator), where the clock is injected.
import { classifyCertificateExpiry, parseCertificate } from './classify.ts';
import { diagnosisMessage } from './messages.ts';
import type { ReadResult } from './protocol.ts';
import type { CardDiagnosis } from './types.ts';

export function unreadableDiagnosis(
  reader: string,
  u: NonNullable<CardDiagnosis['unreadable']>,
  now: Date,
  atr?: string,
): CardDiagnosis {
  return {
    reader,
    status: 'chip_unreadable',
    fallbackTrigger: true,
    ...diagnosisMessage('chip_unreadable'),
    unreadable: u,
    ...(atr ? { atr } : {}),
    at: now.toISOString(),
  };
}

export function certificateDiagnosis(
  reader: string,
  cert: { notBefore: Date; notAfter: Date },
  now: Date,
  atr?: string,
): CardDiagnosis {
  const c = classifyCertificateExpiry(cert.notAfter, now);
  return {
    reader,
    status: c.status,
    fallbackTrigger: c.fallbackTrigger,
    ...diagnosisMessage(c.status, { notAfter: c.notAfter, graceEndsAt: c.graceEndsAt }),
    certificate: {
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      graceEndsAt: c.graceEndsAt.toISOString(),
      daysToExpiry: c.daysToExpiry,
    },
    ...(atr ? { atr } : {}),
    at: now.toISOString(),
  };
}

export function diagnosisFromRead(read: ReadResult, now: Date): CardDiagnosis {
  if (read.kind === 'unreadable') {
    return unreadableDiagnosis(
      read.reader,
      { reason: read.reason, step: read.step, ...(read.sw ? { sw: read.sw } : {}) },
      now,
      read.atr,
    );
  }
  let cert;
  try {
    cert = parseCertificate(Buffer.from(read.der, 'base64'));
  } catch {
    return unreadableDiagnosis(read.reader, { reason: 'bad_certificate', step: 'parse' }, now, read.atr);
  }
  return certificateDiagnosis(read.reader, cert, now, read.atr);
}
