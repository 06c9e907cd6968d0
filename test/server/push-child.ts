// A PC's core pushing to the clinic server in a loop, for the SIGKILL test (push.test.ts kills it by pid mid-push).
// Env: SHIKAKU_DATA_DIR (its journal, server setting already stored), SHIKAKU_TEST_PG_PASSWORD.
import { join } from 'node:path';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { ClinicSync } from '../../src/main/core/server/sync.ts';
import { openStore } from '../../src/main/core/store/index.ts';
import { quiet } from '../store/helpers.ts';

const dir = process.env.SHIKAKU_DATA_DIR!;
const store = await openStore({ dataDir: dir, ...quiet });
const mirror = await openStore({ dataDir: join(dir, 'clinic-mirror'), ...quiet });
if (!store.ok || !mirror.ok) throw new Error('open failed');
const sync = new ClinicSync({
  store: store.value.store,
  mirror: mirror.value.store,
  secrets: memorySecretStore(process.env.SHIKAKU_TEST_PG_PASSWORD ?? null),
  pushBatch: 5,
});
for (;;) {
  const s = await sync.syncOnce();
  process.stdout.write(`${s.mode} ${s.pushedSeq}\n`);
}
