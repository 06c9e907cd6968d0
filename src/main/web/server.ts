// The web host: serves the built renderer and relays the contract over a WebSocket, for development and
// the browser end-to-end tests where Electron cannot run.
//
// Bound to 127.0.0.1 only. A random per-launch token is put in the served index.html (a meta tag); a
// WebSocket upgrade without the right token, from another Origin, or with a foreign Host header (DNS
// rebinding) is refused. Every response carries the same CSP as Electron; no directory listing; traversal
// refused (src/main/host/static-files.ts).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMessage } from '../contract.ts';
import { parseRequestMessage, type CallResult } from '../wire.ts';
import { SECURITY_HEADERS } from '../host/csp.ts';
import { lookupStatic } from '../host/static-files.ts';

/** What the relay needs from the core client (CoreClient implements it). */
export interface CoreRelay {
  call(name: string, input: unknown): Promise<CallResult>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  status(): EventMessage<'core.status'>['payload'];
}

export interface WebHostOptions {
  /** Folder with the built renderer (index.html at its root). */
  rendererDir: string;
  core: CoreRelay;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests); default 32 random bytes, hex. */
  token?: string;
  /** Largest accepted WebSocket message (bytes; default 24 MiB: a patients CSV travels base64, contract-data.ts). */
  maxPayload?: number;
}

export interface WebHost {
  /** http://127.0.0.1:<port>/ */
  origin: string;
  /** The page URL to open (the token is in the page itself, not in the URL). */
  url: string;
  port: number;
  token: string;
  /** ws://127.0.0.1:<port>/ws?token=<token> */
  wsUrl: string;
  close(): Promise<void>;
}

export const TOKEN_META_NAME = 'shikaku-token';
export const WS_PATH = '/ws';
const HOST = '127.0.0.1';

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const tokenBytes = Buffer.from(token);
  const { core } = options;
  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`${HOST}:${port}`, `localhost:${port}`]);

  const server = createServer((req, res) => void serveHttp(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 24 * 1024 * 1024 });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!allowedHosts().has(req.headers.host ?? '')) return end(res, 421, 'Misdirected Request');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return end(res, 405, 'Method Not Allowed');
    }
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const found = lookupStatic(options.rendererDir, rawPath);
    if (found.kind === 'forbidden') return end(res, 403, 'Forbidden');
    if (found.kind === 'not-found') return end(res, 404, 'Not Found');
    let body: Buffer;
    try {
      body = await readFile(found.path);
    } catch {
      return end(res, 404, 'Not Found');
    }
    if (found.path.endsWith('index.html')) {
      body = Buffer.from(injectToken(body.toString('utf8'), token));
      res.setHeader('Cache-Control', 'no-store');
    } else {
      res.setHeader('Cache-Control', 'no-cache');
    }
    res.setHeader('Content-Type', found.contentType);
    res.setHeader('Content-Length', body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) return refuse(421, 'Misdirected Request');
    if (req.headers.origin !== `http://${host}`) return refuse(403, 'Forbidden');
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    if (given.length !== tokenBytes.length || !timingSafeEqual(given, tokenBytes)) {
      return refuse(401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => relay(ws));
  });

  function relay(ws: WebSocket): void {
    const send = (message: unknown): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = core.onEvent(send);
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    // A page that connects late still learns the current state.
    send({ name: 'core.status', payload: core.status() } satisfies EventMessage<'core.status'>);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only');
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return ws.close(1007, 'invalid JSON');
      }
      const request = parseRequestMessage(parsed);
      if (request === null) return ws.close(1007, 'invalid message');
      const { id, name, input } = request;
      // The core validates name and input against the contract.
      void core.call(name, input).then((result) => send({ id, ...result }));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    origin,
    url: `${origin}/`,
    port,
    token,
    wsUrl: `ws://${HOST}:${port}${WS_PATH}?token=${token}`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

function end(res: ServerResponse, status: number, text: string): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.writeHead(status);
  res.end(text);
}

/** Puts the token into index.html as <meta name="shikaku-token">, right after <head>. */
export function injectToken(html: string, token: string): string {
  const tag = `<meta name="${TOKEN_META_NAME}" content="${token}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => `${m}\n    ${tag}`) : `${tag}\n${html}`;
}
