// Entry point of the core process. Started as an Electron utilityProcess in the app and as a forked Node
// child (`--import tsx`) under the web host and in tests; the transport hides the difference.
// No `electron` import anywhere under src/main/core.
// Logs go to <data folder>/logs/core-<day>.log (src/main/host/logging.ts), console output included; warnings
// and errors are echoed to stderr unless the host captures it (the Electron main process logs it itself).
import { join } from 'node:path';
import { LOG_CONSOLE_ENV, LOG_DIR_NAME, openLog } from '../host/logging.ts';
import { CORE_ENV } from './protocol.ts';
import { runCore } from './runtime.ts';
import { detectTransport } from './transport.ts';

// The bundle (or the sources) evaluated: the first start-up mark, in ms since this process started.
const loadedAtMs = performance.now();
const dataDir = process.env[CORE_ENV.dataDir];
if (dataDir) {
  const log = openLog({
    dir: join(dataDir, LOG_DIR_NAME),
    name: 'core',
    consoleLevel: process.env[LOG_CONSOLE_ENV] === '0' ? false : 'warn',
  });
  log.captureConsole();
  log.info(`core ${process.env[CORE_ENV.version] ?? '?'} started (pid ${process.pid})`);
}

// The host owns the core's lifetime. Ctrl-C in a terminal reaches the whole process group: ignore it here
// and let the host shut the core down in order (or the IPC disconnect end it if the host died).
process.on('SIGINT', () => undefined);

let shuttingDown = false;
const running = runCore({ transport: detectTransport(), loadedAtMs }).catch((err: unknown) => {
  console.error('[core] failed to start:', err);
  process.exit(1);
});

process.on('SIGTERM', () => {
  if (shuttingDown) return;
  shuttingDown = true;
  void running.then(async (core) => {
    await core?.shutdown();
    process.exit(0);
  });
});
