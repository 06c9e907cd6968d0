// The reception draft (zustand) and the pure rules of the 確認できない wizard: the cause preselected from the
// health state, which evidence is offered, and the visit built for 'visits.save' (docs/visit.md).
import { v7 as uuidv7 } from 'uuid';
import { create } from 'zustand';
import { copayByAge } from '../../claims/copay.ts';
import { parseTypedDate } from '../../claims/dates.ts';
import { nfkc } from '../../claims/normalize.ts';
import type {
  DeclaredInsuranceType,
  EvidenceKind,
  FailureCause,
  IdentityMethod,
  InsuranceNumbers,
  Visit,
} from '../../claims/visit.ts';
import type {
  HealthStateView,
  IncidentView,
  PatientRecordView,
  PrecheckAnswerView,
  StaffView,
} from '../../main/contract.ts';
import { localDate, localIso, toLocalInput } from '../print/format.ts';

export const CAUSES: FailureCause[] = [
  'reader_fault',
  'terminal_fault',
  'card_fault',
  'certificate_expired',
  'power_outage',
  'facility_network',
  'wide_area_network',
  'qualification_invalid',
  'qualification_not_found',
];
export const IDENTITY_METHODS: IdentityMethod[] = ['face', 'pin', 'visual', 'none'];
/**
 * The official order (DOMAIN.md §1). emergency_mode (システム障害時モード) comes last and only while staff have
 * recorded an open activation: the other options keep their place (and their number key) during an outage.
 */
export const EVIDENCE_ORDER: EvidenceKind[] = [
  'portal',
  'qualification_certificate',
  'insurance_card',
  'notice_with_card',
  'verbal',
  'declaration',
  'emergency_mode',
  'precheck',
];
export const COPAY_PERCENTS = [30, 20, 10, 0] as const;
export type CopayPercent = (typeof COPAY_PERCENTS)[number];

/** The wizard's steps, one decision each. */
export const STEPS = ['cause', 'identity', 'evidenceKind', 'evidenceDetail', 'copay', 'summary'] as const;
export type Step = (typeof STEPS)[number];

/**
 * The steps this draft goes through: the verbal 「前回から変更なし（患者に確認した）」 is decided on the evidence
 * step itself (the stored insurance is shown beside the option), so it has no detail step.
 */
export function stepsFor(w: Pick<WizardDraft, 'evidence'> & { precheck?: WizardDraft['precheck'] }): readonly Step[] {
  if (w.evidence === 'precheck') {
    // 事前確認: the numbers and (when it gives one) the 負担割合 are the answer's: nothing to type or choose.
    const copay = precheckCopay(w.precheck ?? null) !== undefined;
    return STEPS.filter((s) => s !== 'evidenceDetail' && !(copay && s === 'copay'));
  }
  return w.evidence === 'verbal' ? STEPS.filter((s) => s !== 'evidenceDetail') : STEPS;
}

/** A 事前確認 answer that may stand as ① evidence: fresh, trusted, with current numbers. */
export function precheckUsable(a: PrecheckAnswerView | null | undefined): a is NonNullable<PrecheckAnswerView> & {
  current: NonNullable<NonNullable<PrecheckAnswerView>['current']>;
} {
  return !!a && a.fresh && a.usable && a.current !== null;
}

/** The answer's 負担割合 when it is one the claim knows (3割・2割・1割・負担なし). */
export function precheckCopay(a: PrecheckAnswerView | null): CopayPercent | undefined {
  const p = a?.copayPercent;
  return p !== null && p !== undefined && (COPAY_PERCENTS as readonly number[]).includes(p)
    ? (p as CopayPercent)
    : undefined;
}

/**
 * The cause the health state points at: the first active cause's device (reader / PC/SC → reader_fault,
 * terminal → terminal_fault, network → facility or wide-area, power → power_outage), else card_fault for a card
 * finding that stops the card (chip unreadable, certificate expired). Undefined when healthy.
 */
export function causeFromHealth(health: HealthStateView | undefined): FailureCause | undefined {
  for (const c of health?.causes ?? []) {
    switch (c.device) {
      case 'reader':
        return 'reader_fault';
      case 'card':
        return 'card_fault';
      case 'terminal':
        return 'terminal_fault';
      case 'network':
        return c.code.startsWith('wide_area') ? 'wide_area_network' : 'facility_network';
      case 'power':
        return 'power_outage';
    }
  }
  // No clinic cause, but this reception's card could not be read (its chip or its certificate).
  if (health?.findings.some((f) => f.code.startsWith('card_') && f.severity === 'error')) return 'card_fault';
  return undefined;
}

