// Form controls with a visible label, the reason for an error next to the field (aria-describedby), and NFKC
// applied when the field is left (not while typing, so an IME composition is never disturbed).
import { useId, type ReactNode } from 'react';
import { parseInsurerNumber } from '../../claims/insurer.ts';
import { nfkc } from '../../claims/normalize.ts';
import { normalizeInsuranceNumbers } from '../../claims/numbers.ts';
import { strings } from '../strings.ts';

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
}) {
  const id = useId();
  const describedBy = [props.error ? `${id}-err` : '', props.hint || props.ok ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={props.wide ? 'field field-wide' : 'field'}>
      <div className="field-label">
        <label htmlFor={id}>{props.label}</label>
        {props.required && (
          <span className="required" aria-hidden="true">
            {strings.required}
          </span>
        )}
      </div>
      <input
        id={id}
        type="text"
        value={props.value}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy || undefined}
        aria-required={props.required ? true : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
        onBlur={(e) => {
          const n = nfkc(e.target.value);
          if (n !== e.target.value) props.onChange(n);
        }}
      />
      {(props.hint || props.ok) && (
        <div id={`${id}-hint`} className={props.ok ? 'field-ok' : 'field-hint'}>
          {props.ok ?? props.hint}
        </div>
      )}
      {props.error && (
        <div id={`${id}-err`} className="field-error">
          {props.error}
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
}) {
  const id = useId();
  return (
    <fieldset
      className="radio-group"
      aria-describedby={props.error ? `${id}-err` : undefined}
      aria-invalid={props.error ? true : undefined}
      data-testid={props.testId}
    >
      <legend>{props.legend}</legend>
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
      {props.error && (
        <div id={`${id}-err`} className="field-error">
          {props.error}
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
  return (
    <div className="field">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={props.checked}
          aria-describedby={props.error ? `${id}-err` : undefined}
          aria-invalid={props.error ? true : undefined}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        <span>{props.label}</span>
      </label>
      {props.error && (
        <div id={`${id}-err`} className="field-error">
          {props.error}
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
}) {
  const id = useId();
  return (
    <div className="field">
      <div className="field-label">
        <label htmlFor={id}>{props.label}</label>
        {props.required && (
          <span className="required" aria-hidden="true">
            {strings.required}
          </span>
        )}
      </div>
      <select
        id={id}
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value as T | '')}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.labelOf(o)}
          </option>
        ))}
      </select>
      {props.error && (
        <div id={`${id}-err`} className="field-error">
          {props.error}
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
 * The four number fields, checked as typed: an error shows once a field has content (or after a try), and a valid
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
  const show = (k: keyof NumbersInput) => (props.tried || n[k] !== '' ? errs[k] : undefined);
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
