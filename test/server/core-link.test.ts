// The running core and the clinic server (real PostgreSQL, the core's composition root over an in-memory
// transport): the 院内サーバー setting applies when saved — the status turns 「院内サーバーに接続中」 without a
// restart, the PC's journal reaches the server, and switching it off goes back to 「このPCのデータのみ」.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCore, type RunningCore } from '../../src/main/core/runtime.ts';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { memoryTransportPair } from '../../src/main/core/transport.ts';
import { makeVisit, removeDir, STAFF, tempDir } from '../store/helpers.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient, count, serverSettings, until } from './helpers.ts';

let pgs: TestPostgres;
let core: RunningCore | undefined;
let dataDir: string;

beforeAll(async () => {
  pgs = await startPostgres();
}, 60_000);

afterAll(async () => {
  await core?.shutdown();
  pgs?.destroy();
  if (dataDir) removeDir(dataDir);
});

describe('the running core and the 院内サーバー setting', () => {
  it('applies at once: connected without a restart, the journal pushed, and off again', async () => {
    dataDir = tempDir('shikaku-core-server-');
    const pair = memoryTransportPair();
    const answers = new Map<number, { ok: boolean; value?: unknown; error?: unknown }>();
    pair.host.onMessage((m) => {
      const r = m as { id?: number; ok?: boolean; value?: unknown; error?: unknown };
      if (typeof r.id === 'number') answers.set(r.id, { ok: !!r.ok, value: r.value, error: r.error });
    });
    let next = 0;
    const call = async (name: string, input: unknown): Promise<unknown> => {
      const id = ++next;
      pair.host.send({ id, name, input });
      const a = await until(name, async () => answers.get(id) ?? null, 10_000);
      if (!a.ok) throw new Error(`${name}: ${JSON.stringify(a.error)}`);
      return a.value;
    };
    core = await runCore({
      transport: pair.core,
      env: {
        SHIKAKU_DATA_DIR: dataDir,
        SHIKAKU_DEVICES: 'simulated',
        SHIKAKU_RECONCILE: 'manual',
        SHIKAKU_PRECHECK: 'manual',
      },
      exit: () => undefined,
      secrets: memorySecretStore(pgs.password),
    });
    await call('staff.save', { list: STAFF, staff: 'system' });
    const status = () =>
      call('server.status', {}) as Promise<{ mode: string; text: string; pcName: string; reconciler: string }>;
    expect(await status()).toMatchObject({ mode: 'off', text: 'このPCのデータのみ', reconciler: 'alone' });

    const saved = (await call('settings.set', {
      key: 'server',
      value: serverSettings(pgs, '受付9'),
      staff: 'yamada',
    })) as { saved: boolean; item: { restartRequired: boolean } };
    expect(saved).toMatchObject({ saved: true, item: { restartRequired: false } });
    const on = await until('connected', async () => {
      const s = await status();
      return s.mode === 'connected' ? s : null;
    });
    expect(on).toMatchObject({ text: '院内サーバーに接続中', pcName: '受付9' });
    // The only PC of the clinic takes the reconciler's lock: it asks the terminal for the clinic.
    await until('leader', async () => (await status()).reconciler === 'leader');

    // A visit saved now reaches the server (the journal's entries, this PC's name).
    await call('visits.save', makeVisit(7));
    const c = await adminClient(pgs);
    try {
      await until('pushed', async () => (await count(c, `SELECT count(*) AS n FROM audit_log WHERE pc = '受付9'`)) > 0);
    } finally {
      await c.end();
    }

    await call('settings.set', {
      key: 'server',
      value: { ...serverSettings(pgs, '受付9'), enabled: false },
      staff: 'yamada',
    });
    expect(await status()).toMatchObject({ mode: 'off', text: 'このPCのデータのみ', reconciler: 'alone' });
  }, 90_000);
});
