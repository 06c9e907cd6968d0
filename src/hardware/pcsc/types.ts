// The card-reader port: what the health layer, the core and the CLI see of PC/SC. Implemented by the real
// adapter (PcscCardReader, which supervises a PC/SC worker process) and by SimulatedCardReader (demo/drill).
import type { CardDiagnosisStatus } from './classify.ts';
import type { PcscErrorInfo } from './errors.ts';
import type { UnreadableReason } from './jpki.ts';

export type ServiceState = 'running' | 'unavailable' | 'unknown';

export interface ReaderSnapshot {
  name: string;
  cardPresent: boolean;
  /** ATR as upper-case hex, when a card is present. */
  atr?: string;
}

export interface PcscSnapshot {
  /** 'unknown' while the PC/SC worker is starting or restarting. */
  service: ServiceState;
  readers: ReaderSnapshot[];
  lastError?: PcscErrorInfo;
  /** ISO time of this snapshot. */
  at: string;
}

export interface CardDiagnosis {
  reader: string;
  status: CardDiagnosisStatus;
  /** True when the card cannot be used and reception must switch to the fallback flow. */
  fallbackTrigger: boolean;
  /** Japanese, for reception staff. */
  message: string;
  /** Japanese: the one next action. */
  nextStep: string;
  certificate?: {
    notBefore: string;
    notAfter: string;
    /** notAfter + 3 months (JST calendar): the card works as a 保険証 until then. */
    graceEndsAt: string;
    daysToExpiry: number;
  };
  /** For chip_unreadable: which step failed and how (for the help desk, not for staff). */
  unreadable?: { reason: UnreadableReason; step: string; sw?: string };
  atr?: string;
  at: string;
}

export interface CardReaderPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): PcscSnapshot;
  on(event: 'change', listener: (s: PcscSnapshot) => void): this;
  off(event: 'change', listener: (s: PcscSnapshot) => void): this;
  /**
   * Read and classify the 利用者証明用電子証明書 of the card in `reader` (default: the first reader with a
   * card). Resolves with a classification of the card (including chip_unreadable); rejects with a
   * CardReaderError for everything that is not the card's fault (no service, no reader, no card, card pulled,
   * sharing violation, our timeout, worker died, stopped).
   */
  diagnoseCard(reader?: string): Promise<CardDiagnosis>;
}
