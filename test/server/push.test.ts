// Push through the outbox to a real PostgreSQL (Debian's, started by the test): two PCs with separate journals,
// idempotent re-push, the server stopped mid-push, wrong password, a newer server schema, a PC name taken.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyServerChain } from '../../src/main/core/server/push.ts';
import { ServerError } from '../../src/main/core/server/messages.ts';
import { removeDir, makeVisit, unwrap } from '../store/helpers.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient, count, openPc, type TestPc } from './helpers.ts';

let pgs: TestPostgres;
const pcs: TestPc[] = [];
async function pc(name: string, o: Parameters<typeof openPc>[2] = {}) {
  const p = await openPc(pgs, name, o);
  pcs.push(p);
  return p;
}

beforeAll(async () => {
  pgs = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const p of pcs) {
    await p.close();
    removeDir(p.dir);
  }
  pgs?.destroy();
});

function localSeq(p: TestPc): number {
  return unwrap(p.store.listAudit({ limit: 1 }))[0]!.seq;
}

describe('clinic server push', () => {
  it('two PCs push their journals; each sees the other’s visits; a second round changes nothing', async () => {
    const a = await pc('受付1');
    const b = await pc('受付2');
    for (let i = 0; i < 5; i++) unwrap(a.store.saveVisit(makeVisit(i)));
    for (let i = 5; i < 8; i++) unwrap(b.store.saveVisit(makeVisit(i)));
    // the push jobs are in the outbox, one per audit entry since the server was configured (the staff list
    // before it is sent from the journal all the same), beside the visits' reconcile jobs
    expect(
      unwrap(a.store.listOutbox({ status: 'pending', limit: 1000 })).jobs.filter((j) => j.kind === 'server.push')
        .length,
    ).toBe(localSeq(a) - 1);
    expect((await a.sync.syncOnce()).mode).toBe('connected');
    expect((await b.sync.syncOnce()).mode).toBe('connected');
    await a.sync.syncOnce();
    const seen = (p: TestPc) => unwrap(p.mirror.listVisits({ limit: 100 })).items.length;
    expect(seen(a)).toBe(8);
    expect(seen(b)).toBe(8);
    expect(
      unwrap(a.store.listOutbox({ status: 'pending', limit: 1000 })).jobs.filter((j) => j.kind === 'server.push'),
    ).toEqual([]);

    const c = await adminClient(pgs);
    try {
      const before = await count(c, 'SELECT max(rev) AS n FROM records');
      await a.sync.syncOnce();
      await b.sync.syncOnce();
      expect(await count(c, 'SELECT max(rev) AS n FROM records')).toBe(before);
      expect(await count(c, `SELECT count(*) AS n FROM records WHERE tbl = 'visits'`)).toBe(8);
      expect(await count(c, 'SELECT count(*) AS n FROM audit_log WHERE pc = $1', ['受付1'])).toBe(localSeq(a));
      expect(await verifyServerChain(c, '受付1')).toEqual({ ok: true, entries: localSeq(a) });
      expect(await verifyServerChain(c, '受付2')).toEqual({ ok: true, entries: localSeq(b) });
      // a row changed behind the chain's back is found
      await c.query(`UPDATE audit_log SET actor = 'someone' WHERE pc = '受付2' AND seq = 2`);
      expect(await verifyServerChain(c, '受付2')).toMatchObject({ ok: false, brokenAt: 2 });
    } finally {
      await c.end();
    }
  }, 60_000);

  it('the server stopped mid-push and restarted: nothing lost, nothing doubled', async () => {
    const a = await pc('受付3', { pushBatch: 20 });
    for (let i = 0; i < 600; i++) unwrap(a.store.saveVisit(makeVisit(i)));
    const c = await adminClient(pgs);
    let settled = false;
    const round = a.sync.syncOnce().finally(() => (settled = true));
    let head = 0;
    while (head === 0 && !settled) {
      head = await count(c, `SELECT coalesce(max(head_seq), 0) AS n FROM pcs WHERE pc = '受付3'`);
    }
    await c.end();
    pgs.stop();
    const r = await round;
    expect(head).toBeLessThan(localSeq(a));
    expect(r.mode).toBe('local');
    expect(r.code).toBe('SERVER_UNREACHABLE');
    expect(r.text).toBe('このPCのデータのみ');
    // the PC keeps working on its journal while the server is away
    unwrap(a.store.saveVisit(makeVisit(700)));
    expect(a.sync.readStore()).toBe(a.store);
    pgs.start();
    expect((await a.sync.syncOnce()).mode).toBe('connected');
    const c2 = await adminClient(pgs);
    try {
      expect(await count(c2, `SELECT count(*) AS n FROM audit_log WHERE pc = '受付3'`)).toBe(localSeq(a));
      expect(await count(c2, `SELECT count(*) AS n FROM records WHERE tbl = 'visits' AND pc = '受付3'`)).toBe(601);
      expect(await verifyServerChain(c2, '受付3')).toEqual({ ok: true, entries: localSeq(a) });
    } finally {
      await c2.end();
    }
  }, 120_000);

  it('a core SIGKILLed mid-push: the next start sends the rest, nothing lost, nothing doubled', async () => {
    const a = await pc('受付7');
    for (let i = 0; i < 400; i++) unwrap(a.store.saveVisit(makeVisit(i)));
    const total = localSeq(a);
    await a.close();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/push-child.ts'], {
      env: { ...process.env, SHIKAKU_DATA_DIR: a.dir, SHIKAKU_TEST_PG_PASSWORD: pgs.password },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const c = await adminClient(pgs);
    try {
      let head = 0;
      while (head === 0 && child.exitCode === null)
        head = await count(c, `SELECT coalesce(max(head_seq), 0) AS n FROM pcs WHERE pc = '受付7'`);
      process.kill(child.pid!, 'SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const atKill = await count(c, `SELECT head_seq AS n FROM pcs WHERE pc = '受付7'`);
      expect(atKill).toBeLessThan(total);
      const again = await pc('受付7', { dir: a.dir });
      expect((await again.sync.syncOnce()).mode).toBe('connected');
      expect(localSeq(again)).toBe(total + 1); // setting the server again is one more entry
      expect(await count(c, `SELECT count(*) AS n FROM audit_log WHERE pc = '受付7'`)).toBe(total + 1);
      expect(await count(c, `SELECT count(*) AS n FROM records WHERE tbl = 'visits' AND pc = '受付7'`)).toBe(400);
      expect(await verifyServerChain(c, '受付7')).toEqual({ ok: true, entries: total + 1 });
    } finally {
      await c.end();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('a wrong password or a server of a newer schema: a clear message, the PC stays on its journal', async () => {
    const bad = await pc('受付4', { password: 'wrong' });
    unwrap(bad.store.saveVisit(makeVisit(1)));
    const r = await bad.sync.syncOnce();
    expect(r).toMatchObject({ mode: 'local', code: 'SERVER_AUTH_FAILED', text: 'このPCのデータのみ' });
    expect(r.message).toContain('パスワードが違います');
    expect(r.message).not.toContain('wrong');
    expect(bad.sync.readStore()).toBe(bad.store);

    const c = await adminClient(pgs);
    try {
      await c.query(`INSERT INTO schema_migrations (id, name) VALUES (999, 'from a newer app')`);
      const newer = await pc('受付5');
      const n = await newer.sync.syncOnce();
      expect(n).toMatchObject({ mode: 'local', code: 'SERVER_SCHEMA_NEWER' });
      expect(n.message).toContain('新しいバージョン');
      expect(await count(c, `SELECT count(*) AS n FROM pcs WHERE pc = '受付5'`)).toBe(0);
      await c.query('DELETE FROM schema_migrations WHERE id = 999');
      expect((await newer.sync.syncOnce()).mode).toBe('connected');
    } finally {
      await c.end();
    }
  }, 60_000);

  it('a second journal under a PC name already taken is refused, not merged', async () => {
    const first = await pc('受付6');
    unwrap(first.store.saveVisit(makeVisit(1)));
    await first.sync.syncOnce();
    const second = await pc('受付6');
    unwrap(second.store.saveVisit(makeVisit(2)));
    expect(await second.sync.syncOnce()).toMatchObject({ mode: 'local', code: 'SERVER_PC_NAME_TAKEN' });
    expect(new ServerError('SERVER_PC_NAME_TAKEN').message).toContain('PC名');
  }, 60_000);
});
