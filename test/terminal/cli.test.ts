// The CLI commands: `terminal confirm` / `terminal probe` in-process, `simulate-terminal` as a real process
// stopped by SIGTERM.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs, UsageError, type CliIO, type Command } from '../../src/main/cli/command.ts';
import { runSimulateTerminal, terminalCommands } from '../../src/main/cli/terminal.ts';
import { makeShare, tempDir, until } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), readStdin: async () => '' };
  return { cli, out, err };
}

async function run(argv: string[], cli: CliIO): Promise<number> {
  const cmd = terminalCommands
    .filter((c) => c.path.every((w, i) => argv[i] === w))
    .sort((a, b) => b.path.length - a.path.length)[0] as Command;
  return cmd.run(parseCommandArgs(cmd, argv.slice(cmd.path.length)) as Parameters<Command['run']>[0], cli);
}

let share: { dir: string; cleanup: () => void };
let child: ChildProcess | undefined;
let stopSim: AbortController | undefined;
let simDone: Promise<number> | undefined;

beforeEach(() => {
  share = tempDir();
});
afterEach(async () => {
  stopSim?.abort();
  await simDone;
  if (child && child.exitCode === null && child.pid !== undefined) {
    process.kill(child.pid, 'SIGKILL');
    await new Promise((r) => child!.once('exit', r));
  }
  child = undefined;
  share.cleanup();
});

async function startSimInProcess(extra: Record<string, string> = {}) {
  const sim = io();
  stopSim = new AbortController();
  simDone = runSimulateTerminal({ dir: share.dir, ...extra }, sim.cli, stopSim.signal);
  await until(() => sim.err.some((l) => l.includes('開始しました')));
  return sim;
}

describe('shikaku terminal confirm', () => {
  it('--json prints the finding with numbers as strings', async () => {
    const scenarioFile = path.join(share.dir, 'scenario.json');
    writeFileSync(
      scenarioFile,
      JSON.stringify({
        registry: [
          {
            insurerNumber: '138057',
            symbol: '0012',
            number: '0001234',
            branch: '01',
            name: '髙橋　●美',
            birthDate: '1950-01-05',
            sex: 'female',
            copayPercent: 20,
          },
        ],
      }),
    );
    const sim = await startSimInProcess({ scenario: scenarioFile });
    const { cli, out } = io();
    const code = await run(
      [
        'terminal',
        'confirm',
        '--dir',
        share.dir,
        '--insurer',
        '138057',
        '--symbol',
        '0012',
        '--number',
        '0001234',
        '--branch',
        '01',
        '--birth',
        '1950-01-05',
        '--key',
        'cli-1',
        '--json',
      ],
      cli,
    );
    expect(code).toBe(0);
    const j = JSON.parse(out.join('\n'));
    expect(j).toMatchObject({
      ok: true,
      key: 'cli-1',
      finding: {
        validity: 'valid',
        insurance: { insurerNumber: '138057', symbol: '0012', number: '0001234', branch: '01' },
        copayPercent: 20,
      },
    });
    expect(j.answer.body.results[0].insurerNumber).toBe('00138057');
    await until(() => sim.err.some((l) => l.includes('OQSsiquc01res_cli-1.xml')));
  });

  it('plain output in Japanese, ● warned', async () => {
    await startSimInProcess({ default: 'valid' });
    const { cli, out } = io();
    const code = await run(
      [
        'terminal',
        'confirm',
        '--dir',
        share.dir,
        '--insurer',
        '06130012',
        '--number',
        '0456',
        '--birth',
        '1988-12-24',
        '--key',
        'cli-2',
      ],
      cli,
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^資格確認結果: 有効/);
    expect(out.join('\n')).toContain('06130012 /  / 0456');
  });

  it('a silent terminal: exit 1 with TERMINAL_TIMEOUT', async () => {
    await startSimInProcess({ default: 'never' });
    const { cli, out } = io();
    const code = await run(
      [
        'terminal',
        'confirm',
        '--dir',
        share.dir,
        '--insurer',
        '06130012',
        '--number',
        '1',
        '--birth',
        '1988-12-24',
        '--timeout',
        '200',
        '--json',
      ],
      cli,
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, error: { code: 'TERMINAL_TIMEOUT' } });
  });

  it('usage errors', async () => {
    const { cli } = io();
    await expect(
      run(['terminal', 'confirm', '--dir', share.dir, '--number', '1', '--birth', '1988-12-24'], cli),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      run(
        [
          'terminal',
          'confirm',
          '--dir',
          share.dir,
          '--insurer',
          '06130012',
          '--number',
          '1',
          '--birth',
          '1988-12-24',
          '--timeout',
          'soon',
        ],
        cli,
      ),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(run(['simulate-terminal', '--dir', share.dir, '--default', 'sometimes'], cli)).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe('shikaku terminal probe', () => {
  it('exit 0 on a good share, 1 on a missing one', async () => {
    await makeShare(share.dir);
    const ok = io();
    expect(await run(['terminal', 'probe', '--dir', share.dir], ok.cli)).toBe(0);
    expect(ok.out[0]).toContain('正常');
    const bad = io();
    expect(await run(['terminal', 'probe', '--dir', path.join(share.dir, 'none'), '--json'], bad.cli)).toBe(1);
    expect(JSON.parse(bad.out.join('\n'))).toMatchObject({ ok: false, problem: 'TERMINAL_SHARE_MISSING' });
  });
});

describe('shikaku simulate-terminal as a process', () => {
  it('answers requests, logs on stderr, stops cleanly on SIGTERM', async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'test/terminal/cli-entry.ts'),
        'simulate-terminal',
        '--dir',
        share.dir,
        '--default',
        'not_found',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    await until(() => stderr.includes('開始しました'), 30_000);
    const { cli, out } = io();
    expect(
      await run(
        [
          'terminal',
          'confirm',
          '--dir',
          share.dir,
          '--insurer',
          '06130012',
          '--number',
          '9',
          '--birth',
          '1988-12-24',
          '--key',
          'proc-1',
          '--json',
        ],
        cli,
      ),
    ).toBe(0);
    expect(JSON.parse(out.join('\n')).finding).toMatchObject({ validity: 'not_found' });
    await until(() => stderr.includes('OQSsiquc01res_proc-1.xml (not_found)'));
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('終了しました');
  });
});
