// Form controls with a visible label, the reason for an error next to the field (aria-describedby), and NFKC
// applied when the field is left (not while typing, so an IME composition is never disturbed).
//
// When an error shows: inside <ErrorTiming tried={…}> (a form that passes its errors as they stand), a field's
// error shows once the field has been left, or once the form was tried; outside one, an error shows as given.
// `immediate` shows it as typed (the insurance numbers, checked while they are typed).
import { createContext, useContext, useId, useState, type ReactNode } from 'react';
import { parseInsurerNumber } from '../../claims/insurer.ts';
import { nfkc } from '../../claims/normalize.ts';
import { normalizeInsuranceNumbers } from '../../claims/numbers.ts';
import { strings } from '../strings.ts';

/** Whether the form around was tried (submitted); null outside an ErrorTiming: errors show as given. */
const Tried = createContext<boolean | null>(null);

/** Errors of the fields inside show when a field is left or when `tried` (see the header). */
export function ErrorTiming(props: { tried: boolean; children: ReactNode }) {
  return <Tried.Provider value={props.tried}>{props.children}</Tried.Provider>;
}

/** The error to show now, and the handler that records that the field was left. */
function useShownError(error: string | undefined, immediate = false): [string | undefined, () => void] {
  const tried = useContext(Tried);
  const [left, setLeft] = useState(false);
  const shown = tried === null || tried || left || immediate ? error : undefined;
  return [shown, () => setLeft(true)];
}

/** The one mark of a required field, everywhere (the label says 「（必須）」; screen readers get aria-required). */
export function RequiredMark() {
  return (
    <span className="required" aria-hidden="true">
      {strings.required}
    </span>
  );
}

export function TextField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  ok?: string | undefined;
  required?: boolean;
  inputMode?: 'numeric' | 'tel' | 'text';
  autoComplete?: string;
  testId?: string;
  wide?: boolean;
  /** Show the error as typed, not only once the field is left (see the header). */
  immediate?: boolean;
  /** A password: hidden, and kept exactly as typed (no NFKC when left). */
  secret?: boolean;
}) {
  const id = useId();
  const [error, onLeave] = useShownError(props.error, props.immediate);
  const describedBy = [error ? `${id}-err` : '', props.hint || props.ok ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={props.wide ? 'field field-wide' : 'field'}>
      <div className="field-label">
        <label htmlFor={id}>{props.label}</label>
        {props.required && <RequiredMark />}
      </div>
      <input
        id={id}
        type={props.secret ? 'password' : 'text'}
        value={props.value}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required={props.required ? true : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={(e) => {
          const n = props.secret ? e.target.value : nfkc(e.target.value);
          if (n !== e.target.value) props.onChange(n);
          onLeave();
        }}
      />
      {(props.hint || props.ok) && (
        <div id={`${id}-hint`} className={props.ok ? 'field-ok' : 'field-hint'}>
          {props.ok ?? props.hint}
        </div>
      )}
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/**
 * Radio buttons in a fieldset. `keyOf` shows each option's number key as 「1」「2」… (aria-hidden, so the
 * accessible name stays the option's label; the key is announced through aria-keyshortcuts). `describe`
 * adds a line under an option (outside its label, linked with aria-describedby).
 */
export function RadioGroup<T extends string | number>(props: {
  legend: string;
  name: string;
  options: readonly T[];
  labelOf: (v: T) => string;
  value: T | undefined;
  onChange: (v: T) => void;
  error?: string | undefined;
  hint?: ReactNode;
  testId?: string;
  keyOf?: (v: T, index: number) => string;
  describe?: (v: T) => ReactNode;
  /** Why an option does not apply: it is shown greyed (disabled) with the reason under it, its key kept. */
  unavailable?: (v: T) => string | undefined;
  required?: boolean;
  /** Options in two columns (a long list that must keep the step's 次へ above the fold at 1366×768). */
  columns?: 2;
}) {
  const id = useId();
  const [error, onLeave] = useShownError(props.error);
  return (
    <fieldset
      className="radio-group"
      data-columns={props.columns}
      aria-describedby={error ? `${id}-err` : undefined}
      aria-invalid={error ? true : undefined}
      data-testid={props.testId}
      onBlur={(e) => {
        // Left when the focus goes outside the group (not from one option to another).
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onLeave();
      }}
    >
      <legend>
        {props.legend}
        {props.required && <RequiredMark />}
      </legend>
      {props.hint && <div className="field-hint">{props.hint}</div>}
      {props.options.map((o, i) => {
        const key = props.keyOf?.(o, i);
        const why = props.unavailable?.(o);
        const description = why ?? props.describe?.(o);
        const descId = `${id}-d${i}`;
        return (
          <div key={String(o)} className="radio-option" data-unavailable={why !== undefined ? true : undefined}>
            <label className="radio">
              <input
                type="radio"
                name={`${props.name}-${id}`}
                value={String(o)}
                checked={props.value === o}
                disabled={why !== undefined}
                aria-keyshortcuts={key}
                aria-describedby={description ? descId : undefined}
                onChange={() => props.onChange(o)}
              />
              {key !== undefined && (
                <span className="option-key" aria-hidden="true">
                  {strings.optionKey(key)}
                </span>
              )}
              <span>{props.labelOf(o)}</span>
            </label>
            {description && (
              <div id={descId} className="option-detail">
                {description}
              </div>
            )}
          </div>
        );
      })}
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </fieldset>
  );
}

export function Checkbox(props: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [error, onLeave] = useShownError(props.error);
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={props.checked}
          aria-describedby={error ? `${id}-err` : undefined}
          aria-invalid={error ? true : undefined}
          onChange={(e) => props.onChange(e.target.checked)}
          onBlur={onLeave}
        />
        <span>{props.label}</span>
      </label>
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

export function SelectField<T extends string>(props: {
  label: string;
  value: T | '';
  options: readonly T[];
  labelOf: (v: T) => string;
  placeholder: string;
  onChange: (v: T | '') => void;
  error?: string | undefined;
  required?: boolean;
  testId?: string;
  id?: string;
}) {
  const generated = useId();
  const id = props.id ?? generated;
  const [error, onLeave] = useShownError(props.error);
  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor={id}>{props.label}</label>
        {props.required && <RequiredMark />}
      </div>
      <select
        id={id}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        aria-required={props.required ? true : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value as T | '')}
        onBlur={onLeave}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.labelOf(o)}
          </option>
        ))}
      </select>
      {error && (
        <div id={`${id}-err`} className="field-error">
          {error}
        </div>
      )}
    </div>
  );
}

