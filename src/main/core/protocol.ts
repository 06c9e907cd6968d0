// Messages between a host's core client and the core process, besides the contract's request / response /
// event messages: the core says when it is ready, and the host asks it to shut down.
import type { EventMessage, RequestMessage, ResponseMessage } from '../contract.ts';

export interface ReadyControl {
  control: 'ready';
  pid: number;
}
export interface ShutdownControl {
  control: 'shutdown';
}

/** Host → core. */
export type HostToCore = RequestMessage | ShutdownControl;
/** Core → host. */
export type CoreToHost = ResponseMessage | EventMessage | ReadyControl;

export function isControl(msg: unknown): msg is ReadyControl | ShutdownControl {
  return typeof msg === 'object' && msg !== null && typeof (msg as { control?: unknown }).control === 'string';
}

/** Environment variables a host sets for the core process. */
export const CORE_ENV = {
  dataDir: 'SHIKAKU_DATA_DIR',
  demo: 'SHIKAKU_DEMO',
  testHooks: 'SHIKAKU_TEST_HOOKS',
  version: 'SHIKAKU_APP_VERSION',
} as const;
