// Helpers for the shell tests: a real core child process with test hooks, and process checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreClient, forkCoreSpawner, type CoreClientOptions } from '../../src/main/host/core-client.ts';
import { coreEnv, type LaunchOptions } from '../../src/main/host/options.ts';
import type { CoreStatus } from '../../src/main/contract.ts';

export function tempDir(prefix = 'shikaku-shell-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function launchOptions(dataDir: string, overrides: Partial<LaunchOptions> = {}): LaunchOptions {
  return { demo: false, dataDir, testHooks: true, version: '0.0.0-test', ...overrides };
}

/** A client for a real forked core (tsx) with test hooks on; quiet log. */
export function realCoreClient(dataDir: string, options: Partial<Omit<CoreClientOptions, 'spawn'>> = {}): CoreClient {
  return new CoreClient({
    backoff: { initialMs: 50, maxMs: 400, factor: 2 },
    log: () => undefined,
    ...options,
    spawn: forkCoreSpawner({ env: coreEnv(launchOptions(dataDir)) }),
  });
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `predicate` is true (polling; bounded by the test timeout, no timing assertion). */
export async function until(predicate: () => boolean, everyMs = 25): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, everyMs));
}

/** Records every core.status the client emits. */
export function recordStatuses(client: CoreClient): CoreStatus[] {
  const seen: CoreStatus[] = [];
  client.on('core.status', (s) => seen.push(s));
  return seen;
}

export function hasJapanese(text: string): boolean {
  return /[\u3040-\u30ff\u4e00-\u9fff]/.test(text);
}
