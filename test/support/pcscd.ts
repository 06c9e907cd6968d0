// The PC/SC rig: a real Debian pcscd in the foreground with the vsmartcard vpcd driver, started and
// stopped by pid. Refuses to touch a pcscd it did not start. No fixed sleeps: every wait polls a
// condition with a bounded timeout.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PCSCD_PIDFILE = '/run/pcscd/pcscd.pid';

export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Pids of every running pcscd on the machine. */
export function pcscdPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'pcscd'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => {
        // Zombies (exited, not yet reaped) are not running daemons.
        try {
          return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        } catch {
          return false;
        }
      });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

function socketAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(PCSCD_SOCKET)) return resolve(false);
    const s = net.connect(PCSCD_SOCKET);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** What the rig needs from the machine; throws with a clear message otherwise. */
export function checkRigPrerequisites(): void {
  if (!existsSync('/usr/sbin/pcscd')) throw new Error('PC/SC rig: /usr/sbin/pcscd is missing (apt-get install pcscd)');
  const conf = existsSync('/etc/reader.conf.d') ? readdirSync('/etc/reader.conf.d') : [];
  const hasVpcd = conf.some((f) => /libifdvpcd\.so/.test(readFileSync(`/etc/reader.conf.d/${f}`, 'utf8')));
  if (!hasVpcd) throw new Error('PC/SC rig: no vpcd entry in /etc/reader.conf.d (apt-get install vsmartcard-vpcd)');
}

export class PcscdRig {
  private proc: ChildProcess | null = null;
  private logLines: string[] = [];

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The last lines pcscd printed (for failure messages). */
  log(): string {
    return this.logLines.slice(-50).join('\n');
  }

  async start(timeoutMs = 10_000): Promise<void> {
    if (this.running) return;
    checkRigPrerequisites();
    const foreign = pcscdPids();
    if (foreign.length > 0) {
      throw new Error(
        `PC/SC rig: a pcscd not started by this rig is running (pid ${foreign.join(', ')}). ` +
          "The rig needs the machine's only pcscd; stop that one yourself (e.g. systemctl stop pcscd.socket pcscd) and rerun.",
      );
    }
    // Leftovers of a pcscd that was SIGKILLed (ours, a moment ago): nobody is running, so they are stale.
    for (const f of [PCSCD_SOCKET, PCSCD_PIDFILE]) if (existsSync(f)) rmSync(f, { force: true });
    const proc = spawn('/usr/sbin/pcscd', ['--foreground'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const keep = (d: Buffer) => {
      this.logLines.push(...d.toString().split('\n').filter(Boolean));
      if (this.logLines.length > 500) this.logLines.splice(0, this.logLines.length - 500);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('exit', (code, signal) => this.logLines.push(`[rig] pcscd exited code=${code} signal=${signal}`));
    try {
      await waitFor(
        'pcscd socket',
        async () => {
          if (!this.running) throw new Error(`PC/SC rig: pcscd exited during start:\n${this.log()}`);
          return socketAnswers();
        },
        timeoutMs,
      );
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  async stop(graceMs = 3000): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    if (this.running) {
      proc.kill('SIGTERM');
      try {
        await waitFor('pcscd to exit after SIGTERM', () => !this.running, graceMs);
      } catch {
        proc.kill('SIGKILL');
        await waitFor('pcscd to exit after SIGKILL', () => !this.running, 5000);
      }
    }
    this.proc = null;
  }

  /** SIGKILL (a crash): no cleanup by pcscd. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    if (this.running) {
      proc.kill('SIGKILL');
      await waitFor('pcscd to die', () => !this.running, 5000);
    }
    this.proc = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
