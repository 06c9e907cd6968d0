import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../../src/hardware/health/clock.ts';
import {
  createNetworkProbe,
  pathCheck,
  pollNetwork,
  tcpCheck,
  withTimeout,
} from '../../src/hardware/health/network.ts';
import type { NetworkSignal } from '../../src/hardware/health/signals.ts';

const yes = async () => true;
const no = async () => false;
const boom = async (): Promise<boolean> => {
  throw new Error('EHOSTUNREACH');
};

describe('network probe (injected checks, no outside host)', () => {
  it('ok when any check succeeds, down when all fail, unknown when none is configured', async () => {
    const clock = new FakeClock();
    expect(await createNetworkProbe({ facility: [no, yes], wideArea: [no, boom], clock })()).toEqual({
      source: 'network',
      facility: 'ok',
      wideArea: 'down',
    });
    expect(await createNetworkProbe({ facility: [], clock })()).toEqual({
      source: 'network',
      facility: 'unknown',
      wideArea: 'unknown',
    });
    expect(clock.pending()).toBe(0);
  });

  it('a hung check counts as unreachable after the time limit', async () => {
    const clock = new FakeClock();
    const hang = () => new Promise<boolean>(() => {});
    const p = createNetworkProbe({ facility: [hang], wideArea: [yes], timeoutMs: 3000, clock })();
    await flushMicrotasks();
    clock.advance(3000);
    expect(await p).toEqual({ source: 'network', facility: 'down', wideArea: 'ok' });
  });

  it('withTimeout ignores a late answer after the limit', async () => {
    const clock = new FakeClock();
    let answer!: (v: boolean) => void;
    const p = withTimeout(() => new Promise<boolean>((r) => (answer = r)), 1000, clock);
    clock.advance(1000);
    answer(true);
    expect(await p).toBe(false);
  });

  it('pollNetwork feeds results on the clock until stopped', async () => {
    const clock = new FakeClock();
    const seen: NetworkSignal[] = [];
    let down = false;
    const probe = createNetworkProbe({ facility: [async () => !down], clock });
    const stop = pollNetwork(probe, (s) => seen.push(s), { intervalMs: 30_000, clock });
    await clock.advanceAsync(0);
    down = true;
    await clock.advanceAsync(30_000);
    stop();
    await clock.advanceAsync(60_000);
    expect(seen.map((s) => s.facility)).toEqual(['ok', 'down']);
    expect(clock.pending()).toBe(0);
  });
});

describe('real checks on loopback and the file system', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('tcpCheck: true for a listening loopback port, false once it is closed', async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    expect(await tcpCheck('127.0.0.1', port)()).toBe(true);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    expect(await tcpCheck('127.0.0.1', port)()).toBe(false);
  });

  it('pathCheck: true for an existing folder, false for a missing one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shikaku-share-'));
    expect(await pathCheck(dir)()).toBe(true);
    expect(await pathCheck(join(dir, 'req', 'missing'))()).toBe(false);
  });
});
