// The virtual card's link to vpcd. vpcd (the reader driver inside pcscd) listens on TCP 35963 (slot 0;
// /etc/reader.conf.d/vpcd CHANNELID 0x8C7B) and the virtual card connects to it as a client: connected =
// card inserted, socket closed = card removed. Framing: 2-byte big-endian length, then the payload. A
// 1-byte payload is a control message (0 power off, 1 power on, 2 reset, 4 get ATR — only ATR is answered);
// anything longer is a command APDU, answered with the response APDU.
import net from 'node:net';
import { once } from 'node:events';
import type { VirtualMyNumberCard } from './card.ts';

export const VPCD_PORT = 35963;

const CTRL_OFF = 0;
const CTRL_ON = 1;
const CTRL_RESET = 2;
const CTRL_ATR = 4;

export class VpcdCardLink {
  private socket: net.Socket | null = null;
  private buf = Buffer.alloc(0);
  /** Resolved when vpcd first asks for the ATR after insertion (the reader has seen the card). */
  private atrAsked: Promise<void> | null = null;
  private onAtrAsked: (() => void) | null = null;
  readonly events: string[] = [];

  constructor(
    readonly card: VirtualMyNumberCard,
    readonly port: number = VPCD_PORT,
    readonly host = '127.0.0.1',
  ) {}

  get inserted(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  /**
   * Connect to vpcd (insert the card). Retries until `timeoutMs` because vpcd only listens while pcscd
   * runs. Resolves once vpcd has read the ATR.
   */
  async insert(timeoutMs = 10_000): Promise<void> {
    if (this.inserted) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.connectOnce();
        break;
      } catch (e) {
        if (Date.now() >= deadline)
          throw new Error(
            `virtual card: cannot connect to vpcd on ${this.host}:${this.port}: ${(e as Error).message}`,
            { cause: e },
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const wait = this.atrAsked!;
    const left = Math.max(0, deadline - Date.now());
    let t: NodeJS.Timeout | undefined;
    await Promise.race([
      wait,
      new Promise<never>(
        (_, rej) => (t = setTimeout(() => rej(new Error('virtual card: vpcd never asked for the ATR')), left)),
      ),
    ]).finally(() => clearTimeout(t));
  }

  private async connectOnce(): Promise<void> {
    const s = net.connect({ host: this.host, port: this.port });
    s.setNoDelay(true);
    const err = once(s, 'error');
    await Promise.race([once(s, 'connect'), err.then(([e]) => Promise.reject(e as Error))]);
    this.socket = s;
    this.buf = Buffer.alloc(0);
    this.card.reset();
    this.atrAsked = new Promise((r) => (this.onAtrAsked = r));
    this.events.push('inserted');
    s.on('error', () => {});
    s.on('data', (d) => this.onData(s, d));
    s.on('close', () => {
      if (this.socket === s) this.socket = null;
    });
  }

  /** Close the link (pull the card out). Resolves when the socket is closed. */
  async remove(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    this.socket = null;
    this.events.push('removed');
    const closed = once(s, 'close');
    s.destroy();
    await closed;
  }

  private send(s: net.Socket, payload: Buffer): void {
    const head = Buffer.alloc(2);
    head.writeUInt16BE(payload.length);
    s.write(Buffer.concat([head, payload]));
  }

  private onData(s: net.Socket, d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2 && s === this.socket) {
      const n = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + n) return;
      const msg = this.buf.subarray(2, 2 + n);
      this.buf = this.buf.subarray(2 + n);
      if (n === 1) {
        const c = msg[0];
        if (c === CTRL_ATR) {
          this.send(s, this.card.atr);
          this.onAtrAsked?.();
        } else if (c === CTRL_RESET || c === CTRL_ON || c === CTRL_OFF) {
          this.card.reset();
        }
        continue;
      }
      const action = this.card.handle(Buffer.from(msg));
      if (action.type === 'reply') this.send(s, action.data);
      else if (action.type === 'pull') {
        void this.remove();
        return;
      }
      // 'silent': a mute card never answers.
    }
  }
}
