// The core's composition root: builds the dependencies, the handler map and the dispatcher, and runs them
// on a transport. process.ts calls runCore() when started as a process; tests and the bench call it with an
// in-memory transport.
import { mkdirSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventMessage } from '../contract.ts';
import {
  CODE_CACHE_HOOK,
  CORE_ENV,
  isControl,
  restartControl,
  type CodeCacheHook,
  type ReadyControl,
} from './protocol.ts';
import { buildHandlers, createDispatcher, type AppInfo, type CoreDeps } from './service.ts';
import type { CoreTransport } from './transport.ts';
import { createDevices, type DeviceMode } from './devices.ts';
import { openJournal, storeIncidentSink, takeDailyBackup } from './journal.ts';
import { terminalSettings } from './handlers/settings.ts';
import { memorySecretStore, takeServerPassword, type SecretStore } from './server/client.ts';
import { ClinicLink } from './server/link.ts';
import { PrecheckFetcher } from './precheck/fetch.ts';
import { PrecheckScheduler } from './precheck/schedule.ts';
import { trainingRegistry } from './precheck/training.ts';
import { TerminalPriority } from '../../hardware/terminal/index.ts';
import { diagnoseFirstCard, runDoctor } from './doctor.ts';
import { LINK_SETTINGS, TerminalLink } from './link.ts';
import type { ReconcilerTerminal } from './reconcile/host.ts';

import { powerSignalOf } from '../../hardware/health/index.ts';

/**
 * Real devices in the app; simulated ones in demo/drill mode. SHIKAKU_DEVICES=simulated forces the simulated
 * set (tests of the shell that must not depend on this machine's card reader).
 */
export function deviceModeFrom(env: NodeJS.ProcessEnv, demo: boolean): DeviceMode {
  if (env.SHIKAKU_DEVICES === 'simulated' || demo) return 'simulated';
  return 'real';
}

/**
 * After 'ready', the devices (and the terminal link after them) wait for a screen to ask for their state, at most
 * this long: a host without a page, or a page that never asks, still gets them.
 */
export const DEVICES_AFTER_READY_MS = 2_000;

