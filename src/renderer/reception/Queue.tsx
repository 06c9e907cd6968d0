// The 事後確認 queue: saved visits from 'visits.list', filtered by status.
import { useCallback, useEffect, useState } from 'react';
import type { RequestOutput } from '../../main/contract.ts';
import { call } from '../api.ts';
import { useConnection } from '../connection.ts';
import { strings } from '../strings.ts';

const STATUSES = ['pending', 'needs_review', 'reconciled', 'claimed', 'returned', 'void'] as const;
type Status = (typeof STATUSES)[number];

const label = (table: Record<string, string>, key: string) => table[key] ?? key;

export function Queue() {
  const ready = useConnection((s) => s.status.state === 'ready');
  const [status, setStatus] = useState<Status | ''>('pending');
  const [page, setPage] = useState<RequestOutput<'visits.list'> | undefined>(undefined);
  const [error, setError] = useState('');

  const load = useCallback(() => {
    call('visits.list', status === '' ? { limit: 200 } : { status, limit: 200 }).then(
      (p) => {
        setPage(p);
        setError('');
      },
      (err: unknown) => setError((err as Error).message),
    );
  }, [status]);

  useEffect(() => {
    if (ready) load();
  }, [ready, load]);

  const c = strings.queueCols;
  return (
    <section className="card queue" aria-labelledby="queue-title" data-testid="queue">
      <h2 id="queue-title">{strings.queueTitle}</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="queue-status">{strings.queueStatus}</label>
          <select id="queue-status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
            <option value="">{strings.queueAll}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {strings.queueStatuses[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button secondary" onClick={load}>
          {strings.queueReload}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {page && (
        <>
          <p role="status" data-testid="queue-count">
            {strings.queueCount(page.total)}
          </p>
          {page.items.length === 0 ? (
            <p>{strings.queueEmpty}</p>
          ) : (
            <table>
              <caption className="visually-hidden">{strings.queueTitle}</caption>
              <thead>
                <tr>
                  <th scope="col">{c.date}</th>
                  <th scope="col">{c.name}</th>
                  <th scope="col">{c.cause}</th>
                  <th scope="col">{c.evidence}</th>
                  <th scope="col">{c.status}</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((v) => (
                  <tr key={v.id} data-id={v.id}>
                    <td>{v.serviceDate}</td>
                    <td>
                      {v.patientName}
                      {v.patientKana && <span className="kana">（{v.patientKana}）</span>}
                    </td>
                    <td>{label(strings.causes, v.cause)}</td>
                    <td>{label(strings.evidence, v.evidenceKind)}</td>
                    <td>{label(strings.queueStatuses, v.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
