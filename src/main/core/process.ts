// Entry point of the core process. Started as an Electron utilityProcess in the app and as a forked Node
// child (`--import tsx`) under the web host and in tests; the transport hides the difference.
// No `electron` import anywhere under src/main/core.
import { runCore } from './runtime.ts';
import { detectTransport } from './transport.ts';

// The host owns the core's lifetime. Ctrl-C in a terminal reaches the whole process group: ignore it here
// and let the host shut the core down in order (or the IPC disconnect end it if the host died).
process.on('SIGINT', () => undefined);

let shuttingDown = false;
const running = runCore({ transport: detectTransport() }).catch((err: unknown) => {
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
