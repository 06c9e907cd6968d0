// The 確認できない wizard: one decision per step (cause → identity → what showed the insurance → its details →
// 負担割合 → summary and 保存). Enter advances, Esc goes back, nothing typed is lost going back and forth. On
// a choice step a number key chooses the option showing it (「1」「2」…) and advances at once.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { formatBothCalendars } from '../../claims/dates.ts';
import { insuranceCardIsPast } from '../../claims/card-dates.ts';
import { DECLARED_TYPES } from '../../claims/declaration.ts';
import type { EvidenceKind, InsuranceNumbers, VisitInput } from '../../claims/visit.ts';
import { call } from '../api.ts';
import { openPrint } from '../print/index.ts';
import { strings } from '../strings.ts';
import { flushDraft } from './draft.ts';
import { Checkbox, ErrorTiming, NumbersFields, RadioGroup, SelectField, TextField } from './fields.tsx';
import {
  CAUSES,
  COPAY_PERCENTS,
  EVIDENCE_ORDER,
  IDENTITY_METHODS,
  hasStoredInsurance,
  koukiFromDocument,
  localTime,
  needsNumbers,
  offeredEvidence,
  openEmergency,
  patchPatient,
  patchWizard,
  proposeCopay,
  stepsFor,
  typedDate,
  useReception,
  type DeclarationDraft,
  type PatientDraft,
  type ReceptionState,
  type Step,
  type WizardDraft,
} from './model.ts';
import {
  PrecheckChanged,
  PrecheckDescription,
  evidenceOptions,
  precheckLabel,
  usePrecheckLookup,
} from './PrecheckEvidence.tsx';
import { BirthField, SexField } from './Start.tsx';
import {
  chooseCause,
  chooseCopay,
  chooseEvidence,
  chooseIdentity,
  choicesFor,
  copayKey,
  evidenceKey,
  evidenceUnavailable,
  positionKey,
  stepErrors,
  visitFor,
  type Errors,
} from './steps.ts';

const isTextEntry = (t: HTMLElement): boolean =>
  t.tagName === 'SELECT' ||
  t.tagName === 'TEXTAREA' ||
  (t.tagName === 'INPUT' && !['radio', 'checkbox'].includes((t as HTMLInputElement).type));

