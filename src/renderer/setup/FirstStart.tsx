// First start: shown instead of the screens while the journal has no 医療機関コード and no staff (core request
// 'setup.status'). Three things, each validated as typed: the 医療機関コード (claims/institution.ts messages), the
// first staff member (the administrator), the terminal folder with its 接続テスト (optional). 「設定して始める」
// saves them in that order (the staff list first, by the system actor; then the settings by the new member).
// 「設定せずに訓練モードで試す」 restarts the core in 訓練モード (its own journal); the next normal start comes back here.
import { useState, type FormEvent } from 'react';
import { digitsOnly, nfkc } from '../../claims/normalize.ts';
import { call, ShikakuError } from '../api.ts';
import { TextField } from '../reception/fields.tsx';
import { institutionError, institutionSummary } from '../settings/rules.ts';
import { TerminalTest } from '../settings/TerminalTest.tsx';
import { strings } from '../strings.ts';

const t = strings.setup;
const SYSTEM = 'system';

type Field = 'code' | 'staffId' | 'staffName' | 'dir';

export function FirstStart({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState('');
  const [staffId, setStaffId] = useState('');
  const [staffName, setStaffName] = useState('');
  const [dir, setDir] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  /** The staff member saved by an earlier try whose settings were refused: not saved again. */
  const [savedStaff, setSavedStaff] = useState<string | null>(null);

  const localErrors = (): Partial<Record<Field, string>> => {
    const e: Partial<Record<Field, string>> = {};
    const c = institutionError(code);
    if (c) e.code = c;
    else if ((digitsOnly(code) ?? '') === '') e.code = t.institutionRequired;
    if (nfkc(staffId).trim() === '') e.staffId = t.staffIdRequired;
    if (nfkc(staffName).trim() === '') e.staffName = t.staffNameRequired;
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = localErrors();
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    setBusy(true);
    setStatus(t.saving);
    try {
      const id = savedStaff ?? nfkc(staffId).trim();
      if (savedStaff === null) {
        const staff = await call('staff.save', { list: [{ id, name: staffName, active: true }], staff: SYSTEM });
        if (!staff.saved) {
          const first = staff.errors[0];
          setErrors({ [first?.path.endsWith('name') ? 'staffName' : 'staffId']: first?.message ?? '' });
          setStatus('');
          return;
        }
        setSavedStaff(id);
      }
      const saveOne = async (key: string, value: string, field: Field): Promise<boolean> => {
        const r = await call('settings.set', { key, value, staff: id });
        if (!r.saved) setErrors((x) => ({ ...x, [field]: r.errors[0]?.message ?? '' }));
        return r.saved;
      };
      if (!(await saveOne('clinic.institutionCode', code, 'code'))) return setStatus('');
      if (dir.trim() !== '' && !(await saveOne('terminal.dir', dir, 'dir'))) return setStatus('');
      onDone();
    } catch (err) {
      setStatus(t.failed(err instanceof ShikakuError ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };

  const demo = async () => {
    setBusy(true);
    setStatus(t.demoStarting);
    try {
      await call('app.restart', { demo: true });
    } catch (err) {
      setStatus(t.failed(err instanceof ShikakuError ? err.message : String(err)));
      setBusy(false);
    }
  };

  const codeError = errors.code ?? institutionError(code) ?? undefined;
  return (
    <section className="card setup" aria-labelledby="setup-title" data-testid="first-start">
      <h2 id="setup-title">{t.title}</h2>
      <p>{t.intro}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={strings.settings.institutionCode}
          value={code}
          onChange={(v) => {
            setCode(v);
            setErrors((x) => ({ ...x, code: undefined }));
          }}
          error={codeError}
          ok={codeError ? undefined : institutionSummary(code)}
          hint={strings.settings.institutionCodeHint}
          inputMode="numeric"
          required
        />
        <fieldset>
          <legend>{t.staffTitle}</legend>
          <div className="grid">
            <TextField
              label={t.staffId}
              value={staffId}
              onChange={(v) => {
                setStaffId(v);
                setErrors((x) => ({ ...x, staffId: undefined }));
              }}
              error={errors.staffId}
              required
            />
            <TextField
              label={t.staffName}
              value={staffName}
              onChange={(v) => {
                setStaffName(v);
                setErrors((x) => ({ ...x, staffName: undefined }));
              }}
              error={errors.staffName}
              required
            />
          </div>
        </fieldset>
        <TextField
          label={strings.settings.terminalDir}
          value={dir}
          onChange={(v) => {
            setDir(v);
            setErrors((x) => ({ ...x, dir: undefined }));
          }}
          error={errors.dir}
          hint={t.terminalOptional}
          wide
        />
        <TerminalTest dir={dir} onPick={setDir} />
        <div className="row">
          <button type="submit" className="button primary" disabled={busy}>
            {t.start}
          </button>
        </div>
      </form>
      <section aria-labelledby="setup-demo">
        <h3 id="setup-demo">{t.demoTitle}</h3>
        <p className="field-hint">{t.demoHint}</p>
        <button type="button" className="button" disabled={busy} onClick={() => void demo()}>
          {t.demo}
        </button>
      </section>
      <p role="status" data-testid="setup-status">
        {status}
      </p>
    </section>
  );
}
