// Pull from a real PostgreSQL (Debian's, started by the test): each PC's patient search, 事後確認 queue and
// visit detail over the clinic's data while the server is reachable, over its own journal when not (and says which);
// the month export identical from either PC; ordering by the server's time, not a PC's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import { memorySecretStore } from '../../src/main/core/server/client.ts';
import { exportMonth } from '../../src/main/core/reconcile/export.ts';
import { SERVER_SCHEMA_VERSION } from '../../src/main/core/server/schema.ts';
import { makeVisit, removeDir, unwrap } from '../store/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { openPc, serverSettings, type TestPc } from './helpers.ts';

let pgs: TestPostgres;
let a: TestPc;
let b: TestPc;

beforeAll(async () => {
  pgs = await startPostgres();
  a = await openPc(pgs, '受付1');
  b = await openPc(pgs, '受付2');
}, 60_000);

afterAll(async () => {
  for (const p of [a, b]) {
    await p?.close();
    if (p) removeDir(p.dir);
  }
  pgs?.destroy();
});

const patient = {
  patientId: 'P900001',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1950-04-01',
  sex: 'male' as const,
  postalCode: '',
  address: '',
  phone: '',
  insurance: { insurerNumber: '06130012', symbol: '1', number: '2', branch: '' },
  lastVisitDate: null,
};

function call(p: TestPc, secrets = memorySecretStore(pgs.password)) {
  return testDispatcher(testCoreDeps(p.store, p.dir, { clinic: p.sync, secrets }));
}

