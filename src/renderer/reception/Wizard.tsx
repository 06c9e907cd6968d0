// The 確認できない wizard: one decision per step (cause → identity → what showed the insurance → its details →
// 負担割合 → summary and 保存). Enter advances, Esc goes back, nothing typed is lost going back and forth.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { formatBothCalendars } from '../../claims/dates.ts';
import { validateDeclaration } from '../../claims/declaration.ts';
import { parseInsurerNumber } from '../../claims/insurer.ts';
import { nfkc } from '../../claims/normalize.ts';
import { normalizeInsuranceNumbers } from '../../claims/numbers.ts';
import type { ClaimError } from '../../claims/result.ts';
import type { InsuranceNumbers, VisitInput } from '../../claims/visit.ts';
import { call } from '../api.ts';
import { strings } from '../strings.ts';
import { Checkbox, RadioGroup, SelectField, TextField } from './fields.tsx';
import {
  CAUSES,
  COPAY_PERCENTS,
  IDENTITY_METHODS,
  INSURANCE_TYPES,
  STEPS,
  buildVisit,
  hasStoredInsurance,
  localIso,
  localTime,
  needsNumbers,
  offeredEvidence,
  patchPatient,
  patchWizard,
  proposeCopay,
  typedDate,
  useReception,
  type DeclarationDraft,
  type NumbersDraft,
  type PatientDraft,
  type ReceptionState,
  type Step,
  type WizardDraft,
} from './model.ts';

type Errors = Record<string, string>;

const firstByField = (errs: ClaimError[]): Errors => {
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
      return w.identity === 'visual' && !w.visualConfirmed ? { visual: strings.visualRequired } : {};
    case 'evidenceKind':
      return w.evidence && offeredEvidence(w.identity, state.past).includes(w.evidence)
        ? {}
        : { evidence: strings.evidenceRequired };
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
        return errs;
      }
      return {};
    }
    case 'copay': {
      const proposal = proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      const percent = w.copayPercent ?? proposal?.percent;
      if (percent === undefined) return { copay: strings.copayUnknown };
      if (percent !== proposal?.percent && nfkc(w.copayReason).trim() === '')
        return { copayReason: strings.copayReasonRequired };
      return {};
    }
    case 'summary':
      return {};
  }
}

