// Runs the real `shikaku` command (bin/shikaku.js) in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const bin = join(import.meta.dirname, '../../bin/shikaku.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

export function shikaku(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
