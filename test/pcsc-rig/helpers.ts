// Shared pieces of the PC/SC rig tests: the rig, a virtual card, and waiting on the port's snapshot.
import { readdirSync, readFileSync } from 'node:fs';
import { PcscCardReader, type PcscCardReaderOptions } from '../../src/hardware/pcsc/real.ts';
import type { PcscSnapshot } from '../../src/hardware/pcsc/types.ts';
import { PcscdRig, pcscdPids, waitFor } from '../support/pcscd.ts';
import { VirtualMyNumberCard, type CardFault } from '../support/vcard/card.ts';
import { makeAuthCertificate } from '../support/vcard/cert.ts';
import { VpcdCardLink } from '../support/vcard/vpcd.ts';

export const READER = 'Virtual PCD 00 00';

export { PcscdRig, pcscdPids, waitFor };

export function virtualCard(opts: { notAfter: Date; fault?: CardFault }): VpcdCardLink {
  const card = new VirtualMyNumberCard({
    certificate: makeAuthCertificate({ notAfter: opts.notAfter }),
    ...(opts.fault ? { fault: opts.fault } : {}),
  });
  return new VpcdCardLink(card);
}

export function newPort(opts: PcscCardReaderOptions = {}): PcscCardReader {
  return new PcscCardReader({
    transmitTimeoutMs: 1500,
    heartbeatTimeoutMs: 4000,
    restartInitialMs: 100,
    restartMaxMs: 1000,
    ...opts,
  });
}

/** Wait until the port's snapshot satisfies `pred` (event-driven, bounded). Returns that snapshot. */
export function waitForSnapshot(
  port: PcscCardReader,
  what: string,
  pred: (s: PcscSnapshot) => boolean,
  timeoutMs = 10_000,
): Promise<PcscSnapshot> {
  const now = port.snapshot();
  if (pred(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port.off('change', onChange);
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; last snapshot: ${JSON.stringify(port.snapshot())}`,
        ),
      );
    }, timeoutMs);
    function onChange(s: PcscSnapshot) {
      if (!pred(s)) return;
      clearTimeout(timer);
      port.off('change', onChange);
      resolve(s);
    }
    port.on('change', onChange);
  });
}

export const reader = (s: PcscSnapshot, name = READER) => s.readers.find((r) => r.name === name);
export const hasReader = (s: PcscSnapshot) => s.service === 'running' && reader(s) !== undefined;
export const cardIn = (s: PcscSnapshot) => s.service === 'running' && reader(s)?.cardPresent === true;
export const cardOut = (s: PcscSnapshot) => s.service === 'running' && reader(s)?.cardPresent === false;

/** Process ids of live PC/SC workers started from this checkout (to verify nothing is left running). */
export function workerPids(): number[] {
  return pcscdPidsLike('src/hardware/pcsc/worker.ts');
}

function pcscdPidsLike(fragment: string): number[] {
  // Scan /proc instead of pkill/pgrep -f patterns: we only look, never kill by name.
  const out: number[] = [];
  for (const d of readdirSafe('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSyncSafe(`/proc/${d}/cmdline`);
      if (cmd.includes(fragment)) out.push(Number(d));
    } catch {
      // process went away
    }
  }
  return out;
}

function readdirSafe(p: string): string[] {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}
function readFileSyncSafe(p: string): string {
  return readFileSync(p, 'utf8');
}
