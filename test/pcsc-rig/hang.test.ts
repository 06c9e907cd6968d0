// A mute card makes `transmit` hang with no timeout at any layer. Our deadline must fire, the worker must be
// killed (not politely asked), the request rejected with a timeout code, and the monitor must come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PcscCardReader } from '../../src/hardware/pcsc/real.ts';
import type { VpcdCardLink } from '../support/vcard/vpcd.ts';
import {
  PcscdRig,
  cardIn,
  cardOut,
  hasReader,
  newPort,
  pcscdPids,
  virtualCard,
  waitForSnapshot,
  workerPids,
} from './helpers.ts';

const rig = new PcscdRig();
let port: PcscCardReader;
let card: VpcdCardLink | undefined;

beforeAll(async () => {
  await rig.start();
});

afterAll(async () => {
  await card?.remove();
  await port?.stop();
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

describe('mute card (real pcscd)', () => {
  it('kills the hung worker after our timeout, rejects with SHIKAKU_TIMEOUT, and the monitor comes back', async () => {
    const logs: string[] = [];
    port = newPort({ transmitTimeoutMs: 1000, log: (l) => logs.push(l) });
    await port.start();
    await waitForSnapshot(port, 'the reader', hasReader);

    card = virtualCard({ notAfter: new Date('2030-01-01T00:00:00Z'), fault: { kind: 'mute' } });
    await card.insert();
    await waitForSnapshot(port, 'card in', cardIn);
    const hungPid = port.workerPid!;
    const startsBefore = port.workerStarts;

    await expect(port.diagnoseCard()).rejects.toMatchObject({
      name: 'CardReaderError',
      code: 'SHIKAKU_TIMEOUT',
      pcscCode: null,
    });
    // The card did receive the first APDU and never answered it.
    expect(card.card.log).toEqual(['00A4040C0AD392F000260100000001']);
    expect(logs.join('\n')).toMatch(/transmit did not return/);

    // The hung worker is gone (SIGKILL) and a new one reports the reader again.
    await waitForSnapshot(
      port,
      'the reader from a new worker',
      (s) => hasReader(s) && port.workerPid !== hungPid,
      20_000,
    );
    expect(port.workerStarts).toBe(startsBefore + 1);
    expect(() => process.kill(hungPid, 0)).toThrow();

    // Replace the mute card by a good one: the whole chain works again.
    await card.remove();
    await waitForSnapshot(port, 'card out', cardOut, 20_000);
    card = virtualCard({ notAfter: new Date('2030-01-01T00:00:00Z') });
    await card.insert();
    await waitForSnapshot(port, 'good card in', cardIn, 20_000);
    const d = await port.diagnoseCard();
    expect(d.status).toBe('ok');
  });
});
