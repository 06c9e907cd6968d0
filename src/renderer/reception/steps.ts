// The wizard's rules without React: what keeps a step from advancing, the visit as it will be saved, and the
// keys that choose an option. Wizard.tsx is the view over these; test/renderer checks them in Node.
import { validateDeclaration } from '../../claims/declaration.ts';
import { nfkc } from '../../claims/normalize.ts';
import { normalizeInsuranceNumbers } from '../../claims/numbers.ts';
import type { ClaimError } from '../../claims/result.ts';
import type { EvidenceKind, FailureCause, IdentityMethod, Visit } from '../../claims/visit.ts';
import { strings } from '../strings.ts';
import {
  CAUSES,
  COPAY_PERCENTS,
  EVIDENCE_ORDER,
  IDENTITY_METHODS,
  buildVisit,
  koukiFromDocument,
  localIso,
  needsNumbers,
  offeredEvidence,
  patchWizard,
  proposeCopay,
  typedDate,
  type CopayPercent,
  type DeclarationDraft,
  type NumbersDraft,
  type PatientDraft,
  type ReceptionState,
  type WizardDraft,
} from './model.ts';
import { personErrors } from './Start.tsx';

export type Errors = Record<string, string>;

export const firstByField = (errs: ClaimError[]): Errors => {
  const out: Errors = {};
  for (const e of errs) {
    const k = e.field ?? '_';
    out[k] ??= e.message;
  }
  return out;
};

export function normalizedNumbers(n: NumbersDraft) {
  return normalizeInsuranceNumbers(n);
}

export function declarationInput(p: PatientDraft, d: DeclarationDraft): Record<string, unknown> {
  const known = Object.fromEntries(
    Object.entries(d.known)
      .map(([k, v]) => [k, nfkc(v).trim()] as const)
      .filter(([, v]) => v !== ''),
  );
  return {
    declaredOn: typedDate(d.declaredOn) ?? '',
    name: p.name,
    nameKana: p.nameKana,
    birthDate: typedDate(p.birthText) ?? '',
    ...(p.sex === '' ? {} : { sex: p.sex }),
    postalCode: nfkc(p.postalCode).trim(),
    address: p.address,
    phone: nfkc(p.phone).trim(),
    ...(d.insuranceType === '' ? {} : { insuranceType: d.insuranceType }),
    relationship: d.relationship,
    ...(d.disabilityCertified ? { disabilityCertified: true } : {}),
    insuredPersonName: d.insuredPersonName,
    insurerName: d.insurerName,
    employerName: d.employerName,
    employerAddress: d.employerAddress,
    ...(Object.keys(known).length > 0 ? { knownNumbers: known } : {}),
    signedBy: d.signedBy,
  };
}

/** Every problem that keeps the current step from advancing, by field. */
export function stepErrors(state: ReceptionState, w: WizardDraft): Errors {
  switch (w.step) {
    case 'cause':
      return w.cause ? {} : { cause: strings.causeRequired };
    case 'identity':
      if (!w.identity) return { identity: strings.identityRequired };
      return w.identity === 'visual' && !w.visualConfirmed ? { identity: strings.visualRequired } : {};
    case 'evidenceKind':
      if (!w.evidence || !offeredEvidence(w.identity, state.past, w.emergency, w.precheck).includes(w.evidence))
        return { evidence: strings.evidenceRequired };
      return w.evidence === 'verbal' && !w.verbalConfirmed ? { evidence: strings.verbalRequired } : {};
    case 'evidenceDetail': {
      if (needsNumbers(w.evidence)) {
        const r = normalizedNumbers(w.numbers);
        return r.ok ? {} : firstByField(r.errors);
      }
      if (w.evidence === 'verbal') return w.verbalConfirmed ? {} : { verbal: strings.verbalRequired };
      if (w.evidence === 'declaration') {
        const r = validateDeclaration(declarationInput(state.patient, w.declaration));
        const errs = r.ok ? {} : firstByField(r.errors);
        if (typedDate(w.declaration.declaredOn) === undefined) errs.declaredOn = strings.fixErrors;
        if (w.declaration.relationship === '') errs.relationship = strings.declRelationshipRequired;
        return errs;
      }
      if (w.evidence === 'emergency_mode') return fourItemsErrors(state.patient);
      return {};
    }
    case 'copay': {
      const proposal = proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      const percent = w.copayPercent ?? proposal?.percent;
      const kouki = koukiFromDocument(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      if (percent === undefined) return { copay: kouki ? strings.copayKouki : strings.copayUnknown };
      if (kouki && percent !== 0) return {}; // read off the document: the key is the decision
      if (percent !== proposal?.percent && nfkc(w.copayReason).trim() === '')
        return { copayReason: strings.copayReasonRequired };
      return {};
    }
    case 'summary':
      return {};
  }
}

/** The card's 4 items (システム障害時モード): every one is needed, the birth date as a real date. */
function fourItemsErrors(p: PatientDraft): Errors {
  const e: Errors = personErrors(p);
  if (nfkc(p.address).trim() === '') e.address = strings.fourAddressRequired;
  return e;
}

/** The visit as it will be saved (normalised numbers and 申立書), every default filled in. */
export function visitFor(state: ReceptionState, w: WizardDraft): Visit {
  const nums = needsNumbers(w.evidence) ? normalizedNumbers(w.numbers) : undefined;
  const decl =
    w.evidence === 'declaration' ? validateDeclaration(declarationInput(state.patient, w.declaration)) : undefined;
  return buildVisit({
    state,
    wizard: w,
    numbers: nums?.ok ? nums.value : undefined,
    declaration: decl?.ok ? decl.value : undefined,
    proposal: proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10)),
  });
}