/**
 * Evidence kinds offered: お知らせ needs the card (identity not 'none'); verbal needs stored insurance;
 * システム障害時モード needs an open activation recorded by staff ('incidents.openEmergency').
 */
export function offeredEvidence(
  identity: IdentityMethod | undefined,
  past: PatientRecordView | null,
  emergency: EmergencyRef | null = null,
  precheck: PrecheckAnswerView | null = null,
): EvidenceKind[] {
  return EVIDENCE_ORDER.filter((k) => {
    if (k === 'notice_with_card') return identity !== undefined && identity !== 'none';
    if (k === 'verbal') return hasStoredInsurance(past);
    if (k === 'emergency_mode') return emergency !== null;
    // 事前確認: a fresh answer, and the person identified at the desk (face, PIN or 目視), never カードなし.
    if (k === 'precheck') return precheckUsable(precheck) && identity !== undefined && identity !== 'none';
    return true;
  });
}

/** The open システム障害時モード activation the visit is taken under. */
export type EmergencyRef = Pick<IncidentView, 'id' | 'referenceNumber' | 'startedAt'>;

/** The newest open emergency_mode incident of a list, if any. */
export function openEmergency(list: readonly IncidentView[]): EmergencyRef | null {
  const open = list.filter((i) => i.kind === 'emergency_mode' && i.endedAt === null);
  const last = open[open.length - 1];
  return last ? { id: last.id, referenceNumber: last.referenceNumber, startedAt: last.startedAt } : null;
}

export function hasStoredInsurance(p: PatientRecordView | null): p is PatientRecordView {
  return p !== null && p.insurance.insurerNumber !== '' && p.insurance.number !== '';
}

export const needsNumbers = (k: EvidenceKind | undefined): boolean =>
  k === 'portal' || k === 'qualification_certificate' || k === 'insurance_card' || k === 'notice_with_card';

// ------------------------------------------------------------------------------------------------- dates

export { localDate, localIso } from '../print/format.ts';

/** An ISO instant as 'YYYY-MM-DD HH:MM', local time. */
export const localTime = (iso: string): string => toLocalInput(new Date(iso));

/** A typed birth date as ISO, or undefined while it is not (yet) a date. */
export function typedDate(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const r = parseTypedDate(text);
  return r.ok ? r.value : undefined;
}

// ------------------------------------------------------------------------------------------------- draft

export interface PatientDraft {
  patientId: string;
  name: string;
  nameKana: string;
  birthText: string;
  sex: '' | 'male' | 'female';
  postalCode: string;
  address: string;
  phone: string;
}

export interface NumbersDraft {
  insurerNumber: string;
  symbol: string;
  number: string;
  branch: string;
}

export interface DeclarationDraft {
  declaredOn: string;
  insuranceType: DeclaredInsuranceType | '';
  /** '' for a child (no silent default: a child is usually 家族, but staff ask); 'self' for an adult. */
  relationship: 'self' | 'family' | '';
  /** 65–74 with a 障害認定 (後期高齢者医療): decides the ③ 不詳 番号 form; only staff can know it. */
  disabilityCertified?: boolean;
  insuredPersonName: string;
  insurerName: string;
  employerName: string;
  employerAddress: string;
  known: NumbersDraft;
  signedBy: string;
}

export interface WizardDraft {
  id: string;
  receivedAt: string;
  step: Step;
  cause: FailureCause | undefined;
  causeFromHealth: boolean;
  identity: IdentityMethod | undefined;
  /** 目視 chosen: its option states that the photo was compared with the person (who: staff, when: below). */
  visualConfirmed: boolean;
  identityConfirmedAt: string | undefined;
  evidence: EvidenceKind | undefined;
  numbers: NumbersDraft;
  /** 「前回から変更なし（患者に確認した）」 chosen: the option itself is the confirmation. */
  verbalConfirmed: boolean;
  declaration: DeclarationDraft;
  /** The open システム障害時モード activation ('incidents.list'), null when there is none. */
  emergency: EmergencyRef | null;
  /** The patient's newest 事前確認 answer ('precheck.lookup'), null when there is none. */
  precheck?: PrecheckAnswerView | null;
  copayPercent: CopayPercent | undefined;
  copayReason: string;
}

export const emptyPatient = (): PatientDraft => ({
  patientId: '',
  name: '',
  nameKana: '',
  birthText: '',
  sex: '',
  postalCode: '',
  address: '',
  phone: '',
});

