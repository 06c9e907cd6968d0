// The PC/SC engine: runs ONLY inside the PC/SC worker process (worker.ts), because a native call into
// `smartcard` can hang forever (mute card) and only a process can be killed. It monitors readers and
// cards with SCardGetStatusChange, re-creates the context with backoff when the service goes away, and
// reads the JPKI certificate on request, every connect/transmit under our own timeout.
import smartcard from 'smartcard';
import type {
  CardInterface as Card,
  ContextInterface as Context,
  ReaderInterface as Reader,
  ReaderState,
} from 'smartcard';
import { CardReaderError, actionFor, toCardReaderError, toErrorInfo, type PcscErrorInfo } from './errors.ts';
import { ChipUnreadable, readAuthCertificate } from './jpki.ts';
import type { ReadResult, WorkerConfig, WorkerToParent } from './protocol.ts';
import type { ReaderSnapshot, ServiceState } from './types.ts';

const { SCARD_STATE_CHANGED, SCARD_STATE_PRESENT, SCARD_STATE_UNKNOWN, SCARD_STATE_UNAVAILABLE } = smartcard;
const PNP = '\\\\?PnP?\\Notification';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function hex(b: Buffer | null | undefined): string | undefined {
  return b && b.length > 0 ? b.toString('hex').toUpperCase() : undefined;
}

interface ReaderEntry {
  state: number;
  atr?: string;
}

export class PcscEngine {
  private ctx: Context | null = null;
  private readers = new Map<string, ReaderEntry>();
  private pnpState = 0;
  private service: ServiceState = 'unknown';
  private lastError: PcscErrorInfo | undefined;
  private lastPublished = '';
  private stopping = false;
  private lastHeartbeat = 0;
  /** Set once a native call hung: this process must be killed, nothing more is attempted. */
  poisoned = false;

  constructor(
    private readonly config: WorkerConfig,
    private readonly send: (m: WorkerToParent) => void,
  ) {}

  stop(): void {
    this.stopping = true;
    try {
      this.ctx?.cancel();
    } catch {
      // ignore: the context may already be dead
    }
  }

  private publish(): void {
    const readers: ReaderSnapshot[] = [...this.readers].map(([name, r]) => {
      const cardPresent = (r.state & SCARD_STATE_PRESENT) !== 0;
      return cardPresent && r.atr ? { name, cardPresent, atr: r.atr } : { name, cardPresent };
    });
    const msg: WorkerToParent = {
      type: 'state',
      service: this.service,
      readers,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
    const key = JSON.stringify(msg);
    if (key !== this.lastPublished) {
      this.lastPublished = key;
      this.send(msg);
    }
  }

  private heartbeat(): void {
    const now = Date.now();
    if (now - this.lastHeartbeat >= this.config.pollMs / 2) {
      this.lastHeartbeat = now;
      this.send({ type: 'heartbeat' });
    }
  }

  private dropContext(): void {
    const ctx = this.ctx;
    this.ctx = null;
    try {
      ctx?.close();
    } catch {
      // ignore
    }
  }

  private relist(ctx: Context): void {
    const list = ctx.listReaders();
    const next = new Map<string, ReaderEntry>();
    for (const r of list) next.set(r.name, { state: r.state & ~SCARD_STATE_CHANGED, atr: hex(r.atr) });
    this.readers = next;
  }

  /** The monitor loop. Resolves when stopped. */
  async run(): Promise<void> {
    let backoff = this.config.backoffInitialMs;
    let needList = true;
    while (!this.stopping && !this.poisoned) {
      this.heartbeat();
      if (!this.ctx) {
        try {
          this.ctx = new smartcard.Context();
          needList = true;
          backoff = this.config.backoffInitialMs;
        } catch (e) {
          this.service = 'unavailable';
          this.readers.clear();
          this.lastError = toErrorInfo(e);
          this.publish();
          await sleep(backoff);
          backoff = Math.min(backoff * 2, this.config.backoffMaxMs);
          continue;
        }
      }
      const ctx = this.ctx;
      try {
        if (needList) {
          this.relist(ctx);
          this.pnpState = 0;
          needList = false;
          this.service = 'running';
          this.publish();
        }
        const query: ReaderState[] = [...this.readers].map(([name, r]) => ({
          name,
          state: r.state,
          changed: false,
          atr: null,
        }));
        query.push({ name: PNP, state: this.pnpState, changed: false, atr: null });
        const changes = await ctx.waitForChange(query, this.config.pollMs);
        if (this.stopping) break;
        if (!changes) continue; // cancelled
        for (const c of changes) {
          if (!c.changed) continue;
          if (c.name === PNP) {
            this.pnpState = c.state & ~SCARD_STATE_CHANGED;
            needList = true;
            continue;
          }
          if (c.state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE)) {
            needList = true; // the reader went away
            continue;
          }
          this.readers.set(c.name, { state: c.state & ~SCARD_STATE_CHANGED, atr: hex(c.atr) });
        }
        this.publish();
      } catch (e) {
        const info = toErrorInfo(e);
        this.lastError = info;
        switch (actionFor(info.name)) {
          case 'reestablish':
            this.dropContext();
            this.service = 'unavailable';
            this.readers.clear();
            this.publish();
            break;
          case 'rescan':
          case 'device_fault':
            needList = true;
            this.publish();
            await sleep(Math.min(backoff, this.config.pollMs));
            break;
          default:
            // Unknown: do not spin; re-create the context, which fixes most stale states.
            this.dropContext();
            this.publish();
            await sleep(backoff);
            backoff = Math.min(backoff * 2, this.config.backoffMaxMs);
        }
      }
    }
    this.dropContext();
  }

