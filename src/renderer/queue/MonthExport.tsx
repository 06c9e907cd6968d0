// 「今月の請求データを作成」 in 事後確認の一覧: pick the month (and who makes it), see what blocks it by patient,
// date and reason (each opens that visit's review), then write the month's files (core claims.exportMonth, the
// same function as `shikaku export --all`): into a folder chosen in the Electron app's folder dialog, or — on the
// web host, which has none — as one download link per file. Shift_JIS refusals offer the UTF-8 files.
import { useCallback, useEffect, useRef, useState } from 'react';
import { jstDate, jstMonth } from '../../claims/dates.ts';
import type { EventPayload, MonthExportView } from '../../main/contract.ts';
import { call, subscribe } from '../api.ts';
import { useConnection } from '../connection.ts';
import { canPickFolder, pickFolder } from '../files.ts';
import { openPrint } from '../print/index.ts';
import { RadioGroup } from '../reception/fields.tsx';
import { useReception } from '../reception/model.ts';
import { strings } from '../strings.ts';
import './month-export.css';
import { StaffSelect } from './StaffSelect.tsx';
import { UkeCheck } from './UkeCheck.tsx';

const s = strings.monthExport;
type Encoding = 'shift_jis' | 'utf8';
const ENCODINGS: readonly Encoding[] = ['shift_jis', 'utf8'];

/**
 * The month a month-end starts on: claims are sent by the 10th of the next month, so up to the 10th it is last
 * month, from the 11th this month (Japan time, as every date of the app).
 */
export function defaultMonth(now: Date = new Date()): string {
  const today = jstDate(now.getTime());
  // The 10th or earlier: the month before (the 1st of this month minus one day, in Japan time).
  return Number(today.slice(8)) <= 10
    ? jstMonth(Date.parse(`${today.slice(0, 7)}-01T00:00:00+09:00`) - 1)
    : today.slice(0, 7);
}

