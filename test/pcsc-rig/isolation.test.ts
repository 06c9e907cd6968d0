// Process isolation on the rig: another program holding the card, and the parent dying under the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PcscCardReader } from '../../src/hardware/pcsc/real.ts';
import type { VpcdCardLink } from '../support/vcard/vpcd.ts';
import {
  PcscdRig,
  READER,
  cardIn,
  hasReader,
  newPort,
  pcscdPids,
  virtualCard,
  waitFor,
  waitForSnapshot,
  workerPids,
} from './helpers.ts';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url));
const rig = new PcscdRig();
let port: PcscCardReader | undefined;
let card: VpcdCardLink | undefined;
const children: ChildProcess[] = [];

function start(file: string, args: string[] = []): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(file), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: string[] = [];
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  return { child, lines };
}

async function end(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  await rig.start();
});

afterEach(async () => {
  for (const c of children.splice(0)) await end(c, 'SIGKILL');
  await card?.remove();
  card = undefined;
  await port?.stop();
  port = undefined;
});

afterAll(async () => {
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

describe('PC/SC process isolation (real pcscd)', () => {
  it('another program holding the card exclusively → backs off, then SCARD_E_SHARING_VIOLATION; works once released', async () => {
    port = newPort({ now: () => new Date('2026-06-15T00:00:00Z') });
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);
    card = virtualCard({ notAfter: new Date('2030-01-01T00:00:00Z') });
    await card.insert();
    await waitForSnapshot(port, 'card in', cardIn);

    const holder = start('hold-exclusive.ts', [READER]);
    await waitFor('the other program to hold the card', () => holder.lines.includes('held'), 20_000);
    await expect(port.diagnoseCard()).rejects.toMatchObject({
      code: 'SCARD_E_SHARING_VIOLATION',
      pcscCode: 0x8010000b,
    });
    // Our shared-mode connects never got in: the card saw no APDU from us.
    expect(card.card.log).toEqual([]);

    await end(holder.child);
    const d = await port.diagnoseCard();
    expect(d.status).toBe('ok');
  });

  it('the worker exits when its parent is killed (nothing left running)', async () => {
    const parent = start('parent.ts');
    await waitFor('the parent to report its worker', () => parent.lines.some((l) => l.startsWith('worker ')), 20_000);
    const workerPid = Number(parent.lines.find((l) => l.startsWith('worker '))!.split(' ')[1]);
    expect(() => process.kill(workerPid, 0)).not.toThrow();
    await end(parent.child, 'SIGKILL');
    await waitFor('the orphaned worker to exit', () => {
      try {
        process.kill(workerPid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
