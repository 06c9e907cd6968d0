// 設定 → 院内サーバー (docs/clinic-server.md): host, port, database, user, TLS, this PC's name, the password (sent
// to the core's secret store, never saved with the settings), 「接続テスト」, and the link's status. The status hook
// is also the status bar's 「院内サーバーに接続中」/「このPCのデータのみ」.
import { useEffect, useState, type FormEvent } from 'react';
import { call } from '../api.ts';
import { useServerStatus } from './server-status.ts';
import { Checkbox, TextField } from '../reception/fields.tsx';
import { strings } from '../strings.ts';

const t = strings.server;

interface Form {
  enabled: boolean;
  host: string;
  port: string;
  database: string;
  user: string;
  tls: boolean;
  tlsFingerprint: string;
  pcName: string;
}

const blank: Form = {
  enabled: false,
  host: '',
  port: '5432',
  database: 'shikaku',
  user: 'shikaku',
  tls: false,
  tlsFingerprint: '',
  pcName: '',
};

export function ServerCard({ actor }: { actor: string }) {
  const [form, setForm] = useState<Form>(blank);
  const [password, setPassword] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  /** The fingerprint the server showed at the last 「接続テスト」 (to trust it in one click). */
  const [seen, setSeen] = useState<string | null>(null);
  const status = useServerStatus();

  useEffect(() => {
    let live = true;
    call('settings.get', {}).then(
      (s) => {
        const v = s.items.find((i) => i.key === 'server')?.value as Partial<Record<keyof Form, unknown>> | undefined;
        if (live && v) setForm({ ...blank, ...v, port: String(v.port ?? 5432) } as Form);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);

  const settings = () => ({ ...form, port: Number(form.port) || 0 });
  const set = (k: keyof Form) => (v: string | boolean) => setForm((f) => ({ ...f, [k]: v }));

  const test = async () => {
    setBusy(true);
    setMessage(t.testing);
    try {
      const r = await call('server.test', { settings: settings(), ...(password ? { password } : {}) });
      setMessage(r.message);
      setSeen(r.fingerprint);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await call('settings.set', { key: 'server', value: settings(), staff: actor });
      if (!r.saved) {
        setMessage(r.errors.map((x) => x.message).join(' '));
        return;
      }
      if (password) await call('server.password', { password, staff: actor });
      setPassword('');
      setMessage(t.saved);
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="settings-server" data-testid="settings-server">
      <h3 id="settings-server">{t.title}</h3>
      <p className="field-hint">{t.intro}</p>
      {status && (
        <p data-testid="server-status" data-mode={status.mode}>
          {t.status(status.text, status.pcName)}
          {status.message ? ` — ${status.message}` : ''}
        </p>
      )}
      {status && status.mode !== 'off' && (
        <p className="field-hint" data-testid="server-reconciler" data-route={status.reconciler}>
          {t.reconciler[status.reconciler]}
        </p>
      )}
      <form onSubmit={(e) => void save(e)} noValidate>
        <Checkbox label={t.enabled} checked={form.enabled} onChange={set('enabled')} />
        <TextField label={t.host} value={form.host} onChange={set('host')} testId="server-host" />
        <TextField label={t.port} value={form.port} onChange={set('port')} inputMode="numeric" />
        <TextField label={t.database} value={form.database} onChange={set('database')} />
        <TextField label={t.user} value={form.user} onChange={set('user')} />
        <TextField
          label={t.password}
          value={password}
          onChange={setPassword}
          secret
          autoComplete="new-password"
          testId="server-password"
        />
        <Checkbox label={t.tls} checked={form.tls} onChange={set('tls')} />
        {form.tls && (
          <>
            <TextField
              label={t.tlsFingerprint}
              value={form.tlsFingerprint}
              onChange={set('tlsFingerprint')}
              testId="server-fingerprint"
              hint={t.tlsFingerprintHint}
            />
            {seen &&
              seen.replace(/[^0-9A-F]/gi, '').toUpperCase() !==
                form.tlsFingerprint.replace(/[^0-9A-F]/gi, '').toUpperCase() && (
                <button type="button" onClick={() => set('tlsFingerprint')(seen)} data-testid="server-trust">
                  {t.trustSeen}
                </button>
              )}
          </>
        )}
        <TextField label={t.pcName} value={form.pcName} onChange={set('pcName')} />
        <div className="row">
          <button type="button" className="button" disabled={busy} onClick={() => void test()}>
            {t.test}
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {t.save}
          </button>
        </div>
        <p role="status" className="settings-status" data-testid="settings-status-server">
          {message}
        </p>
      </form>
    </section>
  );
}
