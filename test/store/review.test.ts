// Staff review of reconciliation decisions (Store.reviewVisit): each action records a new reconciliation row
// with an audit entry and moves the visit to 'reconciled'; bad input changes nothing; the month export claims
// what staff decided. Real store in a temp folder, visits from docs/examples.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { checkDigit } from '../../src/claims/insurer.ts';
import { parseCsv } from '../../src/claims/export.ts';
import type { TerminalFinding, Visit } from '../../src/claims/visit.ts';
import { claimSettingsOf } from '../../src/main/core/reconcile/claim.ts';
import { exportMonth } from '../../src/main/core/reconcile/export.ts';
import { isMyNumberLike } from '../../src/claims/mynumber.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { example, openTestStore, removeDir, tempDir, unwrap, visitWith } from '../reconcile/helpers.ts';
import { v7 as uuidv7 } from 'uuid';

const withCheck = (body: string) => body + String(checkDigit(body));
const KYOKAI = withCheck('0113001');
const OLD = { insurerNumber: '06132013', symbol: '1234', number: '567', branch: '01' };

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tempDir('shikaku-review-');
  store = await openTestStore(dir);
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

/** Records a reconciliation the way the reconciler does (decideClaim on the terminal's finding). */
function reconcile(visit: Visit, finding?: TerminalFinding) {
  const d = decideClaim(visit, claimSettingsOf(store), finding);
  const needs = d.needsDecision.map((n) => n.code);
  return unwrap(
    store.recordReconciliation({
      visitId: visit.id,
      decision: needs.length ? 'none' : d.basis,
      detail: { askedTerminal: true, finding: finding ?? null, basis: d.basis, rule: d.rule, needsDecision: needs },
      staff: SYSTEM_ACTOR,
    }),
  );
}

function save(v: Visit): Visit {
  unwrap(store.saveVisit(v));
  return v;
}

/** Everything a refused review must leave as it was. */
function snapshot(id: string) {
  return {
    status: unwrap(store.getVisit(id)).status,
    reconciliations: unwrap(store.listReconciliations(id)).length,
    audit: unwrap(store.listAudit({ entity: 'visit', entityId: id })).length,
  };
}

function lastAudit(id: string) {
  return unwrap(store.listAudit({ entity: 'visit', entityId: id }))[0]!; // newest first
}

function csvFor(month: string) {
  const r = unwrap(exportMonth(store, month, 'csv', claimSettingsOf(store), 'utf8'));
  if (!r.file.ok) throw new Error(r.file.errors.map((e) => e.message).join('\n'));
  const [header, ...rows] = parseCsv(r.file.value.text);
  return rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!])));
}

