// システム障害時モード: staff record that the オンライン資格確認等コールセンター switched it on (time, the call
// centre's reference number, who called, a note, who records it), see the active one, record its end, look
// back over recent outages and activations, and print the record for the 利用報告書 over a period.
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { IncidentView, StaffView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { noteEmergency } from '../connection.ts';
import { openPrint } from '../print/index.ts';
import { dayBoundary, formatDateTime, fromLocalInput, localDate, toLocalInput } from '../print/format.ts';
import { RequiredMark } from '../reception/fields.tsx';
import { useReception } from '../reception/model.ts';
import { strings } from '../strings.ts';
import './incidents.css';

const s = strings.incidentScreen;
const DAY_MS = 24 * 60 * 60 * 1000;

type Errors = Partial<Record<'startedAt' | 'reference' | 'calledBy' | 'staff' | 'endedAt', string>>;

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function Field({
  id,
  label,
  error,
  hint,
  required,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required === true && <RequiredMark />}
      </label>
      {children}
      {hint !== undefined && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** ARIA props for an input with a possible error below it. */
const invalid = (id: string, error: string | undefined, hint = false) => {
  const describedBy = [hint ? `${id}-hint` : '', error !== undefined ? `${id}-error` : ''].filter((x) => x !== '');
  return {
    ...(error !== undefined ? { 'aria-invalid': true as const } : {}),
    ...(describedBy.length > 0 ? { 'aria-describedby': describedBy.join(' ') } : {}),
  };
};

function StaffSelect({
  id,
  value,
  onChange,
  staff,
  error,
  onBlur,
}: {
  id: string;
  value: string;
  onChange(v: string): void;
  staff: StaffView[];
  error?: string | undefined;
  onBlur(): void;
}) {
  return (
    <Field id={id} label={s.staff} error={error} required>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        required
        {...invalid(id, error)}
      >
        <option value="">{s.staffChoose}</option>
        {staff.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

function focusFirstError(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** What a form's check found: its errors, or (none) what to send. */
type Checked = { errors: Errors; send?: undefined } | { errors: Record<string, never>; send(): Promise<void> };

/**
 * The submit cycle both incident forms share: a field's error shows once the field is left, every error once the
 * form was tried (as the fields stand now, so a corrected field clears at once); on a failed try the first invalid
 * field takes the focus; otherwise the request is sent once (a second Enter while it is on its way does nothing)
 * and a refusal is shown below the form.
 */
function useSubmit(form: RefObject<HTMLFormElement | null>) {
  const [tried, setTried] = useState(false);
  const [left, setLeft] = useState<ReadonlySet<string>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const submit = async (e: FormEvent, check: () => Checked): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTried(true);
    const checked = check();
    setFailure('');
    if (checked.send === undefined) {
      focusFirstError(form.current);
      return;
    }
    setBusy(true);
    try {
      await checked.send();
    } catch (err) {
      setFailure(`${s.saveFailed} ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };
  /** The errors to show now, of the errors the fields have as they stand. */
  const shown = (errors: Errors): Errors =>
    tried ? errors : Object.fromEntries(Object.entries(errors).filter(([key]) => left.has(key)));
  /** The field `key` was left: its error shows from now on. */
  const leave = (key: string) => setLeft((prev) => (prev.has(key) ? prev : new Set(prev).add(key)));
  return { busy, failure, submit, shown, leave };
}

function Failure({ text }: { text: string }) {
  return text === '' ? null : (
    <p role="alert" className="field-error">
      {text}
    </p>
  );
}

/**
 * A date or a time typed as digits, the format in the hint below it. `error` is shown under the field;
 * `invalidBy` names an error shown elsewhere that this field is part of.
 */
function TypedField(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange(v: string): void;
  error?: string | undefined;
  invalidBy?: string | undefined;
  onBlur?(): void;
}) {
  const { id, error, invalidBy } = props;
  const describedBy = [`${id}-hint`, error !== undefined ? `${id}-error` : '', invalidBy ?? ''].filter((x) => x !== '');
  return (
    <Field id={id} label={props.label} error={error} hint={props.hint} required>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={props.onBlur}
        required
        {...(error !== undefined || invalidBy !== undefined ? { 'aria-invalid': true as const } : {})}
        aria-describedby={describedBy.join(' ')}
      />
    </Field>
  );
}

/** The record of a new activation. */
function OpenForm({ staff, onSaved }: { staff: StaffView[]; onSaved(i: IncidentView): void }) {
  const form = useRef<HTMLFormElement>(null);
  const [startedAt, setStartedAt] = useState(() => toLocalInput(new Date()));
  const [reference, setReference] = useState('');
  const [calledBy, setCalledBy] = useState('');
  const [note, setNote] = useState('');
  const [who, setWho] = useState(() => useReception.getState().staff);
  const { busy, failure, submit: run, shown, leave } = useSubmit(form);
  const first = useRef<HTMLInputElement>(null);
  // The reference number is what staff have to type first (the time defaults to now, the staff to who is at
  // the desk): the field has the focus when the form appears.
  useEffect(() => first.current?.focus(), []);

  const check = (): Checked => {
    const at = fromLocalInput(startedAt);
    const errs: Errors = {};
    if (at === undefined) errs.startedAt = s.timeRequired;
    if (reference.trim() === '') errs.reference = s.referenceRequired;
    if (calledBy.trim() === '') errs.calledBy = s.calledByRequired;
    if (who === '') errs.staff = s.staffRequired;
    if (Object.keys(errs).length > 0 || at === undefined) return { errors: errs };
    return {
      errors: {},
      send: async () => {
        const saved = await call('incidents.openEmergency', {
          startedAt: at,
          referenceNumber: reference.trim(),
          calledBy: calledBy.trim(),
          ...(note.trim() !== '' ? { note: note.trim() } : {}),
          staff: who,
        });
        onSaved(saved);
      },
    };
  };
  const errors = shown(check().errors);
  const submit = (e: FormEvent): Promise<void> => run(e, check);

  return (
    <form
      ref={form}
      className="card incident-form"
      aria-labelledby="incident-open-title"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h3 id="incident-open-title">{s.openTitle}</h3>
      <div className="incident-fields">
        <Field id="incident-reference" label={s.reference} error={errors.reference} required>
          <input
            ref={first}
            id="incident-reference"
            type="text"
            value={reference}
            maxLength={100}
            autoComplete="off"
            onChange={(e) => setReference(e.target.value)}
            onBlur={() => leave('reference')}
            required
            {...invalid('incident-reference', errors.reference)}
          />
        </Field>
        <Field id="incident-called-by" label={s.calledBy} error={errors.calledBy} required>
          <input
            id="incident-called-by"
            type="text"
            value={calledBy}
            maxLength={100}
            onChange={(e) => setCalledBy(e.target.value)}
            onBlur={() => leave('calledBy')}
            required
            {...invalid('incident-called-by', errors.calledBy)}
          />
        </Field>
        <StaffSelect
          id="incident-staff"
          value={who}
          onChange={setWho}
          onBlur={() => leave('staff')}
          staff={staff}
          error={errors.staff}
        />
        <Field id="incident-note" label={s.note}>
          <input
            id="incident-note"
            type="text"
            value={note}
            maxLength={2000}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
        <TypedField
          id="incident-started"
          label={s.startedAt}
          hint={s.timeHint}
          value={startedAt}
          onChange={setStartedAt}
          onBlur={() => leave('startedAt')}
          error={errors.startedAt}
        />
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? s.recording : s.record}
      </button>
      <Failure text={failure} />
    </form>
  );
}

/** The active activation, prominent, with its end. */
function ActiveIncident({
  incident,
  staff,
  onEnded,
}: {
  incident: IncidentView;
  staff: StaffView[];
  onEnded(i: IncidentView): void;
}) {
  const form = useRef<HTMLFormElement>(null);
  const [endedAt, setEndedAt] = useState(() => toLocalInput(new Date()));
  const [who, setWho] = useState(() => useReception.getState().staff || incident.staff);
  const { busy, failure, submit: run, shown, leave } = useSubmit(form);

  const check = (): Checked => {
    const at = fromLocalInput(endedAt);
    const errs: Errors = {};
    if (at === undefined) errs.endedAt = s.timeRequired;
    else if (Date.parse(at) < Date.parse(incident.startedAt)) errs.endedAt = s.endBeforeStart;
    if (who === '') errs.staff = s.staffRequired;
    if (Object.keys(errs).length > 0 || at === undefined) return { errors: errs };
    return {
      errors: {},
      send: async () => onEnded(await call('incidents.close', { id: incident.id, endedAt: at, staff: who })),
    };
  };
  const errors = shown(check().errors);
  const submit = (e: FormEvent): Promise<void> => run(e, check);

  return (
    <section className="incident-active" aria-labelledby="incident-active-title" data-testid="incident-active">
      <h3 id="incident-active-title">{s.activeTitle}</h3>
      <p className="incident-active-since">{s.activeSince(formatDateTime(incident.startedAt))}</p>
      <p>{s.activeDetail(incident.referenceNumber, incident.calledBy)}</p>
      <form ref={form} aria-label={s.endTitle} onSubmit={(e) => void submit(e)} noValidate>
        <div className="incident-fields">
          <TypedField
            id="incident-ended"
            label={s.endedAt}
            hint={s.timeHint}
            value={endedAt}
            onChange={setEndedAt}
            onBlur={() => leave('endedAt')}
            error={errors.endedAt}
          />
          <StaffSelect
            id="incident-end-staff"
            value={who}
            onChange={setWho}
            onBlur={() => leave('staff')}
            staff={staff}
            error={errors.staff}
          />
        </div>
        <button type="submit" className="button primary" disabled={busy}>
          {s.end}
        </button>
        <Failure text={failure} />
      </form>
    </section>
  );
}

function RecentList({ items, staffName }: { items: IncidentView[]; staffName(id: string): string }) {
  if (items.length === 0) return <p>{s.recentEmpty}</p>;
  return (
    <table className="incident-table" data-testid="incident-list">
      <thead>
        <tr>
          <th scope="col">{s.cols.kind}</th>
          <th scope="col">{s.cols.startedAt}</th>
          <th scope="col">{s.cols.endedAt}</th>
          <th scope="col">{s.cols.detail}</th>
          <th scope="col">{s.cols.calledBy}</th>
          <th scope="col">{s.cols.staff}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.id} data-kind={i.kind} data-open={i.endedAt === null}>
            <td>{s.kinds[i.kind]}</td>
            <td>{formatDateTime(i.startedAt)}</td>
            <td>{i.endedAt === null ? s.ongoing : formatDateTime(i.endedAt)}</td>
            <td>
              {i.kind === 'emergency_mode'
                ? i.referenceNumber
                : (strings.incidentReport.outageCauses[i.cause] ?? i.cause)}
            </td>
            <td>{i.calledBy}</td>
            <td>{i.kind === 'emergency_mode' ? staffName(i.staff) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReportForm() {
  const today = new Date();
  const [from, setFrom] = useState(() => localDate(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(() => localDate(today));
  const [error, setError] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const f = dayBoundary(from, false);
    const t = dayBoundary(to, true);
    if (f === undefined || t === undefined || Date.parse(f) > Date.parse(t)) {
      setError(s.reportRange);
      return;
    }
    setError('');
    openPrint({ kind: 'incident_report', from: f, to: t });
  };
  return (
    <form className="card incident-report" aria-labelledby="incident-report-title" onSubmit={submit} noValidate>
      <h3 id="incident-report-title">{s.reportTitle}</h3>
      <p>{s.reportHint}</p>
      <div className="incident-fields">
        <TypedField
          id="report-from"
          label={s.reportFrom}
          hint={s.dateHint}
          value={from}
          onChange={setFrom}
          invalidBy={error !== '' ? 'report-error' : undefined}
        />
        <TypedField
          id="report-to"
          label={s.reportTo}
          hint={s.dateHint}
          value={to}
          onChange={setTo}
          invalidBy={error !== '' ? 'report-error' : undefined}
        />
      </div>
      <button type="submit" className="button primary">
        {s.reportPrint}
      </button>
      {error !== '' && (
        <p role="alert" className="field-error" id="report-error">
          {error}
        </p>
      )}
    </form>
  );
}

export function Incidents() {
  const [items, setItems] = useState<IncidentView[] | undefined>();
  const [staff, setStaff] = useState<StaffView[]>([]);
  const [loadError, setLoadError] = useState('');
  const [notice, setNotice] = useState('');

  const reload = useCallback(async (): Promise<void> => {
    try {
      const list = await call('incidents.list', { from: new Date(Date.now() - 30 * DAY_MS).toISOString() });
      // Activations still open are shown above whatever their age; the list is newest first.
      const open = await call('incidents.list', { kind: 'emergency_mode', openOnly: true });
      noteEmergency(open);
      const byId = new Map([...list, ...open].map((i) => [i.id, i]));
      setItems([...byId.values()].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt)));
      setLoadError('');
    } catch (err) {
      setLoadError(`${s.loadFailed} ${errorMessage(err)}`);
    }
  }, []);

  useEffect(() => {
    void reload();
    call('staff.list', {}).then(
      (list) => setStaff(list.filter((m) => m.active)),
      (err: unknown) => setLoadError(`${s.loadFailed} ${errorMessage(err)}`),
    );
  }, [reload]);

  const active = items?.filter((i) => i.kind === 'emergency_mode' && i.endedAt === null) ?? [];
  const names = new Map(staff.map((m) => [m.id, m.name]));
  const staffName = (id: string): string => names.get(id) ?? id;

  return (
    <section className="card incidents" aria-labelledby="incidents-title" data-testid="incidents">
      <h2 id="incidents-title">{s.title}</h2>
      <p>{s.intro}</p>
      <p role="status" className="incident-notice">
        {notice}
      </p>
      {loadError !== '' && <p role="alert">{loadError}</p>}
      {items !== undefined &&
        (active.length > 0 ? (
          active.map((i) => (
            <ActiveIncident
              key={i.id}
              incident={i}
              staff={staff}
              onEnded={() => {
                setNotice(s.ended);
                void reload();
              }}
            />
          ))
        ) : (
          <>
            <p className="incident-none">{s.noneActive}</p>
            <OpenForm
              staff={staff}
              onSaved={() => {
                setNotice(s.recorded);
                void reload();
              }}
            />
          </>
        ))}
      <section aria-labelledby="incident-recent-title">
        <h3 id="incident-recent-title">{s.recentTitle}</h3>
        {items === undefined ? (
          <p role="status">{strings.loadingScreen}</p>
        ) : (
          <RecentList items={items} staffName={staffName} />
        )}
      </section>
      <ReportForm />
    </section>
  );
}
