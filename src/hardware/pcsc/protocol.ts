// Messages between the parent (PcscCardReader) and the PC/SC worker process. JSON over the fork IPC channel.
import type { PcscErrorInfo } from './errors.ts';
import type { UnreadableReason } from './jpki.ts';
import type { ReaderSnapshot, ServiceState } from './types.ts';

export interface WorkerConfig {
  /** Our deadline for each connect and transmit. */
  transmitTimeoutMs: number;
  /** SCardGetStatusChange timeout: the monitor loop's tick (and so the heartbeat period). */
  pollMs: number;
  /** Context re-establishment backoff after the service went away. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Attempts on SCARD_E_SHARING_VIOLATION before giving up. */
  sharingRetries: number;
}

export type ParentToWorker = { type: 'diagnose'; id: number; reader?: string } | { type: 'stop' };

export type ReadResult =
  | { kind: 'certificate'; reader: string; atr?: string; der: string /* base64 */ }
  | { kind: 'unreadable'; reader: string; atr?: string; reason: UnreadableReason; step: string; sw?: string };

export type WorkerToParent =
  | { type: 'state'; service: ServiceState; readers: ReaderSnapshot[]; lastError?: PcscErrorInfo }
  | { type: 'heartbeat' }
  | { type: 'result'; id: number; ok: true; result: ReadResult }
  | { type: 'result'; id: number; ok: false; error: PcscErrorInfo; message: string }
  /** The worker has a native call that will never return (e.g. transmit to a mute card): kill me. */
  | { type: 'poisoned'; reason: string };

export const WORKER_CONFIG_ENV = 'SHIKAKU_PCSC_WORKER_CONFIG';
