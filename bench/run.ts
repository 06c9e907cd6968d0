// `npm run bench`: every benchmark, one after another (they share two cores and the machine's one pcscd), each
// in its own process. Figures only, no asserts. `npm run bench -- store terminal` runs a subset.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const all = [
  { name: 'store', args: [] },
  { name: 'terminal', args: [] },
  { name: 'pcsc', args: [] },
  { name: 'health', args: [] },
  { name: 'shell', args: [] },
  { name: 'reconcile', args: [] },
  { name: 'precheck', args: [] },
  { name: 'export', args: [] },
  { name: 'card', args: [] },
  { name: 'ui', args: [] },
  { name: 'cli', args: [] },
  { name: 'server', args: [] },
] as const;

const only = process.argv.slice(2);
const chosen = only.length ? all.filter((b) => only.includes(b.name)) : all;
let failed = 0;
for (const b of chosen) {
  console.log(`\n=== bench/${b.name}.ts`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, `${b.name}.ts`), ...b.args], {
    stdio: 'inherit',
    env: process.env,
  });
  if (r.status !== 0) failed++;
  console.log(
    `--- ${b.name}: ${r.status === 0 ? 'done' : `exit ${r.status ?? r.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
process.exit(failed > 0 ? 1 : 0);
