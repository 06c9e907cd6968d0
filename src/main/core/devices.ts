// The core's devices: the card reader, the 資格確認端末 link, the UPS and the network probe, each feeding the
// health state machine. Real adapters in the app; simulated ones in demo/drill mode (and only there), with
// the terminal simulator answering on a share folder inside the demo data folder. The terminal client itself belongs
// to the terminal link (link.ts), which hands each client it opens to setTerminal: the health probe follows it.
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
import { TerminalSimulator, type FileTerminalClient } from '../../hardware/terminal/index.ts';
import { parseHostPort } from './doctor.ts';

export type DeviceMode = 'real' | 'simulated';

export interface DeviceOptions {
  mode: DeviceMode;
  dataDir: string;
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
  /** The terminal link's client, as last set (null: no terminal folder configured). */
  readonly terminal: FileTerminalClient | null;
  power: PowerPort;
  health: HealthMonitor;
  battery: BatteryHooks;
  /** The demo terminal simulator, when running simulated. */
  simulator: TerminalSimulator | null;
  /** 訓練モード: the simulator's share folder (the link uses it whatever the settings say); null otherwise. */
  simulatorDir: string | null;
  /** The terminal link opened (or closed) a client: probe it from now on, and probe now. */
  setTerminal(client: FileTerminalClient | null, dir: string | null): Promise<void>;
  /** 訓練モード only (simulated devices): cause or clear a fault, as a trainer would; null with real devices. */
  drill: ((fault: DrillFault) => void) | null;
  /** Probe the share folder and network now (also runs on an interval). */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_READER = '訓練用カードリーダー';

/** Faults a drill can cause on the simulated devices (and their recoveries). */
export const drillFaults = [
  'reader_lost',
  'reader_back',
  'mains_lost',
  'mains_back',
  'terminal_silent',
  'terminal_back',
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

export async function openDevices(opts: DeviceOptions): Promise<Devices> {
  const onError = opts.onError ?? (() => {});
  const health = new HealthMonitor({
    debounceFor: DEVICE_DEBOUNCE,
    ...opts.health,
    ...(opts.incidents ? { sink: opts.incidents } : {}),
    onError,
  });
  if (opts.onHealth) health.on('change', opts.onHealth);

  let simulator: TerminalSimulator | null = null;
  let cardReader: CardReaderPort;
  let power: PowerPort;
  let simulatorDir: string | null = null;
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
      else if (fault === 'terminal_silent') demoSim.setDefaultAnswer({ kind: 'never' });
      else if (fault === 'terminal_back') demoSim.setDefaultAnswer({ kind: 'registry' });
      else if (fault === 'reader_back') {
        sim.attachReader(DEMO_READER);
        card();
      } else if (fault === 'mains_lost') simPower.mainsLost();
      else simPower.mainsRestored();
    };
    simulatorDir = join(opts.dataDir, 'terminal-share');
    const demoSim = await TerminalSimulator.start({ dir: simulatorDir });
    simulator = demoSim;
  } else {
    cardReader = new PcscCardReader();
    power = new HidPowerPort({ onError });
  }
  let terminal: FileTerminalClient | null = null;
  let terminalDir: string | null = simulatorDir;
  const wan = opts.wanTarget ? parseHostPort(opts.wanTarget) : null;
  if (opts.wanTarget && !wan) throw new Error(`wan target must be HOST:PORT, got ${opts.wanTarget}`);
  const networkFor = (dir: string | null) =>
    createNetworkProbe({
      facility: dir ? [pathCheck(dir)] : [],
      wideArea: wan ? [tcpCheck(wan.host, wan.port)] : [],
    });
  let network = networkFor(terminalDir);

  const battery = new BatteryHooks();
  battery.attach(power);
  cardReader.on('change', (s) => health.ingest(pcscSignalOf(s)));
  power.on('change', (s) => health.ingest(powerSignalOf(s)));

  const probe = async () => {
    try {
      const client = terminal;
      if (client) {
        const link = await client.probe();
        health.ingest(terminalSignalOf(link, client.health(), terminalDir ?? undefined));
      }
      health.ingest(await network());
    } catch (err) {
      onError(err, 'probe');
    }
  };
  await Promise.all([cardReader.start(), power.start()]);
  // Ports emit on change only: fold their state as it is now, so the first health state is complete.
  health.ingest(pcscSignalOf(cardReader.snapshot()));
  health.ingest(powerSignalOf(power.snapshot()));
  await probe();
  const timer = setInterval(() => void probe(), opts.probeIntervalMs ?? 10_000);
  timer.unref();

  return {
    cardReader,
    get terminal() {
      return terminal;
    },
    power,
    health,
    battery,
    simulator,
    simulatorDir,
    async setTerminal(client, dir) {
      terminal = client;
      terminalDir = dir;
      network = networkFor(dir);
      await probe();
    },
    drill,
    probe,
    async close() {
      clearInterval(timer);
      await Promise.allSettled([cardReader.stop(), power.stop(), simulator?.stop()]);
      await health.dispose();
    },
  };
}
