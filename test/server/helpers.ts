// Clinic-server test PCs: each a journal, a mirror and a ClinicSync against the test cluster.
import { join } from 'node:path';
import pg from 'pg';
import { migrateServer } from '../../src/main/core/server/schema.ts';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { ClinicSync } from '../../src/main/core/server/sync.ts';
import { openStore, SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { openTestStore, quiet, tempDir, unwrap } from '../store/helpers.ts';
import type { TestPostgres } from '../support/postgres.ts';

export interface TestPc {
  dir: string;
  store: Store;
  mirror: Store;
  sync: ClinicSync;
  close(): Promise<void>;
}

export function serverSettings(pg: TestPostgres, pcName: string) {
  return {
    enabled: true,
    host: pg.host,
    port: pg.port,
    database: pg.database,
    user: pg.user,
    tls: false,
    tlsFingerprint: '',
    pcName,
  };
}

export async function openPc(
  pgs: TestPostgres,
  pcName: string,
  o: { password?: string; dir?: string; pushBatch?: number; clock?: () => number } = {},
): Promise<TestPc> {
  const dir = o.dir ?? tempDir('shikaku-pc-');
  const { store } = await openTestStore(dir, o.clock ? { clock: o.clock } : {});
  unwrap(store.setSetting('server', serverSettings(pgs, pcName), SYSTEM_ACTOR));
  const mirror = unwrap(await openStore({ dataDir: join(dir, 'clinic-mirror'), ...quiet })).store;
  const sync = new ClinicSync({
    store,
    mirror,
    secrets: memorySecretStore(o.password ?? pgs.password),
    ...(o.pushBatch ? { pushBatch: o.pushBatch } : {}),
  });
  return {
    dir,
    store,
    mirror,
    sync,
    async close() {
      await sync.stop();
      store.close();
      mirror.close();
    },
  };
}

/** A superuser connection to the test cluster, schema set up (assertions on the server's tables). */
export async function adminClient(pgs: TestPostgres): Promise<pg.Client> {
  const c = new pg.Client({
    host: pgs.host,
    port: pgs.port,
    user: pgs.user,
    password: pgs.password,
    database: pgs.database,
  });
  c.on('error', () => undefined);
  await c.connect();
  await migrateServer(c);
  return c;
}

export async function count(c: pg.Client, sql: string, args: unknown[] = []): Promise<number> {
  return Number(((await c.query(sql, args)).rows[0] as { n: string }).n);
}

/** Waits until `f` gives a truthy value (and returns it); fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  f: () => T | null | false | Promise<T | null | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