const emptyNumbers = (): NumbersDraft => ({ insurerNumber: '', symbol: '', number: '', branch: '' });

export function newWizard(cause: FailureCause | undefined, now: Date): WizardDraft {
  return {
    id: uuidv7(),
    receivedAt: localIso(now),
    step: 'cause',
    cause,
    causeFromHealth: cause !== undefined,
    identity: undefined,
    visualConfirmed: false,
    identityConfirmedAt: undefined,
    evidence: undefined,
    numbers: emptyNumbers(),
    verbalConfirmed: false,
    declaration: {
      declaredOn: localDate(now),
      insuranceType: '',
      relationship: 'self',
      insuredPersonName: '',
      insurerName: '',
      employerName: '',
      employerAddress: '',
      known: emptyNumbers(),
      signedBy: '',
    },
    emergency: null,
    precheck: null,
    copayPercent: undefined,
    copayReason: '',
  };
}

export interface ReceptionState {
  staff: string;
  staffList: StaffView[];
  patient: PatientDraft;
  /** The stored record the patient was picked from (returning patient), if any. */
  past: PatientRecordView | null;
  /** The patient form is shown (picked or new). */
  editing: boolean;
  wizard: WizardDraft | null;
  /** The wizard is on screen (false after Esc on its first step: the draft is kept for when staff return). */
  wizardOpen: boolean;
  saved: { id: string; created: boolean; receptionNo: string; visit: Visit } | null;
}

export const useReception = create<ReceptionState>(() => ({
  staff: '',
  staffList: [],
  patient: emptyPatient(),
  past: null,
  editing: false,
  wizard: null,
  wizardOpen: false,
  saved: null,
}));

export function patchWizard(patch: Partial<WizardDraft>): void {
  useReception.setState((s) => (s.wizard ? { wizard: { ...s.wizard, ...patch } } : {}));
}

export function patchPatient(patch: Partial<PatientDraft>): void {
  useReception.setState((s) => ({ patient: { ...s.patient, ...patch } }));
}

/** Opens the wizard: the kept draft when staff come back to it, else a new one with the cause from health. */
export function openWizard(health: HealthStateView | undefined, now: Date): void {
  useReception.setState((s) => {
    if (s.wizard) return { wizardOpen: true, wizard: s.wizard };
    const w = newWizard(causeFromHealth(health), now);
    if (isChild(typedDate(s.patient.birthText), localDate(now))) w.declaration = { ...w.declaration, relationship: '' };
    return { wizardOpen: true, wizard: w };
  });
}

/** Under 15 on the day (中学生まで): 本人/家族 on the 申立書 is asked, not defaulted. */
export function isChild(birthDate: string | undefined, on: string): boolean {
  if (birthDate === undefined) return false;
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age < 15;
}

export function pickPatient(p: PatientRecordView): void {
  useReception.setState({
    wizard: null,
    past: p,
    editing: true,
    patient: {
      patientId: p.patientId,
      name: p.name,
      nameKana: p.nameKana,
      birthText: p.birthDate,
      sex: p.sex ?? '',
      postalCode: p.postalCode,
      address: p.address,
      phone: p.phone,
    },
  });
}

/** After a save (or when staff abandon): a clean start, keeping who is at the desk. */
export function resetReception(): void {
  useReception.setState({
    patient: emptyPatient(),
    past: null,
    editing: false,
    wizard: null,
    wizardOpen: false,
    saved: null,
  });
}

// --------------------------------------------------------------------------------------------- copay

/** The visit's 負担割合 reason when it is the 事前確認 answer's. */
export const PRECHECK_COPAY_REASON = '事前確認（資格確認端末）の結果による';

export interface CopayProposal {
  percent: CopayPercent;
  reason: string;
}

/**
 * 75歳以上 (後期高齢者医療): the rate is 1割・2割・3割 by income, written on the 資格確認書 / 保険証, so age alone
 * cannot propose it. Staff choose it from the document with one key; no typed reason is needed.
 */
export function koukiFromDocument(birthDate: string | undefined, serviceDate: string): boolean {
  if (birthDate === undefined) return false;
  const r = copayByAge({ birthDate, serviceDate });
  return !r.ok && r.errors.some((e) => e.code === 'KOUKI_PERCENT_REQUIRED');
}

