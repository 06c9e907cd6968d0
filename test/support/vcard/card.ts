// The virtual My Number Card's APDU logic (no I/O): the JPKI AP with EF 000A holding a test certificate,
// chunked READ BINARY, and faults on demand. Records every APDU so tests can check what was (not) sent.

export const JPKI_AID_HEX = 'D392F000260100000001';
export const KENMEN_HOJO_AID_HEX = 'D3921000310001010408'; // 券面事項入力補助 (must never be selected)

/** An ATR for a T=1 contact card (the exact bytes do not matter to the reader under test). */
export const DEFAULT_ATR = Buffer.from('3B8A80018031F873F741E08290001F', 'hex');

export type CardFault =
  | { kind: 'none' }
  /** Never answer any APDU (control messages still answered, so the card is present). */
  | { kind: 'mute' }
  /** Answer the given step with this status word instead of 90 00. */
  | { kind: 'status'; step: 'select_ap' | 'select_ef' | 'read'; sw: number }
  /** The card is pulled (socket closed) when a READ BINARY at offset ≥ `atOffset` arrives. */
  | { kind: 'pull'; atOffset: number }
  /**
   * Answer READ BINARY at offset ≥ `atOffset` with a 1-byte response (no status word). (A 0-byte frame is
   * not a response to vpcd: it keeps waiting, which is the mute case.)
   */
  | { kind: 'short'; atOffset: number };

export type CardAction = { type: 'reply'; data: Buffer } | { type: 'silent' } | { type: 'pull' };

const sw = (v: number) => Buffer.from([(v >> 8) & 0xff, v & 0xff]);

export class VirtualMyNumberCard {
  fault: CardFault = { kind: 'none' };
  certificate: Buffer;
  atr: Buffer;
  readonly log: string[] = [];
  private selectedAp: string | null = null;
  private selectedEf: string | null = null;

  constructor(opts: { certificate: Buffer; atr?: Buffer; fault?: CardFault }) {
    this.certificate = opts.certificate;
    this.atr = opts.atr ?? DEFAULT_ATR;
    if (opts.fault) this.fault = opts.fault;
  }

  reset(): void {
    this.selectedAp = null;
    this.selectedEf = null;
  }

  handle(apdu: Buffer): CardAction {
    this.log.push(apdu.toString('hex').toUpperCase());
    if (this.fault.kind === 'mute') return { type: 'silent' };
    if (apdu.length < 4) return { type: 'reply', data: sw(0x6700) };
    const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
    if (cla !== 0x00) return { type: 'reply', data: sw(0x6e00) };
    const f = this.fault;
    switch (ins) {
      case 0xa4: {
        const lc = apdu[4] ?? 0;
        const body = apdu
          .subarray(5, 5 + lc)
          .toString('hex')
          .toUpperCase();
        if (p1 === 0x04) {
          if (f.kind === 'status' && f.step === 'select_ap') return { type: 'reply', data: sw(f.sw) };
          if (body === JPKI_AID_HEX) {
            this.selectedAp = body;
            this.selectedEf = null;
            return { type: 'reply', data: sw(0x9000) };
          }
          return { type: 'reply', data: sw(0x6a82) };
        }
        if (p1 === 0x02) {
          if (f.kind === 'status' && f.step === 'select_ef') return { type: 'reply', data: sw(f.sw) };
          if (this.selectedAp === JPKI_AID_HEX && body === '000A') {
            this.selectedEf = body;
            return { type: 'reply', data: sw(0x9000) };
          }
          return { type: 'reply', data: sw(0x6a82) };
        }
        return { type: 'reply', data: sw(0x6a86) };
      }
      case 0xb0: {
        if (this.selectedEf !== '000A') return { type: 'reply', data: sw(0x6986) };
        const offset = (p1 << 8) | p2;
        if (f.kind === 'status' && f.step === 'read') return { type: 'reply', data: sw(f.sw) };
        if (f.kind === 'pull' && offset >= f.atOffset) return { type: 'pull' };
        if (f.kind === 'short' && offset >= f.atOffset) return { type: 'reply', data: Buffer.from([0x90]) };
        const le = apdu.length > 4 ? apdu[4]! || 256 : 256;
        if (offset >= this.certificate.length) return { type: 'reply', data: sw(0x6b00) };
        const data = this.certificate.subarray(offset, Math.min(offset + le, this.certificate.length));
        return { type: 'reply', data: Buffer.concat([data, sw(0x9000)]) };
      }
      default:
        return { type: 'reply', data: sw(0x6d00) };
    }
  }
}
