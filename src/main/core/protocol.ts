// Messages between a host's core client and the core process, besides the contract's request / response /
// event messages: the core says when it is ready, and the host asks it to shut down.
import { basename, dirname, join } from 'node:path';
import type { EventMessage, RequestMessage, ResponseMessage } from '../contract.ts';

export interface ReadyControl {
  control: 'ready';
  pid: number;
}
/**
 * Core → host, just before the core stops on purpose (「再起動」, 訓練モード on or off): start it again at once, not
 * as a crash, with `env` (the data folder and the demo switch) replacing the launch's.
 */
export interface RestartControl {
  control: 'restart';
  env: { SHIKAKU_DATA_DIR: string; SHIKAKU_DEMO: '0' | '1' };
}
export interface ShutdownControl {
  control: 'shutdown';
}

/** Host → core. */
export type HostToCore = RequestMessage | ShutdownControl;
/** Core → host. */
export type CoreToHost = ResponseMessage | EventMessage | ReadyControl | RestartControl;

export function isControl(msg: unknown): msg is ReadyControl | ShutdownControl | RestartControl {
  return typeof msg === 'object' && msg !== null && typeof (msg as { control?: unknown }).control === 'string';
}

/**
 * How the built core's code was loaded (boot.ts): from V8's code cache ('used'), compiled because there was none
 * yet or V8 refused it ('none', 'rejected'), or without a cache (no cache folder given). The sources run without
 * boot.ts.
 */
export type CodeCacheState = 'used' | 'none' | 'rejected' | 'off';
/** boot.ts and the bundle it loads are separate files: the boot leaves the cache's state and hook here. */
export const CODE_CACHE_HOOK = Symbol.for('shikaku.core.codeCache');
export interface CodeCacheHook {
  state: CodeCacheState;
  /** The core has said 'ready': a start without an accepted cache writes one a little later. */
  ready(): void;
}

/** Environment variables a host sets for the core process. */
export const CORE_ENV = {
  dataDir: 'SHIKAKU_DATA_DIR',
  demo: 'SHIKAKU_DEMO',
  testHooks: 'SHIKAKU_TEST_HOOKS',
  version: 'SHIKAKU_APP_VERSION',
  /** The per-user folder of the core's code cache (boot.ts); unset: no cache. */
  cacheDir: 'SHIKAKU_CACHE_DIR',
} as const;

/** 訓練モード's data folder below the clinic's: a drill never touches the real journal. */
export const DEMO_SUBDIR = 'demo';

/**
 * The restart of a core running on `info.dataDir` (demo or not): the same mode when `demo` is undefined, else
 * into 訓練モード (<data>/demo) or back out of it (the folder above <data>/demo).
 */
export function restartControl(info: { dataDir: string; demo: boolean }, demo?: boolean): RestartControl {
  const toDemo = demo ?? info.demo;
  let dataDir = info.dataDir;
  if (toDemo && !info.demo) dataDir = join(info.dataDir, DEMO_SUBDIR);
  else if (!toDemo && info.demo && basename(info.dataDir) === DEMO_SUBDIR) dataDir = dirname(info.dataDir);
  return { control: 'restart', env: { SHIKAKU_DATA_DIR: dataDir, SHIKAKU_DEMO: toDemo ? '1' : '0' } };
}
