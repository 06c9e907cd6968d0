// 設定 → データ: 「今すぐバックアップ」, the second backup folder (USB stick, NAS; checked writable when saved), the
// list of backups of both folders with 「この時点に戻す」 (a confirmation, then the core checks the backup, keeps the
// current journal aside and reopens it: no restart; the JournalNotice says what happened), and the patients import
// from the レセコン's CSV: a file chosen (the app's dialog, an <input type=file> on the web host), its preview (the
// encoding, the first rows, every refused row with its reason, the differences with visits), then 「取り込む」.
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { ChosenFile, RequestOutput } from '../../main/contract.ts';
import { call, ShikakuError } from '../api.ts';
import { installBridge } from '../bridge.ts';
import { canPickFolder, pickFolder } from '../files.ts';
import { formatDateTime } from '../print/format.ts';
import { TextField } from '../reception/fields.tsx';
import { strings } from '../strings.ts';

const t = strings.data;
type Status = RequestOutput<'data.status'>;
type Backup = Status['backups'][number];
type Preview = RequestOutput<'patients.importPreview'>;
type Difference = Preview['differences'][number];

const message = (err: unknown): string => (err instanceof ShikakuError ? err.message : String(err));

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function reasonText(r: string): string {
  return t.reasons[r] ?? t.reasonOther(r);
}

