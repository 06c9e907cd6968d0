// Reviews on any PC (real PostgreSQL): a review of a visit another PC holds is checked on the reviewing PC, handed
// over through the server and recorded by the owning PC in its journal (who and where in the audit); of two
// reviews of one visit the later one (server order) wins and both stay in the audit; a redelivery records nothing
// twice; a review the rules refuse is refused at once on the reviewing PC and nothing is handed over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { STAFF as RECEPTION_STAFF, visitWith } from '../reconcile/helpers.ts';
import { removeDir, STAFF, unwrap } from '../store/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { adminClient, count, openPc, type TestPc } from './helpers.ts';

let pgs: TestPostgres;
let a: TestPc;
let b: TestPc;
let c: TestPc;

beforeAll(async () => {
  pgs = await startPostgres();
  a = await openPc(pgs, '受付1');
  b = await openPc(pgs, '受付2');
  c = await openPc(pgs, '受付3');
  // 受付2 (the owner) knows none of the reviewers: who reviewed is carried with the review.
  for (const p of [a, c]) unwrap(p.store.setStaff(STAFF, SYSTEM_ACTOR));
  unwrap(b.store.setStaff(RECEPTION_STAFF, SYSTEM_ACTOR));
}, 60_000);

afterAll(async () => {
  for (const p of [a, b, c]) {
    await p?.close();
    if (p) removeDir(p.dir);
  }
  pgs?.destroy();
});

const numbers = (number: string) => ({ insurerNumber: '06132013', symbol: '1234', number, branch: '01' });

function call(p: TestPc) {
  return testDispatcher(testCoreDeps(p.store, p.dir, { clinic: p.sync }));
}

/** Two rounds on every PC: what one pushed, the others have pulled. */
async function syncAll(): Promise<void> {
  for (let i = 0; i < 2; i++) for (const p of [a, b, c]) await p.sync.syncOnce();
}

describe('reviews on any PC', () => {
  it('a review made at 受付1 of a 受付2 visit is recorded by 受付2; the later of two reviews wins', async () => {
    const visit = unwrap(b.store.saveVisit(visitWith(numbers('1001'))));
    await syncAll();
    expect(a.sync.status().mode).toBe('connected');
    // 受付1 does not hold the visit: its own journal would refuse; the clinic's data has it.
    expect(a.store.getVisit(visit.id).ok).toBe(false);

    const first = await call(a)('visits.review', {
      visitId: visit.id,
      staff: 'yamada',
      action: 'choose_basis',
      basis: 'current',
      reason: '保険証で確認',
    });
    expect(first).toMatchObject({ ok: true, value: { forwardedTo: '受付2', decision: 'current', key: '' } });
    // Not recorded yet anywhere: the owning PC records it at its next round.
    expect(unwrap(b.store.latestReconciliation(visit.id))).toBeNull();

    const second = await call(c)('visits.review', {
      visitId: visit.id,
      staff: 'suzuki',
      action: 'choose_basis',
      basis: 'unknown',
      reason: '資格確認できず',
      contact: { address: '東京都千代田区1-1', phone: '03-0000-0000' },
    });
    expect(second).toMatchObject({ ok: true, value: { forwardedTo: '受付2', decision: 'unknown' } });

    await b.sync.syncOnce(); // records both, in the server's order
    const history = unwrap(b.store.listReconciliations(visit.id));
    expect(history.map((r) => r.decision)).toEqual(['current', 'unknown']);
    expect(unwrap(b.store.latestReconciliation(visit.id))!.decision).toBe('unknown');
    const audit = unwrap(b.store.listAudit({ entity: 'visit', entityId: visit.id })).filter(
      (e) => e.action === 'visit.review',
    );
    expect(
      audit.reverse().map((e) => (e.detail as { forwarded: { pc: string; staffName: string } }).forwarded),
    ).toMatchObject([
      { pc: '受付1', staffName: '山田 花子' },
      { pc: '受付3', staffName: '鈴木 一郎' },
    ]);

    // Every PC sees the result after the owner's push and their pull.
    await b.sync.syncOnce();
    await a.sync.syncOnce();
    const seen = (await call(a)('visits.get', { id: visit.id })) as { ok: boolean; value: { status: string } };
    expect(seen).toMatchObject({ ok: true, value: { status: 'reconciled' } });

    // A redelivery (the owner crashed before marking them applied) records nothing twice.
    const admin = await adminClient(pgs);
    try {
      await admin.query('UPDATE forwarded_actions SET applied_at = NULL, outcome = NULL');
      await b.sync.syncOnce();
      expect(unwrap(b.store.listReconciliations(visit.id))).toHaveLength(2);
      expect(await count(admin, 'SELECT count(*) AS n FROM forwarded_actions WHERE applied_at IS NULL')).toBe(0);
    } finally {
      await admin.end();
    }
  }, 60_000);

  it('a review the rules refuse is refused on the reviewing PC and nothing is handed over', async () => {
    const visit = unwrap(b.store.saveVisit(visitWith(numbers('1002'))));
    await syncAll();
    const admin = await adminClient(pgs);
    try {
      const before = await count(admin, 'SELECT count(*) AS n FROM forwarded_actions');
      const noReason = await call(a)('visits.review', {
        visitId: visit.id,
        staff: 'yamada',
        action: 'choose_basis',
        basis: 'current',
      });
      expect(noReason).toMatchObject({ ok: false, error: { code: 'REVIEW_REASON_REQUIRED' } });
      // numbers that fail their check
      const badNumbers = await call(a)('visits.review', {
        visitId: visit.id,
        staff: 'yamada',
        action: 'edit_numbers',
        numbers: { insurerNumber: '06132014', symbol: '1234', number: '1002', branch: '01' },
        reason: '保険証で確認',
      });
      expect(badNumbers).toMatchObject({ ok: false, error: { code: 'REVIEW_INVALID_NUMBERS' } });
      const unknownStaff = await call(a)('visits.review', {
        visitId: visit.id,
        staff: 'nobody',
        action: 'choose_basis',
        basis: 'current',
        reason: '保険証で確認',
      });
      expect(unknownStaff).toMatchObject({ ok: false });
      expect(await count(admin, 'SELECT count(*) AS n FROM forwarded_actions')).toBe(before);
    } finally {
      await admin.end();
    }
  }, 60_000);
});
