// CLI bench (`node --import tsx bench/cli.ts`): figures only, no asserts.
//  - cold start of the built CLI bundle (dist/cli/shikaku.cjs, `shikaku --help`) against `node -e 0`, as a ratio
//  - the same through bin/shikaku.js (bundle current), and through the tsx fallback (sources, no build)
// Each figure is the median wall time of BENCH_CLI_N fresh processes (default 15), and their mean CPU time
// (user + system, from /proc on Linux), which a busy machine inflates far less than wall time.
import { spawnSync } from 'node:child_process';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..');
const N = Number(process.env.BENCH_CLI_N ?? 15);

/** CPU ms of this process's waited-for children so far (Linux /proc: cutime + cstime), NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

function measure(args: string[], env: NodeJS.ProcessEnv = process.env): { wall: number; cpu: number } {
  const samples: number[] = [];
  spawnSync(process.execPath, args, { cwd: root, env }); // warm the file cache
  const cpu0 = childrenCpuMs();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    samples.push(performance.now() - t);
    if (r.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited ${String(r.status)}`);
  }
  samples.sort((a, b) => a - b);
  return { wall: samples[Math.floor(samples.length / 2)] ?? NaN, cpu: (childrenCpuMs() - cpu0) / N };
}

console.log('Building the CLI bundle…');
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);

const node = measure(['-e', '0']);
const bundle = measure([join(root, 'dist/cli/shikaku.cjs'), '--help']);
const bin = measure([join(root, 'bin/shikaku.js'), '--help']);
// The fallback: make the bundle look older than its sources for these runs, then current again.
utimesSync(join(root, 'dist/cli/shikaku.cjs'), new Date(0), new Date(0));
const tsx = measure([join(root, 'bin/shikaku.js'), '--help']);
spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli'], { cwd: root });

const row = (name: string, m: { wall: number; cpu: number }) =>
  console.log(
    `${name.padEnd(38)} wall ${m.wall.toFixed(0).padStart(5)} ms (${(m.wall / node.wall).toFixed(1)}× node -e 0)` +
      `   cpu ${m.cpu.toFixed(0).padStart(4)} ms (${(m.cpu / node.cpu).toFixed(1)}×)`,
  );
row('node -e 0 (baseline)', node);
row('dist/cli/shikaku.cjs --help', bundle);
row('bin/shikaku.js --help (bundle)', bin);
row('bin/shikaku.js --help (tsx, no build)', tsx);
console.log(`target: the bundle under 300 ms wall — ${bundle.wall < 300 ? 'met' : 'NOT met'} on this machine now`);
