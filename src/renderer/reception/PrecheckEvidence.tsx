// 事前確認 in the wizard (docs/precheck.md): the patient's newest answer, looked up when the wizard opens; the
// evidence option 「事前確認済み（12月6日 07:30 取得）」 with the answer's numbers and 負担割合 beside it; a stale
// answer shown as past numbers only; a 資格 that changed since the last visit flagged on every step.
import { useEffect } from 'react';
import type { EvidenceKind } from '../../claims/visit.ts';
import { call } from '../api.ts';
import { strings } from '../strings.ts';
import { patchWizard, precheckCopay, precheckUsable, typedDate, useReception, type WizardDraft } from './model.ts';

const numbersText = (n: { insurerNumber: string; symbol: string; number: string; branch: string }): string =>
  strings.summaryNumbers(n);

/** Looks up the patient's newest 事前確認 answer once the wizard is open (nothing offered when it fails). */
export function usePrecheckLookup(): void {
  useEffect(() => {
    const s = useReception.getState();
    const birthDate = typedDate(s.patient.birthText);
    if (!birthDate) return;
    let live = true;
    call('precheck.lookup', {
      ...(s.past ? { patientRef: s.past.id } : {}),
      birthDate,
      name: s.patient.name,
      nameKana: s.patient.nameKana,
    }).then(
      (r) => live && patchWizard({ precheck: r.answer }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
}

/** The evidence step's options: 事前確認 only when the patient has an answer at all. */
export function evidenceOptions(order: readonly EvidenceKind[], w: WizardDraft): EvidenceKind[] {
  return order.filter((k) => k !== 'precheck' || !!w.precheck);
}

/** The option's label: 「事前確認済み（12月6日 07:30 取得）」. */
export function precheckLabel(w: WizardDraft): string {
  return w.precheck ? strings.precheck.option(w.precheck.fetchedAt) : strings.evidence.precheck;
}

/** What the option shows beside it: the answer's numbers and 負担割合, or why it is past numbers only. */
export function PrecheckDescription({ w }: { w: WizardDraft }) {
  const a = w.precheck;
  if (!a) return null;
  if (precheckUsable(a)) {
    const p = precheckCopay(a);
    return (
      <span data-testid="precheck-answer">
        {strings.precheck.optionDetail(numbersText(a.current), p === undefined ? '—' : strings.copayPercent(p))}
      </span>
    );
  }
  return (
    <span data-testid="precheck-stale">{strings.precheck.stale(a.fetchedAt, numbersText(a.current ?? a.asked))}</span>
  );
}

/** The flag shown on every step when the answer says the 資格 changed since the last visit. */
export function PrecheckChanged({ w }: { w: WizardDraft }) {
  if (!w.precheck?.changed) return null;
  return (
    <p className="mark-note" role="note" data-testid="precheck-changed">
      <strong>{strings.precheck.changedBadge}</strong> {strings.precheck.changed}
    </p>
  );
}
