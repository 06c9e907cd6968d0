// A simulated card reader with the same interface as the real one, for demo and drill mode ONLY (never a
// substitute for the real adapter in its tests). Everything is scriptable: the PC/SC service, readers,
// cards, certificate expiry and card faults.
import { EventEmitter } from 'node:events';
import { CardReaderError } from './errors.ts';
import { certificateDiagnosis, unreadableDiagnosis } from './diagnose.ts';
import type { CardDiagnosis, CardReaderPort, PcscSnapshot, ServiceState } from './types.ts';

export type SimulatedCard =
  | { kind: 'certificate'; notAfter: Date; notBefore?: Date; atr?: string }
  /** Wrong status word, broken chip. */
  | { kind: 'chip_unreadable'; sw?: string; atr?: string }
  /** Never answers: diagnoseCard rejects with SHIKAKU_TIMEOUT after `timeoutMs`. */
  | { kind: 'mute'; atr?: string }
  /** Another application holds it: SCARD_E_SHARING_VIOLATION. */
  | { kind: 'busy'; atr?: string };

export interface SimulatedCardReaderOptions {
  now?: () => Date;
  readers?: string[];
  service?: Exclude<ServiceState, 'unknown'>;
  /** How long a mute card takes to time out (default 3000 ms, like the real transmit deadline). */
  timeoutMs?: number;
}

const DEFAULT_ATR = '3B8A80018031F873F741E08290001F';

export class SimulatedCardReader extends EventEmitter implements CardReaderPort {
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private service: Exclude<ServiceState, 'unknown'>;
  private readers = new Map<string, SimulatedCard | null>();
  private started = false;
  private snap: PcscSnapshot;

  constructor(opts: SimulatedCardReaderOptions = {}) {
    super();
    this.now = opts.now ?? (() => new Date());
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.service = opts.service ?? 'running';
    for (const r of opts.readers ?? ['Simulated Reader 00 00']) this.readers.set(r, null);
    this.snap = { service: 'unknown', readers: [], at: this.now().toISOString() };
  }

  async start(): Promise<void> {
    this.started = true;
    this.publish();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.publish();
  }

  snapshot(): PcscSnapshot {
    return structuredClone(this.snap);
  }

  // ---- script ----

  setService(service: Exclude<ServiceState, 'unknown'>): void {
    this.service = service;
    this.publish();
  }

  attachReader(name: string): void {
    if (!this.readers.has(name)) this.readers.set(name, null);
    this.publish();
  }

  detachReader(name: string): void {
    this.readers.delete(name);
    this.publish();
  }

  insertCard(reader: string, card: SimulatedCard): void {
    if (!this.readers.has(reader)) throw new Error(`no simulated reader ${reader}`);
    this.readers.set(reader, card);
    this.publish();
  }

  removeCard(reader: string): void {
    if (this.readers.has(reader)) this.readers.set(reader, null);
    this.publish();
  }

  // ---- port ----

  async diagnoseCard(reader?: string): Promise<CardDiagnosis> {
    if (!this.started) throw new CardReaderError('SHIKAKU_STOPPED');
    if (this.service !== 'running') throw new CardReaderError('SCARD_E_NO_SERVICE');
    if (this.readers.size === 0) throw new CardReaderError('SCARD_E_NO_READERS_AVAILABLE');
    const name = reader ?? [...this.readers].find(([, c]) => c !== null)?.[0] ?? [...this.readers.keys()][0]!;
    if (!this.readers.has(name)) throw new CardReaderError('SCARD_E_UNKNOWN_READER');
    const card = this.readers.get(name);
    if (!card) throw new CardReaderError('SCARD_E_NO_SMARTCARD');
    const atr = card.atr ?? DEFAULT_ATR;
    switch (card.kind) {
      case 'certificate': {
        const notBefore = card.notBefore ?? new Date(card.notAfter.getTime() - 5 * 365 * 86_400_000);
        return certificateDiagnosis(name, { notBefore, notAfter: card.notAfter }, this.now(), atr);
      }
      case 'chip_unreadable':
        return unreadableDiagnosis(
          name,
          { reason: 'status_word', step: 'select_ap', sw: card.sw ?? '6A82' },
          this.now(),
          atr,
        );
      case 'busy':
        throw new CardReaderError('SCARD_E_SHARING_VIOLATION');
      case 'mute':
        await new Promise((r) => setTimeout(r, this.timeoutMs));
        throw new CardReaderError('SHIKAKU_TIMEOUT');
    }
  }

  private publish(): void {
    const service: ServiceState = this.started ? this.service : 'unknown';
    const readers =
      this.started && this.service === 'running'
        ? [...this.readers].map(([name, c]) =>
            c ? { name, cardPresent: true, atr: c.atr ?? DEFAULT_ATR } : { name, cardPresent: false },
          )
        : [];
    const next: PcscSnapshot = { service, readers, at: this.now().toISOString() };
    if (this.started && this.service === 'unavailable')
      next.lastError = { code: 0x8010001d, name: 'SCARD_E_NO_SERVICE' };
    const { at: _a, ...a } = this.snap;
    const { at: _b, ...b } = next;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    this.snap = next;
    this.emit('change', this.snapshot());
  }

  override on(event: 'change', listener: (s: PcscSnapshot) => void): this {
    return super.on(event, listener);
  }
  override off(event: 'change', listener: (s: PcscSnapshot) => void): this {
    return super.off(event, listener);
  }
}
