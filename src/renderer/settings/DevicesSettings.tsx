// 設定 → 機器の点検: the device report of `shikaku doctor` on screen (core request 'devices.doctor': reader, card,
// terminal share, network, UPS) with 「再点検」; 「診断情報を保存」 (a zip for the help desk, no patient data: a save
// dialog in the installed app, a download on the web host); and 「内部処理を再起動」, which says what it does.
import { useEffect, useState } from 'react';
import type { RequestOutput } from '../../main/contract.ts';
import { call, ShikakuError } from '../api.ts';
import { saveFile } from '../files.ts';
import { Checkbox } from '../reception/fields.tsx';
import { strings } from '../strings.ts';

const t = strings.devices;
type Doctor = RequestOutput<'devices.doctor'>;

const messageOf = (err: unknown) => (err instanceof ShikakuError ? err.message : String(err));
const localTime = (iso: string) => new Date(iso).toLocaleString('ja-JP');

export function DevicesSettings() {
  const [doctor, setDoctor] = useState<Doctor | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [saveStatus, setSaveStatus] = useState('');
  const [saving, setSaving] = useState(false);
  const [restartStatus, setRestartStatus] = useState('');
  const [readCard, setReadCard] = useState(false);

  const check = async () => {
    setChecking(true);
    setCheckError(null);
    try {
      setDoctor(await call('devices.doctor', { card: readCard }));
    } catch (err) {
      setCheckError(t.failed(messageOf(err)));
    } finally {
      setChecking(false);
    }
  };
  // The first look when the tab opens (without reading a card).
  useEffect(() => void check(), []);

  const saveDiagnostics = async () => {
    setSaving(true);
    setSaveStatus(t.savingDiagnostics);
    try {
      const d = await call('diagnostics.bundle', {});
      const kb = Math.max(1, Math.round(d.size / 1024));
      const r = await saveFile(d.fileName, d.base64);
      setSaveStatus(
        r.kind === 'saved'
          ? t.savedDiagnostics(r.path, kb)
          : r.kind === 'downloaded'
            ? t.downloadedDiagnostics(r.name, kb)
            : r.kind === 'cancelled'
              ? t.diagnosticsCancelled
              : t.diagnosticsFailed(r.message),
      );
    } catch (err) {
      setSaveStatus(t.diagnosticsFailed(messageOf(err)));
    } finally {
      setSaving(false);
    }
  };

  const restart = async () => {
    try {
      await call('app.restart', {});
      setRestartStatus(t.restarting);
    } catch (err) {
      setRestartStatus(t.restartFailed(messageOf(err)));
    }
  };

  const report = doctor?.report;
  return (
    <div className="devices" data-testid="settings-devices">
      <section className="card" aria-labelledby="devices-title">
        <h3 id="devices-title">{t.title}</h3>
        <p>{t.intro}</p>
        <Checkbox label={t.readCard} checked={readCard} onChange={setReadCard} />
        <div className="row">
          <button type="button" className="button primary" disabled={checking} onClick={() => void check()}>
            {t.recheck}
          </button>
          <button type="button" className="button" disabled={saving} onClick={() => void saveDiagnostics()}>
            {t.saveDiagnostics}
          </button>
        </div>
        <p role="status" data-testid="devices-status">
          {checking ? t.checking : report ? t.checkedAt(localTime(report.at)) : ''}
        </p>
        {checkError && (
          <p className="field-error" role="alert">
            {checkError}
          </p>
        )}
        {report && (
          <div data-testid="devices-report" data-mode={report.mode} data-at={report.at}>
            <p className={`devices-mode devices-mode-${report.mode}`}>
              <strong>{t.mode(report.modeLabel, report.modeDescription)}</strong>
            </p>
            <h4>{t.causes}</h4>
            {report.causes.length === 0 && report.warnings.length === 0 && !report.finding ? (
              <p>{t.noCauses}</p>
            ) : (
              <ul>
                {[...report.causes, ...report.warnings, ...(report.finding ? [report.finding] : [])].map((c) => (
                  <li key={c.code}>
                    {c.message}
                    <br />
                    {t.nextStep(c.nextStep)}
                  </li>
                ))}
              </ul>
            )}
            <table className="devices-table">
              <caption>{t.devicesCaption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.device}</th>
                  <th scope="col">{t.status}</th>
                  <th scope="col">{t.detail}</th>
                </tr>
              </thead>
              <tbody>
                {report.devices.map((d) => (
                  <tr key={d.key} data-testid={`device-${d.key}`} data-status={d.status}>
                    <th scope="row">{d.label}</th>
                    <td>{d.statusLabel}</td>
                    <td>
                      {d.text}
                      {d.nextSteps.map((s) => (
                        <div key={s} className="field-hint">
                          {t.nextStep(s)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p role="status" data-testid="diagnostics-status">
          {saveStatus}
        </p>
      </section>
      <section className="card" aria-labelledby="restart-title">
        <h3 id="restart-title">{t.restartTitle}</h3>
        <p className="field-hint">{t.restartHint}</p>
        <div className="row">
          <button type="button" className="button" onClick={() => void restart()}>
            {t.restart}
          </button>
        </div>
        <p role="status" data-testid="restart-status">
          {restartStatus}
        </p>
      </section>
    </div>
  );
}
