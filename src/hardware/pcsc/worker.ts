// Entry point of the PC/SC worker process, forked by PcscCardReader (real.ts). Owns every `smartcard`
// call. Speaks protocol.ts over the IPC channel; exits when told to or when the parent goes away.
import { PcscEngine } from './engine.ts';
import { toErrorInfo } from './errors.ts';
import { WORKER_CONFIG_ENV, type ParentToWorker, type WorkerConfig, type WorkerToParent } from './protocol.ts';

const DEFAULTS: WorkerConfig = {
  transmitTimeoutMs: 3000,
  pollMs: 500,
  backoffInitialMs: 100,
  backoffMaxMs: 1000,
  sharingRetries: 3,
};

const config: WorkerConfig = {
  ...DEFAULTS,
  ...(JSON.parse(process.env[WORKER_CONFIG_ENV] ?? '{}') as Partial<WorkerConfig>),
};

function send(m: WorkerToParent): void {
  if (process.connected) process.send?.(m);
}

const engine = new PcscEngine(config, send);

/** Exit now. A native call that hangs (mute card) can make a normal exit wait forever: then kill ourselves. */
function hardExit(code: number): never {
  if (engine.poisoned) process.kill(process.pid, 'SIGKILL');
  process.exit(code);
}

let queue: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  const m = raw as ParentToWorker;
  if (m.type === 'stop') {
    engine.stop();
    hardExit(0);
  }
  if (m.type === 'diagnose') {
    // One card operation at a time.
    queue = queue.then(async () => {
      try {
        const result = await engine.readCertificate(m.reader);
        send({ type: 'result', id: m.id, ok: true, result });
      } catch (e) {
        send({
          type: 'result',
          id: m.id,
          ok: false,
          error: toErrorInfo(e),
          message: e instanceof Error ? e.message : String(e),
        });
      }
    });
  }
});

process.on('disconnect', () => {
  engine.stop();
  hardExit(0);
});

engine.run().then(
  () => {
    if (!engine.poisoned) hardExit(0);
  },
  (e: unknown) => {
    process.stderr.write(`pcsc worker: monitor loop failed: ${String(e)}\n`);
    hardExit(1);
  },
);
