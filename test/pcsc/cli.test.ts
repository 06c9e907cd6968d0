// `shikaku pcsc status|diagnose` over the simulated reader (the real one is exercised in test/pcsc-rig).
import { describe, expect, it } from 'vitest';
import { SimulatedCardReader } from '../../src/hardware/pcsc/simulated.ts';
import type { CliIO, Command } from '../../src/main/cli/command.ts';
import { parseCommandArgs } from '../../src/main/cli/command.ts';
import { makePcscCommands } from '../../src/main/cli/pcsc.ts';

const NOW = new Date('2026-06-15T00:00:00Z');
const R = 'Simulated Reader 00 00';

function io() {
  const out: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => out.push(t), readStdin: async () => '' };
  return { out, cli };
}

async function run(commands: Command[], argv: string[]) {
  const cmd = commands.find((c) => c.path.every((w, i) => argv[i] === w))!;
  const args = parseCommandArgs(cmd, argv.slice(cmd.path.length));
  const { out, cli } = io();
  const code = await cmd.run(args as Parameters<Command['run']>[0], cli);
  return { code, out };
}

describe('pcsc CLI', () => {
  it('status prints one Japanese line, or JSON', async () => {
    const sim = new SimulatedCardReader({ now: () => NOW });
    const cmds = makePcscCommands(() => sim);
    const { code, out } = await run(cmds, ['pcsc', 'status']);
    expect(code).toBe(0);
    expect(out).toEqual([`PC/SCサービス: 稼働中 / カードリーダー: ${R}（カードなし）`]);
    const j = await run(cmds, ['pcsc', 'status', '--json']);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ service: 'running', readers: [{ name: R, cardPresent: false }] });
  });

  it('diagnose prints the classification and the next step; failures exit 1 with the code', async () => {
    const sim = new SimulatedCardReader({ now: () => NOW });
    sim.insertCard(R, { kind: 'certificate', notAfter: new Date('2026-01-01T00:00:00Z') });
    const cmds = makePcscCommands(() => sim);
    const ok = await run(cmds, ['pcsc', 'diagnose', '--reader', R]);
    expect(ok.code).toBe(0);
    expect(ok.out[0]).toMatch(/^\[Simulated Reader 00 00\] .*3か月を過ぎている.*次の対応: 障害時受付/);
    const j = await run(cmds, ['pcsc', 'diagnose', '--json']);
    expect(JSON.parse(j.out[0]!)).toMatchObject({ status: 'expired', fallbackTrigger: true });
    sim.removeCard(R);
    const none = await run(cmds, ['pcsc', 'diagnose']);
    expect(none.code).toBe(1);
    expect(none.out[0]).toMatch(/カードが挿入されていません.*SCARD_E_NO_SMARTCARD/);
  });
});
