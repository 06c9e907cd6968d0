// The web host's shim: provides the same window.shikaku API as the Electron preload, over the loopback
// WebSocket, using the per-launch token the web host put into index.html. Under Electron the preload has
// already defined window.shikaku and this does nothing.
import type { CoreStatus, EventMessage, ShikakuApi, WireError } from '../main/contract.ts';
import { strings } from './strings.ts';

const TOKEN_META = 'shikaku-token';
const WS_PATH = '/ws';

type Listener = (payload: unknown) => void;

export function createWebBridge(doc: Document = document, loc: Location = location): ShikakuApi {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: WireError): void }>();
  const outbox: string[] = [];
  let lastStatus: CoreStatus | undefined;
  let closed = false;
  let nextId = 1;

  const dispatch = (name: string, payload: unknown): void => {
    if (name === 'core.status') lastStatus = payload as CoreStatus;
    for (const l of [...(listeners.get(name) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error(err);
      }
    }
  };
  const hostLost = (detail: string): void => {
    closed = true;
    for (const p of pending.values()) p.reject({ code: 'HOST_DISCONNECTED', message: strings.hostDisconnected });
    pending.clear();
    dispatch('core.status', { state: 'failed', detail } satisfies CoreStatus);
  };

  const token = doc.querySelector<HTMLMetaElement>(`meta[name="${TOKEN_META}"]`)?.content ?? '';
  let ws: WebSocket | undefined;
  if (token === '') {
    queueMicrotask(() => hostLost(strings.hostMissing));
  } else {
    const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${scheme}://${loc.host}${WS_PATH}?token=${encodeURIComponent(token)}`);
    ws.addEventListener('open', () => {
      for (const m of outbox.splice(0)) ws?.send(m);
    });
    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      let msg: unknown;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      if ('id' in msg) {
        const r = msg as { id: number; ok: boolean; value?: unknown; error?: WireError };
        const p = pending.get(r.id);
        if (p === undefined) return;
        pending.delete(r.id);
        if (r.ok) p.resolve(r.value);
        else p.reject(r.error ?? { code: 'CORE_INTERNAL', message: strings.hostDisconnected });
        return;
      }
      const e = msg as EventMessage;
      if (typeof e.name === 'string') dispatch(e.name, e.payload);
    });
    ws.addEventListener('close', () => hostLost(strings.hostDisconnected));
  }

  const api = {
    invoke(name: string, input: unknown): Promise<unknown> {
      if (closed) return Promise.reject({ code: 'HOST_DISCONNECTED', message: strings.hostDisconnected });
      if (typeof name !== 'string')
        return Promise.reject({ code: 'CONTRACT_INVALID_REQUEST', message: strings.invalidRequest });
      const id = nextId++;
      const text = JSON.stringify({ id, name, input: input ?? {} });
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (ws?.readyState === WebSocket.OPEN) ws.send(text);
        else outbox.push(text);
      });
    },
    on(name: string, callback: Listener): () => void {
      let set = listeners.get(name);
      if (set === undefined) listeners.set(name, (set = new Set()));
      const s = set;
      s.add(callback);
      if (name === 'core.status' && lastStatus !== undefined) {
        const status = lastStatus;
        queueMicrotask(() => s.has(callback) && callback(status));
      }
      return () => void s.delete(callback);
    },
  };
  return api as ShikakuApi;
}

export function installBridge(win: Window = window): ShikakuApi {
  win.shikaku ??= createWebBridge(win.document, win.location);
  return win.shikaku;
}
