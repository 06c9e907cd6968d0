// `shikaku pcsc status` and `shikaku pcsc diagnose`: the PC/SC adapter from the command line. Each run
// starts its own PC/SC worker, waits (bounded) for the first real snapshot, and stops it again.
// Exit codes: 0 a snapshot/diagnosis was produced; 1 the diagnosis could not be made (see the message).
import {
  CardReaderError,
  PcscCardReader,
  errorMessage,
  formatPcscCode,
  type CardReaderPort,
  type PcscSnapshot,
} from '../../hardware/pcsc/index.ts';
import { CLI_TEXT, SERVICE_LABEL, STATUS_TEXT } from '../../hardware/pcsc/messages.ts';
import { EXIT_INVALID, EXIT_OK, printJson, str, type CliIO, type Command } from './command.ts';

const SETTLE_MS = 5000;

/** Wait until the port reports something other than 'unknown' (worker up), or give up after `ms`. */
export function settled(port: CardReaderPort, ms: number): Promise<PcscSnapshot | null> {
  const now = port.snapshot();
  if (now.service !== 'unknown') return Promise.resolve(now);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      port.off('change', onChange);
      resolve(null);
    }, ms);
    function onChange(s: PcscSnapshot) {
      if (s.service === 'unknown') return;
      clearTimeout(timer);
      port.off('change', onChange);
      resolve(s);
    }
    port.on('change', onChange);
  });
}

export function formatSnapshot(s: PcscSnapshot): string {
  const readers =
    s.readers.length === 0
      ? STATUS_TEXT.noReaders
      : s.readers
          .map((r) => `${r.name}（${r.cardPresent ? STATUS_TEXT.cardPresent : STATUS_TEXT.cardAbsent}）`)
          .join('、');
  const err = s.lastError ? ` / ${STATUS_TEXT.lastError}: ${s.lastError.name} ${formatPcscCode(s.lastError.code)}` : '';
  return `${STATUS_TEXT.service}: ${SERVICE_LABEL[s.service]} / ${STATUS_TEXT.readers}: ${readers}${err}`;
}

export async function withPort<T>(
  factory: () => CardReaderPort,
  body: (port: CardReaderPort) => Promise<T>,
): Promise<T> {
  const port = factory();
  await port.start();
  try {
    return await body(port);
  } finally {
    await port.stop();
  }
}

export function makePcscCommands(factory: () => CardReaderPort): Command[] {
  const status: Command = {
    path: ['pcsc', 'status'],
    usage: 'pcsc status [--json]',
    summary: CLI_TEXT.statusSummary,
    async run({ values }, io: CliIO) {
      return withPort(factory, async (port) => {
        const s = (await settled(port, SETTLE_MS)) ?? port.snapshot();
        if (values.json) printJson(io, s);
        else io.out(s.service === 'unknown' ? CLI_TEXT.timedOutWaiting : formatSnapshot(s));
        return EXIT_OK;
      });
    },
  };
  const diagnose: Command = {
    path: ['pcsc', 'diagnose'],
    usage: 'pcsc diagnose [--reader NAME] [--json]',
    summary: CLI_TEXT.diagnoseSummary,
    options: { reader: { type: 'string' } },
    async run({ values }, io: CliIO) {
      return withPort(factory, async (port) => {
        await settled(port, SETTLE_MS);
        try {
          const d = await port.diagnoseCard(str(values.reader));
          if (values.json) printJson(io, d);
          else io.out(`[${d.reader}] ${d.message} ${CLI_TEXT.next}: ${d.nextStep}`);
          return EXIT_OK;
        } catch (e) {
          if (!(e instanceof CardReaderError)) throw e;
          const m = errorMessage(e.code);
          if (values.json)
            printJson(io, { error: { code: e.pcscCode, name: e.code, message: m.message, nextStep: m.nextStep } });
          else io.out(`${STATUS_TEXT.diagnosisFailed}: ${m.message} ${CLI_TEXT.next}: ${m.nextStep} (${e.code})`);
          return EXIT_INVALID;
        }
      });
    },
  };
  return [status, diagnose];
}

export const pcscCommands: Command[] = makePcscCommands(() => new PcscCardReader());
