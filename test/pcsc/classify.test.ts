// Certificate expiry classification: 3 months of warning before, 3 months of grace after (DOMAIN.md §6).
import { describe, expect, it } from 'vitest';
import { addMonthsJst, classifyCertificateExpiry, parseCertificate } from '../../src/hardware/pcsc/classify.ts';
import { diagnosisFromRead } from '../../src/hardware/pcsc/diagnose.ts';
import { makeAuthCertificate } from '../support/vcard/cert.ts';

const at = (s: string) => new Date(s);

describe('addMonthsJst', () => {
  it('counts calendar months in Japan time and clamps to the month end', () => {
    // 2026-01-31 09:00 JST
    expect(addMonthsJst(at('2026-01-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addMonthsJst(at('2026-11-30T00:00:00Z'), 3).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(addMonthsJst(at('2026-03-15T00:00:00Z'), -3).toISOString()).toBe('2025-12-15T00:00:00.000Z');
  });
  it('uses the JST date, not the UTC date: 2026-03-31 20:00 UTC is 2026-04-01 in Japan', () => {
    expect(addMonthsJst(at('2026-03-31T20:00:00Z'), 1).toISOString()).toBe('2026-04-30T20:00:00.000Z');
  });
});

describe('classifyCertificateExpiry', () => {
  const notAfter = at('2026-06-30T14:59:59Z'); // 2026-06-30 23:59:59 JST
  const cases: [string, string, boolean][] = [
    ['2025-06-30T00:00:00Z', 'ok', false],
    ['2026-03-30T14:59:58Z', 'ok', false],
    ['2026-03-30T14:59:59Z', 'expiring_soon', false], // exactly 3 months before
    ['2026-06-30T14:59:59Z', 'expiring_soon', false], // the last valid second
    ['2026-06-30T15:00:00Z', 'expired_in_grace', false],
    ['2026-09-30T14:59:59Z', 'expired_in_grace', false], // the last second of the grace
    ['2026-09-30T15:00:00Z', 'expired', true],
    ['2030-01-01T00:00:00Z', 'expired', true],
  ];
  for (const [now, status, trigger] of cases) {
    it(`${now} → ${status}`, () => {
      const c = classifyCertificateExpiry(notAfter, at(now));
      expect(c.status).toBe(status);
      expect(c.fallbackTrigger).toBe(trigger);
    });
  }
  it('reports the grace end and days to expiry', () => {
    const c = classifyCertificateExpiry(notAfter, at('2026-06-20T14:59:59Z'));
    expect(c.graceEndsAt.toISOString()).toBe('2026-09-30T14:59:59.000Z');
    expect(c.daysToExpiry).toBe(10);
  });
});

describe('diagnosis from the bytes read', () => {
  const now = at('2026-06-15T00:00:00Z');
  it('parses the DER with X509Certificate and classifies it, with Japanese text', () => {
    const der = makeAuthCertificate({ notAfter: at('2026-05-01T00:00:00Z') });
    expect(parseCertificate(der).notAfter.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    const d = diagnosisFromRead({ kind: 'certificate', reader: 'R', der: der.toString('base64') }, now);
    expect(d).toMatchObject({ status: 'expired_in_grace', fallbackTrigger: false, reader: 'R' });
    expect(d.message).toContain('2026年5月1日');
    expect(d.message).toContain('2026年8月1日');
  });
  it('bytes that are not a certificate → chip_unreadable (bad_certificate)', () => {
    const d = diagnosisFromRead(
      { kind: 'certificate', reader: 'R', der: Buffer.from('30820004deadbeef', 'hex').toString('base64') },
      now,
    );
    expect(d).toMatchObject({
      status: 'chip_unreadable',
      fallbackTrigger: true,
      unreadable: { reason: 'bad_certificate' },
    });
  });
});
