// Starts the core as an Electron utilityProcess (the app); the web host and tests fork a Node child instead.
// The core's stdout and stderr (a crash's stack trace, a native library's own messages) go to `output`, line
// by line: the main process's log.
import { utilityProcess } from 'electron';
import type { CoreChild, CoreExit, SpawnCore } from '../host/core-client.ts';
import { lineSplitter } from '../host/logging.ts';

export function utilityCoreSpawner(
  entry: string,
  env: NodeJS.ProcessEnv,
  output: (stream: 'stdout' | 'stderr', line: string) => void,
): SpawnCore {
  return (restartEnv): CoreChild => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'shikaku-core',
      env: { ...env, ...restartEnv },
      stdio: 'pipe',
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = lineSplitter((line) => output(stream, line));
      child[stream]?.on('data', (chunk: Buffer) => lines.push(chunk));
      child[stream]?.on('end', () => lines.end());
    }
    let exited = false;
    const exitListeners: Array<(exit: CoreExit) => void> = [];
    child.on('exit', (code) => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l({ code, signal: null });
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      kill: () => void child.kill(),
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void exitListeners.push(listener),
    };
  };
}