function NumbersLine({ n }: { n: VisitInput['evidence']['insurance'] | InsuranceNumbers | undefined }) {
  if (!n) return null;
  return (
    <span className="numbers">{strings.summaryNumbers({ ...n, symbol: n.symbol ?? '', branch: n.branch ?? '' })}</span>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function Wizard() {
  const state = useReception();
  const w = state.wizard!;
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const steps = stepsFor(w);
  const index = steps.indexOf(w.step);
  const staffName = state.staffList.find((s) => s.id === state.staff)?.name ?? state.staff;

  // An open システム障害時モード activation makes 'emergency_mode' an option of the evidence step.
  useEffect(() => {
    let live = true;
    call('incidents.list', { kind: 'emergency_mode', openOnly: true }).then(
      (list) => live && patchWizard({ emergency: openEmergency(list) }),
      () => undefined, // not offered: the other options stay
    );
    return () => {
      live = false;
    };
  }, []);
  usePrecheckLookup();

  useEffect(() => {
    setTried(false);
    const f = formRef.current;
    if (!f) return;
    // The summary: 保存. A details step: its first field. A choice step: the chosen option, else the first.
    const target =
      w.step === 'summary'
        ? f.querySelector<HTMLElement>('button[type="submit"]')
        : ((w.step === 'evidenceDetail' ? null : f.querySelector<HTMLElement>('input:checked')) ??
          f.querySelector<HTMLElement>('input:not(:disabled), select, textarea') ??
          f.querySelector<HTMLElement>('button[type="submit"]'));
    target?.focus();
  }, [w.step]);

  // The step's errors as they stand: each shows beside its field once the field is left, all once 次へ was tried.
  const live = stepErrors(state, w);

  const back = () => {
    if (index === 0) useReception.setState({ wizardOpen: false });
    else patchWizard({ step: steps[index - 1]! });
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setSaveError('');
    const visit = visitFor(useReception.getState(), useReception.getState().wizard!);
    try {
      // The draft holds this visit's id before the save goes out: if the page goes away meanwhile, the return
      // finds the visit in the journal (or not) and says so.
      await flushDraft();
      const saved = await call('visits.save', visit);
      useReception.setState({ saved: { ...saved, visit }, wizardOpen: false });
    } catch (err) {
      setSaveError(`${strings.saveFailed} ${(err as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  /** Shows why the step cannot advance and focuses the first field at fault; false when it can. */
  const blocked = (errs: Errors): boolean => {
    setTried(true);
    if (Object.keys(errs).length === 0) return false;
    requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"] input, [aria-invalid="true"]')?.focus(),
    );
    return true;
  };

  /** The next step, from the draft as it is now (a number key has just changed it). */
  const advance = () => {
    const s = useReception.getState();
    const cur = s.wizard!;
    if (cur.step === 'summary') {
      void save();
      return;
    }
    if (blocked(stepErrors(s, cur))) return;
    const order = stepsFor(cur);
    const next = order[order.indexOf(cur.step) + 1]!;
    if (cur.step === 'copay' && cur.copayPercent === undefined) {
      const p = proposeCopay(typedDate(s.patient.birthText), cur.receivedAt.slice(0, 10));
      patchWizard({ copayPercent: p?.percent, step: next });
      return;
    }
    patchWizard({ step: next });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    advance();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      back();
      return;
    }
    const t = e.target as HTMLElement;
    if (e.key === 'Enter' && (t.tagName === 'INPUT' || t.tagName === 'SELECT')) {
      e.preventDefault();
      formRef.current?.requestSubmit();
      return;
    }
    // A number key chooses the option showing it and goes on, unless the choice needs more (a reason).
    if (/^[0-9]$/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey && !isTextEntry(t)) {
      const choice = choicesFor(state, w).find((c) => c.key === e.key);
      if (!choice) return;
      e.preventDefault();
      choice.choose();
      const s = useReception.getState();
      const errs = stepErrors(s, s.wizard!);
      if (w.step === 'copay' && errs.copayReason !== undefined) {
        requestAnimationFrame(() =>
          formRef.current?.querySelector<HTMLElement>('[data-testid="copay-reason"]')?.focus(),
        );
        return;
      }
      advance();
    }
  };

  const printDeclaration = () => {
    const s = useReception.getState();
    if (blocked(stepErrors(s, s.wizard!))) return;
    openPrint({ kind: 'declaration', visit: visitFor(s, s.wizard!) });
  };

  const title: Record<Step, string> = {
    cause: strings.causeTitle,
    identity: strings.identityTitle,
    evidenceKind: strings.evidenceTitle,
    evidenceDetail: w.evidence ? detailTitle(w) : strings.evidenceTitle,
    copay: strings.copayTitle,
    summary: strings.summaryTitle,
  };
  const hint =
    w.step === 'summary'
      ? strings.summaryHint
      : w.step === 'copay'
        ? strings.copayKeyHint
        : w.step === 'evidenceDetail'
          ? strings.keyboardHint
          : strings.choiceKeyHint;

  return (
    <section className="wizard card" aria-label={strings.wizardLabel} data-step={w.step} data-testid="wizard">
      <p className="step-count">{strings.stepOf(index + 1, steps.length)}</p>
      <h2 id="step-title">{title[w.step]}</h2>
      {w.emergency && (
        <p className="note" data-testid="emergency-active">
          {strings.emergencyActive(w.emergency.referenceNumber, localTime(w.emergency.startedAt))}
        </p>
      )}
      <PrecheckChanged w={w} />
      <form ref={formRef} onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-labelledby="step-title">
        <ErrorTiming tried={tried}>
          <StepBody
            key={w.step}
            state={state}
            w={w}
            errors={live}
            tried={tried}
            staffName={staffName}
            onPrintDeclaration={printDeclaration}
          />
        </ErrorTiming>
        {tried && Object.keys(live).length > 0 && (
          <p className="field-error" role="alert">
            {strings.fixErrors}
          </p>
        )}
        {saveError && (
          <p className="field-error" role="alert" data-testid="save-error">
            {saveError}
          </p>
        )}
        <div className="wizard-actions">
          <button type="submit" className="button primary" disabled={saving} data-testid="wizard-next">
            {w.step === 'summary' ? (saving ? strings.saving : strings.save) : strings.next}
          </button>
          <button type="button" className="button secondary" onClick={back}>
            {strings.back}
          </button>
        </div>
        <p className="field-hint">{hint}</p>
      </form>
    </section>
  );
}

function detailTitle(w: WizardDraft): string {
  if (w.evidence === 'declaration') return strings.declTitle;
  if (w.evidence === 'verbal') return strings.verbalTitle;
  if (w.evidence === 'emergency_mode') return strings.fourItemsTitle;
  return strings.numbersTitle(strings.evidence[w.evidence!]);
}

function evidenceLabel(k: EvidenceKind): string {
  return k === 'verbal' ? strings.verbalOption : strings.evidence[k];
}

function StepBody(props: {
  state: ReceptionState;
  w: WizardDraft;
  errors: Errors;
  tried: boolean;
  staffName: string;
  onPrintDeclaration: () => void;
}) {
  const { state, w, errors, tried, staffName } = props;
  switch (w.step) {
    case 'cause':
      return (
        <RadioGroup
          legend={strings.causeTitle}
          name="cause"
          options={CAUSES}
          labelOf={(c) => strings.causes[c]}
          keyOf={positionKey}
          columns={2}
          describe={(c) =>
            c === 'qualification_invalid' && w.cause === c ? (
              <span data-testid="invalid-advice">{strings.qualificationInvalidAdvice}</span>
            ) : undefined
          }
          value={w.cause}
          onChange={chooseCause}
          error={errors.cause}
          hint={w.causeFromHealth ? strings.causePreselected : undefined}
        />
      );
    case 'identity':
      return (
        <>
          <RadioGroup
            legend={strings.identityTitle}
            name="identity"
            options={IDENTITY_METHODS}
            labelOf={(m) => strings.identity[m]}
            keyOf={positionKey}
            value={w.identity}
            onChange={(m) => chooseIdentity(m)}
            error={errors.identity}
            hint={strings.visualHint}
          />
          {w.identity === 'visual' && w.visualConfirmed && w.identityConfirmedAt && (
            <p className="note" data-testid="visual-recorded">
              {strings.visualRecorded(staffName, localTime(w.identityConfirmedAt))}
            </p>
          )}
        </>
      );
    case 'evidenceKind': {
      const offered = offeredEvidence(w.identity, state.past, w.emergency, w.precheck);
      const past = state.past;
      return (
        <RadioGroup
          legend={strings.evidenceTitle}
          name="evidence"
          options={evidenceOptions(EVIDENCE_ORDER, w)}
          labelOf={(k) => (k === 'precheck' ? precheckLabel(w) : evidenceLabel(k))}
          keyOf={evidenceKey}
          unavailable={(k) => evidenceUnavailable(state, w, k)}
          describe={(k) =>
            k === 'precheck' ? (
              <PrecheckDescription w={w} />
            ) : k === 'verbal' && hasStoredInsurance(past) ? (
              <span data-testid="past-record">
                {strings.verbalStored(numbersText(past.insurance), past.lastVisitDate)}
              </span>
            ) : undefined
          }
          value={w.evidence}
          onChange={chooseEvidence}
          error={errors.evidence}
          hint={offered.includes('verbal') ? strings.verbalAskFirst : undefined}
        />
      );
    }
    case 'evidenceDetail':
      if (needsNumbers(w.evidence)) {
        return (
          <>
            {w.evidence === 'insurance_card' && insuranceCardIsPast(w.receivedAt.slice(0, 10)) && (
              <p className="mark-note" role="note" data-testid="old-card">
                {strings.oldInsuranceCard}
              </p>
            )}
            <NumbersFields value={w.numbers} onChange={(numbers) => patchWizard({ numbers })} tried={tried} required />
          </>
        );
      }
      if (w.evidence === 'emergency_mode') return <FourItemsForm state={state} errors={errors} tried={tried} />;
      if (w.evidence === 'declaration') {
        return (
          <>
            <DeclarationForm state={state} w={w} errors={errors} tried={tried} />
            <button type="button" className="button secondary" onClick={props.onPrintDeclaration}>
              {strings.printDeclaration}
            </button>
          </>
        );
      }
      return null;
    case 'copay': {
      const proposal = proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      const percent = w.copayPercent ?? proposal?.percent;
      const kouki = koukiFromDocument(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      return (
        <>
          <p className="proposal" data-testid="copay-proposal">
            {proposal
              ? strings.copayProposed(strings.copayPercent(proposal.percent), proposal.reason)
              : kouki
                ? strings.copayKouki
                : strings.copayUnknown}
          </p>
          <RadioGroup
            legend={strings.copayChoose}
            name="copay"
            options={COPAY_PERCENTS}
            labelOf={strings.copayPercent}
            keyOf={copayKey}
            value={percent}
            onChange={chooseCopay}
            error={errors.copay}
          />
          {percent !== proposal?.percent && !(kouki && percent !== undefined && percent !== 0) && (
            <TextField
              label={strings.copayReason}
              value={w.copayReason}
              onChange={(copayReason) => patchWizard({ copayReason })}
              error={errors.copayReason}
              testId="copay-reason"
              required
              wide
            />
          )}
        </>
      );
    }
    case 'summary':
      return <Summary state={state} w={w} staffName={staffName} />;
  }
}

const numbersText = (n: { insurerNumber: string; symbol?: string; number: string; branch?: string }): string =>
  strings.summaryNumbers({ ...n, symbol: n.symbol ?? '', branch: n.branch ?? '' });

/**
 * システム障害時モード: the card's 4 items (氏名・生年月日・性別・住所), the patient form's own fields (typed once,
 * shown here to be checked against the card and corrected), and the phone for contact.
 */
function FourItemsForm(props: { state: ReceptionState; errors: Errors; tried: boolean }) {
  const { errors } = props;
  const p = props.state.patient;
  const set = (k: keyof PatientDraft) => (v: string) => patchPatient({ [k]: v });
  return (
    <div className="four-items">
      <p className="note">{strings.fourItemsNote}</p>
      <div className="grid">
        <TextField label={strings.patientName} value={p.name} onChange={set('name')} error={errors.name} required />
        <BirthField value={p.birthText} onChange={set('birthText')} tried={props.tried} error={errors.birth} />
        <SexField name="four-sex" value={p.sex} onChange={(sex) => patchPatient({ sex })} error={errors.sex} />
        <TextField
          label={strings.patientAddress}
          value={p.address}
          onChange={set('address')}
          error={errors.address}
          required
          wide
        />
        <TextField
          label={strings.patientPhone}
          value={p.phone}
          onChange={set('phone')}
          hint={strings.fourPhoneHint}
          inputMode="tel"
        />
      </div>
    </div>
  );
}

function DeclarationForm(props: { state: ReceptionState; w: WizardDraft; errors: Errors; tried: boolean }) {
  const { state, w, errors } = props;
  const d = w.declaration;
  const p = state.patient;
  const setD = (patch: Partial<DeclarationDraft>) => patchWizard({ declaration: { ...d, ...patch } });
  const txt =
    (k: 'insuredPersonName' | 'insurerName' | 'employerName' | 'employerAddress' | 'signedBy') => (v: string) =>
      setD({ [k]: v });
  const setP = (k: keyof PatientDraft) => (v: string) => patchPatient({ [k]: v });
  const errorList = Object.entries(errors).filter(([k]) => ['name', 'birthDate', '_'].includes(k));
  return (
    <div className="declaration">
      <p className="note">
        {p.name}（{p.nameKana}） {typedDate(p.birthText) ? formatBothCalendars(typedDate(p.birthText)!) : ''}
      </p>
      {errorList.map(([k, m]) => (
        <p key={k} className="field-error">
          {m}
        </p>
      ))}
      <div className="grid">
        <TextField
          label={strings.declDeclaredOn}
          value={d.declaredOn}
          onChange={(declaredOn) => setD({ declaredOn })}
          error={errors.declaredOn}
          required
        />
        <SelectField
          label={strings.declInsuranceType}
          value={d.insuranceType}
          options={DECLARED_TYPES}
          labelOf={(t) => strings.insuranceTypes[t]}
          placeholder={strings.staffChoose}
          onChange={(insuranceType) => setD({ insuranceType })}
          error={errors.insuranceType}
          required
        />
        <RadioGroup
          legend={strings.declRelationship}
          name="relationship"
          options={['self', 'family'] as const}
          labelOf={(r) => (r === 'self' ? strings.declSelf : strings.declFamily)}
          value={d.relationship === '' ? undefined : d.relationship}
          onChange={(relationship) => setD({ relationship })}
          error={errors.relationship}
        />
        <Checkbox
          label={strings.declDisability}
          checked={d.disabilityCertified === true}
          onChange={(disabilityCertified) => setD({ disabilityCertified })}
        />
        {d.relationship === 'family' && (
          <TextField
            label={strings.declInsuredPerson}
            value={d.insuredPersonName}
            onChange={txt('insuredPersonName')}
            error={errors.insuredPersonName}
            required
          />
        )}
        <TextField
          label={strings.patientPostal}
          value={p.postalCode}
          onChange={setP('postalCode')}
          error={errors.postalCode}
          inputMode="numeric"
        />
        <TextField
          label={strings.patientAddress}
          value={p.address}
          onChange={setP('address')}
          error={errors.address}
          required
          wide
        />
        <TextField
          label={strings.patientPhone}
          value={p.phone}
          onChange={setP('phone')}
          error={errors.phone}
          inputMode="tel"
          required
        />
        <TextField label={strings.declInsurerName} value={d.insurerName} onChange={txt('insurerName')} />
        <TextField
          label={strings.declEmployer}
          value={d.employerName}
          onChange={txt('employerName')}
          error={errors.employerName}
        />
        <TextField
          label={strings.declEmployerAddress}
          value={d.employerAddress}
          onChange={txt('employerAddress')}
          wide
        />
        <TextField label={strings.declSignedBy} value={d.signedBy} onChange={txt('signedBy')} />
      </div>
      <fieldset className="known-numbers">
        <legend>{strings.declKnownNumbers}</legend>
        <NumbersFields value={d.known} onChange={(known) => setD({ known })} tried={false} required={false} />
      </fieldset>
    </div>
  );
}

function Summary({ state, w, staffName }: { state: ReceptionState; w: WizardDraft; staffName: string }) {
  const v = visitFor(state, w);
  const p = v.patient;
  const e = v.evidence;
  return (
    <dl className="summary" data-testid="summary">
      <Row label={strings.summaryPatient}>
        {p.name}（{p.nameKana}） {formatBothCalendars(p.birthDate)}{' '}
        {p.sex === 'male' ? strings.sexMale : strings.sexFemale}
      </Row>
      <Row label={strings.summaryCause}>{strings.causes[v.cause]}</Row>
      <Row label={strings.summaryIdentity}>
        {strings.identity[v.identity.method]}
        {v.identity.confirmedAt ? `（${strings.visualRecorded(staffName, localTime(v.identity.confirmedAt))}）` : ''}
      </Row>
      <Row label={strings.summaryEvidence}>
        {evidenceLabel(e.kind)} <NumbersLine n={e.insurance} />
        {e.declaration && <span> {strings.insuranceTypes[e.declaration.insuranceType]}</span>}
      </Row>
      {e.fourItems && (
        <Row label={strings.summaryFourItems}>
          {e.fourItems.name} {formatBothCalendars(e.fourItems.birthDate)}{' '}
          {e.fourItems.sex === 'male' ? strings.sexMale : strings.sexFemale} {e.fourItems.address}
          {w.emergency && e.incidentRef ? `（${strings.summaryIncident(w.emergency.referenceNumber)}）` : ''}
        </Row>
      )}
      <Row label={strings.summaryCopay}>
        {strings.copayPercent(v.copay.percent)}
        {v.copay.reason ? `（${v.copay.reason}）` : ''}
      </Row>
      <Row label={strings.summaryStaff}>{staffName}</Row>
    </dl>
  );
}
