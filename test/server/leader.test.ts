// One reconciler per clinic by a PostgreSQL advisory lock (real server): one leader at a time, failover when the
// leader's connection goes, and no visit claimed by two PCs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { ReconcilerLeader } from '../../src/main/core/server/leader.ts';
import { LOCK_RECONCILER } from '../../src/main/core/server/schema.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient, serverSettings } from './helpers.ts';

let pgs: TestPostgres;
const leaders: ReconcilerLeader[] = [];

beforeAll(async () => {
  pgs = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const l of leaders) await l.stop();
  pgs?.destroy();
});

function leader(pc: string, claimLeaseMs = 60_000): ReconcilerLeader {
  const l = new ReconcilerLeader({
    settings: () => serverSettings(pgs, pc),
    secrets: memorySecretStore(pgs.password),
    claimLeaseMs,
  });
  leaders.push(l);
  return l;
}

describe('reconciler leader', () => {
  it('one PC leads; the others do not; on its shutdown another takes over', async () => {
    const a = leader('受付1');
    const b = leader('受付2');
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    expect(await a.tick()).toBe(true); // stays leader, without stacking the lock
    expect(await b.claim('受付2', ['v1'])).toEqual([]);
    expect(await a.claim('受付1', ['v1', 'v2'])).toEqual(['v1', 'v2']);
    await a.stop();
    expect(await b.tick()).toBe(true);
    expect(await a.tick()).toBe(false);
    await b.stop();
  }, 60_000);

  it('a leader whose connection dies loses the lead; a visit it claimed is not asked about twice', async () => {
    const a = leader('受付3', 1500);
    const b = leader('受付4', 1500);
    expect(await a.tick()).toBe(true);
    expect(await a.claim('受付3', ['v10'])).toEqual(['v10']);
    const c = await adminClient(pgs);
    try {
      // the leader PC crashes: the server ends its session (as TCP keepalive would)
      const ended = await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`,
        [LOCK_RECONCILER],
      );
      expect(ended.rowCount).toBe(1);
    } finally {
      await c.end();
    }
    let took = false;
    for (let i = 0; i < 50 && !took; i++) took = await b.tick();
    expect(took).toBe(true);
    expect(await a.claim('受付3', ['v11'])).toEqual([]);
    expect(a.isLeader).toBe(false);
    // 受付3's fresh claim on v10 holds against the new leader until its lease runs out
    expect(await b.claim('受付4', ['v10', 'v12'])).toEqual(['v12']);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await b.claim('受付4', ['v10'])).toEqual(['v10']);
  }, 60_000);
});
