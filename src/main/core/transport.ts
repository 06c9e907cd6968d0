// The core's side of its channel to the host, abstracted so the same core code runs as an Electron
// utilityProcess (process.parentPort) and as a forked Node child (process.send / 'message').
// No `electron` import: parentPort is reached through `process` when Electron provides it.

export interface CoreTransport {
  readonly kind: 'utility' | 'fork' | 'memory';
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the host goes away (fork: IPC disconnect). The core then exits: no orphans. */
  onDisconnect(listener: () => void): void;
}

/** The subset of Electron's ParentPort the core uses (Electron.ParentPort in electron.d.ts). */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

export function detectTransport(proc: NodeJS.Process = process): CoreTransport {
  const parentPort = (proc as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  if (parentPort !== undefined) {
    return {
      kind: 'utility',
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => void parentPort.on('message', (event) => listener(event.data)),
      // Electron kills a utility process when its parent exits; nothing to watch.
      onDisconnect: () => undefined,
    };
  }
  if (typeof proc.send === 'function') {
    return {
      kind: 'fork',
      send: (message) => {
        // A host gone since (the channel closing under this send) is not an error here: 'disconnect' ends the core.
        if (proc.connected) proc.send?.(message, undefined, undefined, ignoreSendError);
      },
      onMessage: (listener) => void proc.on('message', listener),
      onDisconnect: (listener) => void proc.on('disconnect', listener),
    };
  }
  throw new Error('The core must be started by a host (Electron utilityProcess or child_process.fork).');
}

function ignoreSendError(): void {
  // see the fork transport's send
}

/** A pair of in-memory transports, for in-process use (tests, bench). */
export function memoryTransportPair(): {
  core: CoreTransport;
  host: { send(m: unknown): void; onMessage(l: (m: unknown) => void): void };
} {
  const toCore: Array<(m: unknown) => void> = [];
  const toHost: Array<(m: unknown) => void> = [];
  const clone = (m: unknown): unknown => structuredClone(m);
  return {
    core: {
      kind: 'memory',
      send: (m) => queueMicrotask(() => toHost.forEach((l) => l(clone(m)))),
      onMessage: (l) => void toCore.push(l),
      onDisconnect: () => undefined,
    },
    host: {
      send: (m) => queueMicrotask(() => toCore.forEach((l) => l(clone(m)))),
      onMessage: (l) => void toHost.push(l),
    },
  };
}
