// Reading the JPKI 利用者証明用電子証明書 (EF 000A, no PIN) from a My Number Card (DOMAIN.md §6).
// Pure over a `transmit` function so that it runs the same against the real card (in the PC/SC worker)
// and in unit tests. Only these APDUs are ever sent: no 券面事項入力補助 AP, no EF 0001, no VERIFY (PIN).

export const JPKI_AID = Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]);

export const APDU = {
  /** SELECT AP JPKI, P2=0C (no FCI). */
  selectJpki: Uint8Array.from([0x00, 0xa4, 0x04, 0x0c, JPKI_AID.length, ...JPKI_AID]),
  /** SELECT EF 000A 利用者証明用電子証明書. */
  selectAuthCert: Uint8Array.from([0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a]),
} as const;

/** READ BINARY at `offset`, `length` ≤ 0xFF bytes (short APDU). */
export function readBinary(offset: number, length: number): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset > 0x7fff) throw new RangeError(`bad offset ${offset}`);
  if (!Number.isInteger(length) || length < 1 || length > 0xff) throw new RangeError(`bad length ${length}`);
  return Uint8Array.from([0x00, 0xb0, (offset >> 8) & 0xff, offset & 0xff, length]);
}

export interface ParsedResponse {
  data: Uint8Array;
  sw: number;
}

/**
 * Split a response APDU. A "successful" transmit can return 0 or 1 byte on this stack (card pulled,
 * driver quirk): that is reported as null, never read past the end.
 */
export function parseResponse(raw: Uint8Array): ParsedResponse | null {
  if (raw.length < 2) return null;
  const sw = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
  return { data: raw.subarray(0, raw.length - 2), sw };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** Upper bound for the certificate EF; real JPKI certificates are about 1.1–1.6 KB. */
export const MAX_CERT_LENGTH = 0x2000;

/**
 * The DER header of the certificate: `30 82 LL LL` → total length LLLL + 4. Also accepts the short and
 * 1-byte-long forms, which a real certificate never uses but a damaged chip might. Returns null when the
 * bytes are not a plausible SEQUENCE header.
 */
export function parseDerTotalLength(head: Uint8Array): number | null {
  if (head.length < 2 || head[0] !== 0x30) return null;
  const l0 = head[1]!;
  let total: number;
  if (l0 < 0x80) total = l0 + 2;
  else if (l0 === 0x81) {
    if (head.length < 3) return null;
    total = head[2]! + 3;
  } else if (l0 === 0x82) {
    if (head.length < 4) return null;
    total = ((head[2]! << 8) | head[3]!) + 4;
  } else return null;
  if (total < 4 || total > MAX_CERT_LENGTH) return null;
  return total;
}

/** Why the chip was judged unreadable (card fault); not an environment error. */
export type UnreadableReason =
  'status_word' | 'short_response' | 'bad_der_header' | 'length_mismatch' | 'bad_certificate';

export class ChipUnreadable extends Error {
  readonly reason: UnreadableReason;
  readonly sw: string | undefined;
  readonly step: string;
  constructor(reason: UnreadableReason, step: string, sw?: number) {
    super(`chip unreadable at ${step}: ${reason}${sw === undefined ? '' : ` SW=${swHex(sw)}`}`);
    this.name = 'ChipUnreadable';
    this.reason = reason;
    this.step = step;
    this.sw = sw === undefined ? undefined : swHex(sw);
  }
}

export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

export interface ReadCertOptions {
  /** Bytes per READ BINARY after the header (≤ 0xFF). */
  chunk?: number;
  /**
   * Called when a transmit "succeeded" with fewer than 2 bytes. It must throw the right environment
   * error (e.g. the card was removed) if there is one; if it returns, the chip is judged unreadable.
   */
  onShortResponse?: (step: string) => Promise<void>;
}

async function command(transmit: Transmit, apdu: Uint8Array, step: string, opts: ReadCertOptions): Promise<Uint8Array> {
  const raw = await transmit(apdu);
  const r = parseResponse(raw);
  if (!r) {
    await opts.onShortResponse?.(step);
    throw new ChipUnreadable('short_response', step);
  }
  if (r.sw !== 0x9000) throw new ChipUnreadable('status_word', step, r.sw);
  return r.data;
}

/** Read the DER bytes of EF 000A. Throws ChipUnreadable for card faults; transmit errors pass through. */
export async function readAuthCertificate(transmit: Transmit, opts: ReadCertOptions = {}): Promise<Uint8Array> {
  const chunk = Math.min(opts.chunk ?? 0xff, 0xff);
  await command(transmit, APDU.selectJpki, 'select_ap', opts);
  await command(transmit, APDU.selectAuthCert, 'select_ef', opts);
  const head = await command(transmit, readBinary(0, 4), 'read_header', opts);
  const total = head.length === 4 ? parseDerTotalLength(head) : null;
  if (total === null) throw new ChipUnreadable('bad_der_header', 'read_header');
  const out = new Uint8Array(total);
  out.set(head.subarray(0, 4), 0);
  let offset = 4;
  while (offset < total) {
    const len = Math.min(chunk, total - offset);
    const data = await command(transmit, readBinary(offset, len), `read_${offset}`, opts);
    if (data.length === 0 || data.length > len) throw new ChipUnreadable('length_mismatch', `read_${offset}`);
    out.set(data, offset);
    offset += data.length;
  }
  return out;
}
