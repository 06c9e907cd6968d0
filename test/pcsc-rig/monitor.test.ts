// The PC/SC monitor against a real pcscd + vpcd and the virtual My Number card.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PcscCardReader } from '../../src/hardware/pcsc/real.ts';
import {
  PcscdRig,
  READER,
  cardIn,
  cardOut,
  hasReader,
  newPort,
  pcscdPids,
  reader,
  virtualCard,
  waitForSnapshot,
  workerPids,
} from './helpers.ts';

const rig = new PcscdRig();
let port: PcscCardReader | undefined;

beforeAll(async () => {
  await rig.start();
});

afterEach(async () => {
  await port?.stop();
  port = undefined;
  if (!rig.running) await rig.start();
});

afterAll(async () => {
  await port?.stop();
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

describe('PC/SC monitor (real pcscd)', () => {
  it('sees the vpcd reader, then the card inserted and removed', async () => {
    port = newPort();
    await port.start();
    const s0 = await waitForSnapshot(port, 'the reader', hasReader);
    expect(reader(s0)?.cardPresent).toBe(false);

    const card = virtualCard({ notAfter: new Date('2030-01-01T00:00:00Z') });
    try {
      await card.insert();
      const s1 = await waitForSnapshot(port, 'card inserted', cardIn);
      expect(reader(s1)?.atr).toBe(card.card.atr.toString('hex').toUpperCase());

      await card.remove();
      const s2 = await waitForSnapshot(port, 'card removed', cardOut);
      expect(reader(s2)?.atr).toBeUndefined();

      // And again: the monitor keeps tracking after a full cycle.
      await card.insert();
      await waitForSnapshot(port, 'card inserted again', cardIn);
    } finally {
      await card.remove();
    }
  });

  it('reports the service unavailable when pcscd stops, and recovers when it comes back', async () => {
    port = newPort();
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);

    await rig.stop();
    const down = await waitForSnapshot(port, 'service unavailable', (s) => s.service === 'unavailable');
    expect(down.readers).toEqual([]);
    expect(down.lastError?.name).toMatch(/^SCARD_(E_NO_SERVICE|E_SERVICE_STOPPED|F_COMM_ERROR|E_INVALID_HANDLE)$/);

    await rig.start();
    await waitForSnapshot(port, 'the reader again', hasReader);
  });

  it('recovers after pcscd is killed (SIGKILL) and restarted, and sees the card again', async () => {
    port = newPort();
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);
    const startsBefore = port.workerStarts;

    await rig.kill();
    await waitForSnapshot(port, 'service unavailable', (s) => s.service === 'unavailable');
    await rig.start();
    await waitForSnapshot(port, 'the reader after restart', hasReader);

    const card = virtualCard({ notAfter: new Date('2030-01-01T00:00:00Z') });
    try {
      await card.insert();
      await waitForSnapshot(port, 'card inserted after restart', cardIn);
    } finally {
      await card.remove();
    }
    // The same worker recovered by re-creating its context: losing the service is not a worker crash.
    expect(port.workerStarts).toBe(startsBefore);
  });

  it('starts before the PC/SC service exists and picks it up when it appears', async () => {
    await rig.stop();
    port = newPort();
    await port.start();
    const s = await waitForSnapshot(port, 'service unavailable', (x) => x.service === 'unavailable');
    expect(s.lastError?.name).toBe('SCARD_E_NO_SERVICE');
    await rig.start();
    const up = await waitForSnapshot(port, 'the reader', hasReader);
    expect(up.readers.map((r) => r.name)).toContain(READER);
  });

  it('restarts a worker that dies, with service "unknown" meanwhile', async () => {
    port = newPort();
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);
    const pid = port.workerPid!;
    const seen: string[] = [];
    port.on('change', (s) => seen.push(s.service));
    process.kill(pid, 'SIGKILL');
    await waitForSnapshot(port, 'a new worker with the reader', (s) => hasReader(s) && port!.workerPid !== pid);
    expect(seen).toContain('unknown');
    expect(port.snapshot().service).toBe('running');
  });

  it('stop() ends the worker and rejects requests', async () => {
    port = newPort();
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);
    const pid = port.workerPid!;
    await port.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(port.diagnoseCard()).rejects.toMatchObject({ code: 'SHIKAKU_STOPPED' });
    expect(port.snapshot().service).toBe('unknown');
  });
});
