// A throw-away PostgreSQL cluster for the clinic-server tests: Debian's binaries (apt-get install postgresql,
// scripts/setup.sh), initdb in a temporary folder, listening on a free loopback port only, password auth
// (scram-sha-256), started and stopped with pg_ctl. PostgreSQL refuses to run as root: as root the cluster runs as
// `nobody` (runuser), otherwise as the current user. Nothing is left running: stop() (and destroy()) end it by
// pg_ctl on its own data folder.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  dir: string;
  /** With `tls`: the SHA-256 fingerprint of the server's self-signed certificate (AB:CD:…). */
  fingerprint: string | null;
  /** The server's log so far (with `tls`, connections and authorizations are logged). */
  log(): string;
  /** Stops the server (fast: active sessions are ended, as when the server PC is switched off). */
  stop(): void;
  start(): void;
  /** Stops the server and removes its folder. */
  destroy(): void;
}

/** The newest Debian PostgreSQL binaries folder, or null when the package is not installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;
const RUN_AS = 'nobody';

function run(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', RUN_AS, '--', bin, ...args]] : [bin, args];
  execFileSync(cmd, argv, { stdio: 'pipe', cwd: tmpdir() });
}

/** Creates and starts a cluster with one superuser `shikaku` (password auth over TCP) and a database `clinic`. */
export async function startPostgres(opts: { password?: string; tls?: boolean } = {}): Promise<TestPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (scripts/setup.sh installs Debian postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'shikaku-pg-'));
  const data = join(dir, 'data');
  const password = opts.password ?? 'test-secret-' + Math.random().toString(36).slice(2);
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n', { mode: 0o600 });
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', RUN_AS]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', RUN_AS]).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'shikaku',
    '--pwfile',
    pwfile,
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  rmSync(pwfile);
  const port = await freePort();
  let fingerprint: string | null = null;
  if (opts.tls) {
    // A self-signed certificate, as a clinic's server would have (openssl from Debian's base system).
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=shikaku-test-server',
        '-keyout',
        join(data, 'server.key'),
        '-out',
        join(data, 'server.crt'),
      ],
      { stdio: 'pipe' },
    );
    fingerprint = new X509Certificate(readFileSync(join(data, 'server.crt'))).fingerprint256;
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', RUN_AS]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', RUN_AS]).toString().trim());
      for (const f of ['server.key', 'server.crt']) chownSync(join(data, f), uid, gid);
    }
    chmodSync(join(data, 'server.key'), 0o600);
    appendFileSync(join(data, 'postgresql.conf'), `\nssl = on\nlog_connections = on\n`);
  }
  appendFileSync(
    join(data, 'postgresql.conf'),
    `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\n` +
      `max_connections = 40\nshared_buffers = 16MB\n`,
  );
  const pg: TestPostgres = {
    host: '127.0.0.1',
    port,
    user: 'shikaku',
    password,
    database: 'clinic',
    dir,
    fingerprint,
    log() {
      return existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    },
    stop() {
      if (existsSync(join(data, 'postmaster.pid'))) run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    start() {
      run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
    },
    destroy() {
      try {
        pg.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    pg.start();
    run(join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'shikaku', 'clinic']);
  } catch (e) {
    pg.destroy();
    throw e;
  }
  return pg;
}
