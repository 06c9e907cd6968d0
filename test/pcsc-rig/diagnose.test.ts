// カードを診断 against a real pcscd + vpcd: the virtual My Number card holds a certificate generated at test
// time with the notAfter each case chooses, relative to an injected clock.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addMonthsJst } from '../../src/hardware/pcsc/classify.ts';
import type { PcscCardReader } from '../../src/hardware/pcsc/real.ts';
import type { CardFault } from '../support/vcard/card.ts';
import type { VpcdCardLink } from '../support/vcard/vpcd.ts';
import {
  PcscdRig,
  READER,
  cardIn,
  cardOut,
  hasReader,
  newPort,
  pcscdPids,
  virtualCard,
  waitForSnapshot,
  workerPids,
} from './helpers.ts';

const NOW = new Date('2026-06-15T03:00:00Z');
const DAY = 86_400_000;

const rig = new PcscdRig();
let port: PcscCardReader;
const cards: VpcdCardLink[] = [];

beforeAll(async () => {
  await rig.start();
  port = newPort({ now: () => NOW });
  await port.start();
  await waitForSnapshot(port, 'the reader', hasReader);
});

afterEach(async () => {
  for (const c of cards.splice(0)) await c.remove();
  await waitForSnapshot(port, 'card out', cardOut);
});

afterAll(async () => {
  await port?.stop();
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

async function insert(notAfter: Date, fault?: CardFault): Promise<VpcdCardLink> {
  const card = virtualCard({ notAfter, ...(fault ? { fault } : {}) });
  cards.push(card);
  await card.insert();
  await waitForSnapshot(port, 'card in', cardIn);
  return card;
}

const FORBIDDEN = [
  /^00A404..0AD3921000310001010408/, // 券面事項入力補助 AP (個人番号)
  /^00A402..020001/, // EF 0001
  /^..20/, // VERIFY (any PIN)
];

function expectOnlyAllowedApdus(card: VpcdCardLink): void {
  expect(card.card.log.length).toBeGreaterThan(0);
  for (const apdu of card.card.log) for (const re of FORBIDDEN) expect(apdu).not.toMatch(re);
}

describe('diagnoseCard: certificate classification (real pcscd)', () => {
  it('valid certificate → ok, not a fallback trigger; reads the whole EF in chunks', async () => {
    const card = await insert(new Date(NOW.getTime() + 2 * 365 * DAY));
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({ reader: READER, status: 'ok', fallbackTrigger: false });
    expect(d.certificate?.notAfter).toBe(
      new Date(NOW.getTime() + 2 * 365 * DAY).toISOString().replace(/\.\d{3}Z$/, '.000Z'),
    );
    expect(d.message).toMatch(/正常/);
    expect(card.card.log.slice(0, 3)).toEqual(['00A4040C0AD392F000260100000001', '00A4020C02000A', '00B0000004']);
    // More than one READ BINARY after the header: the certificate is longer than 255 bytes.
    expect(card.card.log.filter((a) => a.startsWith('00B0')).length).toBeGreaterThan(2);
    expectOnlyAllowedApdus(card);
  });

  it('expiring within 3 months → expiring_soon (warning only)', async () => {
    await insert(new Date(NOW.getTime() + 30 * DAY));
    const d = await port.diagnoseCard(READER);
    expect(d).toMatchObject({ status: 'expiring_soon', fallbackTrigger: false });
    expect(d.certificate!.daysToExpiry).toBe(30);
  });

  it('expired within the 3-month grace → expired_in_grace (warning only, NOT a fallback trigger)', async () => {
    await insert(new Date(NOW.getTime() - 30 * DAY));
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({ status: 'expired_in_grace', fallbackTrigger: false });
    expect(new Date(d.certificate!.graceEndsAt).getTime()).toBeGreaterThan(NOW.getTime());
  });

  it('expired beyond the grace → expired, a fallback trigger', async () => {
    const notAfter = new Date(addMonthsJst(NOW, -3).getTime() - DAY);
    await insert(notAfter);
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({ status: 'expired', fallbackTrigger: true });
    expect(d.nextStep).toMatch(/障害時受付/);
  });
});

describe('diagnoseCard: faults (real pcscd)', () => {
  it('wrong status word (6A 82 on SELECT AP) → chip_unreadable, a fallback trigger', async () => {
    const card = await insert(new Date(NOW.getTime() + 365 * DAY), { kind: 'status', step: 'select_ap', sw: 0x6a82 });
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({
      status: 'chip_unreadable',
      fallbackTrigger: true,
      unreadable: { reason: 'status_word', step: 'select_ap', sw: '6A82' },
    });
    expect(card.card.log).toEqual(['00A4040C0AD392F000260100000001']);
  });

  it('wrong status word in the middle of the read → chip_unreadable', async () => {
    await insert(new Date(NOW.getTime() + 365 * DAY), { kind: 'status', step: 'read', sw: 0x6581 });
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({ status: 'chip_unreadable', unreadable: { reason: 'status_word', sw: '6581' } });
  });

  it('card pulled mid-read → a clean card-removed error, no hang, the monitor stays', async () => {
    const startsBefore = port.workerStarts;
    const card = await insert(new Date(NOW.getTime() + 365 * DAY), { kind: 'pull', atOffset: 259 });
    const err = await port.diagnoseCard().then(
      (d) => ({ resolved: d }),
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'CardReaderError', code: 'SCARD_W_REMOVED_CARD' });
    expect(card.card.log.some((a) => a.startsWith('00B00103'))).toBe(true);
    await waitForSnapshot(port, 'card out', cardOut);
    expect(port.workerStarts).toBe(startsBefore);
  });

  it('a "successful" transmit with 1 byte while the card stays in → chip_unreadable (short_response)', async () => {
    await insert(new Date(NOW.getTime() + 365 * DAY), { kind: 'short', atOffset: 259 });
    const d = await port.diagnoseCard();
    expect(d).toMatchObject({ status: 'chip_unreadable', unreadable: { reason: 'short_response', step: 'read_259' } });
  });

  it('no card → rejects with SCARD_E_NO_SMARTCARD; unknown reader → SCARD_E_UNKNOWN_READER', async () => {
    await waitForSnapshot(port, 'card out', cardOut);
    await expect(port.diagnoseCard(READER)).rejects.toMatchObject({
      code: 'SCARD_E_NO_SMARTCARD',
      pcscCode: 0x8010000c,
    });
    await expect(port.diagnoseCard('No Such Reader 99')).rejects.toMatchObject({ code: 'SCARD_E_UNKNOWN_READER' });
  });
});
