// Returns (返戻, migration 2) and the reconciliation look-ups the export uses.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap, type Store } from './helpers.ts';

let dir: string;
let store: Store;
let now = Date.parse('2026-12-10T01:00:00Z');

beforeEach(async () => {
  dir = tempDir();
  now = Date.parse('2026-12-10T01:00:00Z');
  store = (await openTestStore(dir, { clock: () => now })).store;
});

afterEach(() => {
  store.close();
  removeDir(dir);
});

describe('returns (返戻)', () => {
  it('reopens the visit with a new outbox job per return, and lists and closes them', () => {
    const v = makeVisit(1, { serviceDate: '2026-11-05', receivedAt: '2026-11-05T09:00:00+09:00' });
    unwrap(store.saveVisit(v));
    unwrap(store.recordReconciliation({ visitId: v.id, decision: 'past', detail: { rule: 'terminal_invalid_past' } }));

    const r1 = unwrap(store.addReturn({ visitId: v.id, claimMonth: '2026-11', reason: '資格喪失', staff: 'yamada' }));
    // default re-claim month: the current month (Japan time), which is after the claim month
    expect(r1).toMatchObject({
      seq: 1,
      claimMonth: '2026-11',
      reclaimMonth: '2026-12',
      status: 'open',
      staff: 'yamada',
    });
    expect(r1.outboxKey).toBe(`${v.id}:reconcile:r1`);
    expect(unwrap(store.getVisit(v.id)).status).toBe('returned');
    const jobs = unwrap(store.listOutbox({ status: 'pending' })).jobs;
    expect(jobs.map((j) => [j.idempotencyKey, j.kind, j.visitId])).toEqual([
      [`${v.id}:reconcile`, 'reconcile', v.id],
      [r1.outboxKey, 'reconcile', v.id],
    ]);

    // a second return of the same visit (after its re-claim was returned too) gets r2
    const r2 = unwrap(
      store.addReturn({ visitId: v.id, claimMonth: '2026-12', reason: '再返戻', reclaimMonth: '2027-02' }),
    );
    expect(r2).toMatchObject({ seq: 2, outboxKey: `${v.id}:reconcile:r2`, reclaimMonth: '2027-02' });

    expect(unwrap(store.listReturns({ open: true })).map((r) => r.id)).toEqual([r1.id, r2.id]);
    expect(unwrap(store.listReturns({ reclaimMonth: '2027-02' })).map((r) => r.id)).toEqual([r2.id]);
    expect(unwrap(store.markReturnsReclaimed([r1.id], 'system'))).toBe(1);
    expect(unwrap(store.markReturnsReclaimed([r1.id], 'system'))).toBe(0);
    expect(unwrap(store.listReturns({ open: true })).map((r) => r.id)).toEqual([r2.id]);

    const actions = unwrap(store.listAudit({ entity: 'visit', entityId: v.id }))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.action);
    expect(actions).toEqual(['visit.create', 'visit.reconcile', 'visit.return', 'visit.return', 'return.reclaimed']);
    expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true });
    expect(unwrap(store.check()).tables.returns).toBe(2);
  });

  it('refuses what cannot be a return', () => {
    const v = makeVisit(2);
    unwrap(store.saveVisit(v));
    expect(store.addReturn({ visitId: 'nope', claimMonth: '2026-11', reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(store.addReturn({ visitId: v.id, claimMonth: '2026-11', reason: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      store.addReturn({ visitId: v.id, claimMonth: '2026-11', reclaimMonth: '2026-11', reason: 'x' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(store.addReturn({ visitId: v.id, claimMonth: '2026-11', reason: 'x', staff: 'ghost' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STAFF' },
    });
    // nothing was written by the refusals
    expect(unwrap(store.listReturns())).toEqual([]);
    expect(unwrap(store.getVisit(v.id)).status).toBe('pending');
    expect(unwrap(store.listOutbox()).counts.pending).toBe(1);
  });
});

describe('reconciliation look-ups', () => {
  it('finds the newest reconciliation of a visit and one by key', () => {
    const v = makeVisit(3);
    unwrap(store.saveVisit(v));
    expect(unwrap(store.latestReconciliation(v.id))).toBeNull();
    expect(unwrap(store.reconciliationByKey(`${v.id}:reconcile`))).toBeNull();
    unwrap(store.recordReconciliation({ visitId: v.id, decision: 'past', detail: { n: 1 } }));
    now += 1000;
    unwrap(
      store.recordReconciliation({ visitId: v.id, key: `${v.id}:reconcile:r1`, decision: 'current', detail: { n: 2 } }),
    );
    expect(unwrap(store.latestReconciliation(v.id))).toMatchObject({ decision: 'current', detail: { n: 2 } });
    expect(unwrap(store.reconciliationByKey(`${v.id}:reconcile`))).toMatchObject({
      decision: 'past',
      detail: { n: 1 },
    });
    expect(store.latestReconciliation('')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
