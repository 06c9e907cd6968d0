// 本日の受付: the visits saved today on this PC (its journal), newest first, each with its 受付番号, to reprint its
// 受付控え (and its 申立書 when that was the evidence). Folded under one button so the start form keeps the screen.
import { useEffect, useState } from 'react';
import type { DayVisitView } from '../../main/contract.ts';
import { call } from '../api.ts';
import { openPrint } from '../print/index.ts';
import { localDate } from '../print/format.ts';
import { strings } from '../strings.ts';

const s = strings.today;

function time(iso: string): string {
  const m = /T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}:${m[2]}` : iso;
}

export function Today() {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<DayVisitView[] | undefined>();
  const [error, setError] = useState('');

  useEffect(() => {
    if (!open) return;
    let live = true;
    call('visits.today', { date: localDate(new Date()) }).then(
      (r) => {
        if (!live) return;
        setItems(r.items);
        setError('');
      },
      (err: unknown) => live && setError(`${s.loadFailed} ${(err as Error).message}`),
    );
    return () => {
      live = false;
    };
  }, [open]);

  return (
    <section className="card today" aria-labelledby="today-title" data-testid="today">
      <h2 id="today-title" className="today-title">
        <button type="button" className="button link" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {s.title}
        </button>
      </h2>
      {open && error !== '' && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {open && items?.length === 0 && <p>{s.none}</p>}
      {open && items && items.length > 0 && (
        <table className="today-table">
          <thead>
            <tr>
              <th scope="col">{s.no}</th>
              <th scope="col">{s.time}</th>
              <th scope="col">{s.name}</th>
              <th scope="col">{s.evidence}</th>
              <th scope="col">{s.print}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id} data-testid="today-row" data-no={v.receptionNo}>
                <td>{v.receptionNo}</td>
                <td>{time(v.visit.receivedAt)}</td>
                <td>{v.visit.patient.name}</td>
                <td>{strings.evidence[v.visit.evidence.kind]}</td>
                <td className="today-actions">
                  <button
                    type="button"
                    className="button secondary"
                    aria-label={s.reprintReceipt(v.receptionNo)}
                    onClick={() => openPrint({ kind: 'receipt', visit: v.visit, receptionNo: v.receptionNo })}
                  >
                    {strings.printReceipt}
                  </button>
                  {v.visit.evidence.kind === 'declaration' && (
                    <button
                      type="button"
                      className="button secondary"
                      aria-label={s.reprintDeclaration(v.receptionNo)}
                      onClick={() => openPrint({ kind: 'declaration', visit: v.visit, receptionNo: v.receptionNo })}
                    >
                      {strings.printDeclaration}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
