// Outbox: lease, expiry reclaim, backoff with jitter bounds, transient vs permanent, dead after the cap.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_OUTBOX_POLICY, type Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let store: Store;
let now = Date.parse('2025-03-10T00:00:00Z');
let rnd = 0.5;
const policy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 4, leaseMs: 30_000 };

beforeEach(async () => {
  dir = tempDir();
  now = Date.parse('2025-03-10T00:00:00Z');
  rnd = 0.5;
  store = (await openTestStore(dir, { clock: () => now, random: () => rnd, outboxPolicy: policy })).store;
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

function saveOne(i = 0): string {
  const v = makeVisit(i);
  unwrap(store.saveVisit(v));
  return v.id;
}

describe('outbox', () => {
  it('leases a job to one consumer; an expired lease is reclaimable and the old token is refused', () => {
    const visitId = saveOne();
    const [a] = unwrap(store.claimOutbox());
    expect(a).toMatchObject({ visitId, status: 'inflight', attempts: 1, leaseUntil: now + policy.leaseMs });
    expect(unwrap(store.claimOutbox())).toEqual([]); // leased

    now += policy.leaseMs; // the consumer died; the lease runs out
    const [b] = unwrap(store.claimOutbox());
    expect(b).toMatchObject({ id: a!.id, attempts: 2 });
    expect(b!.leaseToken).not.toBe(a!.leaseToken);

    expect(store.completeOutbox(a!.id, a!.leaseToken!)).toMatchObject({ ok: false, error: { code: 'LEASE_LOST' } });
    expect(unwrap(store.completeOutbox(b!.id, b!.leaseToken!))).toMatchObject({ status: 'done', doneAt: now });
    expect(unwrap(store.listOutbox()).counts).toEqual({ pending: 0, inflight: 0, done: 1, dead: 0 });
    now += policy.leaseMs * 10;
    expect(unwrap(store.claimOutbox())).toEqual([]); // done stays done
  });

  it('backs off exponentially after transient failures, within the jitter bounds', () => {
    saveOne();
    const delays: number[] = [];
    for (let attempt = 1; attempt < policy.maxAttempts; attempt++) {
      rnd = attempt % 2 ? 0 : 0.999999;
      const [job] = unwrap(store.claimOutbox());
      expect(job!.attempts).toBe(attempt);
      const failed = unwrap(
        store.failOutbox(job!.id, job!.leaseToken!, {
          permanent: false,
          code: 'TERMINAL_TIMEOUT',
          message: 'no res file',
        }),
      );
      expect(failed.status).toBe('pending');
      const delay = failed.nextAttemptAt - now;
      const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(nominal / 2);
      expect(delay).toBeLessThanOrEqual(nominal);
      delays.push(delay);
      expect(unwrap(store.claimOutbox())).toEqual([]); // not due yet
      now = failed.nextAttemptAt;
    }
    expect(delays).toEqual([500, 2000, 2000]); // rnd 0 → d/2, rnd ≈1 → d
  });

  it('backoffDelay stays within [d/2, d] and is capped', () => {
    for (let attempts = 1; attempts <= 30; attempts++) {
      const d = Math.min(DEFAULT_OUTBOX_POLICY.maxDelayMs, DEFAULT_OUTBOX_POLICY.baseDelayMs * 2 ** (attempts - 1));
      for (const r of [0, 0.25, 0.999999]) {
        const x = backoffDelay(attempts, DEFAULT_OUTBOX_POLICY, () => r);
        expect(x).toBeGreaterThanOrEqual(d / 2);
        expect(x).toBeLessThanOrEqual(d);
      }
    }
    expect(backoffDelay(30, DEFAULT_OUTBOX_POLICY, () => 0.999999)).toBeLessThanOrEqual(
      DEFAULT_OUTBOX_POLICY.maxDelayMs,
    );
  });

  it('a permanent failure makes the job dead at once; staff can requeue it', () => {
    saveOne();
    const [job] = unwrap(store.claimOutbox());
    const dead = unwrap(
      store.failOutbox(job!.id, job!.leaseToken!, { permanent: true, code: 'MALFORMED', message: 'bad answer' }),
    );
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'MALFORMED' });
    now += 10 * policy.maxDelayMs;
    expect(unwrap(store.claimOutbox())).toEqual([]);
    expect(unwrap(store.listOutbox({ status: 'dead' })).jobs.map((j) => j.id)).toEqual([job!.id]);
    expect(store.requeueOutbox(job!.id, 'nobody')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
    expect(unwrap(store.requeueOutbox(job!.id, 'yamada'))).toMatchObject({ status: 'pending', attempts: 0 });
    expect(unwrap(store.claimOutbox())).toHaveLength(1);
  });

  it('transient failures past the attempt cap make the job dead, with an audit entry', () => {
    saveOne();
    let last;
    for (let i = 0; i < policy.maxAttempts; i++) {
      const [job] = unwrap(store.claimOutbox());
      expect(job).toBeDefined();
      last = unwrap(store.failOutbox(job!.id, job!.leaseToken!, { permanent: false, code: 'TIMEOUT', message: 't' }));
      now = Math.max(now, last.nextAttemptAt);
    }
    expect(last).toMatchObject({ status: 'dead', attempts: policy.maxAttempts });
    expect(unwrap(store.listOutbox()).counts).toEqual({ pending: 0, inflight: 0, done: 0, dead: 1 });
    expect(unwrap(store.listAudit({ entity: 'outbox' })).map((e) => e.action)).toEqual(['outbox.dead']);
  });

  it('a claimed job released unworked is due at once, its attempt not counted; lease-checked and idempotent', () => {
    const visitId = saveOne();
    // a job that failed once before, then due again
    const [first] = unwrap(store.claimOutbox());
    unwrap(store.failOutbox(first!.id, first!.leaseToken!, { permanent: false, code: 'TIMEOUT', message: 't' }));
    now += policy.maxDelayMs;
    const [job] = unwrap(store.claimOutbox());
    expect(job).toMatchObject({ visitId, status: 'inflight', attempts: 2 });
    const audits = unwrap(store.listAudit()).length;

    expect(store.releaseOutbox(job!.id, first!.leaseToken!)).toMatchObject({
      ok: false,
      error: { code: 'LEASE_LOST' },
    });
    const released = unwrap(store.releaseOutbox(job!.id, job!.leaseToken!));
    expect(released).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: now, leaseToken: null });
    expect(released.leaseUntil).toBeNull();
    expect(released.lastErrorCode).toBe('TIMEOUT'); // the last real failure is kept
    // again: nothing changes
    expect(unwrap(store.releaseOutbox(job!.id, job!.leaseToken!))).toEqual(released);
    expect(unwrap(store.listAudit()).length).toBe(audits);
    // claimable at once (same clock), and the old token completes nothing
    const [again] = unwrap(store.claimOutbox());
    expect(again).toMatchObject({ id: job!.id, attempts: 2 });
    expect(store.completeOutbox(job!.id, job!.leaseToken!)).toMatchObject({ ok: false, error: { code: 'LEASE_LOST' } });
    expect(store.releaseOutbox(job!.id, job!.leaseToken!)).toMatchObject({ ok: false, error: { code: 'LEASE_LOST' } });
    unwrap(store.completeOutbox(again!.id, again!.leaseToken!));
    expect(store.releaseOutbox(again!.id, again!.leaseToken!)).toMatchObject({
      ok: false,
      error: { code: 'LEASE_LOST' },
    });
    expect(store.releaseOutbox(999_999, again!.leaseToken!)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(store.releaseOutbox(job!.id, '')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('claims due jobs in order, up to the limit', () => {
    const ids = [saveOne(1), saveOne(2), saveOne(3)];
    const first = unwrap(store.claimOutbox({ limit: 2 }));
    expect(first.map((j) => j.visitId)).toEqual(ids.slice(0, 2));
    expect(unwrap(store.claimOutbox({ limit: 2 })).map((j) => j.visitId)).toEqual(ids.slice(2));
    expect(unwrap(store.claimOutbox({ kinds: ['other'] }))).toEqual([]);
  });
});
