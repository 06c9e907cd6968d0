// The terminal simulator in a process of its own for the benches (as the terminal's connector is): the figures
// they print are the core's alone. `startSim(shareDir, registryFile)` spawns this file, which answers on the share
// with the registry (JSON array of SimPerson), says "ready", and stops on SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TerminalSimulator, type SimPerson } from '../src/hardware/terminal/index.ts';

const self = fileURLToPath(import.meta.url);

async function simProcess(shareDir: string, registryFile: string): Promise<void> {
  const registry = JSON.parse(readFileSync(registryFile, 'utf8')) as SimPerson[];
  const sim = await TerminalSimulator.start({ dir: shareDir, registry, pollMs: 50 });
  process.once('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
  process.stdout.write('ready\n');
}

/** Starts the simulator process; resolves with its stop function once it answers. */
export function startSim(shareDir: string, registryFile: string): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, shareDir, registryFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready'))
        resolve(
          () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        );
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await simProcess(process.argv[2]!, process.argv[3]!);
}
