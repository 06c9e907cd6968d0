// `shikaku doctor`: one report of every device and link (card reader and card, 資格確認端末 share, network,
// UPS), for the administrator and the help desk. Each device is asked once, with bounded waits; nothing is
// left running afterwards. Exit 0 when the clinic is 通常, 1 when anything is degraded or down.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cardSignalOf,
  createNetworkProbe,
  doctorReport,
  pathCheck,
  pcscSignalOf,
  powerSignalOf,
  tcpCheck,
  terminalSignalOf,
  type DoctorInputs,
} from '../../hardware/health/index.ts';
import { PcscCardReader, type CardDiagnosis, type CardReaderPort } from '../../hardware/pcsc/index.ts';
import { HidPowerPort } from '../../hardware/power/index.ts';
import type { PowerPort } from '../../hardware/power/types.ts';
import { FileTerminalClient } from '../../hardware/terminal/index.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type Command } from './command.ts';
import { settled } from './pcsc.ts';

const PCSC_SETTLE_MS = 5000;
const CARD_DIAGNOSE_MS = 15_000;

export interface DoctorDeps {
  cardReader: () => CardReaderPort;
  power: () => PowerPort;
  now: () => Date;
}

async function readPcsc(port: CardReaderPort, diagnoseCard: boolean) {
  await port.start();
  try {
    const snapshot = (await settled(port, PCSC_SETTLE_MS)) ?? port.snapshot();
    let diagnosis: CardDiagnosis | null = null;
    const withCard = snapshot.readers.find((r) => r.cardPresent);
    if (diagnoseCard && withCard) {
      diagnosis = await Promise.race([
        port.diagnoseCard(withCard.name).catch(() => null),
        sleep(CARD_DIAGNOSE_MS, null, { ref: false }),
      ]);
    }
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

function parseHostPort(v: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  if (!m) throw new UsageError(`--wan takes HOST:PORT, got ${v}`);
  return { host: m[1]!, port: Number(m[2]) };
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
      const wan = wanArg ? parseHostPort(wanArg) : null;

      const terminal = terminalDir ? new FileTerminalClient({ dir: terminalDir, watch: false }) : null;
      const network = createNetworkProbe({
        facility: terminalDir ? [pathCheck(terminalDir)] : [],
        wideArea: wan ? [tcpCheck(wan.host, wan.port)] : [],
      });
      const [pcsc, power, link, net] = await Promise.all([
        readPcsc(deps.cardReader(), values['no-card'] !== true),
        readPower(deps.power()),
        terminal ? terminal.probe() : Promise.resolve(null),
        network(),
      ]);
      const answers = terminal ? terminal.health() : { consecutiveFailures: 0, pending: 0 };
      await terminal?.close();

      const inputs: DoctorInputs = {
        at: deps.now().toISOString(),
        pcsc: pcscSignalOf(pcsc.snapshot),
        power: powerSignalOf(power),
        network: net,
        facts: {
          reader: {
            service: pcsc.snapshot.service,
            readers: pcsc.snapshot.readers.map((r) => r.name).join(', ') || null,
            lastError: pcsc.snapshot.lastError?.name ?? null,
          },
          terminal: {
            shareDir: terminalDir ?? null,
            req: link ? link.folders.req.exists && link.folders.req.writable : null,
            res: link ? link.folders.res.exists : null,
            face: link ? link.folders.face.exists : null,
          },
          power: { device: power.device?.product ?? null, reason: power.reason ?? null },
          network: { wanTarget: wanArg ?? null },
        },
      };
      if (terminal) inputs.terminal = terminalSignalOf(link, answers, terminalDir);
      if (pcsc.diagnosis) {
        inputs.card = cardSignalOf(pcsc.diagnosis);
        inputs.facts!.card = {
          reader: pcsc.diagnosis.reader,
          status: pcsc.diagnosis.status,
          notAfter: pcsc.diagnosis.certificate?.notAfter ?? null,
          atr: pcsc.diagnosis.atr ?? null,
        };
      }
      const { report, text } = doctorReport(inputs);
      if (values.json) printJson(io, report);
      else io.out(text);
      return report.mode === 'normal' ? EXIT_OK : EXIT_INVALID;
    },
  };
}

export const doctorCommands: Command[] = [
  makeDoctorCommand({ cardReader: () => new PcscCardReader(), power: () => new HidPowerPort(), now: () => new Date() }),
];
