// The core's devices: the card reader, the 資格確認端末 link, the UPS and the network probe, each feeding the
// health state machine. Real adapters in the app; simulated ones in demo/drill mode (and only there), with
// the terminal simulator answering on a share folder inside the demo data folder. The terminal client itself belongs
// to the terminal link (link.ts), which hands each client it opens to setTerminal: the health probe follows it.
import { join } from 'node:path';
import {
  HealthMonitor,
  createNetworkProbe,
  pathCheck,
  cardSignalOf,
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
import { drillFaultOf, type DrillFault, type DrillPart } from '../concepts.ts';
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
  /** The demo terminal simulator, when running simulated (once started). */
  readonly simulator: TerminalSimulator | null;
  /** 訓練モード: the simulator's share folder (the link uses it whatever the settings say); null otherwise. */
  simulatorDir: string | null;
  /** The terminal link opened (or closed) a client: probe it from now on, and probe now. */
  setTerminal(client: FileTerminalClient | null, dir: string | null): Promise<void>;
  /** 訓練モード only (simulated devices): break or restore a part, as a trainer would; null with real devices. */
  drill: DrillControl | null;
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

/** 訓練モード's hand on the simulated devices: each part broken or restored, and which are broken now. */
export interface DrillControl {
  /** Resolves once the health state has taken the change in. */
  apply(fault: DrillFault): Promise<void>;
  broken(): DrillPart[];
}

/**
 * In 訓練モード every cause enters on its first failing observation and leaves after 2 s of health, so a drill's
 * break and repair show in the health bar within seconds (the real debounce waits up to 30 s).
 */
const DRILL_DEBOUNCE: HealthMonitorOptions['debounce'] = { enterAfterFailures: 1, enterAfterMs: 0, exitAfterMs: 2000 };

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
    ...(opts.mode === 'simulated' ? { debounce: DRILL_DEBOUNCE } : { debounceFor: DEVICE_DEBOUNCE }),
    ...opts.health,
    ...(opts.incidents ? { sink: opts.incidents } : {}),
    onError,
  });
  if (opts.onHealth) health.on('change', opts.onHealth);

  let simulator: TerminalSimulator | null = null;
  let startSimulator: (() => Promise<void>) | null = null;
  let cardReader: CardReaderPort;
  let power: PowerPort;
  let simulatorDir: string | null = null;
  let drill: Devices['drill'] = null;
  /** The parts a drill has broken (simulated devices only): the probe reports the terminal and network as such. */
  const broken = new Set<DrillPart>();
  let drillFault: ((fault: DrillFault) => Promise<void>) | undefined;
  if (opts.mode === 'simulated') {
    const sim = new SimulatedCardReader({ readers: [DEMO_READER] });
    const goodCard = () =>
      sim.insertCard(DEMO_READER, { kind: 'certificate', notAfter: new Date(Date.now() + 3 * 365 * 86_400_000) });
    goodCard();
    cardReader = sim;
    const simPower = new SimulatedPowerPort();
    power = simPower;
    /** A card read as a reception would: its diagnosis is the health's card finding. */
    const readCard = async () => {
      try {
        health.ingest(cardSignalOf(await sim.diagnoseCard(DEMO_READER)));
      } catch (err) {
        onError(err, 'drill card');
      }
    };
    drillFault = async (fault) => {
      switch (fault) {
        case 'reader_lost':
          return sim.detachReader(DEMO_READER);
        case 'reader_back':
          sim.attachReader(DEMO_READER);
          return goodCard();
        case 'card_bad':
          sim.insertCard(DEMO_READER, { kind: 'chip_unreadable' });
          return readCard();
        case 'card_removed':
          return sim.removeCard(DEMO_READER);
        case 'card_inserted':
          return goodCard();
        case 'card_good':
          goodCard();
          return readCard();
        case 'terminal_down':
          // The simulated connector stops answering; the health sees at once what a request would see after
          // the terminal's timeout.
          simulator?.setDefaultAnswer({ kind: 'never' });
          return probe();
        case 'terminal_back':
          simulator?.setDefaultAnswer({ kind: 'registry' });
          // Answering again: the trainer's word stands for the next answer (none may be asked for a while).
          if (terminal) health.ingest({ ...terminalSignalOf(await terminal.probe(), terminal.health()), link: 'ok' });
          return probe();
        case 'network_down':
        case 'network_back':
          return probe();
        case 'mains_lost':
          return simPower.mainsLost();
        case 'mains_back':
          return simPower.mainsRestored();
      }
    };
    const simDir = join(opts.dataDir, 'terminal-share');
    simulatorDir = simDir;
    startSimulator = async () => {
      simulator = await TerminalSimulator.start({ dir: simDir });
    };
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
      // A network drill makes the facility check fail as an unplugged LAN cable would.
      facility: dir ? [async () => !broken.has('network') && (await pathCheck(dir)())] : [],
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
        const signal = terminalSignalOf(link, client.health(), terminalDir ?? undefined);
        // A terminal drill: the connector is silent, as after a request that timed out.
        health.ingest(broken.has('terminal') ? { ...signal, link: 'timeout', consecutiveFailures: 1 } : signal);
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

  if (drillFault) {
    const apply = drillFault;
    drill = {
      async apply(fault) {
        const { part, broken: breaks } = drillFaultOf[fault];
        if (breaks) broken.add(part);
        else broken.delete(part);
        await apply(fault);
      },
      broken: () => [...broken],
    };
  }

  return {
    cardReader,
    get terminal() {
      return terminal;
    },
    power,
    health,
    battery,
    get simulator() {
      return simulator;
    },
    simulatorDir,
    async setTerminal(client, dir) {
      terminal = client;
      terminalDir = dir;
      network = networkFor(dir);
      await probe();
    },
    drill,
    probe,
    start: () => (started ??= start()),
    async close() {
      closed = true;
      await started?.catch(() => undefined);
      clearInterval(timer);
      await Promise.allSettled([cardReader.stop(), power.stop(), simulator?.stop()]);
      await health.dispose();
    },
  };
}
