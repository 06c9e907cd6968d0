// Mounts powercutfs (powercutfs.py beside this file: a FUSE file system that keeps what was not fsynced in
// memory) and cuts its power. Linux, root, /dev/fuse, Debian's python3-pyfuse3 and fuse3 (scripts/setup.sh).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: python3-pyfuse3 installs into its dist-packages (not into a pyenv or venv one). */
const PYTHON = '/usr/bin/python3';
const FUSERMOUNT = '/usr/bin/fusermount3';
const DAEMON = fileURLToPath(new URL('./powercutfs.py', import.meta.url));

/** Why the power-cut layer cannot run here, or null when it can. */
export function powercutUnavailable(): string | null {
  if (process.platform !== 'linux') return 'FUSE power cuts need Linux';
  if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (no FUSE in this kernel or container)';
  if (process.getuid?.() !== 0) return 'mounting a FUSE file system here needs root';
  if (!existsSync(FUSERMOUNT)) return 'fusermount3 is missing: install Debian fuse3 (scripts/setup.sh)';
  const py = spawnSync(PYTHON, ['-c', 'import pyfuse3, trio'], { encoding: 'utf8' });
  if (py.status !== 0) return 'python3-pyfuse3 is missing: install it (scripts/setup.sh)';
  return null;
}

/**
 * What a cut does besides dropping everything unsynced: `tear` also lets a torn piece of the last unsynced
 * write reach the disk; `writeback` lets a random part of the unsynced writes and directory changes through.
 */
export type CutMode = 'drop' | 'tear' | 'tear-prefix' | 'tear-sectors' | 'writeback';

/** What the file system reported at the cut. */
export interface CutReport {
  mode: CutMode;
  /** Unsynced writes / bytes / directories with unsynced entries at the moment of the cut. */
  pendingWrites: number;
  pendingBytes: number;
  pendingDirs: number;
  /** In writeback mode: how many of them reached the disk anyway. */
  keptWrites: number;
  keptDirs: number;
  torn: { how: string; bytes: number; kept: number } | null;
  /** fsync/fdatasync and directory fsync calls seen since the mount. */
  fsyncs: number;
  dirFsyncs: number;
}

function isMounted(mountpoint: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === mountpoint);
}

/** Detaches a mount left behind (a daemon that died); harmless when nothing is mounted there. */
export function forceUnmount(mountpoint: string): void {
  if (isMounted(mountpoint)) spawnSync(FUSERMOUNT, ['-u', '-z', mountpoint], { stdio: 'ignore' });
}

/**
 * One powercutfs daemon and its mount. The backing directory is the disk; the daemon's memory is the page
 * cache. One daemon serves the disk across cuts (`cut`, then `remount`), sparing a Python start per cut.
 */
export class PowercutMount {
  private lines: string[] = [];
  private partial = '';
  private stderr = '';
  private readonly exited: Promise<void>;
  private alive = true;
  private mounted = false;

  private constructor(
    readonly backing: string,
    readonly mountpoint: string,
    private readonly proc: ChildProcessWithoutNullStreams,
  ) {
    proc.stdin.on('error', () => {}); // the daemon is gone already: nothing left to tell it
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (c: string) => {
      const parts = (this.partial + c).split('\n');
      this.partial = parts.pop()!;
      this.lines.push(...parts);
    });
    proc.stderr.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) =>
      proc.on('exit', () => {
        this.alive = false;
        resolve();
      }),
    );
  }

  /** Mounts `backing` (created when missing: an empty disk) on `mountpoint` and waits until it serves. */
  static async mount(backing: string, mountpoint: string): Promise<PowercutMount> {
    mkdirSync(backing, { recursive: true });
    mkdirSync(mountpoint, { recursive: true });
    forceUnmount(mountpoint);
    const proc = spawn(PYTHON, [DAEMON, backing, mountpoint], { stdio: ['pipe', 'pipe', 'pipe'] });
    const m = new PowercutMount(backing, mountpoint, proc);
    try {
      await m.expect('READY', 'mount');
      m.mounted = true;
    } catch (e) {
      await m.stop();
      throw e;
    }
    return m;
  }

  /** Waits for the next line from the daemon starting with `word`; returns the rest of it. */
  private async expect(word: string, what: string, ms = 30_000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        if (line === word || line.startsWith(`${word} `)) return line.slice(word.length + 1);
        throw new Error(`powercutfs ${what}: expected ${word}, got ${line}`);
      }
      if (!this.alive) throw new Error(`powercutfs ${what}: daemon exited: ${this.stderr.slice(-2000)}`);
      if (Date.now() > until) throw new Error(`powercutfs ${what}: no answer in ${ms} ms: ${await this.diagnose()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** What a daemon that stopped answering is doing: its kernel wait channel and Python stacks. */
  private async diagnose(): Promise<string> {
    const pid = this.proc.pid!;
    const read = (f: string) => {
      try {
        return readFileSync(`/proc/${pid}/${f}`, 'utf8').trim();
      } catch (e) {
        return (e as Error).message;
      }
    };
    const state = `state ${/State:\s*(.*)/.exec(read('status'))?.[1]}, wchan ${read('wchan')}, syscall ${read('syscall')}`;
    this.proc.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 500));
    return `${state}; stderr: ${this.stderr.slice(-4000)}`;
  }

  /**
   * Cuts the power: everything not fsynced is lost (but see `mode`) and the file system unmounts. Close
   * every file on the mount first (kill the writers): the kernel's caches go with the mount.
   */
  async cut(mode: CutMode = 'drop', seed = Math.floor(Math.random() * 2 ** 31)): Promise<CutReport> {
    if (!this.mounted) throw new Error('powercutfs: not mounted');
    this.mounted = false;
    this.proc.stdin.write(`cut ${mode} ${seed}\n`);
    try {
      const report = JSON.parse(await this.expect('CUT', 'cut')) as CutReport;
      await this.expect('DOWN', 'unmount');
      return report;
    } catch (e) {
      await this.stop();
      throw e;
    } finally {
      forceUnmount(this.mountpoint);
    }
  }

  /** Powers the machine back on: the disk as the cut left it, mounted again. */
  async remount(): Promise<void> {
    this.proc.stdin.write('mount\n');
    try {
      await this.expect('READY', 'remount');
      this.mounted = true;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Cleanup for every path: ends the daemon (a cut: nothing is flushed) and leaves nothing mounted. */
  async stop(): Promise<void> {
    this.mounted = false;
    if (this.alive) {
      this.proc.stdin.end();
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (this.alive) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    forceUnmount(this.mountpoint);
  }
}
