// The core's composition root: builds the dependencies, the handler map and the dispatcher, and runs them
// on a transport. process.ts calls runCore() when started as a process; tests and the bench call it with an
// in-memory transport.
import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventMessage } from '../contract.ts';
import { CORE_ENV, isControl, type ReadyControl } from './protocol.ts';
import { buildHandlers, createDispatcher, type AppInfo, type CoreDeps } from './service.ts';
import type { CoreTransport } from './transport.ts';
import { createDevices, type DeviceMode } from './devices.ts';
import { openJournal, storeIncidentSink } from './journal.ts';
import { Reconciler } from './reconcile/reconciler.ts';
import { terminalSettings } from './handlers/settings.ts';

import { powerSignalOf } from '../../hardware/health/index.ts';

/**
 * Real devices in the app; simulated ones in demo/drill mode. SHIKAKU_DEVICES=simulated forces the simulated
 * set (tests of the shell that must not depend on this machine's card reader).
 */
export function deviceModeFrom(env: NodeJS.ProcessEnv, demo: boolean): DeviceMode {
  if (env.SHIKAKU_DEVICES === 'simulated' || demo) return 'simulated';
  return 'real';
}

export interface CoreOptions {
  transport: CoreTransport;
  env?: NodeJS.ProcessEnv;
  /** Ends the process (default: process.exit). */
  exit?: (code: number) => void;
}

export interface RunningCore {
  deps: CoreDeps;
  shutdown(): Promise<void>;
}

export function appInfoFromEnv(env: NodeJS.ProcessEnv, pid = process.pid): AppInfo {
  const dataDir = env[CORE_ENV.dataDir];
  if (dataDir === undefined || dataDir === '') {
    throw new Error(`${CORE_ENV.dataDir} is not set: the host resolves the data folder and passes it to the core.`);
  }
  return {
    version: env[CORE_ENV.version] ?? '0.0.0-dev',
    demo: env[CORE_ENV.demo] === '1',
    dataDir,
    pid,
    testHooks: env[CORE_ENV.testHooks] === '1',
  };
}

function crashNow(): never {
  // As abrupt as a native crash: no exit handlers, no flush.
  if (process.platform !== 'win32') process.kill(process.pid, 'SIGKILL');
  process.exit(70);
}

export async function runCore(options: CoreOptions): Promise<RunningCore> {
  const { transport } = options;
  const env = options.env ?? process.env;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const info = appInfoFromEnv(env);
  mkdirSync(info.dataDir, { recursive: true });

  const emit: CoreDeps['emit'] = (name, payload) => transport.send({ name, payload } satisfies EventMessage);
  const journal = await openJournal(info.dataDir, info.version);
  const terminal = terminalSettings(env, journal.store);
  // The devices are created now and started once the core has said 'ready' (below): the first screen does not
  // wait for the PC/SC worker, the UPS scan or a network probe; their state arrives as health.changed events.
  const devices = createDevices({
    ...(journal.store ? { incidents: storeIncidentSink(journal.store) } : {}),
    mode: deviceModeFrom(env, info.demo),
    dataDir: info.dataDir,
    ...(terminal.dir ? { terminalDir: terminal.dir } : {}),
    terminalTimeoutMs: terminal.timeoutMs,
    ...(terminal.institutionCode ? { medicalInstitutionCode: terminal.institutionCode } : {}),
    ...(env.SHIKAKU_WAN_TARGET ? { wanTarget: env.SHIKAKU_WAN_TARGET } : {}),
    onHealth: (state) => emit('health.changed', state),
    onError: (err, where) => process.stderr.write(`core: ${where}: ${String(err)}\n`),
  });
  // On battery the next write may be the last before the power goes: checkpoint the WAL into the database.
  devices.battery.onBattery(() => void journal.store?.checkpoint());
  // 事後確認 runs by itself whenever there is a journal and a terminal link; it pauses while the terminal is
  // silent and resumes when it answers. SHIKAKU_RECONCILE=manual leaves it to `shikaku reconcile`.
  const reconciler =
    journal.store && devices.terminal && env.SHIKAKU_RECONCILE !== 'manual'
      ? new Reconciler({
          store: journal.store,
          terminal: devices.terminal,
          leaseMs: 2 * terminal.timeoutMs,
          timeoutMs: terminal.timeoutMs,
          onProgress: (p) => emit('queue.progress', p),
        })
      : null;
  const deps: CoreDeps = {
    info,
    emit,
    journal,
    terminalDirEnv: env.SHIKAKU_TERMINAL_DIR || null,
    reconciler,
    drill: devices.drill,
    health: devices.health,
    acChanged: (onBattery) => {
      // A UPS that reports its state is more precise than the OS's power source: it wins when present.
      if (devices.power.snapshot().state !== 'unknown') return;
      const snapshot = {
        state: onBattery ? 'battery' : 'ac',
        source: 'power-monitor',
        at: new Date().toISOString(),
      } as const;
      devices.health.ingest(powerSignalOf(snapshot));
      void devices.battery.observe(snapshot);
    },
    crash: crashNow,
    sleep: (ms) => delay(ms),
  };
  const dispatch = createDispatcher(buildHandlers(deps), { testHooks: info.testHooks });

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      await reconciler?.stop();
      await reconciling;
      await devices.close();
      journal.store?.close();
    })();
    return closing;
  };

  transport.onMessage((message) => {
    if (isControl(message)) {
      if (message.control === 'shutdown') void shutdown().then(() => exit(0));
      return;
    }
    void dispatch(message).then((response) => {
      if (response !== null) transport.send(response);
    });
  });
  transport.onDisconnect(() => void shutdown().then(() => exit(0)));

  transport.send({ control: 'ready', pid: info.pid } satisfies ReadyControl);
  const starting = devices.start().catch((err: unknown) => process.stderr.write(`core: devices: ${String(err)}\n`));
  const reconciling = starting
    .then(() => (closing === undefined ? reconciler?.run() : undefined))
    .then(
      () => undefined,
      (err: unknown) => void process.stderr.write(`core: reconciler: ${String(err)}\n`),
    );
  return { deps, shutdown };
}
