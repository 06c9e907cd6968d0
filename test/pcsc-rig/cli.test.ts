// `shikaku pcsc status|diagnose` with the real adapter against the rig.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO, Command } from '../../src/main/cli/command.ts';
import { parseCommandArgs } from '../../src/main/cli/command.ts';
import { pcscCommands } from '../../src/main/cli/pcsc.ts';
import type { VpcdCardLink } from '../support/vcard/vpcd.ts';
import { PcscdRig, READER, cardIn, newPort, pcscdPids, virtualCard, waitForSnapshot, workerPids } from './helpers.ts';

const rig = new PcscdRig();
let card: VpcdCardLink | undefined;

beforeAll(async () => {
  await rig.start();
});

afterAll(async () => {
  await card?.remove();
  await rig.stop();
  expect(pcscdPids()).toEqual([]);
  expect(workerPids()).toEqual([]);
});

async function run(argv: string[]) {
  const cmd = pcscCommands.find((c) => c.path.every((w, i) => argv[i] === w))!;
  const out: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => out.push(t), readStdin: async () => '' };
  const code = await cmd.run(parseCommandArgs(cmd, argv.slice(cmd.path.length)) as Parameters<Command['run']>[0], io);
  return { code, out };
}

describe('pcsc CLI on the rig', () => {
  it('status lists the vpcd reader; diagnose reads the card', async () => {
    const s = await run(['pcsc', 'status']);
    expect(s.code).toBe(0);
    expect(s.out[0]).toContain(`PC/SCサービス: 稼働中 / カードリーダー: ${READER}（カードなし）`);

    card = virtualCard({ notAfter: new Date(Date.now() + 2 * 365 * 86_400_000) });
    await card.insert();
    // Make sure pcscd itself has registered the card before the command's own worker looks.
    const watcher = newPort();
    await watcher.start();
    try {
      await waitForSnapshot(watcher, 'card in', cardIn);
    } finally {
      await watcher.stop();
    }
    const d = await run(['pcsc', 'diagnose', '--reader', READER, '--json']);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out[0]!)).toMatchObject({ reader: READER, status: 'ok', fallbackTrigger: false });
  });

  it('status says the service is stopped when pcscd is not running', async () => {
    await rig.stop();
    const s = await run(['pcsc', 'status', '--json']);
    expect(JSON.parse(s.out[0]!)).toMatchObject({
      service: 'unavailable',
      lastError: { name: 'SCARD_E_NO_SERVICE', code: 0x8010001d },
    });
  });
});