/** 保険者番号・記号・番号・枝番 as typed (strings; leading zeros matter). */
export interface NumbersInput {
  insurerNumber: string;
  symbol: string;
  number: string;
  branch: string;
}

/** The first error of each field of the numbers as typed (the same rules the store and the claims check). */
export function numberErrors(n: NumbersInput): Partial<Record<keyof NumbersInput, string>> {
  const r = normalizeInsuranceNumbers(n);
  const out: Partial<Record<keyof NumbersInput, string>> = {};
  if (!r.ok) for (const e of r.errors) out[e.field as keyof NumbersInput] ??= e.message;
  return out;
}

/**
 * The four number fields, checked as typed: an error shows once a field has content, is left (inside an
 * ErrorTiming) or after a try, and a valid
 * 保険者番号 reads back its 法別 and 都道府県. `required: false` (numbers a patient remembers) shows no error for
 * a missing 保険者番号 or 番号.
 */
export function NumbersFields(props: {
  value: NumbersInput;
  onChange: (n: NumbersInput) => void;
  tried: boolean;
  required: boolean;
}) {
  const n = props.value;
  const errs = numberErrors(n);
  // A field with content is checked as typed; an empty one once it is left (inside an ErrorTiming) or tried.
  const now = (k: keyof NumbersInput) => props.tried || n[k] !== '';
  const insurer = parseInsurerNumber(n.insurerNumber);
  const insurerOk = insurer.valid
    ? strings.insurerOk([insurer.houbetsuName, insurer.prefectureName].filter(Boolean).join('・'))
    : undefined;
  const set = (k: keyof NumbersInput) => (v: string) => props.onChange({ ...n, [k]: v });
  return (
    <div className="grid">
      <TextField
        label={strings.insurerNumber}
        value={n.insurerNumber}
        onChange={set('insurerNumber')}
        error={props.required ? errs.insurerNumber : undefined}
        ok={insurerOk}
        inputMode="numeric"
        required={props.required}
        immediate={now('insurerNumber')}
      />
      <TextField
        label={strings.symbol}
        value={n.symbol}
        onChange={set('symbol')}
        error={errs.symbol}
        immediate={now('symbol')}
      />
      <TextField
        label={strings.number}
        value={n.number}
        onChange={set('number')}
        error={props.required ? errs.number : undefined}
        required={props.required}
        immediate={now('number')}
      />
      <TextField
        label={strings.branch}
        value={n.branch}
        onChange={set('branch')}
        error={errs.branch}
        inputMode="numeric"
        immediate={now('branch')}
      />
    </div>
  );
}
