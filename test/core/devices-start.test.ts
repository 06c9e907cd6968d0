// When the core starts its devices: after 'ready', once a screen asks for their state (health.get, which the page
// sends when it sees the core ready), or DEVICES_AFTER_READY_MS later without one — never during the first paint.
// Observed through the health.changed events the started devices cause (simulated devices, a real journal).
import { afterEach, describe, expect, it } from 'vitest';
import { DEVICES_AFTER_READY_MS, runCore, type RunningCore } from '../../src/main/core/runtime.ts';
import { memoryTransportPair } from '../../src/main/core/transport.ts';
import { removeDir, tempDir } from '../store/helpers.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Started {
  core: RunningCore;
  /** Times (performance.now()) of the core's 'ready' and of each health.changed event. */
  readyAt: number;
  healthAt: number[];
  ask(name: string): Promise<unknown>;
}

async function start(devicesAfterReadyMs: number): Promise<Started> {
  const dir = tempDir('shikaku-devices-start-');
  cleanup.push(() => removeDir(dir));
  const pair = memoryTransportPair();
  const healthAt: number[] = [];
  const answers = new Map<number, (value: unknown) => void>();
  let readyAt = 0;
  const ready = new Promise<void>((resolve) =>
    pair.host.onMessage((m) => {
      const msg = m as { control?: string; name?: string; id?: number; ok?: boolean; value?: unknown };
      if (msg.control === 'ready') {
        readyAt = performance.now();
        resolve();
      } else if (msg.name === 'health.changed') healthAt.push(performance.now());
      else if (msg.id !== undefined) answers.get(msg.id)?.(msg.ok ? msg.value : msg);
    }),
  );
  const core = await runCore({
    transport: pair.core,
    env: {
      SHIKAKU_DATA_DIR: dir,
      SHIKAKU_DEVICES: 'simulated',
      SHIKAKU_RECONCILE: 'manual',
      SHIKAKU_PRECHECK: 'manual',
    },
    exit: () => undefined,
    devicesAfterReadyMs,
  });
  cleanup.push(() => core.shutdown());
  await ready;
  let id = 0;
  const ask = (name: string): Promise<unknown> =>
    new Promise((resolve) => {
      answers.set(++id, resolve);
      pair.host.send({ id, name, input: {} });
    });
  return { core, readyAt, healthAt, ask };
}

describe("the devices start after 'ready'", () => {
  it('when a screen first asks for their state (health.get), not before', async () => {
    const s = await start(60_000); // no fallback within the test
    // Other requests (the page's app.info, store.status) do not start them.
    await s.ask('app.info');
    await s.ask('store.status');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.healthAt).toEqual([]);
    const askedAt = performance.now();
    expect(await s.ask('health.get')).toHaveProperty('mode');
    await expect.poll(() => s.healthAt.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(s.healthAt[0]).toBeGreaterThanOrEqual(askedAt);
  });

  it(`by themselves a while after 'ready' when no screen asks (${DEVICES_AFTER_READY_MS} ms in the app)`, async () => {
    const s = await start(800);
    await expect.poll(() => s.healthAt.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(s.healthAt[0]! - s.readyAt).toBeGreaterThanOrEqual(800 - 20);
  });
});
