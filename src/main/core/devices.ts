// The core's devices: the card reader, the 資格確認端末 link, the UPS and the network probe, each feeding the
// health state machine. Real adapters in the app; simulated ones in demo/drill mode (and only there), with
// the terminal simulator answering on a share folder inside the demo data folder.
import { join } from 'node:path';
import {
  HealthMonitor,
  createNetworkProbe,
  pathCheck,
  pcscSignalOf,
  powerSignalOf,
  tcpCheck,
  terminalSignalOf,
  type HealthMonitorOptions,
  type HealthState,
  type IncidentSink,
} from '../../hardware/health/index.ts';
import { PcscCardReader, SimulatedCardReader, type CardReaderPort } from '../../hardware/pcsc/index.ts';
import { BatteryHooks, HidPowerPort, SimulatedPowerPort } from '../../hardware/power/index.ts';
import type { PowerPort } from '../../hardware/power/types.ts';
import { FileTerminalClient, TerminalSimulator } from '../../hardware/terminal/index.ts';

export type DeviceMode = 'real' | 'simulated';

export interface DeviceOptions {
  mode: DeviceMode;
  dataDir: string;
  /** The terminal connector's share folder (req/res/face). Absent: the terminal link is not configured. */
  terminalDir?: string;
  /** The terminal's answer timeout (ms); the client's default when absent. */
  terminalTimeoutMs?: number;
  /** 医療機関コード sent in requests that carry none. */
  medicalInstitutionCode?: string;
  /** HOST:PORT outside the facility whose reachability stands for the wide-area line. */
  wanTarget?: string;
  /** How often the share folder and network are probed (ms). */
  probeIntervalMs?: number;
  incidents?: IncidentSink;
  health?: Partial<HealthMonitorOptions>;
  onHealth?: (state: HealthState) => void;
  onError?: (err: unknown, where: string) => void;
}

