// Reception actions per path of the flow chart, as counted by the Chromium specs (test/e2e/actions.ts: each
// spec file writes .tmp/actions/<file>.json on every run). Run the tests first; this prints the figures and the
// issue's targets beside them, counted from the wizard's opening. Figures only, no asserts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PathActions } from '../test/e2e/actions.ts';

const dir = join(import.meta.dirname, '..', '.tmp', 'actions');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
if (files.length === 0) {
  console.log(`no ${dir}: run \`npx vitest run --project e2e\` (or ./scripts/test.sh) first`);
  process.exit(0);
}
/** The issue's targets, as a limit on actions from the wizard start (the digits typed not counted). */
const targets: Record<string, { limit: number; label: string; digitsFree: boolean }> = {
  verbal: { limit: 6, label: '≤ 6 actions', digitsFree: false },
  qualification_certificate: { limit: 12, label: '≤ 12 actions plus the digits', digitsFree: true },
};
const W = 38;
const transitions: { to: string; domMs: number; frameMs: number }[] = [];
console.log('reception actions per path (keys + clicks; a select is 2 clicks):');
console.log(`  ${'path'.padEnd(W)} ${'whole path'.padEnd(22)} from the wizard start`);
for (const file of files.sort()) {
  const paths = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, PathActions>;
  for (const [name, c] of Object.entries(paths)) {
    transitions.push(...(c.transitions ?? []));
    const w = c.fromWizard;
    const t = targets[name];
    let wizard = '—';
    if (w) {
      const actions = w.keystrokes + w.clicks - (t?.digitsFree ? w.digits : 0);
      wizard = `${w.keystrokes} keys ${w.clicks} clicks (${w.digits} digits)`;
      if (t) wizard += ` → ${actions} actions, target ${t.label}: ${actions <= t.limit ? 'met' : 'NOT met'}`;
    }
    console.log(
      `  ${`${file.replace(/\.json$/, '')}/${name}`.padEnd(W)} ${`${c.keystrokes} keys ${c.clicks} clicks`.padEnd(22)} ${wizard}`,
    );
  }
}

// Month-end (test/e2e/month-export.test.ts): from 事後確認の一覧 to the month's files written (downloaded on the
// web host), a blocked visit fixed on the way (its review not counted).
const monthEnd = join(dir, 'month-export.json');
if (existsSync(monthEnd)) {
  const c = (JSON.parse(readFileSync(monthEnd, 'utf8')) as Record<string, PathActions>).month_end;
  if (c)
    console.log(
      `month-end (事後確認の一覧 → files written): ${c.keystrokes} keys ${c.clicks} clicks → ${c.keystrokes + c.clicks} actions`,
    );
}

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const budget = 1000 / 60;
/** Prints key → DOM committed and key → next frame for a set of transitions. */
function timing(label: string, ts: { domMs: number; frameMs: number }[]): void {
  if (ts.length === 0) return;
  const dom = ts.map((t) => t.domMs);
  const frame = ts.map((t) => t.frameMs);
  console.log(
    `${label} (${ts.length}, key → DOM / → next frame): ` +
      `p50 ${q(dom, 0.5).toFixed(1)} / ${q(frame, 0.5).toFixed(1)} ms, p95 ${q(dom, 0.95).toFixed(1)} / ${q(frame, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...dom).toFixed(1)} / ${Math.max(...frame).toFixed(1)} ms; ` +
      `p50 to the frame = ${(q(frame, 0.5) / budget).toFixed(2)}× a 60 Hz frame (${budget.toFixed(1)} ms)`,
  );
}
// A step change renders in the page; 'closed' is the save (a request to the core and an fsync) → 保存しました.
timing(
  'wizard step transitions',
  transitions.filter((t) => t.to !== 'closed'),
);
timing(
  'save → 保存しました',
  transitions.filter((t) => t.to === 'closed'),
);
