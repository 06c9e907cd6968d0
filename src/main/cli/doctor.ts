// `shikaku doctor`: one report of every device and link (card reader and card, 資格確認端末 share, network,
// UPS), for the administrator and the help desk. Each device is asked once, with bounded waits; nothing is
// left running afterwards. Exit 0 when the clinic is 通常, 1 when anything is degraded or down.
import { PcscCardReader, type CardReaderPort } from '../../hardware/pcsc/index.ts';
import { HidPowerPort } from '../../hardware/power/index.ts';
import type { PowerPort } from '../../hardware/power/types.ts';
import { diagnoseFirstCard, parseHostPort, runDoctor } from '../core/doctor.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type Command } from './command.ts';
import { settled } from './pcsc.ts';

const PCSC_SETTLE_MS = 5000;

export interface DoctorDeps {
  cardReader: () => CardReaderPort;
  power: () => PowerPort;
  now: () => Date;
}

async function readPcsc(port: CardReaderPort, diagnoseCard: boolean) {
  await port.start();
  try {
    const snapshot = (await settled(port, PCSC_SETTLE_MS)) ?? port.snapshot();
    const diagnosis = diagnoseCard ? await diagnoseFirstCard(port, snapshot) : null;
    return { snapshot, diagnosis };
  } finally {
    await port.stop();
  }
}

async function readPower(port: PowerPort) {
  await port.start();
  try {
    return port.snapshot();
  } finally {
    await port.stop();
  }
}

export function makeDoctorCommand(deps: DoctorDeps): Command {
  return {
    path: ['doctor'],
    usage: 'doctor [--terminal-dir DIR] [--wan HOST:PORT] [--no-card] [--json]',
    summary: '機器と回線（カードリーダー・カード・資格確認端末・ネットワーク・UPS）を点検する',
    options: {
      'terminal-dir': { type: 'string' },
      wan: { type: 'string' },
      'no-card': { type: 'boolean' },
    },
    async run({ values }, io) {
      const terminalDir = str(values['terminal-dir']) ?? process.env.SHIKAKU_TERMINAL_DIR;
      const wanArg = str(values.wan) ?? process.env.SHIKAKU_WAN_TARGET;
      if (wanArg && !parseHostPort(wanArg)) throw new UsageError(`--wan takes HOST:PORT, got ${wanArg}`);
      const { report, text } = await runDoctor({
        pcsc: () => readPcsc(deps.cardReader(), values['no-card'] !== true),
        power: () => readPower(deps.power()),
        terminalDir: terminalDir ?? null,
        wan: wanArg ?? null,
        now: deps.now,
      });
      if (values.json) printJson(io, report);
      else io.out(text);
      return report.mode === 'normal' ? EXIT_OK : EXIT_INVALID;
    },
  };
}

export const doctorCommands: Command[] = [
  makeDoctorCommand({ cardReader: () => new PcscCardReader(), power: () => new HidPowerPort(), now: () => new Date() }),
];
