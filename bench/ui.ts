// Reception actions per path of the flow chart, as counted by the Chromium specs (test/e2e/reception.test.ts
// writes .tmp/reception-actions.json on every run). Run the tests first; this prints the figures and the
// issue's targets beside them. Figures only, no asserts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '..', '.tmp', 'reception-actions.json');
if (!existsSync(file)) {
  console.log(`no ${file}: run \`npx vitest run test/e2e/reception.test.ts\` (or ./scripts/test.sh) first`);
  process.exit(0);
}
const counts = JSON.parse(readFileSync(file, 'utf8')) as Record<
  string,
  { keystrokes: number; clicks: number; steps: string[] }
>;
const targets: Record<string, string> = {
  verbal: 'target ≤ 6 actions from the wizard start (these counts include patient search and staff choice)',
  qualification_certificate: 'target ≤ 12 actions plus the digits',
};
console.log('reception actions per path (keystrokes include every typed character):');
for (const [path, c] of Object.entries(counts)) {
  console.log(
    `  ${path.padEnd(26)} keystrokes ${String(c.keystrokes).padStart(3)}  clicks ${String(c.clicks).padStart(3)}  steps ${c.steps.length}${targets[path] ? `  (${targets[path]})` : ''}`,
  );
}
