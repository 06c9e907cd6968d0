// `shikaku simulate-terminal`, `shikaku terminal confirm`, `shikaku terminal probe`: the 資格確認端末 file link
// from the command line. Exit codes: 0 answered / healthy; 1 the terminal failed or the share is unusable
// (the JSON or the message carries the TERMINAL_* code); 2 usage errors.
import { readFile } from 'node:fs/promises';
import {
  FileTerminalClient,
  TerminalError,
  qualificationValidityLabels,
  type TerminalResult,
} from '../../hardware/terminal/index.ts';
import { AnswerKind, Scenario, TerminalSimulator, type AnswerSpec } from '../../hardware/terminal/simulator.ts';
import { simulatorText, terminalCliText } from '../../hardware/terminal/messages.ts';
import { testTerminalFolder } from '../core/doctor.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type CliIO, type Command } from './command.ts';

/** How long `terminal probe --ask` waits for the test request's answer by default (ms). */
const PROBE_ANSWER_TIMEOUT_MS = 15_000;

type Values = Parameters<Command['run']>[0]['values'];

function required(values: Values, name: string): string {
  const v = str(values[name]);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

async function loadScenario(file: string | undefined, defaultKind: string | undefined): Promise<Scenario> {
  let scenario: Scenario = Scenario.parse({});
  if (file !== undefined) {
    try {
      scenario = Scenario.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (e) {
      throw new UsageError(terminalCliText.scenarioUnreadable(file, (e as Error).message.split('\n')[0] ?? ''));
    }
  }
  if (defaultKind !== undefined) {
    const kind = AnswerKind.safeParse(defaultKind);
    if (!kind.success) throw new UsageError(terminalCliText.badDefault(defaultKind));
    scenario = { ...scenario, default: { kind: kind.data } satisfies AnswerSpec };
  }
  return scenario;
}

/** Run the simulator until `signal` aborts. Exported for tests; the command wires SIGINT/SIGTERM to it. */
export async function runSimulateTerminal(values: Values, io: CliIO, signal: AbortSignal): Promise<number> {
  const dir = required(values, 'dir');
  const scenario = await loadScenario(str(values.scenario), str(values.default));
  const sim = await TerminalSimulator.fromScenario(dir, scenario, {
    onLog: (e) =>
      io.err(
        e.answer === 'never'
          ? simulatorText.noAnswer(e.requestFile)
          : e.answer === 'bad_request'
            ? simulatorText.badRequest(e.requestFile)
            : simulatorText.answered(e.answerFile ?? e.requestFile, e.answer),
      ),
  });
  io.err(simulatorText.started(dir));
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sim.stop();
  io.err(simulatorText.stopped);
  return EXIT_OK;
}

function parseTimeout(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new UsageError(terminalCliText.badTimeout(v));
  return Number(v);
}

function describeResult(r: TerminalResult): string[] {
  const lines: string[] = [];
  const f = r.finding;
  if (!f) {
    lines.push(terminalCliText.unknownValidity(r.answer.body.qualificationValidity ?? '-'));
    return lines;
  }
  const label = qualificationValidityLabels[r.answer.body.qualificationValidity ?? ''] ?? f.validity;
  lines.push(terminalCliText.result(label, f.name ?? ''));
  for (const n of [f.insurance, f.newerInsurance]) {
    if (n) lines.push(terminalCliText.numbers([n.insurerNumber, n.symbol, n.number, n.branch].join(' / ')));
  }
  if (f.copayPercent !== undefined) lines.push(terminalCliText.copay(f.copayPercent));
  if (r.answer.body.results.some((x) => x.nameHasUnrepresentable)) lines.push(terminalCliText.unrepresentable);
  return lines;
}

export const terminalCommands: Command[] = [
  {
    path: ['simulate-terminal'],
    usage: 'simulate-terminal --dir <share> [--scenario FILE] [--default KIND]',
    summary: terminalCliText.simulateSummary,
    options: { dir: { type: 'string' }, scenario: { type: 'string' }, default: { type: 'string' } },
    async run({ values }, io) {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        return await runSimulateTerminal(values, io, ac.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    },
  },
  {
    path: ['terminal', 'confirm'],
    usage:
      'terminal confirm --dir <share> --insurer N --number N [--symbol S] [--branch B] --birth YYYY-MM-DD [--institution CODE] [--key K] [--timeout ms] [--json]',
    summary: terminalCliText.confirmSummary,
    options: {
      dir: { type: 'string' },
      insurer: { type: 'string' },
      number: { type: 'string' },
      symbol: { type: 'string' },
      branch: { type: 'string' },
      birth: { type: 'string' },
      institution: { type: 'string' },
      key: { type: 'string' },
      timeout: { type: 'string' },
    },
    async run({ values }, io) {
      const dir = required(values, 'dir');
      const query = {
        insurerNumber: required(values, 'insurer'),
        number: required(values, 'number'),
        symbol: str(values.symbol) ?? '',
        branch: str(values.branch) ?? '',
        birthDate: required(values, 'birth'),
        medicalInstitutionCode: str(values.institution) ?? '',
      };
      const timeoutMs = parseTimeout(str(values.timeout));
      const key = str(values.key);
      const client = new FileTerminalClient({ dir, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
      try {
        const r = await client.confirm(query, { ...(key !== undefined ? { key } : {}) });
        if (values.json)
          printJson(io, {
            ok: true,
            key: r.key,
            file: r.file,
            reused: r.reused,
            finding: r.finding,
            answer: {
              header: r.answer.header,
              body: r.answer.body,
              encoding: r.answer.encoding,
              encodingWarning: r.answer.encodingWarning,
            },
          });
        else for (const line of describeResult(r)) io.out(line);
        return EXIT_OK;
      } catch (e) {
        if (!(e instanceof TerminalError)) throw e;
        if (values.json) printJson(io, { ok: false, error: e.toJSON() });
        else io.err(`${e.messageJa} (${e.code})`);
        return EXIT_INVALID;
      } finally {
        await client.close();
      }
    },
  },
  {
    path: ['terminal', 'probe'],
    usage: 'terminal probe --dir <share> [--ask] [--timeout ms] [--institution CODE] [--json]',
    summary: terminalCliText.probeSummary,
    options: {
      dir: { type: 'string' },
      ask: { type: 'boolean' },
      timeout: { type: 'string' },
      institution: { type: 'string' },
    },
    async run({ values }, io) {
      const institution = str(values.institution);
      const st = await testTerminalFolder(required(values, 'dir'), {
        ask: values.ask === true,
        timeoutMs: parseTimeout(str(values.timeout)) ?? PROBE_ANSWER_TIMEOUT_MS,
        ...(institution !== undefined ? { medicalInstitutionCode: institution } : {}),
      });
      if (values.json) printJson(io, st);
      else {
        io.out(st.problem === null ? terminalCliText.probeOk : terminalCliText.probeNg(st.problem));
        io.out(terminalCliText.folder('req', st.folders.req.exists && st.folders.req.writable));
        io.out(terminalCliText.folder('res', st.folders.res.exists && st.folders.res.readable));
        io.out(terminalCliText.folder('face', st.folders.face.exists));
        if (st.answered === true) io.out(terminalCliText.probeAnswered(st.answerMs ?? 0));
        if (st.answered === false) io.out(terminalCliText.probeNoAnswer(st.answerProblem ?? ''));
      }
      return st.ok ? EXIT_OK : EXIT_INVALID;
    },
  },
];
