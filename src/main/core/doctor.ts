// The device check (`shikaku doctor` and 設定 → 機器の点検) and the terminal folder's 接続テスト (`shikaku terminal
// probe` and 設定 → 資格確認端末), one implementation each for the CLI and the core's requests. The caller says how
// the card reader and the UPS are read (the CLI starts its own ports for one look; the running core reads the ports
// it already has); the terminal share and the network are probed here, with bounded waits, nothing left running.
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
  type DoctorResult,
} from '../../hardware/health/index.ts';
import type { CardDiagnosis, CardReaderPort, PcscSnapshot } from '../../hardware/pcsc/index.ts';
import type { PowerSnapshot } from '../../hardware/power/types.ts';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FileTerminalClient,
  TerminalError,
  newKey,
  requestFileName,
  type TerminalLinkStatus,
} from '../../hardware/terminal/index.ts';

/** How long a card diagnosis may take before the report goes without it. */
export const CARD_DIAGNOSE_MS = 15_000;

/** HOST:PORT → [host, port]; null when it has another form. */
export function parseHostPort(v: string): { host: string; port: number } | null {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  return m ? { host: m[1]!, port: Number(m[2]) } : null;
}

export interface DoctorSources {
  /** The readers and the card as they are now, with a card diagnosis when one was made. */
  pcsc(): Promise<{ snapshot: PcscSnapshot; diagnosis: CardDiagnosis | null }>;
  /** The UPS as it is now. */
  power(): Promise<PowerSnapshot>;
  /** The terminal's share folder; null when the link is not configured. */
  terminalDir: string | null;
  /** HOST:PORT outside the facility that stands for the wide-area line; null when none is set. */
  wan: string | null;
  now(): Date;
}

/** Diagnoses the card in the first reader that has one, within CARD_DIAGNOSE_MS; null without a card or in time. */
export async function diagnoseFirstCard(port: CardReaderPort, snapshot: PcscSnapshot): Promise<CardDiagnosis | null> {
  const withCard = snapshot.readers.find((r) => r.cardPresent);
  if (!withCard) return null;
  return Promise.race([
    port.diagnoseCard(withCard.name).catch(() => null),
    sleep(CARD_DIAGNOSE_MS, null, { ref: false }),
  ]);
}

/** One look at every device and link: the report (JSON-able) and its Japanese text. */
export async function runDoctor(src: DoctorSources): Promise<DoctorResult> {
  const { terminalDir, wan } = src;
  const target = wan ? parseHostPort(wan) : null;
  const terminal = terminalDir ? new FileTerminalClient({ dir: terminalDir, watch: false }) : null;
  const network = createNetworkProbe({
    facility: terminalDir ? [pathCheck(terminalDir)] : [],
    wideArea: target ? [tcpCheck(target.host, target.port)] : [],
  });
  let pcsc: Awaited<ReturnType<DoctorSources['pcsc']>>;
  let power: PowerSnapshot;
  let link: TerminalLinkStatus | null;
  let net: Awaited<ReturnType<typeof network>>;
  let answers: { consecutiveFailures: number; pending: number };
  try {
    [pcsc, power, link, net] = await Promise.all([
      src.pcsc(),
      src.power(),
      terminal ? terminal.probe() : Promise.resolve(null),
      network(),
    ]);
    answers = terminal ? terminal.health() : { consecutiveFailures: 0, pending: 0 };
  } finally {
    await terminal?.close();
  }

  const inputs: DoctorInputs = {
    at: src.now().toISOString(),
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
      network: { wanTarget: wan ?? null },
    },
  };
  if (terminal) inputs.terminal = terminalSignalOf(link, answers, terminalDir ?? undefined);
  if (pcsc.diagnosis) {
    inputs.card = cardSignalOf(pcsc.diagnosis);
    inputs.facts!.card = {
      reader: pcsc.diagnosis.reader,
      status: pcsc.diagnosis.status,
      notAfter: pcsc.diagnosis.certificate?.notAfter ?? null,
      atr: pcsc.diagnosis.atr ?? null,
    };
  }
  return doctorReport(inputs);
}

/** A test request's numbers: no one's (保険者番号 of the 不詳 form); the terminal answers "no such qualification". */
const TEST_QUERY = {
  insurerNumber: '77777777',
  number: '0',
  birthDate: '2000-01-01',
} as const;

export interface TerminalTestResult {
  dir: string;
  /** The share can be used (req writable, res readable) and, when asked, the terminal answered. */
  ok: boolean;
  folders: TerminalLinkStatus['folders'];
  /** TERMINAL_* code of the share's problem (the folders), when there is one. */
  problem: string | null;
  /** null: not asked (the folders are not usable, or `ask` was false); true: an answer came within the wait. */
  answered: boolean | null;
  /** The code of the failed answer (TERMINAL_TIMEOUT, …). */
  answerProblem: string | null;
  /** How long the answer took (ms), when it came. */
  answerMs: number | null;
}

/**
 * The 接続テスト of a terminal folder: req/res/face present, req writable, res readable, and (`ask`) the terminal
 * answering one test request within `timeoutMs`. The test request carries numbers no one has (any answer, also
 * "no such qualification", shows the terminal works); its answer file is removed afterwards.
 */
export async function testTerminalFolder(
  dir: string,
  opts: { ask: boolean; timeoutMs: number; medicalInstitutionCode?: string },
): Promise<TerminalTestResult> {
  const client = new FileTerminalClient({ dir, timeoutMs: opts.timeoutMs });
  try {
    const st = await client.probe();
    const result: TerminalTestResult = {
      dir,
      ok: st.ok,
      folders: st.folders,
      problem: st.problem ?? null,
      answered: null,
      answerProblem: null,
      answerMs: null,
    };
    if (!st.ok || !opts.ask) return result;
    const started = Date.now();
    const key = newKey();
    try {
      await client.confirm(
        { ...TEST_QUERY, medicalInstitutionCode: opts.medicalInstitutionCode ?? '' },
        { key, timeoutMs: opts.timeoutMs },
      );
      result.answered = true;
      result.answerMs = Date.now() - started;
    } catch (e) {
      result.answered = false;
      result.ok = false;
      result.answerProblem = e instanceof TerminalError ? e.code : 'TERMINAL_ERROR';
    }
    // Nothing of the test stays in the share: an unanswered request is taken back, an answer removed.
    await rm(join(client.dirs.req, requestFileName('qualification', key)), { force: true }).catch(() => undefined);
    await client.discardAnswer(key).catch(() => undefined);
    return result;
  } finally {
    await client.close();
  }
}
