// Starts the core as an Electron utilityProcess (the app); the web host and tests fork a Node child instead.
import { utilityProcess } from 'electron';
import type { CoreChild, CoreExit, SpawnCore } from '../host/core-client.ts';

export function utilityCoreSpawner(entry: string, env: NodeJS.ProcessEnv): SpawnCore {
  return (): CoreChild => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'shikaku-core', env, stdio: 'inherit' });
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
