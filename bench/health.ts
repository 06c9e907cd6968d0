// Health machine bench: fold throughput, and the latency from a signal to the 'change' event of a mode
// transition (real clock, debounce 0). Prints figures; asserts nothing.
// Run: node --import tsx bench/health.ts
import { performance } from 'node:perf_hooks';
import { HealthMonitor } from '../src/hardware/health/machine.ts';
import { MemoryIncidentSink } from '../src/hardware/health/incidents.ts';
import type { HealthSignal } from '../src/hardware/health/signals.ts';

const READER = { name: 'Face Reader', cardPresent: false };
const mix: HealthSignal[] = [
  { source: 'pcsc', service: 'running', readers: [READER] },
  { source: 'terminal', link: 'ok', consecutiveFailures: 0 },
  { source: 'power', state: 'ac', charge: 100 },
  { source: 'network', facility: 'ok', wideArea: 'ok' },
  { source: 'terminal', link: 'timeout', consecutiveFailures: 1 },
  { source: 'power', state: 'battery', charge: 87 },
  { source: 'pcsc', service: 'running', readers: [{ ...READER, cardPresent: true }] },
  { source: 'card', diagnosis: 'ok' },
  { source: 'network', facility: 'ok', wideArea: 'down' },
  { source: 'qualification', result: 'not_found' },
];

function fold(n: number, withListener: boolean): { ms: number; changes: number } {
  const monitor = new HealthMonitor({ sink: new MemoryIncidentSink() });
  let changes = 0;
  if (withListener) monitor.on('change', () => changes++);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) monitor.ingest(mix[i % mix.length]!);
  const ms = performance.now() - t0;
  void monitor.dispose();
  return { ms, changes };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(rounds: number): Promise<number[]> {
  const monitor = new HealthMonitor({
    sink: new MemoryIncidentSink(),
    debounce: { enterAfterMs: 0, enterAfterFailures: 1, exitAfterMs: 0 },
  });
  const samples: number[] = [];
  let t0 = 0;
  let lastMode = monitor.state().mode;
  monitor.on('change', (s) => {
    if (s.mode !== lastMode) {
      samples.push(performance.now() - t0);
      lastMode = s.mode;
    }
  });
  const down: HealthSignal = { source: 'pcsc', service: 'unavailable', readers: [] };
  const up: HealthSignal = { source: 'pcsc', service: 'running', readers: [READER] };
  for (let i = 0; i < rounds; i++) {
    t0 = performance.now();
    monitor.ingest(i % 2 === 0 ? down : up);
    if (i % 1000 === 999) await monitor.idle();
  }
  await monitor.dispose();
  return samples.sort((a, b) => a - b);
}

const N = 100_000;
fold(10_000, true); // warm-up
for (const withListener of [false, true]) {
  const { ms, changes } = fold(N, withListener);
  console.log(
    `fold ${N} signals${withListener ? ' (1 listener)' : ''}: ${ms.toFixed(1)} ms, ${Math.round((N / ms) * 1000).toLocaleString('en-US')} signals/s${withListener ? `, ${changes} change events` : ''}`,
  );
}
await latency(2_000); // warm-up
const s = await latency(20_000);
const us = (x: number) => `${(x * 1000).toFixed(1)} µs`;
console.log(
  `mode transition, signal → 'change' (debounce 0, real clock, ${s.length} transitions): p50 ${us(percentile(s, 50))}, p99 ${us(percentile(s, 99))}, max ${us(s[s.length - 1]!)}`,
);