describe('clinic server pull', () => {
  it('a patient registered at 受付1 is found at 受付2; the queue and a visit’s detail span both PCs', async () => {
    unwrap(a.store.upsertPatient(patient, 'system'));
    const ids = [0, 1, 2].map((i) => unwrap(a.store.saveVisit(makeVisit(i))).id);
    const own = unwrap(b.store.saveVisit(makeVisit(3))).id;
    unwrap(a.store.recordReconciliation({ visitId: ids[0]!, decision: 'current', detail: {} }));
    await a.sync.syncOnce();
    expect((await b.sync.syncOnce()).text).toBe('院内サーバーに接続中');

    const found = (await call(b)('patients.search', { name: 'ﾔﾏﾀﾞ' })) as {
      ok: boolean;
      value: { patientId: string }[];
    };
    expect(found.ok).toBe(true);
    expect(found.value.map((p) => p.patientId)).toEqual(['P900001']);

    const list = (await call(b)('visits.list', { month: '2025-01' })) as {
      value: { items: { id: string; decision: string | null }[] };
    };
    expect(list.value.items.map((i) => i.id).sort()).toEqual([...ids, own].sort());
    expect(list.value.items.find((i) => i.id === ids[0])?.decision).toBe('current');
    const detail = (await call(b)('visits.get', { id: ids[1] })) as { ok: boolean };
    expect(detail.ok).toBe(true);
  }, 60_000);

  it('the month export is identical from either PC', async () => {
    await a.sync.syncOnce();
    await b.sync.syncOnce();
    const of = (p: TestPc) =>
      unwrap(exportMonth(p.sync.readStore(), '2025-01', 'csv', defaultClaimSettings, 'utf8')).file;
    const fa = of(a);
    const fb = of(b);
    expect(fa.ok).toBe(true);
    if (!fa.ok || !fb.ok) return;
    expect(fa.value.visitIds).toHaveLength(4);
    expect(Buffer.from(fb.value.bytes).equals(Buffer.from(fa.value.bytes))).toBe(true);
    // the PC's own journal alone has only its own visits
    const alone = unwrap(exportMonth(b.store, '2025-01', 'csv', defaultClaimSettings, 'utf8')).file;
    expect(alone.ok && alone.value.visitIds).toHaveLength(1);
  }, 60_000);

  it('「今月の請求データを作成」 on either PC: the same files over the clinic’s visits; a 返戻 of another PC marked there', async () => {
    // Every visit of the month decided on the PC that holds it.
    for (const p of [a, b]) {
      const mine = unwrap(p.store.listVisits({ month: '2025-01', limit: 100 })).items;
      for (const v of mine)
        if (!unwrap(p.store.latestReconciliation(v.id)))
          unwrap(p.store.recordReconciliation({ visitId: v.id, decision: 'current', detail: {} }));
    }
    for (let i = 0; i < 2; i++) for (const p of [a, b]) await p.sync.syncOnce();

    const exportOn = async (p: TestPc, month: string) => {
      const r = (await call(p)('claims.exportMonth', { month, encoding: 'utf8', staff: 'yamada' })) as {
        ok: boolean;
        value: {
          status: string;
          counts: { visits: number; reclaims: number };
          files: { name: string; base64: string }[];
        };
      };
      expect(r).toMatchObject({ ok: true, value: { status: 'ready' } });
      return r.value;
    };
    const fromA = await exportOn(a, '2025-01');
    const fromB = await exportOn(b, '2025-01');
    expect(fromA.counts.visits).toBe(4);
    expect(fromB.files.map((f) => [f.name, f.base64])).toEqual(fromA.files.map((f) => [f.name, f.base64]));
    // Audited in the exporting PC's own journal.
    expect(unwrap(a.store.listAudit({ entity: 'export' })).map((e) => e.action)).toContain('claims.export');

    // A 返戻 of a 受付2 visit, re-claimed in February's export made at 受付1: 受付2 marks it at its next round.
    const bVisit = unwrap(b.store.listVisits({ month: '2025-01', limit: 100 })).items[0]!.id;
    const ret = unwrap(
      b.store.addReturn({ visitId: bVisit, claimMonth: '2025-01', reason: '資格喪失', reclaimMonth: '2025-02' }),
    );
    unwrap(b.store.recordReconciliation({ visitId: bVisit, decision: 'current', detail: {} }));
    for (let i = 0; i < 2; i++) for (const p of [a, b]) await p.sync.syncOnce();
    expect((await exportOn(a, '2025-02')).counts.reclaims).toBe(1);
    await b.sync.syncOnce();
    expect(unwrap(b.store.listReturns({ visitId: bVisit })).find((r) => r.id === ret.id)).toMatchObject({
      status: 'reclaimed',
    });
  }, 60_000);

  it('with the server away each PC reads its own journal and says so; back, it catches up', async () => {
    pgs.stop();
    try {
      const s = await b.sync.syncOnce();
      expect(s).toMatchObject({ mode: 'local', text: 'このPCのデータのみ', code: 'SERVER_UNREACHABLE' });
      const found = (await call(b)('patients.search', { name: 'ﾔﾏﾀﾞ' })) as { value: unknown[] };
      expect(found.value).toEqual([]);
      unwrap(a.store.saveVisit(makeVisit(4)));
      const list = (await call(b)('visits.list', { month: '2025-01' })) as { value: { items: unknown[] } };
      expect(list.value.items).toHaveLength(1);
    } finally {
      pgs.start();
    }
    await a.sync.syncOnce();
    await b.sync.syncOnce();
    const list = (await call(b)('visits.list', { month: '2025-01' })) as { value: { items: unknown[] } };
    expect(list.value.items).toHaveLength(5);
  }, 60_000);

  it('a reconciliation’s order in the clinic data is the server’s time, not the PC’s clock', async () => {
    const skewed = Date.now() + 6 * 3600_000;
    const c = await openPc(pgs, '受付3', { clock: () => Date.now() + 6 * 3600_000 });
    try {
      const id = unwrap(c.store.saveVisit(makeVisit(5))).id;
      // 受付3's clock is six hours fast: its journal says so, the clinic data keeps the server's receive time
      const r = unwrap(c.store.recordReconciliation({ visitId: id, decision: 'past', detail: {} }));
      expect(r.createdAt).toBeGreaterThanOrEqual(skewed);
      const before = Date.now();
      await c.sync.syncOnce();
      await b.sync.syncOnce();
      const seen = unwrap(b.sync.readStore().latestReconciliation(id));
      expect(seen?.key).toBe(r.key);
      expect(seen!.createdAt).toBeLessThan(skewed - 3600_000);
      expect(seen!.createdAt).toBeGreaterThanOrEqual(before - 60_000);
    } finally {
      await c.close();
      removeDir(c.dir);
    }
  }, 60_000);

  it('設定: 「接続テスト」 says what is wrong; the password goes to the secret store, never the journal', async () => {
    const secrets = memorySecretStore(null);
    const send = call(b, secrets);
    const settings = serverSettings(pgs, '受付2');
    const none = (await send('server.test', { settings })) as { value: { ok: boolean; code: string } };
    expect(none.value).toMatchObject({ ok: false, code: 'SERVER_NO_PASSWORD' });
    const wrong = (await send('server.test', { settings, password: 'nope' })) as { value: { message: string } };
    expect(wrong.value).toMatchObject({ ok: false, code: 'SERVER_AUTH_FAILED' });
    const away = (await send('server.test', { settings: { ...settings, port: 1 }, password: 'x' })) as {
      value: { code: string };
    };
    expect(away.value.code).toBe('SERVER_UNREACHABLE');
    const good = (await send('server.test', { settings, password: pgs.password })) as {
      value: { ok: boolean; message: string; schemaVersion: number };
    };
    expect(good).toMatchObject({ value: { ok: true, schemaVersion: SERVER_SCHEMA_VERSION } });
    expect(good.value.message).toContain('接続できました');

    expect(await send('server.password', { password: pgs.password, staff: 'yamada' })).toMatchObject({ ok: true });
    expect(await secrets.get()).toBe(pgs.password);
    expect((await send('server.test', { settings })) as { value: { ok: boolean } }).toMatchObject({
      value: { ok: true },
    });
    const audit = unwrap(b.store.listAudit({ limit: 10_000 }));
    expect(audit.find((e) => e.action === 'server.password')?.detail).toEqual({ set: true });
    expect(JSON.stringify(audit)).not.toContain(pgs.password);
    expect(JSON.stringify(unwrap(b.store.getSetting('server')))).not.toContain(pgs.password);
    // a password given with the settings is not kept in the settings table
    unwrap(b.store.setSetting('server', { ...settings, password: 'leak-me' }, 'system'));
    expect(JSON.stringify(unwrap(b.store.getSetting('server')))).not.toContain('leak-me');

    await b.sync.syncOnce();
    expect(await send('server.status', {})).toMatchObject({
      ok: true,
      value: { mode: 'connected', text: '院内サーバーに接続中', pcName: '受付2' },
    });
  }, 60_000);
});
