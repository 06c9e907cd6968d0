// 設定: the administrator's screen. One form per section (医療機関, 資格確認端末, 事後確認, 職員, 請求の設定 — its
// fields in ClaimsSettings.tsx —, バックアップ); Enter in a field saves its section. Every field is validated as typed (reason beside it), the
// core validates again and its reasons replace the local ones. The actor (who changes the settings) is chosen
// at the top and is required: the core records it in the audit log.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SettingItemView, StaffView } from '../../main/contract.ts';
import { digitsOnly, nfkc } from '../../claims/normalize.ts';
import { call, ShikakuError } from '../api.ts';
import { Checkbox, ErrorTiming, RadioGroup, SelectField, TextField } from '../reception/fields.tsx';
import { strings } from '../strings.ts';
import { PrecheckSettings } from './PrecheckSettings.tsx';
import { DataSettings } from './DataSettings.tsx';
import {
  ClaimsSection,
  claimDateFields,
  claimDigitFields,
  claimDraftKeys,
  claimIntFields,
  claimsValue,
} from './ClaimsSettings.tsx';
import { DevicesSettings } from './DevicesSettings.tsx';
import { TerminalTest } from './TerminalTest.tsx';
import { ServerCard } from './ServerCard.tsx';
import { dateError, digitsError, institutionError, institutionSummary, intError, parseIntIn } from './rules.ts';

const t = strings.settings;
const SYSTEM = 'system';

type SectionId = keyof typeof t.sections;
type Draft = Record<string, string>;
type Errors = Record<string, string | undefined>;
interface StaffRow {
  id: string;
  name: string;
  active: boolean;
  isNew: boolean;
  key: number;
}

/** Integer fields: [min, max]. 'terminal.timeoutMs' is edited in seconds. */
const intFields: Record<string, [number, number]> = {
  'terminal.timeoutMs': [1, 600],
  'reconcile.concurrency': [1, 16],
  'reconcile.pauseAfterTimeouts': [1, 100],
  'backup.keep': [1, 400],
  'backup.intervalHours': [1, 168],
  ...claimIntFields,
};
/** Digit-string fields: [min length, max length]. */
const digitFields: Record<string, [number, number]> = claimDigitFields;
const sectionFields: Record<Exclude<SectionId, 'staff'>, string[]> = {
  clinic: ['clinic.institutionCode', 'clinic.name'],
  terminal: ['terminal.dir', 'terminal.timeoutMs'],
  reconcile: ['reconcile.concurrency', 'reconcile.pauseAfterTimeouts'],
  claims: claimDraftKeys,
  backup: ['backup.keep', 'backup.intervalHours'],
  startup: ['app.openAtLogin'],
};

function localError(field: string, value: string): string | null {
  if (field === 'clinic.institutionCode') return institutionError(value);
  const range = intFields[field];
  if (range) return intError(value, range[0], range[1]);
  const digits = digitFields[field];
  if (digits) return digitsError(value, digits[0], digits[1]);
  if (claimDateFields.has(field)) return dateError(value);
  return null;
}

function draftOf(items: Map<string, SettingItemView>): Draft {
  const d: Draft = {};
  for (const [key, item] of items) {
    if (key === 'claims' && typeof item.value === 'object' && item.value !== null) {
      for (const [f, v] of Object.entries(item.value)) d[`claims.${f}`] = String(v);
    } else if (key === 'terminal.timeoutMs') {
      d[key] = String(Math.round(Number(item.value) / 1000));
    } else if (typeof item.value === 'string' || typeof item.value === 'number' || typeof item.value === 'boolean') {
      d[key] = String(item.value);
    }
  }
  return d;
}

function rowsOf(list: readonly StaffView[]): StaffRow[] {
  return list.map((s, i) => ({ ...s, isNew: false, key: i }));
}

/** The 設定 screen's tabs: the settings form and 機器の点検 (DevicesSettings.tsx). */
const tabs = [
  { id: 'general', label: strings.settingsTabs.general, view: () => <GeneralSettings /> },
  { id: 'devices', label: strings.settingsTabs.devices, view: () => <DevicesSettings /> },
] as const;