// ------------------------------------------------------------------------------------- the choice steps

/** The key that chooses a 負担割合: the rate's own digit (3割 → 3, 負担なし → 0), never its position. */
export const copayKey = (p: CopayPercent): string => String(p / 10);
export const positionKey = (_: unknown, i: number): string => String(i + 1);
/** An evidence kind's key: its place in the official order, whatever else applies (issue #15: one key always). */
export const evidenceKey = (k: EvidenceKind): string => String(EVIDENCE_ORDER.indexOf(k) + 1);

/** Why an evidence kind does not apply to this draft (shown beside the greyed option), or undefined when it does. */
export function evidenceUnavailable(state: ReceptionState, w: WizardDraft, k: EvidenceKind): string | undefined {
  if (offeredEvidence(w.identity, state.past, w.emergency, w.precheck).includes(k)) return undefined;
  return strings.evidenceUnavailable[k as keyof typeof strings.evidenceUnavailable];
}

export function chooseCause(cause: FailureCause): void {
  patchWizard({ cause });
}

/** face / pin / 目視 record when (and, in the visit, who: the staff at the desk); カードなし records nothing. */
export function chooseIdentity(identity: IdentityMethod, now: Date = new Date()): void {
  patchWizard({
    identity,
    visualConfirmed: identity === 'visual',
    identityConfirmedAt: identity === 'none' ? undefined : localIso(now),
  });
}

export function chooseEvidence(evidence: EvidenceKind): void {
  patchWizard({ evidence, verbalConfirmed: evidence === 'verbal' });
}

export function chooseCopay(copayPercent: CopayPercent): void {
  patchWizard({ copayPercent });
}

/** The options of the step on screen with their keys: 1–9 by position, the 負担割合 by its digit. */
export function choicesFor(state: ReceptionState, w: WizardDraft): Array<{ key: string; choose: () => void }> {
  switch (w.step) {
    case 'cause':
      return CAUSES.map((c, i) => ({ key: positionKey(c, i), choose: () => chooseCause(c) }));
    case 'identity':
      return IDENTITY_METHODS.map((m, i) => ({ key: positionKey(m, i), choose: () => chooseIdentity(m) }));
    case 'evidenceKind': {
      // Every kind keeps its place in the official order, and so its key; one that does not apply is shown
      // greyed with the reason (Wizard.tsx) and its key does nothing.
      const offered = offeredEvidence(w.identity, state.past, w.emergency, w.precheck);
      return EVIDENCE_ORDER.flatMap((k) =>
        offered.includes(k) ? [{ key: evidenceKey(k), choose: () => chooseEvidence(k) }] : [],
      );
    }
    case 'copay':
      return COPAY_PERCENTS.map((p) => ({ key: copayKey(p), choose: () => chooseCopay(p) }));
    default:
      return [];
  }
}
