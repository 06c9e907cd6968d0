// Card inserted / removed → pixels (`node --import tsx bench/card.ts [--reps 20]`): the app in 訓練モード (the
// web host, its core from the bundle, simulated devices) with the page open in Chromium; the bench pulls the
// simulated card and puts it back (drill.fault card_removed / card_inserted) and times from the moment the
// simulated reader reported the change (the request's `at`, taken as the adapter emits) to the first frame
// after the page's reader indicator (HealthBar, title 「…カードあり」) changed. Wall clocks of the same machine,
// millisecond precision. The floor, in the same run and page: an app.ping round trip from the page through the
// relay to the core and back, then the next frame. Figures only, no asserts. (The real reader's own detection
// time, pcscd to the port, is bench/pcsc.ts on the rig.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startWebApp } from '../src/main/web/app.ts';
// @ts-expect-error scripts/build.mjs is plain JavaScript without types
import { WEB_CORE_BUNDLE, buildRenderer, buildWebHost, rendererIsStale, webHostIsStale } from '../scripts/build.mjs';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '20' } } });
const REPS = Number(values.reps);

if (rendererIsStale()) await buildRenderer();
if (webHostIsStale()) await buildWebHost();
const dataDir = mkdtempSync(join(tmpdir(), 'shikaku-bench-card-'));
const app = await startWebApp({
  launch: { demo: true, dataDir, testHooks: false, version: 'bench' },
  coreEntry: WEB_CORE_BUNDLE,
  client: { log: () => undefined },
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(app.host.url);
  await page.locator('[data-testid="core-state"][data-state="ready"]').waitFor();
  const reader = page.locator('[data-device="reader"]').first();
  await reader.waitFor({ state: 'attached' });

  /**
   * In the page: resolves with the wall time of the first frame after the indicator says `withCard`. (A string:
   * tsx would wrap a function's inner names in a helper the page does not have.)
   */
  const painted = (withCard: boolean): Promise<number> =>
    page.evaluate(`new Promise((resolve) => {
      const want = ${withCard};
      const has = () => (document.querySelector('[data-device="reader"]')?.getAttribute('title') ?? '').includes('カードあり');
      const done = () => requestAnimationFrame(() => resolve(Date.now()));
      if (has() === want) return done();
      const o = new MutationObserver(() => {
        if (has() !== want) return;
        o.disconnect();
        done();
      });
      o.observe(document.body, { subtree: true, attributes: true, childList: true });
    })`);

  const samples: Record<'removed' | 'inserted', number[]> = { removed: [], inserted: [] };
  const floor: number[] = [];
  for (let i = 0; i < REPS + 2; i++) {
    for (const [fault, withCard] of [
      ['card_removed', false],
      ['card_inserted', true],
    ] as const) {
      // Start watching in the page (the evaluate settles only when the frame is painted), let the observer attach,
      // then move the card.
      const seen = painted(withCard);
      await page.waitForTimeout(50);
      const r = await app.core.call('drill.fault', { fault });
      if (!r.ok) throw new Error(r.error.code);
      const at = Date.parse((r.value as { at: string }).at);
      const paintedAt = await seen;
      if (i >= 2) samples[fault === 'card_removed' ? 'removed' : 'inserted'].push(paintedAt - at);
    }
    const f = await page.evaluate<number>(`(async () => {
      const t = performance.now();
      await window.shikaku.invoke('app.ping', { echo: 'x' });
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t;
    })()`);
    if (i >= 2) floor.push(f);
  }
  const pct = (xs: number[], p: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  const fl = pct(floor, 50);
  console.log(
    `floor: app.ping from the page and back + next frame, p50 ${fl.toFixed(1)} ms, p95 ${pct(floor, 95).toFixed(1)} ms (n=${floor.length})`,
  );
  for (const [name, xs] of Object.entries(samples)) {
    console.log(
      `card ${name.padEnd(8)} → pixels (simulated reader, n=${xs.length}): p50 ${pct(xs, 50).toFixed(0)} ms, ` +
        `p95 ${pct(xs, 95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms = ${(pct(xs, 50) / fl).toFixed(1)}× the floor at p50 (target < 100 ms)`,
    );
  }
} finally {
  await browser.close();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