/** The visit's 負担割合 reason for a 後期高齢者 rate read off the document (koukiFromDocument). */
export function koukiReason(birthDate: string, serviceDate: string, percent: 10 | 20 | 30): string {
  const r = copayByAge({ birthDate, serviceDate, koukiPercent: percent });
  return r.ok ? `${r.value.reason}（資格確認書・保険証の記載による）` : '資格確認書・保険証の記載による';
}

export function proposeCopay(birthDate: string | undefined, serviceDate: string): CopayProposal | undefined {
  if (birthDate === undefined) return undefined;
  const r = copayByAge({ birthDate, serviceDate });
  return r.ok ? { percent: r.value.percent, reason: r.value.reason } : undefined;
}

// ------------------------------------------------------------------------------------------ the visit

const text = (s: string) => nfkc(s).trim();

export function patientOf(p: PatientDraft): Visit['patient'] {
  return {
    patientId: text(p.patientId),
    name: text(p.name),
    nameKana: text(p.nameKana),
    birthDate: typedDate(p.birthText) ?? '',
    sex: p.sex === '' ? 'male' : p.sex,
    postalCode: text(p.postalCode),
    address: text(p.address),
    phone: text(p.phone),
  };
}

/**
 * The visit for 'visits.save', every default filled in (so it is also what the printed sheets show).
 * `numbers` and `declaration` are the already-normalised values.
 */
export function buildVisit(args: {
  state: ReceptionState;
  wizard: WizardDraft;
  numbers: InsuranceNumbers | undefined;
  declaration: NonNullable<Visit['evidence']['declaration']> | undefined;
  proposal: CopayProposal | undefined;
}): Visit {
  const { state, wizard: w, numbers, declaration, proposal } = args;
  const past = state.past;
  const kind = w.evidence!;
  const evidence: Visit['evidence'] = { kind };
  if (needsNumbers(kind) && numbers) evidence.insurance = numbers;
  if (kind === 'verbal' && hasStoredInsurance(past)) {
    evidence.insurance = { ...past.insurance };
    evidence.pastRecordRef = past.id;
    evidence.confirmedUnchanged = w.verbalConfirmed;
  }
  if (kind === 'declaration' && declaration) evidence.declaration = declaration;
  const pre = w.precheck ?? null;
  if (kind === 'precheck' && precheckUsable(pre)) {
    evidence.insurance = { ...pre.current };
    evidence.precheck = {
      fetchedAt: new Date(pre.fetchedAt).toISOString(),
      answerSha256: pre.sha256,
      rowId: pre.rowId,
    };
  }
  if (kind === 'emergency_mode') {
    // The card's 4 items, as staff checked them against the card on the detail step (the patient form's fields).
    const p = patientOf(state.patient);
    evidence.fourItems = { name: p.name, birthDate: p.birthDate, sex: p.sex, address: p.address };
    if (w.emergency) evidence.incidentRef = w.emergency.id;
  }
  const answered = kind === 'precheck' && w.copayPercent === undefined ? precheckCopay(pre) : undefined;
  const percent = w.copayPercent ?? answered ?? proposal?.percent ?? 30;
  const fromAge = answered === undefined && proposal !== undefined && percent === proposal.percent;
  const birth = typedDate(state.patient.birthText);
  const fromDocument =
    !fromAge && percent !== 0 && text(w.copayReason) === '' && koukiFromDocument(birth, w.receivedAt.slice(0, 10));
  const visit: Visit = {
    id: w.id,
    serviceDate: w.receivedAt.slice(0, 10),
    receivedAt: w.receivedAt,
    staff: state.staff,
    patient: patientOf(state.patient),
    cause: w.cause!,
    identity: {
      method: w.identity!,
      confirmedBy: w.identity === 'none' ? '' : state.staff,
      ...(w.identity !== 'none' && w.identityConfirmedAt ? { confirmedAt: w.identityConfirmedAt } : {}),
    },
    evidence,
    copay: {
      percent,
      source: answered !== undefined ? 'terminal' : fromAge ? 'age' : 'staff',
      reason:
        answered !== undefined
          ? PRECHECK_COPAY_REASON
          : fromAge
            ? proposal.reason
            : fromDocument
              ? koukiReason(birth!, w.receivedAt.slice(0, 10), percent)
              : text(w.copayReason),
    },
    note: '',
  };
  if (hasStoredInsurance(past) && kind !== 'verbal') visit.pastInsurance = { ...past.insurance };
  // A 事前確認 answer too old to stand as ① (or not current) still tells the numbers the patient had: past only.
  else if (pre && kind !== 'precheck' && kind !== 'verbal') visit.pastInsurance = { ...(pre.current ?? pre.asked) };
  return visit;
}
