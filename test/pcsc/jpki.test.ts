// JPKI certificate reading over a scripted transmit: DER length, chunking, short responses, status words.
import { describe, expect, it } from 'vitest';
import {
  ChipUnreadable,
  parseDerTotalLength,
  parseResponse,
  readAuthCertificate,
  readBinary,
  type Transmit,
} from '../../src/hardware/pcsc/jpki.ts';
import { VirtualMyNumberCard, type CardFault } from '../support/vcard/card.ts';
import { makeAuthCertificate } from '../support/vcard/cert.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('DER length', () => {
  it('30 82 LL LL → LLLL + 4', () => {
    expect(parseDerTotalLength(hex('30 82 03 44'))).toBe(0x344 + 4);
    expect(parseDerTotalLength(hex('30 82 06 1A'))).toBe(0x61a + 4);
  });
  it('short and 81 forms', () => {
    expect(parseDerTotalLength(hex('30 10 00 00'))).toBe(0x12);
    expect(parseDerTotalLength(hex('30 81 C8 00'))).toBe(0xc8 + 3);
  });
  it('rejects what is not a plausible certificate header', () => {
    expect(parseDerTotalLength(hex('31 82 03 44'))).toBeNull(); // not a SEQUENCE
    expect(parseDerTotalLength(hex('30 83 01 00'))).toBeNull(); // 3-byte length
    expect(parseDerTotalLength(hex('30 82 FF FF'))).toBeNull(); // absurd size
    expect(parseDerTotalLength(hex('FF FF FF FF'))).toBeNull(); // erased EF
    expect(parseDerTotalLength(hex('30 82'))).toBeNull(); // truncated
    expect(parseDerTotalLength(hex(''))).toBeNull();
  });
});

describe('response parsing', () => {
  it('never reads SW1 SW2 from a response shorter than 2 bytes', () => {
    expect(parseResponse(new Uint8Array())).toBeNull();
    expect(parseResponse(hex('90'))).toBeNull();
    expect(parseResponse(hex('90 00'))).toEqual({ data: new Uint8Array(), sw: 0x9000 });
    const r = parseResponse(hex('30 82 03 44 90 00'))!;
    expect([...r.data]).toEqual([0x30, 0x82, 0x03, 0x44]);
  });
  it('READ BINARY encodes the offset and refuses lengths over FF', () => {
    expect([...readBinary(0x0103, 0xff)]).toEqual([0x00, 0xb0, 0x01, 0x03, 0xff]);
    expect(() => readBinary(0, 0x100)).toThrow(RangeError);
    expect(() => readBinary(0x8000, 1)).toThrow(RangeError);
  });
});

function cardTransmit(cert: Buffer, fault?: CardFault): { transmit: Transmit; log: string[] } {
  const card = new VirtualMyNumberCard({ certificate: cert, ...(fault ? { fault } : {}) });
  const transmit: Transmit = async (apdu) => {
    const a = card.handle(Buffer.from(apdu));
    if (a.type !== 'reply') throw new Error(`unexpected ${a.type}`);
    return a.data;
  };
  return { transmit, log: card.log };
}

describe('readAuthCertificate', () => {
  const cert = makeAuthCertificate({ notAfter: new Date('2030-01-01T00:00:00Z') });

  it('reads the whole certificate with the documented APDUs, in chunks ≤ FF', async () => {
    const { transmit, log } = cardTransmit(cert);
    const der = await readAuthCertificate(transmit);
    expect(Buffer.from(der).equals(cert)).toBe(true);
    expect(log.slice(0, 3)).toEqual(['00A4040C0AD392F000260100000001', '00A4020C02000A', '00B0000004']);
    expect(log[3]).toBe('00B00004FF');
    const reads = log.slice(3);
    expect(reads.length).toBe(Math.ceil((cert.length - 4) / 255));
  });

  it('honours a smaller chunk size', async () => {
    const { transmit, log } = cardTransmit(cert);
    await readAuthCertificate(transmit, { chunk: 0x80 });
    expect(log.slice(3).length).toBe(Math.ceil((cert.length - 4) / 0x80));
  });

  it('a wrong status word is a chip fault with the step and SW', async () => {
    const { transmit } = cardTransmit(cert, { kind: 'status', step: 'select_ef', sw: 0x6a82 });
    const e = await readAuthCertificate(transmit).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChipUnreadable);
    expect(e).toMatchObject({ reason: 'status_word', step: 'select_ef', sw: '6A82' });
  });

  it('a short response asks onShortResponse first (which may turn it into a removal)', async () => {
    const { transmit } = cardTransmit(cert, { kind: 'short', atOffset: 4 });
    const removal = new Error('removed');
    await expect(readAuthCertificate(transmit, { onShortResponse: async () => Promise.reject(removal) })).rejects.toBe(
      removal,
    );
    const steps: string[] = [];
    const e = await readAuthCertificate(transmit, { onShortResponse: async (s) => void steps.push(s) }).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ reason: 'short_response', step: 'read_4' });
    expect(steps).toEqual(['read_4']);
  });

  it('a garbage header is a chip fault, not an attempt to read 64 KB', async () => {
    const { transmit, log } = cardTransmit(Buffer.alloc(900, 0xff));
    await expect(readAuthCertificate(transmit)).rejects.toMatchObject({ reason: 'bad_der_header' });
    expect(log.length).toBe(3);
  });

  it('transmit errors pass through untouched', async () => {
    const boom = new Error('Card was removed');
    await expect(readAuthCertificate(async () => Promise.reject(boom))).rejects.toBe(boom);
  });
});
