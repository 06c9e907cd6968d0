// Connecting to the clinic server: the settings (store/settings.ts ServerSettings) plus the password from the
// secret store (never the settings table, never a log line), and the failures as ServerError codes that the
// screens show in Japanese. A failed connection never stops the PC: it keeps working on its own journal.
// pg is loaded on the first connection, not with this module: a PC without a clinic server never loads it, and
// the core's start does not pay for it (the Electron main process reads SERVER_PASSWORD_ENV from here too).
import type { TLSSocket } from 'node:tls';
import type pg from 'pg';
import type { ServerSettings } from '../store/settings.ts';
import { ServerError } from './messages.ts';
import { migrateServer, SERVER_SCHEMA_VERSION, serverMigrations } from './schema.ts';

/** Where the password lives: Electron's safeStorage in the app (electron/secrets.ts), injected in tests. */
export interface SecretStore {
  get(): Promise<string | null>;
  set(secret: string | null): Promise<void>;
}

/** The environment variable the Electron main process hands the stored password over in (electron/secrets.ts). */
export const SERVER_PASSWORD_ENV = 'SHIKAKU_SERVER_PASSWORD';

/** The password handed over at start, taken out of the environment at once (no child or log ever sees it). */
export function takeServerPassword(env: NodeJS.ProcessEnv): string | null {
  const v = env[SERVER_PASSWORD_ENV];
  delete env[SERVER_PASSWORD_ENV];
  return v === undefined || v === '' ? null : v;
}

/** A secret store in memory (Node and web hosts without an OS keystore; tests). */
export function memorySecretStore(initial: string | null = null): SecretStore {
  let v = initial;
  return {
    get: () => Promise.resolve(v),
    set: (s) => {
      v = s;
      return Promise.resolve();
    },
  };
}

export interface ConnectOptions {
  connectTimeoutMs?: number;
  /** A statement running longer than this is cancelled (a server that hangs must not hang the PC). */
  statementTimeoutMs?: number;
}

/** The ServerError of a failed connection or statement (pg's codes and Node's socket errors). */
export function classify(e: unknown): ServerError {
  if (e instanceof ServerError) return e;
  if (e instanceof CertificateChanged) return new ServerError('SERVER_TLS_CERT_CHANGED', e.seen);
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  const msg = String(err?.message ?? e);
  if (code === '28P01' || code === '28000') return new ServerError('SERVER_AUTH_FAILED', code);
  if (code === '3D000') return new ServerError('SERVER_DATABASE_MISSING', code);
  if (/ssl|tls|certificate/i.test(msg) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
    return new ServerError('SERVER_TLS_FAILED', code || 'tls');
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'ENOTFOUND',
      'EPIPE',
      'EAI_AGAIN',
    ].includes(code) ||
    code.startsWith('57P') ||
    code === '08006' ||
    code === '08001' ||
    /terminated|timeout|Connection closed|not queryable/i.test(msg)
  )
    return new ServerError('SERVER_UNREACHABLE', code || 'connection');
  return new ServerError('SERVER_ERROR', `${code} ${msg}`.trim().slice(0, 300));
}

/** The server showed another certificate than the one this PC trusts. */
class CertificateChanged extends Error {
  constructor(readonly seen: string) {
    super(`server certificate ${seen}`);
  }
}

/** A fingerprint as compared: hex digits only, upper case. */
const fingerprintKey = (v: string) => v.toUpperCase().replace(/[^0-9A-F]/g, '');

type PgConnection = { once(ev: 'sslconnect', fn: () => void): void; stream: TLSSocket };

/** The TLS socket of a connected client (null without TLS). */
function tlsSocketOf(client: pg.Client): TLSSocket | null {
  const stream = (client as unknown as { connection?: PgConnection }).connection?.stream;
  return stream && typeof (stream as TLSSocket).getPeerCertificate === 'function' ? (stream as TLSSocket) : null;
}

/** The SHA-256 fingerprint (AB:CD:…) of the certificate the server showed, null without TLS. */
function serverFingerprint(client: pg.Client): string | null {
  return tlsSocketOf(client)?.getPeerCertificate()?.fingerprint256 ?? null;
}

/**
 * Pins the server's certificate: when the TLS handshake ends, a certificate other than `fingerprint` ends the
 * socket — before the server has asked for the password, so it is never used with an impostor.
 */
function pinCertificate(client: pg.Client, fingerprint: string): void {
  const con = (client as unknown as { connection: PgConnection }).connection;
  con.once('sslconnect', () => {
    const socket = con.stream;
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate()?.fingerprint256 ?? '';
      if (fingerprintKey(seen) !== fingerprintKey(fingerprint)) socket.destroy(new CertificateChanged(seen));
    });
  });
}

/** Opens one connection (no pool: a PC needs one for push and pull, and the leader's one for its lock). */
export async function connect(s: ServerSettings, password: string | null, o: ConnectOptions = {}): Promise<pg.Client> {
  if (!s.host) throw new ServerError('SERVER_NOT_CONFIGURED');
  if (password === null) throw new ServerError('SERVER_NO_PASSWORD');
  const { default: driver } = await import('pg');
  const client = new driver.Client({
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    password,
    // TLS encrypts the link; the server's certificate is not checked against a CA (clinic servers use
    // self-signed ones) but, when this PC has its fingerprint, pinned (pinCertificate): docs/clinic-server.md.
    ssl: s.tls ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    application_name: `shikaku:${s.pcName}`.slice(0, 63),
  });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  if (s.tls && s.tlsFingerprint) pinCertificate(client, s.tlsFingerprint);
  let refused: unknown;
  (client as unknown as { connection: PgConnection }).connection.once('sslconnect', () =>
    tlsSocketOf(client)?.once('error', (e) => (refused = e)),
  );
  try {
    await client.connect();
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw classify(refused instanceof CertificateChanged ? refused : e);
  }
}

/** Connects and brings the schema up to date (refusing a newer one). */
export async function open(s: ServerSettings, password: string | null, appVersion = ''): Promise<pg.Client> {
  const c = await connect(s, password);
  try {
    await migrateServer(c, serverMigrations, appVersion);
    return c;
  } catch (e) {
    await c.end().catch(() => undefined);
    throw classify(e);
  }
}

export interface ConnectionTest {
  ok: true;
  /** With TLS: the fingerprint of the certificate the server showed. */
  fingerprint: string | null;
  serverVersion: string;
  /** The server schema's version: 0 = not set up yet (the first PC that connects sets it up). */
  schemaVersion: number;
  appSchemaVersion: number;
}

/** 「接続テスト」: connects, reads the server's version and schema, changes nothing. */
export async function testConnection(s: ServerSettings, password: string | null): Promise<ConnectionTest> {
  const c = await connect(s, password);
  try {
    const v = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
    const has = (await c.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS t`)).rows[0] as { t: boolean };
    const ids = has.t
      ? (await c.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => Number(r.id))
      : [];
    const known = new Set(serverMigrations.map((m) => m.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw new ServerError('SERVER_SCHEMA_NEWER', `server migrations ${unknown.join(', ')}`);
    return {
      ok: true,
      fingerprint: serverFingerprint(c),
      serverVersion: v,
      schemaVersion: Math.max(0, ...ids),
      appSchemaVersion: SERVER_SCHEMA_VERSION,
    };
  } catch (e) {
    throw classify(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}
