// 設定 > 事前確認 (docs/precheck.md): the last runs (when, how many, how many changed, failures), 「今すぐ事前確認」,
// the schedule / rate / batch / retention settings, and the bookings CSV import with its preview (columns mapped
// once and remembered, each row's problem listed, the good rows imported). The actor is the 設定 screen's.
import { useEffect, useState, type FormEvent } from 'react';
import type { BookingsPreviewView, FieldErrorView, PrecheckStatusView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { Checkbox, SelectField, TextField } from '../reception/fields.tsx';
import { strings } from '../strings.ts';

const t = strings.precheck;
type Fields = keyof typeof t.fields;
const FIELDS = Object.keys(t.fields) as Fields[];
const NUMBER_KEYS = [
  'regularsMonths',
  'freshHours',
  'retentionDays',
  'batchSize',
  'batchesPerMinute',
  'retryMinutes',
] as const;
type Draft = { enabled: boolean; time: string } & Record<(typeof NUMBER_KEYS)[number], string>;

function toBase64(buf: ArrayBuffer): string {
  let s = '';
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function PrecheckSettings({ actor }: { actor: string }) {
  const [status, setStatus] = useState<PrecheckStatusView | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<FieldErrorView[]>([]);
  const [message, setMessage] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const [columns, setColumns] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<BookingsPreviewView | null>(null);
  const [importMessage, setImportMessage] = useState('');

  const load = () =>
    call('precheck.status', {}).then(
      (s) => {
        setStatus(s);
        setDraft((d) => {
          if (d) return d;
          const v = s.settings as Record<string, unknown>;
          const n = Object.fromEntries(NUMBER_KEYS.map((k) => [k, String(v[k])]));
          return { enabled: v.enabled === true, time: String(v.time), ...n } as Draft;
        });
      },
      (e: unknown) => setMessage((e as Error).message),
    );
  useEffect(() => void load(), []);
  // While a run is going, its figures are refreshed every 2 s.
  useEffect(() => {
    if (!status?.running) return;
    const id = setInterval(() => void load(), 2_000);
    return () => clearInterval(id);
  }, [status?.running]);

  const runNow = async () => {
    const r = await call('precheck.run', {});
    setMessage(r.started ? t.runStarted : r.message);
    await load();
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    const value = {
      enabled: draft.enabled,
      time: draft.time.trim(),
      ...Object.fromEntries(NUMBER_KEYS.map((k) => [k, Number(draft[k])])),
    };
    const r = await call('settings.set', { key: 'precheck', value, staff: actor });
    setErrors(r.errors);
    setMessage(r.saved ? t.saved : r.errors.map((x) => x.message).join(' '));
  };

  const ask = async (data: string, cols: Record<string, string> | undefined) => {
    const p = await call('precheck.bookingsPreview', { data, ...(cols ? { columns: cols } : {}) });
    setPreview(p);
    setColumns(p.columns);
  };

  const pick = async (f: File | undefined) => {
    setImportMessage('');
    if (!f) return;
    const data = toBase64(await f.arrayBuffer());
    setFile(data);
    await ask(data, undefined).catch((err: unknown) => setImportMessage((err as Error).message));
  };

  const importNow = async () => {
    if (!file) return;
    try {
      const r = await call('precheck.bookingsImport', { data: file, columns, staff: actor });
      setPreview(r.preview);
      setImportMessage(t.bookingsImported(r.imported, r.preview.badRows));
    } catch (err) {
      setImportMessage((err as Error).message);
    }
  };

  const errorOf = (k: string) => errors.find((x) => x.path === k)?.message;
  const last = status?.runs[0];
  return (
    <section className="card" aria-labelledby="settings-precheck" data-testid="settings-precheck">
      <h3 id="settings-precheck">{t.title}</h3>
      <p className="field-hint">{t.intro}</p>
      <h4>{t.lastRun}</h4>
      <p data-testid="precheck-last">
        {last
          ? `${t.runLine(last.finishedAt ?? last.startedAt, last.total, last.fetched, last.changed, last.failed)}（${t.status[last.status]}・${t.trigger[last.trigger]}）`
          : t.never}
      </p>
      {last?.error && <p className="field-hint">{last.error}</p>}
      {status && <p className="field-hint">{status.running ? t.running : t.kept(status.kept)}</p>}
      {status && !status.terminal && <p className="field-hint">{t.noTerminal}</p>}
      <button type="button" className="button primary" onClick={() => void runNow()} data-testid="precheck-run">
        {t.runNow}
      </button>
      {message && (
        <p role="status" data-testid="precheck-message">
          {message}
        </p>
      )}

      {draft && (
        <form onSubmit={(e) => void save(e)} noValidate>
          <Checkbox label={t.enabled} checked={draft.enabled} onChange={(enabled) => setDraft({ ...draft, enabled })} />
          <div className="grid">
            <TextField
              label={t.time}
              value={draft.time}
              onChange={(time) => setDraft({ ...draft, time })}
              error={errorOf('time')}
            />
            {NUMBER_KEYS.map((k) => (
              <TextField
                key={k}
                label={t[k]}
                value={draft[k]}
                inputMode="numeric"
                onChange={(v) => setDraft({ ...draft, [k]: v })}
                error={errorOf(k)}
              />
            ))}
          </div>
          <button type="submit" className="button secondary">
            {t.save}
          </button>
        </form>
      )}

      <h4>{t.bookingsTitle}</h4>
      <label className="field">
        <span className="field-label">{t.bookingsFile}</span>
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="bookings-file"
          onChange={(e) => void pick(e.target.files?.[0])}
        />
      </label>
      {preview && (
        <div data-testid="bookings-preview">
          <p>
            {t.bookingsPreview(
              preview.rows.length,
              preview.okRows,
              preview.badRows,
              preview.encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS',
            )}
          </p>
          <div className="grid">
            {FIELDS.map((f) => (
              <SelectField
                key={f}
                label={t.bookingsColumn(t.fields[f])}
                value={columns[f] ?? ''}
                options={preview.header}
                labelOf={(h) => h}
                placeholder={t.bookingsNoColumn}
                onChange={(h) => {
                  const next = { ...columns, [f]: h };
                  if (file) void ask(file, next);
                }}
              />
            ))}
          </div>
          {preview.fileProblems.map((p) => (
            <p key={p} className="field-error">
              {p}
            </p>
          ))}
          <ul data-testid="bookings-problems">
            {preview.rows
              .filter((r) => !r.ok)
              .map((r) => (
                <li key={r.row}>{t.bookingsRowProblem(r.row, r.problems.join(' '))}</li>
              ))}
          </ul>
          <button
            type="button"
            className="button primary"
            disabled={preview.okRows === 0 || preview.fileProblems.length > 0}
            onClick={() => void importNow()}
            data-testid="bookings-import"
          >
            {t.bookingsImport}
          </button>
        </div>
      )}
      {importMessage && (
        <p role="status" data-testid="bookings-message">
          {importMessage}
        </p>
      )}
    </section>
  );
}
