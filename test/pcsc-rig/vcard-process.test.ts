// The virtual card as a separate, signal-able process (test/support/vcard/main.ts), as a person would use it
// with the CLI: SIGUSR1 pulls the card, SIGUSR2 puts it back, SIGTERM ends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PcscCardReader } from '../../src/hardware/pcsc/real.ts';
import {
  PcscdRig,
  cardIn,
  cardOut,
  hasReader,
  newPort,
  pcscdPids,
  waitFor,
  waitForSnapshot,
  workerPids,
} from './helpers.ts';

const MAIN = fileURLToPath(new URL('../support/vcard/main.ts', import.meta.url));
const rig = new PcscdRig();
let port: PcscCardReader;
let vcard: ChildProcess | undefined;

beforeAll(async () => {
  await rig.start();
  port = newPort({ now: () => new Date('2026-06-15T00:00:00Z') });
  await port.start();
  await waitForSnapshot(port, 'the reader', hasReader);
});

afterAll(async () => {
  if (vcard && vcard.exitCode === null && vcard.signalCode === null) {
    vcard.kill('SIGKILL');
    await once(vcard, 'exit');
  }
  await port?.stop();
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

describe('virtual card process', () => {
  it('inserts on start, removes on SIGUSR1, reinserts on SIGUSR2, exits on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--not-after', '2026-08-01T00:00:00Z'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    vcard = child;
    const out: string[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(...d.toString().split('\n').filter(Boolean)));
    await waitFor('"inserted"', () => out.includes('inserted'), 20_000);
    await waitForSnapshot(port, 'card in', cardIn);
    const d = await port.diagnoseCard();
    expect(d.status).toBe('expiring_soon');

    child.kill('SIGUSR1');
    await waitForSnapshot(port, 'card out', cardOut);
    child.kill('SIGUSR2');
    await waitForSnapshot(port, 'card in again', cardIn);
    expect(out).toEqual(['inserted', 'removed', 'inserted']);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    await waitForSnapshot(port, 'card out after exit', cardOut);
  });
});
