// CLI bench (`node --import tsx bench/cli.ts`): figures only, no asserts.
//  - cold start of the built CLI bundle (dist/cli/shikaku.cjs, `shikaku --help`) against `node -e 0`, as a ratio
//  - the same through bin/shikaku.js (bundle current), and through the tsx fallback (sources, no build)
// Each figure is the median wall time of BENCH_CLI_N fresh processes (default 15).
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..');
const N = Number(process.env.BENCH_CLI_N ?? 15);

function median(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const samples: number[] = [];
  spawnSync(process.execPath, args, { cwd: root, env }); // warm the file cache
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    samples.push(performance.now() - t);
    if (r.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited ${String(r.status)}`);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

console.log('Building the CLI bundle…');
const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(1);

const node = median(['-e', '0']);
const bundle = median([join(root, 'dist/cli/shikaku.cjs'), '--help']);
const bin = median([join(root, 'bin/shikaku.js'), '--help']);
// The fallback: make the bundle look older than its sources for these runs, then current again.
utimesSync(join(root, 'dist/cli/shikaku.cjs'), new Date(0), new Date(0));
const tsx = median([join(root, 'bin/shikaku.js'), '--help']);
spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--cli'], { cwd: root });

const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(`node -e 0 (baseline)                 ${ms(node)}`);
console.log(`dist/cli/shikaku.cjs --help          ${ms(bundle)}  (${(bundle / node).toFixed(1)}× node -e 0)`);
console.log(`bin/shikaku.js --help (bundle)       ${ms(bin)}  (${(bin / node).toFixed(1)}× node -e 0)`);
console.log(`bin/shikaku.js --help (tsx, no build) ${ms(tsx)}  (${(tsx / node).toFixed(1)}× node -e 0)`);
console.log(`target: the bundle under 300 ms — ${bundle < 300 ? 'met' : 'NOT met'} on this machine`);