describe('reviewVisit', () => {
  it('accept: takes the proposed basis, acknowledges the reasons, audits, and the export claims it', () => {
    const v = save(visitWith(OLD));
    reconcile(v, { validity: 'multiple' });
    expect(unwrap(store.getVisit(v.id)).status).toBe('needs_review');
    // Before the review the month export refuses the visit.
    const refused = unwrap(exportMonth(store, '2026-11', 'csv', claimSettingsOf(store), 'utf8'));
    expect(refused.file.ok).toBe(false);

    const r = unwrap(store.reviewVisit({ visitId: v.id, action: 'accept', staff: '受付 一郎' }));
    expect(r.before).toBe('none');
    expect(r.reconciliation.decision).toBe('current');
    expect(r.reconciliation.key).toMatch(new RegExp(`^${v.id}:review:[0-9a-f-]{36}$`));
    expect(r.reconciliation.staff).toBe('uketsuke-01');
    expect(unwrap(store.getVisit(v.id)).status).toBe('reconciled');
    expect(unwrap(store.latestReconciliation(v.id))?.key).toBe(r.reconciliation.key);
    const a = lastAudit(v.id);
    expect(a).toMatchObject({ actor: 'uketsuke-01', action: 'visit.review' });
    expect(a.detail).toMatchObject({
      action: 'accept',
      before: 'none',
      after: 'current',
      acknowledged: ['MULTIPLE_MATCHES'],
    });

    const [row] = csvFor('2026-11');
    expect(row).toMatchObject({
      visit_id: v.id,
      basis: 'current',
      rule: 'staff_decision',
      insurer_number: OLD.insurerNumber,
    });
    expect(row!.needs_decision).toBe('');
  });

  it('choose_basis: needs a reason; ② uses the past record; the export writes 旧資格', () => {
    const v = save(visitWith({ insurerNumber: KYOKAI, symbol: '1', number: '2' }, { pastInsurance: OLD }));
    reconcile(v, { validity: 'multiple' });
    const before = snapshot(v.id);
    const noReason = store.reviewVisit({ visitId: v.id, action: 'choose_basis', basis: 'past', staff: 'uketsuke-01' });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'REVIEW_REASON_REQUIRED' } });
    expect(noReason.ok ? '' : noReason.error.message).toMatch(/理由/);
    const blank = store.reviewVisit({
      visitId: v.id,
      action: 'choose_basis',
      basis: 'past',
      reason: '　 ',
      staff: 'uketsuke-01',
    });
    expect(blank).toMatchObject({ ok: false, error: { code: 'REVIEW_REASON_REQUIRED' } });
    expect(snapshot(v.id)).toEqual(before);

    const r = unwrap(
      store.reviewVisit({
        visitId: v.id,
        action: 'choose_basis',
        basis: 'past',
        reason: '保険者に電話で確認、資格喪失済み',
        staff: 'uketsuke-01',
      }),
    );
    expect(r.reconciliation.decision).toBe('past');
    expect(lastAudit(v.id).detail).toMatchObject({
      action: 'choose_basis',
      reason: '保険者に電話で確認、資格喪失済み',
      before: 'none',
      after: 'past',
    });
    const [row] = csvFor('2026-11');
    expect(row).toMatchObject({ basis: 'past', remarks: '旧資格情報', insurer_number: OLD.insurerNumber });
  });

  it('choose_basis ③ on a 申立書 visit writes the 不詳 fill and the contact 摘要', () => {
    const v = save({ ...example('declaration-unknown'), id: uuidv7() });
    reconcile(v);
    unwrap(
      store.reviewVisit({
        visitId: v.id,
        action: 'choose_basis',
        basis: 'unknown',
        reason: '確認できず',
        staff: 'uketsuke-01',
      }),
    );
    const rows = csvFor(v.serviceDate.slice(0, 7));
    const row = rows.find((x) => x.visit_id === v.id)!;
    expect(row.basis).toBe('unknown');
    expect(row.remarks).toMatch(/住所：/);
  });

  it('towards ③ without 住所 or 連絡先: refused with the reason (accept too); typed ones reach the 摘要', () => {
    const base = example('declaration-unknown');
    const v = save({
      ...base,
      id: uuidv7(),
      patient: { ...base.patient, address: '', phone: '' },
      evidence: { ...base.evidence, declaration: { ...base.evidence.declaration!, address: '', phone: '' } },
    });
    reconcile(v);
    const before = snapshot(v.id);
    const choose = {
      visitId: v.id,
      action: 'choose_basis',
      basis: 'unknown',
      reason: '確認できず',
      staff: 'uketsuke-01',
    } as const;
    const refused = store.reviewVisit(choose);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_UNKNOWN_NO_CONTACT', message: expect.stringContaining('住所と連絡先') },
    });
    expect(store.reviewVisit({ visitId: v.id, action: 'accept', staff: 'uketsuke-01' })).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_UNKNOWN_NO_CONTACT' },
    });
    // Only one of the two is not enough.
    expect(store.reviewVisit({ ...choose, contact: { address: '東京都中野区中野2-2-2' } })).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_UNKNOWN_NO_CONTACT' },
    });
    expect(snapshot(v.id)).toEqual(before);

    unwrap(store.reviewVisit({ ...choose, contact: { address: ' 東京都中野区中野2-2-2 ', phone: '090-9999-0000' } }));
    const row = csvFor(v.serviceDate.slice(0, 7)).find((x) => x.visit_id === v.id)!;
    expect(row.basis).toBe('unknown');
    expect(row.remarks).toBe('不詳 / 住所：東京都中野区中野2-2-2 / 連絡先：090-9999-0000');
    expect(lastAudit(v.id).detail).toMatchObject({ action: 'choose_basis', after: 'unknown' });
  });

  it('choose_basis without numbers for the basis is refused, nothing changed', () => {
    const v = save({ ...example('declaration-unknown'), id: uuidv7() });
    reconcile(v);
    const before = snapshot(v.id);
    const r = store.reviewVisit({
      visitId: v.id,
      action: 'choose_basis',
      basis: 'past',
      reason: 'x',
      staff: 'uketsuke-01',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'REVIEW_NO_NUMBERS' } });
    expect(snapshot(v.id)).toEqual(before);
  });

  it('edit_numbers: check digit validated; the corrected numbers are what the export writes', () => {
    const v = save(visitWith(OLD));
    reconcile(v, { validity: 'not_found' });
    const before = snapshot(v.id);
    const wrong = KYOKAI.slice(0, 7) + String((Number(KYOKAI[7]) + 1) % 10);
    const bad = store.reviewVisit({
      visitId: v.id,
      action: 'edit_numbers',
      numbers: { insurerNumber: wrong, symbol: '12', number: '34' },
      reason: '保険証を再確認',
      staff: 'uketsuke-01',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'REVIEW_INVALID_NUMBERS' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/検証番号/);
    const noReason = store.reviewVisit({
      visitId: v.id,
      action: 'edit_numbers',
      numbers: { insurerNumber: KYOKAI, symbol: '12', number: '34' },
      staff: 'uketsuke-01',
    });
    expect(noReason).toMatchObject({ ok: false, error: { code: 'REVIEW_REASON_REQUIRED' } });
    expect(snapshot(v.id)).toEqual(before);

    const r = unwrap(
      store.reviewVisit({
        visitId: v.id,
        action: 'edit_numbers',
        numbers: { insurerNumber: `０${KYOKAI.slice(1)}`, symbol: '１２', number: '3-4', branch: '1' },
        reason: '保険証を再確認',
        staff: 'uketsuke-01',
      }),
    );
    expect(r.reconciliation.decision).toBe('current');
    expect(r.reconciliation.detail.review).toMatchObject({
      numbers: { insurerNumber: KYOKAI, symbol: '12', number: '3-4', branch: '01' },
    });
    const [row] = csvFor('2026-11');
    expect(row).toMatchObject({ basis: 'current', insurer_number: KYOKAI, symbol: '12', number: '3-4', branch: '01' });
  });

  it('manual_lookup: found → ① with the numbers; not found → ③', () => {
    const a = save({ ...example('declaration-unknown'), id: uuidv7() });
    const b = save({ ...example('declaration-unknown'), id: uuidv7() });
    reconcile(a);
    reconcile(b);
    const missing = store.reviewVisit({ visitId: a.id, action: 'manual_lookup', found: true, staff: 'uketsuke-01' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'REVIEW_INVALID_NUMBERS' } });
    const found = unwrap(
      store.reviewVisit({
        visitId: a.id,
        action: 'manual_lookup',
        found: true,
        numbers: { insurerNumber: KYOKAI, symbol: '7', number: '8' },
        staff: 'uketsuke-01',
      }),
    );
    expect(found.reconciliation.decision).toBe('current');
    const none = unwrap(
      store.reviewVisit({ visitId: b.id, action: 'manual_lookup', found: false, staff: 'uketsuke-01' }),
    );
    expect(none.reconciliation.decision).toBe('unknown');
    expect(lastAudit(b.id).detail).toMatchObject({ action: 'manual_lookup', after: 'unknown' });
    const rows = csvFor(a.serviceDate.slice(0, 7));
    expect(rows.find((x) => x.visit_id === a.id)).toMatchObject({ basis: 'current', insurer_number: KYOKAI });
    expect(rows.find((x) => x.visit_id === b.id)).toMatchObject({ basis: 'unknown' });
  });

  it('a visit id whose digit groups pass the 個人番号 check digit never blocks a review (ids are not numbers)', () => {
    // UUIDv7 groups 2-4 all digits and check-digit valid: the previous key `<id>:reconcile` in the detail holds them
    const g = (n: number) => String(n).padStart(4, '0');
    let id = '';
    for (let n = 0; !id; n++) {
      const mid = [g(1000 + n), '7123', '8456'];
      if (isMyNumberLike(mid.join(''))) id = `0190f000-${mid.join('-')}-000000000a01`;
    }
    expect(isMyNumberLike(id.slice(9, 23).replace(/-/g, ''))).toBe(true);
    const v = save({ ...visitWith(OLD), id });
    reconcile(v, { validity: 'multiple' });
    const r = unwrap(store.reviewVisit({ visitId: id, action: 'accept', staff: 'uketsuke-01' }));
    expect(r.reconciliation.detail.review).toMatchObject({ previous: { key: `${id}:reconcile` } });
    // a bare number still is refused
    expect(
      store.reviewVisit({ visitId: id, action: 'accept', reason: id.slice(9, 23), staff: 'uketsuke-01' }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_MY_NUMBER' } });
  });

  it('refuses unknown staff, the system actor, accept without a reconciliation, void visits, bad shapes', () => {
    const v = save(visitWith(OLD));
    const before = snapshot(v.id);
    expect(store.reviewVisit({ visitId: v.id, action: 'accept', staff: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_STAFF' },
    });
    expect(store.reviewVisit({ visitId: v.id, action: 'accept', staff: SYSTEM_ACTOR })).toMatchObject({ ok: false });
    expect(store.reviewVisit({ visitId: v.id, action: 'accept', staff: 'uketsuke-01' })).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_NOTHING_TO_ACCEPT' },
    });
    expect(store.reviewVisit({ visitId: v.id, action: 'nope', staff: 'uketsuke-01' } as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(snapshot(v.id)).toEqual(before);
    unwrap(store.setVisitStatus(v.id, 'void', 'uketsuke-01', 'test'));
    expect(
      store.reviewVisit({ visitId: v.id, action: 'choose_basis', basis: 'current', reason: 'x', staff: 'uketsuke-01' }),
    ).toMatchObject({ ok: false, error: { code: 'REVIEW_NOT_ALLOWED' } });
  });

  it('a dead reconcile job is listed as 送信不可 and closed by the review; categories are counted', () => {
    const dead = save(visitWith(OLD));
    const needs = save(visitWith(OLD));
    const done = save(visitWith(OLD));
    save(visitWith(OLD)); // stays 未確認
    reconcile(needs, { validity: 'multiple' });
    reconcile(done, { validity: 'valid', insurance: OLD });
    for (const job of unwrap(store.claimOutbox({ limit: 10 }))) {
      if (job.visitId === dead.id)
        unwrap(store.failOutbox(job.id, job.leaseToken!, { permanent: true, code: 'X', message: 'broken' }));
      else if (job.visitId !== dead.id) unwrap(store.completeOutbox(job.id, job.leaseToken!));
    }
    const all = unwrap(store.listVisits({ withCounts: true }));
    expect(all.counts).toEqual({ unconfirmed: 1, needs_review: 1, confirmed: 1, dead: 1 });
    const deadList = unwrap(store.listVisits({ category: 'dead' }));
    expect(deadList.items.map((i) => i.id)).toEqual([dead.id]);
    expect(deadList.items[0]!.job).toMatchObject({ status: 'dead', attempts: 1, lastErrorCode: 'X' });
    const needList = unwrap(store.listVisits({ category: 'needs_review' })).items;
    expect(needList[0]).toMatchObject({ id: needs.id, decision: 'none', needsDecision: ['MULTIPLE_MATCHES'] });

    const r = unwrap(
      store.reviewVisit({
        visitId: dead.id,
        action: 'choose_basis',
        basis: 'current',
        reason: '保険証で確認済み',
        staff: 'uketsuke-01',
      }),
    );
    expect(r).toMatchObject({ before: null, closedJobs: 1 });
    expect(lastAudit(dead.id).detail).toMatchObject({ closedJobs: [':reconcile'] });
    expect(unwrap(store.listVisits({ withCounts: true })).counts).toEqual({
      unconfirmed: 1,
      needs_review: 1,
      confirmed: 2,
      dead: 0,
    });
    expect(unwrap(store.verifyAudit()).ok).toBe(true);
  });
});