  /** A native promise under our deadline. On timeout the process is poisoned: the parent must kill it. */
  private guard<T>(p: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.poisoned = true;
        this.send({ type: 'poisoned', reason: `${what} did not return within ${this.config.transmitTimeoutMs} ms` });
        reject(new CardReaderError('SHIKAKU_TIMEOUT', `${what} timed out after ${this.config.transmitTimeoutMs} ms`));
      }, this.config.transmitTimeoutMs);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private async connectShared(reader: Reader): Promise<Card> {
    let wait = 250;
    for (let attempt = 0; ; attempt++) {
      try {
        // Shared mode only: the official terminal application owns the reader too. Never exclusive.
        return await this.guard(
          reader.connect(smartcard.SCARD_SHARE_SHARED, smartcard.SCARD_PROTOCOL_T0 | smartcard.SCARD_PROTOCOL_T1),
          'connect',
        );
      } catch (e) {
        const err = toCardReaderError(e);
        if (err.code !== 'SCARD_E_SHARING_VIOLATION' || attempt >= this.config.sharingRetries) throw err;
        await sleep(wait);
        wait *= 2;
      }
    }
  }

  /** Read EF 000A from the card in `readerName` (default: the first reader with a card). */
  async readCertificate(readerName?: string): Promise<ReadResult> {
    if (this.poisoned) throw new CardReaderError('SHIKAKU_TIMEOUT', 'worker is waiting to be restarted');
    if (!this.ctx) throw CardReaderError.fromInfo(this.lastError ?? { code: null, name: 'SCARD_E_NO_SERVICE' });
    // A context of its own, so that the monitor's blocking SCardGetStatusChange never serialises with it.
    let ctx: Context;
    try {
      ctx = new smartcard.Context();
    } catch (e) {
      throw toCardReaderError(e);
    }
    let card: Card | undefined;
    try {
      let list: Reader[];
      try {
        list = ctx.listReaders();
      } catch (e) {
        throw toCardReaderError(e);
      }
      if (list.length === 0) throw new CardReaderError('SCARD_E_NO_READERS_AVAILABLE');
      const reader = readerName
        ? list.find((r) => r.name === readerName)
        : (list.find((r) => (r.state & SCARD_STATE_PRESENT) !== 0) ?? list[0]);
      if (!reader) throw new CardReaderError('SCARD_E_UNKNOWN_READER', `reader not found: ${readerName}`);
      if ((reader.state & SCARD_STATE_PRESENT) === 0) throw new CardReaderError('SCARD_E_NO_SMARTCARD');
      const atr = hex(reader.atr);
      const base = atr ? { reader: reader.name, atr } : { reader: reader.name };
      card = await this.connectShared(reader);
      const c = card;
      const transmit = async (apdu: Uint8Array): Promise<Uint8Array> => {
        try {
          return await this.guard(c.transmit(Buffer.from(apdu)), 'transmit');
        } catch (e) {
          throw toCardReaderError(e);
        }
      };
      // A "successful" transmit with < 2 bytes: if the card is gone, that is a removal, not a chip fault.
      const onShortResponse = async (step: string): Promise<void> => {
        const removed = `card removed during ${step} (the transmit returned no status word)`;
        const deadline = Date.now() + 1000;
        for (;;) {
          try {
            c.getStatus();
          } catch (e) {
            const err = toCardReaderError(e);
            if (err.code === 'SCARD_W_REMOVED_CARD' || err.code === 'SCARD_E_NO_SMARTCARD')
              throw new CardReaderError('SCARD_W_REMOVED_CARD', removed);
          }
          const now = ctx.listReaders().find((r) => r.name === reader.name);
          if (!now || (now.state & SCARD_STATE_PRESENT) === 0)
            throw new CardReaderError('SCARD_W_REMOVED_CARD', removed);
          if (Date.now() >= deadline) return;
          await sleep(100);
        }
      };
      try {
        const der = await readAuthCertificate(transmit, { onShortResponse });
        return { kind: 'certificate', ...base, der: Buffer.from(der).toString('base64') };
      } catch (e) {
        if (e instanceof ChipUnreadable) {
          return { kind: 'unreadable', ...base, reason: e.reason, step: e.step, ...(e.sw ? { sw: e.sw } : {}) };
        }
        throw e;
      }
    } finally {
      // After a hang, touching the handle could block the event loop: leave it to the kill.
      if (!this.poisoned) {
        try {
          card?.disconnect(smartcard.SCARD_LEAVE_CARD);
        } catch {
          // the card may be gone
        }
        try {
          ctx.close();
        } catch {
          // ignore
        }
      }
    }
  }
}
