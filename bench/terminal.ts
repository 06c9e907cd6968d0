// The 資格確認端末 file link against the simulator on a temp folder: round-trip latency of confirm() (with
// fs.watch, and by polling alone as on a share without change notifications), and how long after the configured
// timeout a silent terminal is reported. Prints figures; no asserts.
//   node --import tsx bench/terminal.ts [--reps 200] [--silent-reps 10] [--timeout 500]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileTerminalClient, TerminalError, TerminalSimulator } from '../src/hardware/terminal/index.ts';

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '200' },
    'silent-reps': { type: 'string', default: '10' },
    timeout: { type: 'string', default: '500' },
  },
});
const REPS = Number(values.reps);
const SILENT_REPS = Number(values['silent-reps']);
const TIMEOUT = Number(values.timeout);

const person = {
  insurerNumber: '138057',
  symbol: '0012',
  number: '0001234',
  branch: '01',
  name: '髙橋　●美',
  birthDate: '1950-01-05',
  sex: 'female' as const,
  copayPercent: 20,
};
const query = {
  insurerNumber: '138057',
  symbol: '0012',
  number: '0001234',
  branch: '01',
  birthDate: '1950-01-05',
  medicalInstitutionCode: '1312345678',
};

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const f = (n: number) => n.toFixed(1).padStart(7);

async function roundTrips(label: string, watch: boolean, pollMs: number, reps: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shikaku-bench-term-'));
  const sim = await TerminalSimulator.start({ dir, registry: [person], watch, pollMs });
  const client = new FileTerminalClient({ dir, watch, pollMs, timeoutMs: 10_000 });
  try {
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const r = await client.confirm(query, { key: `bench-${i}` });
      ms.push(performance.now() - t0);
      if (r.finding?.validity !== 'valid') throw new Error('unexpected answer');
      await client.discardAnswer(r.key);
    }
    console.log(
      `${label.padEnd(38)} n=${String(reps).padStart(4)}  p50 ${f(pct(ms, 50))} ms  p99 ${f(pct(ms, 99))} ms  max ${f(Math.max(...ms))} ms`,
    );
  } finally {
    await client.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function silence(label: string, watch: boolean, pollMs: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shikaku-bench-term-'));
  const sim = await TerminalSimulator.start({ dir, defaultAnswer: { kind: 'never' }, watch, pollMs });
  const client = new FileTerminalClient({ dir, watch, pollMs, timeoutMs: TIMEOUT });
  try {
    const over: number[] = [];
    for (let i = 0; i < SILENT_REPS; i++) {
      const t0 = performance.now();
      try {
        await client.confirm(query, { key: `silent-${i}` });
        throw new Error('unexpected answer');
      } catch (e) {
        if (!(e instanceof TerminalError) || e.code !== 'TERMINAL_TIMEOUT') throw e;
      }
      over.push(performance.now() - t0 - TIMEOUT);
    }
    console.log(
      `${label.padEnd(38)} n=${String(SILENT_REPS).padStart(4)}  timeout ${TIMEOUT} ms + p50 ${f(pct(over, 50))} ms  p99 ${f(pct(over, 99))} ms  (ratio p99 ${((TIMEOUT + pct(over, 99)) / TIMEOUT).toFixed(3)})`,
    );
  } finally {
    await client.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`terminal file link bench — ${os.platform()} ${os.release()}, node ${process.version}, tmp ${os.tmpdir()}`);
await roundTrips('confirm() round trip, fs.watch + poll', true, 500, REPS);
await roundTrips('confirm() round trip, polling only 100ms', false, 100, Math.max(20, Math.floor(REPS / 4)));
await silence('silence detected, fs.watch + poll', true, 500);
await silence('silence detected, polling only 100ms', false, 100);
