// Detection latency of the PC/SC monitor on the rig (real pcscd + vpcd + virtual card): from the event
// (card pulled, card inserted, pcscd killed) to the port's snapshot showing it. Prints p50/p95; no asserts.
//   node --import tsx bench/pcsc.ts [--reps 20]
import { parseArgs } from 'node:util';
import { DEFAULT_DEBOUNCE, HealthMonitor, pcscSignalOf, type HealthState } from '../src/hardware/health/index.ts';
import { PcscCardReader } from '../src/hardware/pcsc/real.ts';
import type { PcscSnapshot } from '../src/hardware/pcsc/types.ts';
import { PcscdRig } from '../test/support/pcscd.ts';
import { VirtualMyNumberCard } from '../test/support/vcard/card.ts';
import { makeAuthCertificate } from '../test/support/vcard/cert.ts';
import { VpcdCardLink } from '../test/support/vcard/vpcd.ts';

const READER = 'Virtual PCD 00 00';
const { values } = parseArgs({ options: { reps: { type: 'string', default: '20' } } });
const REPS = Number(values.reps);

function waitSnap(port: PcscCardReader, pred: (s: PcscSnapshot) => boolean, timeoutMs = 15_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (pred(port.snapshot())) return resolve(performance.now());
    const t = setTimeout(() => {
      port.off('change', on);
      reject(new Error(`timeout; last ${JSON.stringify(port.snapshot())}`));
    }, timeoutMs);
    function on(s: PcscSnapshot) {
      if (!pred(s)) return;
      const at = performance.now();
      clearTimeout(t);
      port.off('change', on);
      resolve(at);
    }
    port.on('change', on);
  });
}

const present = (s: PcscSnapshot) =>
  s.service === 'running' && s.readers.find((r) => r.name === READER)?.cardPresent === true;
const absent = (s: PcscSnapshot) =>
  s.service === 'running' && s.readers.find((r) => r.name === READER)?.cardPresent === false;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function report(name: string, xs: number[]): void {
  console.log(
    `${name.padEnd(22)} n=${xs.length}  p50=${pct(xs, 50).toFixed(0)} ms  p95=${pct(xs, 95).toFixed(0)} ms  max=${Math.max(...xs).toFixed(0)} ms  (target p95 < 1000 ms)`,
  );
}

const rig = new PcscdRig();
const port = new PcscCardReader();
const link = new VpcdCardLink(
  new VirtualMyNumberCard({ certificate: makeAuthCertificate({ notAfter: new Date('2030-01-01T00:00:00Z') }) }),
);
try {
  await rig.start();
  await port.start();
  await waitSnap(port, absent);
  const removal: number[] = [];
  const insertion: number[] = [];
  // Each waiter is armed BEFORE the event, so the change is timed when it is emitted.
  for (let i = 0; i < REPS; i++) {
    // Insertion: from the TCP connect (the card reaching vpcd) to the snapshot.
    let seen = waitSnap(port, present);
    const t0 = performance.now();
    await link.insert();
    insertion.push((await seen) - t0);
    seen = waitSnap(port, absent);
    const t1 = performance.now();
    await link.remove();
    removal.push((await seen) - t1);
  }
  // Reader loss all the way to the health state: the monitor's snapshots feed a HealthMonitor with no debounce
  // (the debounce is a policy added on top; its defaults are printed below).
  const health = new HealthMonitor({ debounce: { enterAfterFailures: 1, enterAfterMs: 0, exitAfterMs: 0 } });
  port.on('change', (s) => health.ingest(pcscSignalOf(s)));
  const outage = () =>
    new Promise<number>((resolve) => {
      const on = (h: HealthState) => {
        if (h.mode !== 'outage') return;
        health.off('change', on);
        resolve(performance.now());
      };
      health.on('change', on);
    });
  const loss: number[] = [];
  const lossToHealth: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const seen = waitSnap(port, (s) => s.service === 'unavailable');
    const down = outage();
    const t0 = performance.now();
    await rig.kill();
    loss.push((await seen) - t0);
    lossToHealth.push((await down) - t0);
    await rig.start();
    await waitSnap(port, absent);
  }
  console.log(`PC/SC detection latency (real pcscd + vpcd, monitor poll 500 ms), ${REPS} repetitions each:`);
  report('card insertion', insertion);
  report('card removal', removal);
  report('reader loss (SIGKILL)', loss);
  report('reader loss → 障害時', lossToHealth);
  console.log(`health debounce defaults (added on top in the app): ${JSON.stringify(DEFAULT_DEBOUNCE)}`);
} finally {
  await link.remove();
  await port.stop();
  await rig.stop();
}
