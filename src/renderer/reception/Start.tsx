// Reception start: who is at the desk, find the patient in past-visit data (kana, birth date as people type
// it) or enter a new one, then the one big button 「マイナ保険証で確認できない」.
import { useEffect, useState, type FormEvent } from 'react';
import { formatBothCalendars, parseTypedDate } from '../../claims/dates.ts';
import { hasUnrepresentableMark, nfkc } from '../../claims/normalize.ts';
import type { PatientRecordView, StaffView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { useConnection } from '../connection.ts';
import { strings } from '../strings.ts';
import { ErrorTiming, RadioGroup, SelectField, TextField } from './fields.tsx';
import { localDate } from '../print/format.ts';
import { openPrint } from '../print/index.ts';
import {
  openWizard,
  patchPatient,
  pickPatient,
  resetReception,
  typedDate,
  useReception,
  type PatientDraft,
} from './model.ts';

/** The date as typed, read back in 西暦 and 和暦, or the reason it is not a date. */
export function birthFeedback(textValue: string, showError: boolean): { ok?: string; error?: string } {
  if (textValue.trim() === '') return {};
  const error = birthError(textValue);
  if (error === undefined) return { ok: strings.birthShown(formatBothCalendars(typedDate(textValue)!)) };
  return showError ? { error } : {};
}

/** Why a typed 生年月日 cannot be one: not a date (2026/2/30), or in the future; undefined when it is fine. */
export function birthError(textValue: string, today: Date = new Date()): string | undefined {
  const r = parseTypedDate(textValue);
  if (!r.ok) return r.errors[0]?.message ?? strings.birthRequired;
  return r.value > localDate(today) ? strings.birthFuture : undefined;
}

/** 生年月日 as typed, read back (birthFeedback) beside the field; `error` (the form's own) comes first. */
export function BirthField(props: {
  value: string;
  onChange(v: string): void;
  tried: boolean;
  error?: string | undefined;
}) {
  // The reason shows as soon as the field is left (issue #15), not only when the step is tried.
  const [left, setLeft] = useState(false);
  const fb = birthFeedback(props.value, props.tried || left);
  return (
    <div className="field-wrap" onBlur={() => setLeft(true)}>
      <TextField
        label={strings.patientBirth}
        value={props.value}
        onChange={props.onChange}
        ok={fb.ok}
        error={props.error ?? fb.error}
        required
      />
    </div>
  );
}

/** 性別: 男 / 女, nothing chosen while the draft's sex is ''. */
export function SexField(props: {
  name: string;
  value: PatientDraft['sex'];
  onChange(v: 'male' | 'female'): void;
  error?: string | undefined;
}) {
  return (
    <RadioGroup
      legend={strings.patientSex}
      name={props.name}
      options={['male', 'female'] as const}
      labelOf={(v) => (v === 'male' ? strings.sexMale : strings.sexFemale)}
      value={props.value === '' ? undefined : props.value}
      onChange={props.onChange}
      error={props.error}
      required
    />
  );
}

function StaffPicker() {
  const staff = useReception((s) => s.staff);
  const ready = useConnection((s) => s.status.state === 'ready');
  const [list, setList] = useState<StaffView[] | undefined>(undefined);
  useEffect(() => {
    if (!ready) return;
    call('staff.list', {}).then(
      (l) => {
        const active = l.filter((s) => s.active);
        setList(active);
        useReception.setState({ staffList: active });
      },
      () => setList([]),
    );
  }, [ready]);
  if (list !== undefined && list.length === 0) {
    return (
      <p className="field-error" role="alert">
        {strings.staffEmpty}
      </p>
    );
  }
  return (
    <div className="staff-picker">
      <ErrorTiming tried={false}>
        <SelectField
          id="staff-select"
          label={strings.staffLabel}
          value={staff}
          options={(list ?? []).map((s) => s.id)}
          labelOf={(id) => list?.find((s) => s.id === id)?.name ?? id}
          placeholder={strings.staffChoose}
          onChange={(v) => useReception.setState({ staff: v })}
          error={staff === '' ? strings.staffRequired : undefined}
          required
          testId="staff-select"
        />
      </ErrorTiming>
    </div>
  );
}

function Search() {
  const [kana, setKana] = useState('');
  const [birth, setBirth] = useState('');
  const [results, setResults] = useState<PatientRecordView[] | undefined>(undefined);
  const [message, setMessage] = useState('');
  const [touched, setTouched] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const name = nfkc(kana).trim();
    const birthIso = typedDate(birth);
    if (name === '' && birthIso === undefined) {
      setMessage(strings.searchNeedInput);
      setResults(undefined);
      return;
    }
    try {
      const found = await call('patients.search', {
        ...(name ? { name } : {}),
        ...(birthIso ? { birthDate: birthIso } : {}),
        limit: 20,
      });
      setResults(found);
      setMessage(found.length === 0 ? strings.searchNone : strings.searchResults(found.length));
    } catch (err) {
      setResults(undefined);
      setMessage((err as Error).message);
    }
  };

  const fb = birthFeedback(birth, touched);
  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">{strings.searchTitle}</h2>
      <form className="row" onSubmit={submit} role="search" aria-labelledby="search-title">
        <TextField label={strings.searchKana} value={kana} onChange={setKana} testId="search-kana" />
        <TextField
          label={strings.searchBirth}
          value={birth}
          onChange={setBirth}
          ok={fb.ok}
          error={fb.error}
          testId="search-birth"
        />
        <button type="submit" className="button">
          {strings.searchButton}
        </button>
      </form>
      <p role="status" className="search-message">
        {message}
      </p>
      {results && results.length > 0 && (
        <ul className="results" aria-label={strings.searchResultsLabel}>
          {results.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="result"
                aria-label={strings.choosePatient(p.name)}
                onClick={() => {
                  pickPatient(p);
                  focusSoon('#patient-form input');
                }}
              >
                <span className="result-name">
                  {p.name}（{p.nameKana}）
                </span>
                <span>{formatBothCalendars(p.birthDate)}</span>
                <span>{p.sex === 'male' ? strings.sexMale : p.sex === 'female' ? strings.sexFemale : ''}</span>
                {p.lastVisitDate && <span>{strings.lastVisit(p.lastVisitDate)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button secondary"
        onClick={() => {
          resetReception();
          patchPatient({ nameKana: nfkc(kana).trim(), birthText: birth });
          useReception.setState({ editing: true });
          focusSoon('#patient-form input');
        }}
      >
        {strings.newPatient}
      </button>{' '}
      {/* The blank 申立書: the patient fills it in by hand while staff do the rest (nothing typed yet). */}
      <button
        type="button"
        className="button secondary"
        onClick={() => openPrint({ kind: 'declaration', visit: null })}
      >
        {strings.printBlankDeclaration}
      </button>
    </section>
  );
}

export function focusSoon(selector: string, onlyIfFree = false): void {
  requestAnimationFrame(() => {
    if (onlyIfFree && !focusIsFree()) return; // something else took it meanwhile (the draft offer)
    document.querySelector<HTMLElement>(selector)?.focus();
  });
}

const focusIsFree = (): boolean => document.activeElement === null || document.activeElement === document.body;

type PatientErrors = Partial<Record<'staff' | 'name' | 'birth' | 'sex', string>>;

/** 氏名・生年月日 (a real date)・性別, needed wherever a patient is taken down (here, and the card's 4 items). */
export function personErrors(p: PatientDraft): Omit<PatientErrors, 'staff'> {
  const e: Omit<PatientErrors, 'staff'> = {};
  if (nfkc(p.name).trim() === '') e.name = strings.nameRequired;
  if (p.birthText.trim() === '') e.birth = strings.birthRequired;
  else {
    const why = birthError(p.birthText);
    if (why !== undefined) e.birth = why;
  }
  if (p.sex === '') e.sex = strings.sexRequired;
  return e;
}

export function patientErrors(p: PatientDraft, staff: string): PatientErrors {
  return { ...(staff === '' ? { staff: strings.staffRequired } : {}), ...personErrors(p) };
}

function PatientForm() {
  const patient = useReception((s) => s.patient);
  const staff = useReception((s) => s.staff);
  const past = useReception((s) => s.past);
  const health = useConnection((s) => s.health);
  const [tried, setTried] = useState(false);
  const set = (k: keyof PatientDraft) => (v: string) => patchPatient({ [k]: v });

  const start = (e: FormEvent) => {
    e.preventDefault();
    const errs = patientErrors(patient, staff);
    setTried(true);
    if (Object.keys(errs).length > 0) {
      if (errs.staff) focusSoon('#staff-select');
      else focusSoon('#patient-form [aria-invalid="true"]');
      return;
    }
    openWizard(health, new Date());
  };

  // As they stand: each shows beside its field once the field is left, all once the button was tried.
  const live = patientErrors(patient, staff);
  return (
    <section className="card" aria-labelledby="patient-title">
      <h2 id="patient-title">{strings.patientTitle}</h2>
      {past && <p className="note">{strings.patientFromRecord}</p>}
      <form id="patient-form" onSubmit={start} noValidate>
        <ErrorTiming tried={tried}>
          <div className="grid">
            <TextField
              label={strings.patientName}
              value={patient.name}
              onChange={set('name')}
              error={live.name}
              required
            />
            <TextField label={strings.patientKana} value={patient.nameKana} onChange={set('nameKana')} />
            <BirthField value={patient.birthText} onChange={set('birthText')} tried={tried} error={live.birth} />
            <SexField name="sex" value={patient.sex} onChange={(v) => patchPatient({ sex: v })} error={live.sex} />
            <TextField
              label={strings.patientPostal}
              value={patient.postalCode}
              onChange={set('postalCode')}
              inputMode="numeric"
            />
            <TextField label={strings.patientAddress} value={patient.address} onChange={set('address')} wide />
            <TextField label={strings.patientPhone} value={patient.phone} onChange={set('phone')} inputMode="tel" />
            <TextField label={strings.patientId} value={patient.patientId} onChange={set('patientId')} />
          </div>
        </ErrorTiming>
        {hasUnrepresentableMark(patient.name + patient.nameKana) && (
          <p className="mark-note" role="note" data-testid="mark-note">
            {strings.unrepresentableNote}
          </p>
        )}
        {live.staff && <p className="field-error">{live.staff}</p>}
        <button type="submit" className="button big" data-testid="cannot-confirm">
          {strings.cannotConfirm}
        </button>
      </form>
      <button type="button" className="button link" onClick={resetReception}>
        {strings.clearPatient}
      </button>
    </section>
  );
}

export function Start() {
  const editing = useReception((s) => s.editing);
  // On page load (and back from the wizard) the first field has the focus, unless something else took it.
  useEffect(() => {
    if (!focusIsFree()) return;
    const s = useReception.getState();
    const first =
      s.staff === '' ? '#staff-select' : s.editing ? '[data-testid="cannot-confirm"]' : '[data-testid="search-kana"]';
    focusSoon(first, true);
  }, []);
  return (
    <div className="reception-start">
      <h2 className="screen-title">{strings.receptionTitle}</h2>
      <StaffPicker />
      <Search />
      {editing && <PatientForm />}
    </div>
  );
}
