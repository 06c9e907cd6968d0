// The core's handlers by domain (src/main/core/handlers), through the real dispatcher and a real store: the
// 事後確認 queue and review panel read a reconciliation's detail with parseReconciliationDetail, and an answer the
// reconciler could not trust (#13: answerProblems) shows its Japanese reason in the listing, the proposal and the
// claim until staff decide.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileMessages } from '../../src/main/core/reconcile/messages.ts';
import { SYSTEM_ACTOR, type Store } from '../../src/main/core/store/index.ts';
import { openTestStore, removeDir, tempDir, unwrap, visitWith } from '../reconcile/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = tempDir('shikaku-handlers-');
  store = await openTestStore(dataDir);
});

afterEach(() => {
  store.close();
  removeDir(dataDir);
});

function dispatcher() {
  const call = testDispatcher(testCoreDeps(store, dataDir));
  return async (name: string, input: unknown) => {
    const r = await call(name, input);
    if (!r?.ok) throw new Error(`${name} failed: ${JSON.stringify(r)}`);
    // (checked against the contract by the dispatcher; the test reads fields by name)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return r.value as any;
  };
}

describe('事後確認 handlers and the answer check (#13)', () => {
  it('show an untrusted answer’s reason in Japanese until staff decide, then claim the numbers they chose', async () => {
    const asked = { insurerNumber: '06132013', symbol: '3-200457', number: '567', branch: '01' };
    const visit = visitWith(asked);
    unwrap(store.saveVisit(visit));
    // What the reconciler records for a result row whose 記号 came back as 3@200457 (reconcile/single.ts).
    unwrap(
      store.recordReconciliation({
        visitId: visit.id,
        key: `${visit.id}:reconcile`,
        decision: 'none',
        staff: SYSTEM_ACTOR,
        detail: {
          askedTerminal: true,
          via: 'single',
          query: asked,
          validity: 'valid',
          finding: { validity: 'valid', insurance: { ...asked, symbol: '3@200457' } },
          answerProblems: [{ part: 'result', field: 'symbol', kind: 'invalid' }],
          basis: 'current',
          rule: 'terminal_valid',
          needsDecision: ['ANSWER_SYMBOL_INVALID'],
          warnings: [],
        },
      }),
    );
    const call = dispatcher();
    const reason = { code: 'ANSWER_SYMBOL_INVALID', message: reconcileMessages.ANSWER_SYMBOL_INVALID };

    const list = await call('visits.list', { category: 'needs_review' });
    expect(list.items).toMatchObject([{ id: visit.id, status: 'needs_review', decision: 'none' }]);
    expect(list.items[0].needsDecision).toEqual([reason]);

    const before = await call('visits.get', { id: visit.id });
    expect(before.proposal.needsDecision).toEqual([reason]);
    expect(before.claim.needsDecision).toEqual([reason]);
    expect(before.finding).toMatchObject({ insurance: { symbol: '3@200457' } });

    await call('visits.review', {
      visitId: visit.id,
      staff: 'uketsuke-01',
      action: 'edit_numbers',
      numbers: asked,
      reason: '保険証で確認',
    });
    const after = await call('visits.get', { id: visit.id });
    expect(after.proposal.needsDecision).toEqual([]);
    expect(after.claim).toMatchObject({ basis: 'current', needsDecision: [], numbers: { symbol: '3-200457' } });
    expect(after.reconciliations.at(-1)).toMatchObject({ review: { action: 'edit_numbers', reason: '保険証で確認' } });
  });
});