/** Base64 of a file read in the browser (the web host's <input type=file>). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function DifferenceList({ items }: { items: readonly Difference[] }) {
  return (
    <ul data-testid="import-differences">
      {items.map((d, i) => (
        <li key={i}>{t.differenceRow(d.name, t.fields[d.field] ?? d.field, d.imported, d.app, d.row)}</li>
      ))}
    </ul>
  );
}

export function DataSettings(props: { actor: string; requireActor: () => boolean }) {
  const [status, setStatus] = useState<Status | null>(null);
  const [secondDir, setSecondDir] = useState('');
  const [dirError, setDirError] = useState<string | undefined>();
  const [backupMsg, setBackupMsg] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState<Backup | null>(null);
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [importMsg, setImportMsg] = useState('');
  const [differences, setDifferences] = useState<Difference[]>([]);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const bridge = installBridge();

  const load = useCallback(async () => {
    try {
      const [s, d] = await Promise.all([call('data.status', {}), call('patients.differences', {})]);
      setStatus(s);
      setSecondDir((cur) => (cur === '' ? s.secondDir : cur));
      setDifferences(d.items);
    } catch (err) {
      setBackupMsg(t.failed(message(err)));
    }
  }, []);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (confirm) cancelRef.current?.focus();
  }, [confirm]);

  const backupNow = async () => {
    if (!props.requireActor()) return;
    setBusy(true);
    setBackupMsg(t.backingUp);
    try {
      const r = await call('data.backup', { staff: props.actor });
      const second = r.second
        ? r.second.ok
          ? t.secondCopied(r.second.dir)
          : t.secondFailed(r.second.message ?? '')
        : '';
      setBackupMsg(`${t.backedUp(formatDateTime(r.backup.takenAt))}${second ? ` ${second}` : ''}`);
      await load();
    } catch (err) {
      setBackupMsg(t.failed(message(err)));
    } finally {
      setBusy(false);
    }
  };

  const saveSecondDir = async (e: FormEvent) => {
    e.preventDefault();
    if (!props.requireActor()) return;
    setBusy(true);
    try {
      const r = await call('settings.set', { key: 'backup.secondDir', value: secondDir.trim(), staff: props.actor });
      if (r.saved) {
        setDirError(undefined);
        setBackupMsg(secondDir.trim() === '' ? t.secondDirCleared : t.secondDirSaved);
        await load();
      } else {
        setDirError(r.errors.map((x) => x.message).join(' '));
      }
    } catch (err) {
      setDirError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const restore = async (b: Backup) => {
    setConfirm(null);
    setBusy(true);
    setBackupMsg(t.restoring);
    try {
      const r = await call('data.restore', { name: b.name, folder: b.folder, staff: props.actor });
      setBackupMsg(t.restored(r.notice));
      await load();
    } catch (err) {
      setBackupMsg(t.failed(message(err)));
    } finally {
      setBusy(false);
    }
  };

  const previewFile = async (chosen: ChosenFile) => {
    setFile(chosen);
    setPreview(null);
    setImportMsg(t.reading);
    try {
      setPreview(await call('patients.importPreview', { fileName: chosen.name, data: chosen.data }));
      setImportMsg('');
    } catch (err) {
      setImportMsg(t.failed(message(err)));
    }
  };

  const onInputFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) await previewFile({ name: f.name, data: await base64Of(f) });
  };

  const importNow = async () => {
    if (!file || !preview || !props.requireActor()) return;
    setBusy(true);
    setImportMsg(t.importing);
    try {
      const r = await call('patients.import', {
        fileName: file.name,
        data: file.data,
        sha256: preview.sha256,
        staff: props.actor,
      });
      setImportMsg(t.imported(r.inserted, r.updated, r.failed));
      setPreview(null);
      setFile(null);
      await load();
    } catch (err) {
      setImportMsg(t.failed(message(err)));
    } finally {
      setBusy(false);
    }
  };

  const folderName = (b: Backup) => t.folders[b.folder] ?? b.folder;

  return (
    <section className="card" aria-labelledby="settings-data" data-testid="settings-data">
      <h3 id="settings-data">{t.title}</h3>
      <div className="row">
        <button type="button" className="button primary" disabled={busy} onClick={() => void backupNow()}>
          {t.backupNow}
        </button>
      </div>
      <p role="status" className="settings-status" data-testid="data-status">
        {backupMsg}
      </p>

      <form onSubmit={(e) => void saveSecondDir(e)} noValidate>
        <div className="row">
          <TextField
            label={t.secondDir}
            value={secondDir}
            onChange={(v) => {
              setSecondDir(v);
              setDirError(undefined);
            }}
            error={dirError}
            hint={t.secondDirHint}
            testId="data-second-dir"
            wide
          />
          {canPickFolder() && (
            <button
              type="button"
              className="button"
              onClick={() => void pickFolder(secondDir).then((d) => d !== null && setSecondDir(d))}
            >
              {t.chooseFolder}
            </button>
          )}
        </div>
        <div className="row">
          <button type="submit" className="button" disabled={busy}>
            {t.secondDirSave}
          </button>
        </div>
      </form>
      {status?.lastSecondCopy && (
        <p className="note" data-testid="data-last-second-copy">
          {t.lastSecondCopy(
            formatDateTime(status.lastSecondCopy.at),
            status.lastSecondCopy.ok,
            status.lastSecondCopy.message,
          )}
        </p>
      )}

      <h4>{t.listTitle}</h4>
      {status && status.backups.length === 0 && <p>{t.listEmpty}</p>}
      {status && status.backups.length > 0 && (
        <table className="today-table" data-testid="backup-list">
          <thead>
            <tr>
              <th scope="col">{t.colTakenAt}</th>
              <th scope="col">{t.colReason}</th>
              <th scope="col">{t.colSize}</th>
              <th scope="col">{t.colFolder}</th>
              <th scope="col">{t.colAction}</th>
            </tr>
          </thead>
          <tbody>
            {status.backups.map((b) => (
              <tr key={`${b.folder}/${b.name}`} data-testid="backup-row" data-folder={b.folder} data-reason={b.reason}>
                <td>{formatDateTime(b.takenAt)}</td>
                <td>{reasonText(b.reason)}</td>
                <td>{sizeText(b.bytes)}</td>
                <td>{folderName(b)}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={t.restoreLabel(formatDateTime(b.takenAt), folderName(b))}
                    onClick={() => props.requireActor() && setConfirm(b)}
                  >
                    {t.restore}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirm && (
        <div
          role="alertdialog"
          aria-labelledby="restore-confirm-title"
          aria-describedby="restore-confirm-body"
          className="note"
          data-testid="restore-confirm"
          onKeyDown={(e) => e.key === 'Escape' && setConfirm(null)}
        >
          <h4 id="restore-confirm-title">{t.confirmTitle}</h4>
          <p id="restore-confirm-body">{t.confirmBody(formatDateTime(confirm.takenAt))}</p>
          <div className="row">
            <button type="button" className="button primary" onClick={() => void restore(confirm)}>
              {t.confirmYes}
            </button>
            <button ref={cancelRef} type="button" className="button" onClick={() => setConfirm(null)}>
              {t.confirmNo}
            </button>
          </div>
        </div>
      )}

      <h4>{t.importTitle}</h4>
      <p className="field-hint">{t.importIntro}</p>
      <div className="row">
        {bridge.chooseFile ? (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() =>
              void bridge.chooseFile?.('csv').then(
                (f) => f && previewFile(f),
                (err: unknown) => setImportMsg(t.failed(message(err))),
              )
            }
          >
            {t.chooseFile}
          </button>
        ) : (
          <label className="field">
            <span className="field-label">{t.fileLabel}</span>
            <input type="file" accept=".csv,.txt,text/csv" disabled={busy} onChange={(e) => void onInputFile(e)} />
          </label>
        )}
      </div>
      {preview && (
        <div data-testid="import-preview">
          <h4>{t.previewTitle(preview.fileName)}</h4>
          <p data-testid="import-encoding">{t.encodingLine(t.encoding[preview.encoding] ?? preview.encoding)}</p>
          <p data-testid="import-counts">
            {t.counts(preview.rows, preview.accepted, preview.refused.length, preview.inserts, preview.updates)}
          </p>
          {preview.ignoredColumns.length > 0 && <p>{t.ignoredColumns(preview.ignoredColumns.join('、'))}</p>}
          <table className="today-table" aria-label={t.sampleTitle}>
            <thead>
              <tr>
                {preview.header.map((h, i) => (
                  <th key={i} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.sample.map((cells, r) => (
                <tr key={r}>
                  {cells.map((c, i) => (
                    <td key={i}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {preview.refused.length > 0 && (
            <>
              <h5>{t.refusedTitle}</h5>
              <ul data-testid="import-refused">
                {preview.refused.map((e) => (
                  <li key={e.row}>{t.refusedRow(e.row, e.column, e.message)}</li>
                ))}
              </ul>
            </>
          )}
          {preview.differences.length > 0 && (
            <>
              <h5>{t.differencesTitle}</h5>
              <DifferenceList items={preview.differences} />
            </>
          )}
          <div className="row">
            <button
              type="button"
              className="button primary"
              disabled={busy || preview.accepted === 0}
              onClick={() => void importNow()}
            >
              {t.importNow}
            </button>
          </div>
          {preview.accepted === 0 && <p>{t.nothingToImport}</p>}
        </div>
      )}
      <p role="status" className="settings-status" data-testid="import-status">
        {importMsg}
      </p>
      {differences.length > 0 && (
        <>
          <h4>{t.differencesListTitle}</h4>
          <DifferenceList items={differences} />
        </>
      )}
    </section>
  );
}
