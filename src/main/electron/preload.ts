// Preload (sandboxed, bundled to CommonJS): exposes ONLY the contract to the renderer, as
// window.shikaku = { invoke(name, input), on(event, cb) → unsubscribe, chooseFile(kind) }. The web host's shim
// (src/renderer/bridge.ts) provides the same API, so the renderer cannot tell which host it runs in.
// invoke() resolves with the request's output, or rejects with a plain { code, message } object (custom
// Error properties do not survive contextBridge, so both hosts reject with the plain object).
import { contextBridge, ipcRenderer } from 'electron';
import type { CallResult, ChosenFile, CoreStatus, EventMessage } from '../contract.ts';
import { IPC } from './channels.ts';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let lastStatus: CoreStatus | undefined;

function dispatch(name: string, payload: unknown): void {
  for (const l of [...(listeners.get(name) ?? [])]) {
    try {
      l(payload);
    } catch (err) {
      console.error(err);
    }
  }
}

ipcRenderer.on(IPC.event, (_event, message: EventMessage) => {
  if (message.name === 'core.status') lastStatus = message.payload as CoreStatus;
  dispatch(message.name, message.payload);
});

void ipcRenderer.invoke(IPC.status).then((status: CoreStatus | null) => {
  if (status !== null && lastStatus === undefined) {
    lastStatus = status;
    dispatch('core.status', status);
  }
});

contextBridge.exposeInMainWorld('shikaku', {
  invoke: async (name: unknown, input: unknown): Promise<unknown> => {
    if (typeof name !== 'string') throw { code: 'CONTRACT_INVALID_REQUEST', message: '要求の内容が正しくありません。' };
    const result = (await ipcRenderer.invoke(IPC.invoke, name, input ?? {})) as CallResult;
    if (result.ok) return result.value;
    throw { ...result.error };
  },
  chooseFile: (kind: unknown): Promise<ChosenFile | null> =>
    ipcRenderer.invoke(IPC.chooseFile, kind === 'csv' ? kind : 'csv') as Promise<ChosenFile | null>,
  on: (name: unknown, callback: unknown): (() => void) => {
    if (typeof name !== 'string' || typeof callback !== 'function') return () => undefined;
    const cb = callback as Listener;
    let set = listeners.get(name);
    if (set === undefined) listeners.set(name, (set = new Set()));
    set.add(cb);
    // Sticky connection state: a late subscriber learns the current one.
    if (name === 'core.status' && lastStatus !== undefined) {
      const status = lastStatus;
      queueMicrotask(() => set.has(cb) && cb(status));
    }
    return () => void set.delete(cb);
  },
  saveFile: (fileName: unknown, base64: unknown): Promise<unknown> =>
    ipcRenderer.invoke(IPC.saveFile, String(fileName), String(base64)),
  pickFolder: (start: unknown): Promise<unknown> => ipcRenderer.invoke(IPC.pickFolder, String(start ?? '')),
});