/** One download link per file (web host): the bytes as the core made them, in a Blob. */
function DownloadLink(props: { file: MonthExportView['files'][number] }) {
  const [href, setHref] = useState('');
  useEffect(() => {
    const bytes = Uint8Array.from(atob(props.file.base64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: 'text/csv' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [props.file.base64]);
  return (
    <a href={href} download={props.file.name} data-testid="month-download">
      {s.fileLine(props.file.name, props.file.size, props.file.visits)}
    </a>
  );
}

function Progress(props: { progress: EventPayload<'claims.exportProgress'> | null }) {
  const total = props.progress?.total ?? 0;
  const done = Math.min(props.progress?.done ?? 0, total);
  return (
    <div className="queue-progress">
      <span id="month-progress-label">{s.progressLabel}</span>
      <div
        role="progressbar"
        aria-labelledby="month-progress-label"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={s.progressText(done, total)}
        className="progress"
        data-testid="month-progressbar"
      >
        <div className="progress-fill" style={{ width: total > 0 ? `${(100 * done) / total}%` : '0%' }} />
      </div>
    </div>
  );
}

function Panel(props: { onOpenVisit: (id: string) => void; onClose: () => void }) {
  const ready = useConnection((st) => st.status.state === 'ready');
  const [month, setMonth] = useState(defaultMonth);
  const [encoding, setEncoding] = useState<Encoding>('shift_jis');
  const [staff, setStaff] = useState(() => useReception.getState().staff);
  const [check, setCheck] = useState<MonthExportView | null>(null);
  const [result, setResult] = useState<MonthExportView | null>(null);
  const [busy, setBusy] = useState<'' | 'checking' | 'creating'>('');
  const [progress, setProgress] = useState<EventPayload<'claims.exportProgress'> | null>(null);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState('');
  const [tried, setTried] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => subscribe('claims.exportProgress', (p) => setProgress(p)), []);

  const runCheck = useCallback(() => {
    if (!/^\d{4}-\d{2}$/.test(month)) return;
    setBusy('checking');
    setProgress(null);
    setFailure('');
    call('claims.monthCheck', { month, encoding }).then(
      (r) => {
        setBusy('');
        setCheck(r);
      },
      (err: unknown) => {
        setBusy('');
        setFailure((err as Error).message);
      },
    );
  }, [month, encoding]);
  useEffect(() => {
    setResult(null);
    setMessage('');
    if (ready) runCheck();
  }, [ready, runCheck]);

  const create = async (enc: Encoding = encoding) => {
    setTried(true);
    setFailure('');
    setMessage('');
    setResult(null);
    if (staff === '') return;
    // The installed app asks for a folder; the web host has no folder dialog: the files are then downloaded.
    let dir: string | undefined;
    if (canPickFolder()) {
      try {
        const picked = await pickFolder('');
        if (picked === null) {
          setMessage(s.cancelled);
          return;
        }
        dir = picked;
      } catch (err) {
        setFailure((err as Error).message);
        return;
      }
    }
    setBusy('creating');
    setProgress(null);
    try {
      const r = await call('claims.exportMonth', { month, encoding: enc, staff, ...(dir ? { dir } : {}) });
      setCheck(r);
      setResult(r.status === 'ready' ? r : null);
      if (r.status === 'ready') setMessage(dir ? s.written(dir) : s.downloads);
    } catch (err) {
      setFailure((err as Error).message);
    } finally {
      setBusy('');
    }
  };

  const shown = result ?? check;
  return (
    <section className="card month-export" aria-labelledby="month-export-title" data-testid="month-export">
      <div className="row">
        <h3 id="month-export-title" tabIndex={-1} ref={heading}>
          {s.title}
        </h3>
        <button type="button" className="button secondary" onClick={props.onClose}>
          {s.close}
        </button>
      </div>
      <div className="row">
        <div className="field">
          <div className="field-label">
            <label htmlFor="month-export-month">{s.month}</label>
          </div>
          <input
            id="month-export-month"
            type="month"
            value={month}
            aria-describedby="month-export-month-hint"
            data-testid="month-input"
            onChange={(e) => setMonth(e.target.value)}
          />
          <div id="month-export-month-hint" className="field-hint">
            {s.monthHint}
          </div>
        </div>
        <StaffSelect
          label={s.staff}
          value={staff}
          placeholder={s.staffChoose}
          onChange={setStaff}
          error={tried && staff === '' ? s.staffRequired : undefined}
          testId="month-staff"
        />
      </div>
      <RadioGroup
        legend={s.encoding}
        name="month-encoding"
        options={ENCODINGS}
        labelOf={(e) => s.encodings[e]}
        value={encoding}
        onChange={setEncoding}
      />
      {busy !== '' && <Progress progress={progress} />}
      <div role="status" data-testid="month-status">
        {busy === 'checking' && s.checking}
        {busy === 'creating' && s.creating}
        {busy === '' && message}
        {busy === '' && !message && shown?.status === 'empty' && s.empty(shown.month)}
      </div>
      {failure && (
        <p className="field-error" role="alert">
          {s.failed} {failure}
        </p>
      )}
      {busy === '' && shown && (shown.status === 'blocked' || shown.status === 'unencodable') && (
        <div role="alert" data-testid="month-blockers">
          <p>{shown.status === 'blocked' ? s.blocked(shown.blockers.length) : s.unencodable(shown.blockers.length)}</p>
          <ul>
            {shown.blockers.map((b) => (
              <li key={b.visitId}>
                <button
                  type="button"
                  className="row-open"
                  aria-label={s.openVisit(b.serviceDate, b.name)}
                  onClick={() => props.onOpenVisit(b.visitId)}
                >
                  {b.serviceDate} {b.name}
                </button>
                ：{b.reasons.join(' ')}
              </li>
            ))}
          </ul>
          <button type="button" className="button secondary" onClick={runCheck} data-testid="month-recheck">
            {s.recheck}
          </button>
          {shown.status === 'unencodable' && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEncoding('utf8');
                void create('utf8');
              }}
            >
              {s.useUtf8}
            </button>
          )}
        </div>
      )}
      {busy === '' && shown?.counts && <p data-testid="month-counts">{s.counts(shown.counts)}</p>}
      {busy === '' && !result && check?.status === 'ready' && (
        <>
          <p>{s.ready(check.month)}</p>
          <ul>
            {check.files.map((f) => (
              <li key={f.name}>{f.name}</li>
            ))}
          </ul>
        </>
      )}
      {result && (
        <ul data-testid="month-files">
          {result.files.map((f) => (
            <li key={f.name}>{f.base64 ? <DownloadLink file={f} /> : s.fileLine(f.name, f.size, f.visits)}</li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button primary"
        disabled={busy !== '' || check?.status !== 'ready'}
        onClick={() => void create()}
        data-testid="month-create"
      >
        {busy === 'creating' ? s.creating : s.create}
      </button>
      <button
        type="button"
        className="button secondary"
        disabled={busy !== '' || check?.status !== 'ready'}
        onClick={() => openPrint({ kind: 'inputSheet', month })}
      >
        {s.printSheet}
      </button>
      <UkeCheck month={month} />
    </section>
  );
}

/** The button in 事後確認の一覧 and, when pressed, the month-end panel. */
export function MonthExport(props: { onOpenVisit: (id: string) => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button
        type="button"
        className="button"
        ref={button}
        aria-expanded={open}
        onClick={() => setOpen(true)}
        data-testid="month-open"
      >
        {s.open}
      </button>
      {open && (
        <Panel
          onOpenVisit={props.onOpenVisit}
          onClose={() => {
            setOpen(false);
            setTimeout(() => button.current?.focus(), 0);
          }}
        />
      )}
    </>
  );
}