export interface CoreOptions {
  transport: CoreTransport;
  env?: NodeJS.ProcessEnv;
  /** Ends the process (default: process.exit). */
  exit?: (code: number) => void;
  /** Where the clinic server's password is kept (default: in memory for this run). */
  secrets?: SecretStore;
  /**
   * Run as the core process: when its code had been evaluated (performance.now(), ms since the process started).
   * The start-up phases are then written to the core's log once it is ready (read by bench/shell.ts).
   */
  loadedAtMs?: number;
  /** When the devices start if no screen asks for their state first (default DEVICES_AFTER_READY_MS). */
  devicesAfterReadyMs?: number;
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
  const journalAtMs = performance.now();
  const onError = (err: unknown, where: string) => process.stderr.write(`core: ${where}: ${String(err)}\n`);
  // The devices are created now and started after 'ready', once the first screen is up (startDevices, below):
  // it does not wait for the PC/SC worker, the UPS scan or a network probe; their state arrives as health.changed.
  const devices = createDevices({
    ...(journal.store ? { incidents: storeIncidentSink(journal.store) } : {}),
    mode: deviceModeFrom(env, info.demo),
    dataDir: info.dataDir,
    ...(env.SHIKAKU_WAN_TARGET ? { wanTarget: env.SHIKAKU_WAN_TARGET } : {}),
    onHealth: (state) => emit('health.changed', state),
    onError,
  });
  // On battery the next write may be the last before the power goes: checkpoint the WAL into the database.
  devices.battery.onBattery(() => void journal.store?.checkpoint());
  // Reception first on the terminal: the reconciler's requests are foreground, 事前確認's batches wait for them.
  const priority = new TerminalPriority();
  // The installed app hands the stored password over in the environment (electron/secrets.ts).
  const secrets = options.secrets ?? memorySecretStore(takeServerPassword(env));
  let closing: Promise<void> | undefined;
  // The clinic server (server/link.ts): push and pull, and the one reconciler of the clinic — when another PC asks
  // the terminal for 事後確認, this PC's reconciler asks through it (the terminal link re-opens on a change).
  const clinic: ClinicLink | null = journal.store
    ? new ClinicLink({
        store: journal.store,
        secrets,
        appVersion: info.version,
        terminal: (): ReconcilerTerminal | null => (link.client ? priority.wrap(link.client) : null),
        timeoutMs: () => terminalSettings(env, journal.store).timeoutMs,
        onRoute: () => {
          if (closing === undefined) void link.reopen();
        },
        onError: (err) => process.stderr.write(`core: clinic server: ${String(err)}\n`),
      })
    : null;
  // The terminal link and 事後確認 (link.ts, opened once the devices run, below): re-opened when their settings change. The reconciler runs by itself
  // whenever there is a journal and a terminal folder; it pauses while the terminal is silent and resumes when it
  // answers. SHIKAKU_RECONCILE=manual leaves it to `shikaku reconcile`.
  const link: TerminalLink = new TerminalLink({
    env,
    store: journal.store,
    fixedDir: devices.simulatorDir,
    reconcile: env.SHIKAKU_RECONCILE !== 'manual',
    priority,
    ...(clinic ? { route: clinic } : {}),
    onProgress: (p) => emit('queue.progress', p),
    onClient: (client, dir) => void devices.setTerminal(client, dir),
    onError,
  });
  // 事前確認 (docs/precheck.md): the fetcher answers 「今すぐ事前確認」; the daily schedule runs it by itself
  // unless SHIKAKU_PRECHECK=manual (the test suites, like SHIKAKU_RECONCILE). It follows the link's client.
  const precheck = journal.store
    ? new PrecheckFetcher({
        store: journal.store,
        terminal: () => link.client,
        priority,
        timeoutMs: terminalSettings(env, journal.store).timeoutMs,
      })
    : null;
  const scheduler =
    precheck && journal.store && env.SHIKAKU_PRECHECK !== 'manual'
      ? new PrecheckScheduler({
          store: journal.store,
          fetcher: precheck,
          onError: (err) => process.stderr.write(`core: precheck: ${String(err)}\n`),
        })
      : null;
  let dailyBackup: Promise<void> = Promise.resolve();
  let devicesTimer: NodeJS.Timeout | undefined = undefined;
  let devicesStarted = false;
  /**
   * The devices, then the terminal link (事後確認) and the 事前確認 schedule, started once a screen is up (its first
   * health.get, `screenUp`) or DEVICES_AFTER_READY_MS after 'ready': their CPU (the PC/SC worker's own process,
   * the UPS scan) does not compete with the page's first paint on a two-core reception PC.
   */
  function startDevices(): void {
    if (devicesStarted || closing !== undefined) return;
    devicesStarted = true;
    clearTimeout(devicesTimer);
    void devices
      .start()
      .then(async () => {
        if (closing !== undefined) return;
        // 訓練モード: the demo terminal knows the training data's patients (their stored numbers answer 有効).
        if (devices.simulator && journal.store) devices.simulator.registry = trainingRegistry(journal.store);
        // The clinic server's link (its mirror opened and checked), before the terminal link asks it for its route.
        await clinic?.open();
        if (closing !== undefined) return;
        await link.open();
        if (closing === undefined) scheduler?.start();
      })
      .catch((err: unknown) => process.stderr.write(`core: devices: ${String(err)}\n`));
  }
  const deps: CoreDeps = {
    info,
    screenUp: startDevices,
    get clinic() {
      return clinic?.sync ?? null;
    },
    secrets,
    precheck,
    emit,
    journal,
    terminalDirEnv: env.SHIKAKU_TERMINAL_DIR || null,
    get reconciler() {
      return link.reconciler;
    },
    settingsChanged: async (key) => {
      if (LINK_SETTINGS.has(key)) await link.reopen();
      if (key === 'server') await clinic?.reopen();
    },
    doctor: ({ card }) =>
      runDoctor({
        pcsc: async () => {
          const snapshot = devices.cardReader.snapshot();
          return { snapshot, diagnosis: card ? await diagnoseFirstCard(devices.cardReader, snapshot) : null };
        },
        power: async () => devices.power.snapshot(),
        terminalDir: link.dir,
        wan: env.SHIKAKU_WAN_TARGET || null,
        now: () => new Date(),
      }),
    terminalDir: () => link.dir,
    restart: (demo) => {
      // After the request's answer has gone: tell the host to start the core again (no crash), then stop cleanly.
      setImmediate(() => {
        transport.send(restartControl(info, demo));
        void shutdown().then(() => exit(0));
      });
    },
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
    quiesce: () => link.suspend(),
    crash: crashNow,
    sleep: (ms) => delay(ms),
  };
  const dispatch = createDispatcher(buildHandlers(deps), { testHooks: info.testHooks });

  const shutdown = (): Promise<void> => {
    clearTimeout(devicesTimer);
    closing ??= (async () => {
      await (scheduler ?? precheck)?.stop();
      await clinic?.close();
      await link.close();
      await devices.close();
      await dailyBackup; // started after 'ready': finished, not cut off, by a shutdown soon after the start
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
  if (options.loadedAtMs !== undefined) {
    const ms = (x: number): string => x.toFixed(0);
    const codeCache = (globalThis as Record<symbol, CodeCacheHook | undefined>)[CODE_CACHE_HOOK];
    console.info(
      `core ready ${ms(performance.now())} ms after its process started (code evaluated ${ms(options.loadedAtMs)} ms, ` +
        `journal opened ${ms(journalAtMs)} ms; code cache ${codeCache?.state ?? 'off'}; ` +
        `process started at ${new Date(performance.timeOrigin).toISOString()})`,
    );
    codeCache?.ready();
  }
  // After 'ready': the daily backup when due (journal.ts); the devices when a screen first asks for their state, at
  // the latest DEVICES_AFTER_READY_MS later (a host without a page).
  dailyBackup = takeDailyBackup(journal).catch((err: unknown) => void onError(err, 'daily backup'));
  devicesTimer = setTimeout(startDevices, options.devicesAfterReadyMs ?? DEVICES_AFTER_READY_MS);
  return { deps, shutdown };
}