/** The visit as it will be saved (normalised numbers and 申立書). */
export function visitFor(state: ReceptionState, w: WizardDraft): VisitInput {
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

function NumbersFields(props: {
  value: NumbersDraft;
  onChange: (n: NumbersDraft) => void;
  tried: boolean;
  required: boolean;
}) {
  const n = props.value;
  const r = normalizeInsuranceNumbers(n);
  const errs = r.ok ? {} : firstByField(r.errors);
  const show = (k: keyof NumbersDraft) => (props.tried || n[k] !== '' ? errs[k] : undefined);
  const insurer = parseInsurerNumber(n.insurerNumber);
  const insurerOk = insurer.valid
    ? strings.insurerOk([insurer.houbetsuName, insurer.prefectureName].filter(Boolean).join('・'))
    : undefined;
  const set = (k: keyof NumbersDraft) => (v: string) => props.onChange({ ...n, [k]: v });
  return (
    <div className="grid">
      <TextField
        label={strings.insurerNumber}
        value={n.insurerNumber}
        onChange={set('insurerNumber')}
        error={props.required ? show('insurerNumber') : undefined}
        ok={insurerOk}
        inputMode="numeric"
        required={props.required}
      />
      <TextField label={strings.symbol} value={n.symbol} onChange={set('symbol')} error={show('symbol')} />
      <TextField
        label={strings.number}
        value={n.number}
        onChange={set('number')}
        error={props.required ? show('number') : undefined}
        required={props.required}
      />
      <TextField
        label={strings.branch}
        value={n.branch}
        onChange={set('branch')}
        error={show('branch')}
        inputMode="numeric"
      />
    </div>
  );
}

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
  const [errors, setErrors] = useState<Errors>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const index = STEPS.indexOf(w.step);
  const staffName = state.staffList.find((s) => s.id === state.staff)?.name ?? state.staff;

  useEffect(() => {
    setTried(false);
    setErrors({});
    const f = formRef.current;
    if (!f) return;
    const target =
      w.step === 'summary'
        ? f.querySelector<HTMLElement>('button[type="submit"]')
        : (f.querySelector<HTMLElement>('input:checked') ??
          f.querySelector<HTMLElement>('input, select, textarea') ??
          f.querySelector<HTMLElement>('button[type="submit"]'));
    target?.focus();
  }, [w.step]);

  const live = tried ? stepErrors(state, w) : errors;

  const go = (step: Step) => patchWizard({ step });
  const back = () => {
    if (index === 0) useReception.setState({ wizardOpen: false });
    else go(STEPS[index - 1]!);
  };

  const save = async () => {
    if (saving) return;
    setSaving(true);
    setSaveError('');
    try {
      const saved = await call('visits.save', visitFor(state, w));
      useReception.setState({ saved, wizardOpen: false });
    } catch (err) {
      setSaveError(`${strings.saveFailed} ${(err as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (w.step === 'summary') {
      void save();
      return;
    }
    const errs = stepErrors(state, w);
    setErrors(errs);
    setTried(true);
    if (Object.keys(errs).length > 0) {
      requestAnimationFrame(() =>
        formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"] input, [aria-invalid="true"]')?.focus(),
      );
      return;
    }
    if (w.step === 'copay' && w.copayPercent === undefined) {
      const p = proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      patchWizard({ copayPercent: p?.percent, step: STEPS[index + 1]! });
      return;
    }
    go(STEPS[index + 1]!);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      back();
      return;
    }
    const t = e.target as HTMLElement;
    if (e.key === 'Enter' && (t.tagName === 'INPUT' || t.tagName === 'SELECT')) {
      e.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  const title: Record<Step, string> = {
    cause: strings.causeTitle,
    identity: strings.identityTitle,
    evidenceKind: strings.evidenceTitle,
    evidenceDetail: w.evidence ? detailTitle(w) : strings.evidenceTitle,
    copay: strings.copayTitle,
    summary: strings.summaryTitle,
  };

  return (
    <section className="wizard card" aria-label={strings.wizardLabel} data-step={w.step} data-testid="wizard">
      <p className="step-count">{strings.stepOf(index + 1, STEPS.length)}</p>
      <h2 id="step-title">{title[w.step]}</h2>
      <form ref={formRef} onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-labelledby="step-title">
        <StepBody state={state} w={w} errors={live} tried={tried} staffName={staffName} />
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
          <button type="button" className="button secondary" onClick={back}>
            {strings.back}
          </button>
          <button type="submit" className="button primary" disabled={saving} data-testid="wizard-next">
            {w.step === 'summary' ? (saving ? strings.saving : strings.save) : strings.next}
          </button>
        </div>
        <p className="field-hint">{w.step === 'summary' ? strings.summaryHint : strings.keyboardHint}</p>
      </form>
    </section>
  );
}

function detailTitle(w: WizardDraft): string {
  if (w.evidence === 'declaration') return strings.declTitle;
  if (w.evidence === 'verbal') return strings.verbalTitle;
  return strings.numbersTitle(strings.evidence[w.evidence!]);
}

function StepBody(props: { state: ReceptionState; w: WizardDraft; errors: Errors; tried: boolean; staffName: string }) {
  const { state, w, errors, tried, staffName } = props;
  switch (w.step) {
    case 'cause':
      return (
        <RadioGroup
          legend={strings.causeTitle}
          name="cause"
          options={CAUSES}
          labelOf={(c) => strings.causes[c]}
          value={w.cause}
          onChange={(cause) => patchWizard({ cause })}
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
            value={w.identity}
            onChange={(identity) =>
              patchWizard({
                identity,
                identityConfirmedAt:
                  identity === 'face' || identity === 'pin'
                    ? localIso(new Date())
                    : w.visualConfirmed
                      ? w.identityConfirmedAt
                      : undefined,
              })
            }
            error={errors.identity}
          />
          {w.identity === 'visual' && (
            <>
              <Checkbox
                label={strings.visualConfirm}
                checked={w.visualConfirmed}
                onChange={(v) =>
                  patchWizard({ visualConfirmed: v, identityConfirmedAt: v ? localIso(new Date()) : undefined })
                }
                error={errors.visual}
              />
              {w.visualConfirmed && w.identityConfirmedAt && (
                <p className="note" data-testid="visual-recorded">
                  {strings.visualRecorded(staffName, localTime(w.identityConfirmedAt))}
                </p>
              )}
            </>
          )}
        </>
      );
    case 'evidenceKind': {
      const offered = offeredEvidence(w.identity, state.past);
      return (
        <RadioGroup
          legend={strings.evidenceTitle}
          name="evidence"
          options={offered}
          labelOf={(k) => strings.evidence[k]}
          value={w.evidence}
          onChange={(evidence) => patchWizard({ evidence })}
          error={errors.evidence}
          hint={offered.includes('verbal') ? undefined : strings.verbalUnavailable}
        />
      );
    }
    case 'evidenceDetail':
      if (needsNumbers(w.evidence)) {
        return (
          <NumbersFields value={w.numbers} onChange={(numbers) => patchWizard({ numbers })} tried={tried} required />
        );
      }
      if (w.evidence === 'verbal' && hasStoredInsurance(state.past)) {
        const p = state.past;
        return (
          <>
            <p className="note">{strings.verbalAsk}</p>
            <dl className="summary" data-testid="past-record">
              <Row label={strings.patientName}>{p.name}</Row>
              <Row label={strings.patientBirth}>{formatBothCalendars(p.birthDate)}</Row>
              <Row label={strings.summaryEvidence}>
                <NumbersLine n={p.insurance} />
              </Row>
              {p.lastVisitDate && <Row label={strings.lastVisit('')}>{strings.pastRecordFrom(p.lastVisitDate)}</Row>}
            </dl>
            <Checkbox
              label={strings.verbalConfirm}
              checked={w.verbalConfirmed}
              onChange={(verbalConfirmed) => patchWizard({ verbalConfirmed })}
              error={errors.verbal}
            />
          </>
        );
      }
      return <DeclarationForm state={state} w={w} errors={errors} tried={tried} />;
    case 'copay': {
      const proposal = proposeCopay(typedDate(state.patient.birthText), w.receivedAt.slice(0, 10));
      const percent = w.copayPercent ?? proposal?.percent;
      return (
        <>
          <p className="proposal" data-testid="copay-proposal">
            {proposal
              ? strings.copayProposed(strings.copayPercent(proposal.percent), proposal.reason)
              : strings.copayUnknown}
          </p>
          <RadioGroup
            legend={strings.copayChoose}
            name="copay"
            options={COPAY_PERCENTS}
            labelOf={strings.copayPercent}
            value={percent}
            onChange={(copayPercent) => patchWizard({ copayPercent })}
            error={errors.copay}
          />
          {percent !== proposal?.percent && (
            <TextField
              label={strings.copayReason}
              value={w.copayReason}
              onChange={(copayReason) => patchWizard({ copayReason })}
              error={errors.copayReason}
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
          options={INSURANCE_TYPES}
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
          value={d.relationship}
          onChange={(relationship) => setD({ relationship })}
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
        {strings.evidence[e.kind]} <NumbersLine n={e.insurance} />
        {e.declaration && <span> {strings.insuranceTypes[e.declaration.insuranceType]}</span>}
      </Row>
      <Row label={strings.summaryCopay}>
        {strings.copayPercent(v.copay.percent)}
        {v.copay.reason ? `（${v.copay.reason}）` : ''}
      </Row>
      <Row label={strings.summaryStaff}>{staffName}</Row>
    </dl>
  );
}
