// The terminal's answers archived for one visit (visits.evidence), under the answer's key facts in the detail
// panel. The main view says in plain Japanese how many answers are kept and when; the file names, sizes and
// SHA-256 (for the help desk) are under 「詳細」, where each can be opened as text (visits.evidenceFile) in a
// focusable, labelled region (the XML as the terminal wrote it, decoded as the file declares).
import { useEffect, useState } from 'react';
import type { EvidenceFileView, EvidenceItemView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { formatMonthDayTime } from '../print/format.ts';
import { strings } from '../strings.ts';
import './evidence.css';

const s = strings.queue;

function EvidenceText(props: { visitId: string; item: EvidenceItemView }) {
  const [view, setView] = useState<EvidenceFileView | undefined>(undefined);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    call('visits.evidenceFile', { visitId: props.visitId, sha256: props.item.sha256 }).then(
      (v) => live && setView(v),
      (err: unknown) => live && setError((err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [props.visitId, props.item.sha256]);
  if (error)
    return (
      <p className="field-error" role="alert">
        {error}
      </p>
    );
  if (!view) return <p>{s.evidenceLoading}</p>;
  return (
    <div className="evidence-text">
      <p>
        {s.evidenceTextNote(s.evidenceEncoding[view.encoding] ?? view.encoding, view.zipped)}
        {view.via === 'bulk' && (
          <>
            <br />
            <strong>{s.evidenceBulkNote}</strong>
          </>
        )}
      </p>
      <div role="region" aria-label={s.evidenceTextLabel(view.file)} tabIndex={0} data-testid="evidence-text">
        <pre>{view.text}</pre>
      </div>
    </div>
  );
}

export function Evidence(props: { visitId: string; reload: number }) {
  const [items, setItems] = useState<EvidenceItemView[] | undefined>(undefined);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>(undefined);
  const { visitId, reload } = props;
  useEffect(() => {
    let live = true;
    call('visits.evidence', { visitId }).then(
      (r) => {
        if (!live) return;
        setItems(r.items);
        setError('');
      },
      (err: unknown) => live && setError((err as Error).message),
    );
    return () => {
      live = false;
    };
  }, [visitId, reload]);

  return (
    <section aria-labelledby="evidence-title" data-testid="evidence">
      <h5 id="evidence-title">{s.evidenceTitle}</h5>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p>{s.evidenceNone}</p>}
      {items && items.length > 0 && (
        <p data-testid="evidence-summary">
          {s.evidenceSummary(
            items.length,
            items.map((e) => `${formatMonthDayTime(e.at)} ${s.evidenceVia[e.via] ?? e.via}`).join('、'),
          )}
        </p>
      )}
      {items && items.length > 0 && (
        <details className="more" data-testid="evidence-more">
          <summary>{s.more}</summary>
          <table className="evidence-table" aria-labelledby="evidence-title">
            <thead>
              <tr>
                <th scope="col">{s.evidenceCols.file}</th>
                <th scope="col">{s.evidenceCols.at}</th>
                <th scope="col">{s.evidenceCols.via}</th>
                <th scope="col">{s.evidenceCols.size}</th>
                <th scope="col">{s.evidenceCols.sha256}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => {
                const shown = open === e.sha256;
                return (
                  <tr key={e.id} data-sha256={e.sha256}>
                    <td>
                      <button
                        type="button"
                        className="button secondary"
                        aria-expanded={shown}
                        aria-label={s.evidenceShow(e.file)}
                        onClick={() => setOpen(shown ? undefined : e.sha256)}
                      >
                        {e.file}
                      </button>
                    </td>
                    <td className="nowrap">{formatMonthDayTime(e.at)}</td>
                    <td>
                      {s.evidenceVia[e.via] ?? e.via}
                      {e.via === 'bulk' && e.rowId !== null && <> {s.evidenceRow(e.rowId)}</>}
                    </td>
                    <td>{s.evidenceSize(e.size)}</td>
                    <td>
                      <code className="sha256">{e.sha256}</code>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {items
            .filter((e) => e.sha256 === open)
            .map((e) => (
              <EvidenceText key={e.sha256} visitId={visitId} item={e} />
            ))}
        </details>
      )}
    </section>
  );
}