export interface Devices {
  cardReader: CardReaderPort;
  terminal: FileTerminalClient | null;
  power: PowerPort;
  health: HealthMonitor;
  battery: BatteryHooks;
  /** The demo terminal simulator, when running simulated. */
  simulator: TerminalSimulator | null;
  /** 訓練モード only (simulated devices): cause or clear a fault, as a trainer would; null with real devices. */
  drill: ((fault: DrillFault) => void) | null;
  /** Probe the share folder and network now (also runs on an interval). */
  probe(): Promise<void>;
  /**
   * Starts the ports and folds their first state, then probes (createDevices: the caller starts them after the
   * first screen is served; openDevices has done it). Safe to call twice.
   */
  start(): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_READER = '訓練用カードリーダー';

/** Faults a drill can cause on the simulated devices (and their recoveries). */
export const drillFaults = [
  'reader_lost',
  'reader_back',
  'card_removed',
  'card_inserted',
  'mains_lost',
  'mains_back',
] as const;
export type DrillFault = (typeof drillFaults)[number];

/**
 * Device-class causes are definitive events (the PC/SC service is gone, the reader is unplugged or back), so they
 * need no long debounce either way: 1.5 s to enter, 5 s of health to leave (a loose cable flapping still reads as
 * one outage).
 */
const DEVICE_DEBOUNCE: HealthMonitorOptions['debounceFor'] = {
  pcsc_service_down: { enterAfterMs: 1500, enterAfterFailures: 1, exitAfterMs: 5000 },
  reader_fault: { enterAfterMs: 1500, enterAfterFailures: 1, exitAfterMs: 5000 },
};

/** The devices, started: every port's first state folded into health before it returns. */
export async function openDevices(opts: DeviceOptions): Promise<Devices> {
  const devices = createDevices(opts);
  await devices.start();
  return devices;
}

/** The devices, not started yet: nothing probed, no process forked, no folder touched until start(). */
export function createDevices(opts: DeviceOptions): Devices {
  const onError = opts.onError ?? (() => {});
  const health = new HealthMonitor({
    debounceFor: DEVICE_DEBOUNCE,
    ...opts.health,
    ...(opts.incidents ? { sink: opts.incidents } : {}),
    onError,
  });
  if (opts.onHealth) health.on('change', opts.onHealth);

  let simulator: TerminalSimulator | null = null;
  let startSimulator: (() => Promise<void>) | null = null;
  let cardReader: CardReaderPort;
  let power: PowerPort;
  let terminalDir = opts.terminalDir;
  let drill: Devices['drill'] = null;
  if (opts.mode === 'simulated') {
    const sim = new SimulatedCardReader({ readers: [DEMO_READER] });
    const card = () =>
      sim.insertCard(DEMO_READER, { kind: 'certificate', notAfter: new Date(Date.now() + 3 * 365 * 86_400_000) });
    card();
    cardReader = sim;
    const simPower = new SimulatedPowerPort();
    power = simPower;
    drill = (fault) => {
      if (fault === 'reader_lost') sim.detachReader(DEMO_READER);
      else if (fault === 'reader_back') {
        sim.attachReader(DEMO_READER);
        card();
      } else if (fault === 'card_removed') sim.removeCard(DEMO_READER);
      else if (fault === 'card_inserted') card();
      else if (fault === 'mains_lost') simPower.mainsLost();
      else simPower.mainsRestored();
    };
    const simDir = join(opts.dataDir, 'terminal-share');
    terminalDir = simDir;
    startSimulator = async () => {
      simulator = await TerminalSimulator.start({ dir: simDir });
    };
  } else {
    cardReader = new PcscCardReader();
    power = new HidPowerPort({ onError });
  }
  const terminal = terminalDir
    ? new FileTerminalClient({
        dir: terminalDir,
        ...(opts.terminalTimeoutMs ? { timeoutMs: opts.terminalTimeoutMs } : {}),
        ...(opts.medicalInstitutionCode ? { medicalInstitutionCode: opts.medicalInstitutionCode } : {}),
      })
    : null;
  const network = createNetworkProbe({
    facility: terminalDir ? [pathCheck(terminalDir)] : [],
    wideArea: opts.wanTarget ? [tcpCheck(...hostPort(opts.wanTarget))] : [],
  });

  const battery = new BatteryHooks();
  battery.attach(power);
  cardReader.on('change', (s) => health.ingest(pcscSignalOf(s)));
  power.on('change', (s) => health.ingest(powerSignalOf(s)));

  const probe = async () => {
    try {
      if (terminal) {
        const link = await terminal.probe();
        health.ingest(terminalSignalOf(link, terminal.health(), terminalDir));
      }
      health.ingest(await network());
    } catch (err) {
      onError(err, 'probe');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let started: Promise<void> | undefined;
  let closed = false;
  const start = async () => {
    await startSimulator?.();
    if (closed) return;
    await Promise.all([cardReader.start(), power.start()]);
    // Ports emit on change only: fold their state as it is now, so the first health state is complete.
    health.ingest(pcscSignalOf(cardReader.snapshot()));
    health.ingest(powerSignalOf(power.snapshot()));
    await probe();
    if (closed) return;
    timer = setInterval(() => void probe(), opts.probeIntervalMs ?? 10_000);
    timer.unref();
  };

  return {
    cardReader,
    terminal,
    power,
    health,
    battery,
    get simulator() {
      return simulator;
    },
    drill,
    probe,
    start: () => (started ??= start()),
    async close() {
      closed = true;
      await started?.catch(() => undefined);
      clearInterval(timer);
      await Promise.allSettled([cardReader.stop(), power.stop(), terminal?.close(), simulator?.stop()]);
      await health.dispose();
    },
  };
}

function hostPort(v: string): [string, number] {
  const m = /^(.+):(\d{1,5})$/.exec(v);
  if (!m) throw new Error(`wan target must be HOST:PORT, got ${v}`);
  return [m[1]!, Number(m[2])];
}
