// The wizard's 事前確認 rules (no browser): the option offered only for a fresh, trusted answer and an identified
// person; its steps (no numbers to type, the 負担割合 from the answer); the visit it saves (① numbers, the answer's
// file named, copay source 'terminal'); a stale answer kept as past numbers only.
import { describe, expect, it } from 'vitest';
import { decideClaim } from '../../src/claims/decide.ts';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import { Visit } from '../../src/claims/visit.ts';
import type { PrecheckAnswerView } from '../../src/main/contract.ts';
import {
  emptyPatient,
  newWizard,
  offeredEvidence,
  stepsFor,
  type ReceptionState,
} from '../../src/renderer/reception/model.ts';
import { choicesFor, evidenceKey, visitFor } from '../../src/renderer/reception/steps.ts';

const NOW = new Date('2026-12-06T09:00:00+09:00');
const answer = (over: Partial<NonNullable<PrecheckAnswerView>> = {}): NonNullable<PrecheckAnswerView> => ({
  fetchedAt: Date.parse('2026-12-06T07:30:00+09:00'),
  fresh: true,
  usable: true,
  changed: false,
  validity: 'valid',
  current: { insurerNumber: '06132013', symbol: '1234', number: '500', branch: '01' },
  asked: { insurerNumber: '06132013', symbol: '1234', number: '500', branch: '01' },
  copayPercent: 20,
  sha256: 'a'.repeat(64),
  rowId: '1',
  ...over,
});

function state(pre: PrecheckAnswerView, identity: 'visual' | 'none' = 'visual'): ReceptionState {
  const w = newWizard('terminal_fault', NOW);
  return {
    staff: 'uketsuke-01',
    staffList: [],
    patient: {
      ...emptyPatient(),
      name: '予約 一郎',
      nameKana: 'ヨヤク イチロウ',
      birthText: '1970-01-01',
      sex: 'male',
    },
    past: null,
    editing: true,
    wizard: { ...w, identity, identityConfirmedAt: '2026-12-06T09:00:00+09:00', visualConfirmed: true, precheck: pre },
    wizardOpen: true,
    saved: null,
  };
}

describe('事前確認 in the wizard', () => {
  it('is offered (key 8) for a fresh answer with current numbers and an identified person only', () => {
    expect(offeredEvidence('visual', null, null, answer())).toContain('precheck');
    expect(evidenceKey('precheck')).toBe('8');
    expect(offeredEvidence('none', null, null, answer())).not.toContain('precheck');
    expect(offeredEvidence('visual', null, null, answer({ fresh: false }))).not.toContain('precheck');
    expect(offeredEvidence('visual', null, null, answer({ usable: false }))).not.toContain('precheck');
    expect(offeredEvidence('visual', null, null, answer({ validity: 'invalid', current: null }))).not.toContain(
      'precheck',
    );
    expect(offeredEvidence('visual', null, null, null)).not.toContain('precheck');
    const s = state(answer());
    expect(choicesFor(s, { ...s.wizard!, step: 'evidenceKind' }).map((c) => c.key)).toContain('8');
  });

  it('goes cause → identity → evidence → summary, saving ① numbers with the answer’s 負担割合', () => {
    const s = state(answer());
    const w = { ...s.wizard!, evidence: 'precheck' as const };
    expect(stepsFor(w)).toEqual(['cause', 'identity', 'evidenceKind', 'summary']);
    const v = Visit.parse(visitFor(s, w));
    expect(v.evidence).toEqual({
      kind: 'precheck',
      insurance: { insurerNumber: '06132013', symbol: '1234', number: '500', branch: '01' },
      precheck: { fetchedAt: '2026-12-05T22:30:00.000Z', answerSha256: 'a'.repeat(64), rowId: '1' },
    });
    expect(v.copay).toMatchObject({ percent: 20, source: 'terminal' });
    const claim = decideClaim(v, defaultClaimSettings);
    expect(claim).toMatchObject({ basis: 'current', rule: 'evidence_current', needsDecision: [] });
    // Without a 負担割合 in the answer, the 負担割合 step is asked as usual.
    expect(stepsFor({ ...w, precheck: answer({ copayPercent: null }) })).toContain('copay');
  });

  it('a stale answer is kept as past numbers only', () => {
    const s = state(answer({ fresh: false }));
    const v = visitFor(s, { ...s.wizard!, evidence: 'declaration' });
    expect(v.pastInsurance).toEqual(answer().current);
    expect(v.evidence.kind).toBe('declaration');
  });
});
