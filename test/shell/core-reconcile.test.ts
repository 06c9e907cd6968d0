// The core process owns the reconciler: a visit saved through the contract is reconciled against the terminal
// (the simulator of the demo device set) without anyone asking, and the progress is pushed as events.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/main/contract.ts';
import { CoreClient, forkCoreSpawner } from '../../src/main/host/core-client.ts';
import { coreEnv } from '../../src/main/host/options.ts';
import { SYSTEM_ACTOR, openStore } from '../../src/main/core/store/index.ts';
import { isAlive, tempDir, until } from './helpers.ts';

const dir = tempDir();
let client: CoreClient | undefined;

afterAll(async () => {
  const pid = client?.pid();
  await client?.stop();
  expect(isAlive(pid)).toBe(false);
  dir.remove();
});

describe('core with automatic 事後確認', () => {
  it('reconciles a saved visit by itself and pushes queue.progress', async () => {
    const dataDir = join(dir.path, 'auto');
    const opened = await openStore({ dataDir });
    if (!opened.ok) throw new Error(opened.error.message);
    opened.value.store.setStaff([{ id: 'uketsuke-01', name: '受付 一郎', active: true }], SYSTEM_ACTOR);
    opened.value.store.close();

    const env = coreEnv({ demo: false, dataDir, testHooks: false, version: 'test' });
    env.SHIKAKU_DEVICES = 'simulated';
    delete env.SHIKAKU_RECONCILE; // automatic, as in the app
    client = new CoreClient({ spawn: forkCoreSpawner({ env }), log: () => undefined });
    const progress: EventPayload<'queue.progress'>[] = [];
    client.on('queue.progress', (p) => progress.push(p));
    await client.start();

    const visit = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../docs/examples/declaration-unknown.json'), 'utf8'),
    ) as never;
    expect(await client.request('visits.save', visit)).toMatchObject({ created: true });
    await until(() => progress.some((p) => p.processed >= 1));
    const status = await client.request('queue.status', {});
    expect(status).toMatchObject({ pending: 0, inflight: 0, done: 1, reconciler: 'running' });
    const listed = await client.request('visits.list', {});
    expect(listed.items[0]).toMatchObject({ status: 'reconciled' });
  });
});