export function Settings() {
  const [tab, setTab] = useState<(typeof tabs)[number]['id']>('general');
  const current = tabs.find((x) => x.id === tab) ?? tabs[0];
  return (
    <section className="settings" aria-labelledby="settings-title" data-testid="settings">
      <h2 id="settings-title" className="screen-title">
        {strings.navSettings}
      </h2>
      <div role="tablist" aria-label={strings.settingsTabs.label} className="tabs">
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`settings-tab-${x.id}`}
            aria-selected={tab === x.id}
            aria-controls="settings-panel"
            onClick={() => setTab(x.id)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="settings-panel" aria-labelledby={`settings-tab-${tab}`}>
        {current.view()}
      </div>
    </section>
  );
}

function GeneralSettings() {
  const [items, setItems] = useState<Map<string, SettingItemView> | null>(null);
  const [envDir, setEnvDir] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [staff, setStaff] = useState<StaffView[]>([]);
  const [rows, setRows] = useState<StaffRow[]>([]);
  const [rowErrors, setRowErrors] = useState<Errors>({});
  const [actor, setActor] = useState('');
  const [actorError, setActorError] = useState<string | undefined>();
  const [draft, setDraft] = useState<Draft>({});
  const [serverErrors, setServerErrors] = useState<Errors>({});
  const [tried, setTried] = useState<ReadonlySet<SectionId>>(() => new Set());
  const [status, setStatus] = useState<Partial<Record<SectionId, string>>>({});
  const [busy, setBusy] = useState<SectionId | null>(null);
  const actorRef = useRef<HTMLDivElement>(null);
  const nextKey = useRef(1000);

  useEffect(() => {
    let live = true;
    Promise.all([call('settings.get', {}), call('staff.list', {})]).then(
      ([s, list]) => {
        if (!live) return;
        const map = new Map(s.items.map((i) => [i.key, i]));
        setItems(map);
        setDraft(draftOf(map));
        setEnvDir(s.terminalDirEnv);
        setStaff(list);
        setRows(rowsOf(list));
      },
      (err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  if (loadError) return <Frame>{<p role="alert">{t.loadFailed(loadError)}</p>}</Frame>;
  if (!items) {
    return (
      <Frame>
        <p role="status">{t.loading}</p>
      </Frame>
    );
  }

  const activeStaff = staff.filter((s) => s.active);
  const actorOptions = activeStaff.length > 0 ? activeStaff.map((s) => s.id) : [SYSTEM];
  const nameOf = (id: string) => (id === SYSTEM ? t.actorSystem : (staff.find((s) => s.id === id)?.name ?? id));
  // A field's error shows when it is left, every field's once its section was saved (fields.tsx ErrorTiming); the
  // 医療機関コード and the dates are checked as typed, like the insurance numbers.
  const markTried = (id: SectionId) => setTried((p) => (p.has(id) ? p : new Set(p).add(id)));
  const errorOf = (field: string): string | undefined =>
    serverErrors[field] ?? localError(field, draft[field] ?? '') ?? undefined;
  const set = (field: string) => (v: string) => {
    setDraft((d) => ({ ...d, [field]: v }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };
  const defaultHint = (hint: string, key: string, sub?: string, scale = 1): string => {
    const item = items.get(key);
    let def: unknown = item?.default;
    if (sub !== undefined && typeof def === 'object' && def !== null) def = (def as Record<string, unknown>)[sub];
    if (typeof def === 'number') def = def / scale;
    return def === undefined || def === '' ? hint : `${hint} ${t.defaultIs(String(def))}`;
  };

  const requireActor = (section: SectionId): boolean => {
    if (actorOptions.includes(actor)) return true;
    setActorError(t.actorRequired);
    setStatus((s) => ({ ...s, [section]: t.actorRequired }));
    actorRef.current?.querySelector('select')?.focus();
    return false;
  };

  /** The value of one setting from the draft (only called once every field of it is valid). */
  const valueOf = (key: string): unknown => {
    const v = draft[key] ?? '';
    switch (key) {
      case 'clinic.institutionCode':
        return digitsOnly(v) ?? v;
      case 'clinic.name':
        return nfkc(v);
      case 'terminal.dir':
        return v.trim();
      case 'terminal.timeoutMs':
        return (parseIntIn(v, 1, 600) ?? 0) * 1000;
      case 'app.openAtLogin':
        return v === 'true';
      case 'claims':
        return claimsValue(draft, items.get('claims')?.value);
      default:
        return parseIntIn(v, 0, 1e9);
    }
  };

  async function saveSection(section: Exclude<SectionId, 'staff'>, e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    markTried(section);
    if (!requireActor(section)) return;
    const fields = sectionFields[section];
    if (fields.some((f) => localError(f, draft[f] ?? ''))) {
      setStatus((s) => ({ ...s, [section]: t.notSaved(strings.settings.sections[section]) }));
      return;
    }
    const keys = section === 'claims' ? ['claims'] : fields;
    setBusy(section);
    setStatus((s) => ({ ...s, [section]: t.saving }));
    const errs: Errors = {};
    let allSaved = true;
    let restart = false;
    const warnings: string[] = [];
    const next = new Map(items);
    try {
      for (const key of keys) {
        const r = await call('settings.set', { key, value: valueOf(key), staff: actor });
        if (r.saved && r.item) {
          next.set(key, r.item);
          restart ||= r.item.restartRequired;
          warnings.push(...r.warnings);
        } else {
          allSaved = false;
          for (const fe of r.errors) {
            if (fe.path === 'staff') setActorError(fe.message);
            else errs[fe.path === '' ? key : `${key}.${fe.path}`] = fe.message;
          }
        }
      }
      setItems(next);
      setDraft((d) => {
        const fresh = draftOf(next);
        const merged = { ...d };
        for (const f of fields) if (!errs[f]) merged[f] = fresh[f] ?? d[f] ?? '';
        return merged;
      });
      setServerErrors((e0) => ({ ...e0, ...Object.fromEntries(fields.map((f) => [f, errs[f]])) }));
      const name = t.sections[section];
      setStatus((s) => ({
        ...s,
        [section]: allSaved
          ? [restart ? t.savedRestart(name) : t.saved(name), ...warnings].join(' ')
          : t.notSaved(name),
      }));
    } catch (err) {
      setStatus((s) => ({ ...s, [section]: t.failed(err instanceof ShikakuError ? err.message : String(err)) }));
    } finally {
      setBusy(null);
    }
  }

  const rowError = (r: StaffRow, i: number, field: 'id' | 'name'): string | undefined => {
    const server = rowErrors[`${r.key}.${field}`];
    if (server) return server;
    const v = nfkc(r[field]);
    if (v === '') return field === 'id' ? t.staffIdRequired : t.staffNameRequired;
    if (field === 'id' && rows.some((o, j) => j < i && nfkc(o.id) === v)) return t.staffIdDuplicate;
    return undefined;
  };
  const editRow = (key: number, patch: Partial<StaffRow>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setRowErrors((e) => ({ ...e, [`${key}.id`]: undefined, [`${key}.name`]: undefined }));
  };

  async function saveStaff(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    markTried('staff');
    if (!requireActor('staff')) return;
    const name = t.sections.staff;
    if (rows.some((r, i) => rowError(r, i, 'id') || rowError(r, i, 'name'))) {
      setStatus((s) => ({ ...s, staff: t.notSaved(name) }));
      return;
    }
    setBusy('staff');
    setStatus((s) => ({ ...s, staff: t.saving }));
    try {
      const r = await call('staff.save', {
        list: rows.map((row) => ({ id: nfkc(row.id), name: nfkc(row.name), active: row.active })),
        staff: actor,
      });
      if (r.saved) {
        setStaff(r.list);
        setRows(rowsOf(r.list));
        setRowErrors({});
        if (!r.list.some((s) => s.active && s.id === actor)) setActor('');
        setStatus((s) => ({ ...s, staff: t.saved(name) }));
      } else {
        const errs: Errors = {};
        const general: string[] = [];
        for (const fe of r.errors) {
          const m = /^(\d+)\.(id|name)$/.exec(fe.path);
          const row = m ? rows[Number(m[1])] : undefined;
          if (fe.path === 'staff') setActorError(fe.message);
          else if (m && row) errs[`${row.key}.${m[2]}`] = fe.message;
          else general.push(fe.message);
        }
        setRowErrors(errs);
        setStatus((s) => ({ ...s, staff: [t.notSaved(name), ...general].join(' ') }));
      }
    } catch (err) {
      setStatus((s) => ({ ...s, staff: t.failed(err instanceof ShikakuError ? err.message : String(err)) }));
    } finally {
      setBusy(null);
    }
  }

  const text = (
    field: string,
    label: string,
    hint: string,
    opts: { numeric?: boolean; wide?: boolean; immediate?: boolean } = {},
  ) => (
    <TextField
      immediate={opts.immediate ?? false}
      label={label}
      value={draft[field] ?? ''}
      onChange={set(field)}
      error={errorOf(field)}
      hint={hint}
      inputMode={opts.numeric ? 'numeric' : 'text'}
      wide={opts.wide ?? false}
      testId={`setting-${field}`}
    />
  );
  // The order is given explicitly: digit-only keys ('777777') would otherwise come first in Object.keys.
  const radio = <T extends string>(
    field: string,
    legend: string,
    options: Record<T, string>,
    order: readonly T[],
    hint: string,
  ) => (
    <RadioGroup<T>
      legend={legend}
      name={field}
      options={order}
      labelOf={(v) => options[v]}
      value={draft[field] as T | undefined}
      onChange={(v) => set(field)(v)}
      error={errorOf(field)}
      hint={hint}
      testId={`setting-${field}`}
    />
  );
  const footer = (section: SectionId) => (
    <>
      <div className="row">
        <button type="submit" className="button primary" disabled={busy !== null}>
          {t.save(t.sections[section])}
        </button>
      </div>
      <p role="status" className="settings-status" data-testid={`settings-status-${section}`}>
        {status[section] ?? ''}
      </p>
    </>
  );
  const section = (id: SectionId, body: ReactNode, onSubmit: (e: FormEvent) => void) => (
    <section className="card" aria-labelledby={`settings-${id}`} data-testid={`settings-${id}`}>
      <h3 id={`settings-${id}`}>{t.sections[id]}</h3>
      <form onSubmit={onSubmit} noValidate>
        <ErrorTiming tried={tried.has(id)}>{body}</ErrorTiming>
      </form>
    </section>
  );

  return (
    <Frame>
      <p>{t.intro}</p>
      <div ref={actorRef}>
        <SelectField
          label={t.actor}
          value={actor}
          options={actorOptions}
          labelOf={nameOf}
          placeholder={t.actorPlaceholder}
          required
          error={actorError}
          testId="settings-actor"
          onChange={(v) => {
            setActor(v);
            setActorError(undefined);
          }}
        />
      </div>

      {section(
        'clinic',
        <>
          <div className="grid">
            <TextField
              label={t.institutionCode}
              value={draft['clinic.institutionCode'] ?? ''}
              onChange={set('clinic.institutionCode')}
              error={errorOf('clinic.institutionCode')}
              ok={
                errorOf('clinic.institutionCode')
                  ? undefined
                  : institutionSummary(draft['clinic.institutionCode'] ?? '')
              }
              hint={t.institutionCodeHint}
              inputMode="numeric"
              immediate
              testId="setting-clinic.institutionCode"
            />
            {text('clinic.name', t.clinicName, t.clinicNameHint)}
          </div>
          {footer('clinic')}
        </>,
        (e) => void saveSection('clinic', e),
      )}

      {section(
        'terminal',
        <>
          {envDir && <p className="note">{t.terminalDirEnv(envDir)}</p>}
          <div className="grid">
            {text('terminal.dir', t.terminalDir, t.terminalDirHint, { wide: true })}
            <TerminalTest dir={draft['terminal.dir'] ?? ''} onPick={set('terminal.dir')} />
            {text(
              'terminal.timeoutMs',
              t.terminalTimeout,
              defaultHint(t.terminalTimeoutHint, 'terminal.timeoutMs', undefined, 1000),
              { numeric: true },
            )}
          </div>
          {footer('terminal')}
        </>,
        (e) => void saveSection('terminal', e),
      )}

      {section(
        'reconcile',
        <>
          <div className="grid">
            {text('reconcile.concurrency', t.concurrency, defaultHint(t.concurrencyHint, 'reconcile.concurrency'), {
              numeric: true,
            })}
            {text(
              'reconcile.pauseAfterTimeouts',
              t.pauseAfter,
              defaultHint(t.pauseAfterHint, 'reconcile.pauseAfterTimeouts'),
              { numeric: true },
            )}
          </div>
          {footer('reconcile')}
        </>,
        (e) => void saveSection('reconcile', e),
      )}

      {section(
        'staff',
        <>
          <p className="field-hint">{t.staffIntro}</p>
          {rows.length === 0 && <p>{t.staffEmpty}</p>}
          {rows.map((r, i) => (
            <div className="row staff-row" key={r.key} data-testid="staff-row">
              {r.isNew ? (
                <TextField
                  label={t.staffId(i + 1)}
                  value={r.id}
                  onChange={(v) => editRow(r.key, { id: v })}
                  error={rowError(r, i, 'id')}
                />
              ) : (
                <div className="field">
                  <span className="field-label">{t.staffId(i + 1)}</span>
                  <span className="staff-id">{r.id}</span>
                </div>
              )}
              <TextField
                label={t.staffName(i + 1)}
                value={r.name}
                onChange={(v) => editRow(r.key, { name: v })}
                error={rowError(r, i, 'name')}
              />
              <Checkbox
                label={t.staffActive(i + 1)}
                checked={r.active}
                onChange={(v) => editRow(r.key, { active: v })}
              />
              <button
                type="button"
                className="button"
                aria-label={t.staffRemove(r.name)}
                onClick={() => setRows((rs) => rs.filter((o) => o.key !== r.key))}
              >
                ×
              </button>
            </div>
          ))}
          <div className="row">
            <button
              type="button"
              className="button"
              onClick={() =>
                setRows((rs) => [...rs, { id: '', name: '', active: true, isNew: true, key: nextKey.current++ }])
              }
            >
              {t.staffAdd}
            </button>
          </div>
          {footer('staff')}
        </>,
        (e) => void saveStaff(e),
      )}

      {section(
        'claims',
        <>
          <ClaimsSection
            kit={{
              text,
              radio,
              claimHint: (hint, sub) => defaultHint(hint, 'claims', sub),
            }}
          />
          {footer('claims')}
        </>,
        (e) => void saveSection('claims', e),
      )}

      {section(
        'backup',
        <>
          <div className="grid">
            {text('backup.keep', t.backupKeep, defaultHint(t.backupKeepHint, 'backup.keep'), { numeric: true })}
            {text('backup.intervalHours', t.backupInterval, defaultHint(t.backupIntervalHint, 'backup.intervalHours'), {
              numeric: true,
            })}
          </div>
          {footer('backup')}
        </>,
        (e) => void saveSection('backup', e),
      )}

      <PrecheckSettings actor={actor} />
      <DataSettings actor={actor} requireActor={() => requireActor('backup')} />

      {/* Only the installed app (Electron main answers it, Windows and macOS) offers this setting. */}
      {items.has('app.openAtLogin') &&
        section(
          'startup',
          <>
            <Checkbox
              label={t.openAtLogin}
              checked={draft['app.openAtLogin'] === 'true'}
              onChange={(v) => set('app.openAtLogin')(String(v))}
              error={errorOf('app.openAtLogin')}
            />
            <p className="field-hint">{t.openAtLoginHint}</p>
            {footer('startup')}
          </>,
          (e) => void saveSection('startup', e),
        )}
      <ServerCard actor={actor} />
    </Frame>
  );
}

function Frame({ children }: { children: ReactNode }) {
  return <div className="settings-general">{children}</div>;
}
