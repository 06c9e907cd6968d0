// The 事後確認 queue: tabs 未確認 / 要確認 / 確認済み / 送信不可 with counts, the reconciler's progress
// (counted as the tabs count; 'queue.status' for its state), and a detail panel per visit (a side panel over the
// screen, QueueDetail.tsx) with the staff review forms.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { QueueCategoryName, RequestOutput, VisitListItemView } from '../../main/contract.ts';
import { call, subscribe } from '../api.ts';
import { useConnection } from '../connection.ts';
import { formatMonthDay } from '../print/format.ts';
import { strings } from '../strings.ts';
import { MonthExport } from './MonthExport.tsx';
import { QueueDetail } from './QueueDetail.tsx';
import './queue.css';

const CATEGORIES: readonly QueueCategoryName[] = ['unconfirmed', 'needs_review', 'confirmed', 'dead'];
const s = strings.queue;
const label = (table: Record<string, string>, key: string) => table[key] ?? key;

/** 請求区分 of a row: 要確認 while a decision is needed, a provisional label before reconciliation. */
export function basisText(item: Pick<VisitListItemView, 'decision' | 'basis'>): string {
  if (item.decision === 'none') return s.needsDecision;
  const b = s.basis[item.basis];
  return item.decision === null ? s.basisProvisional(b) : b;
}

/**
 * The progress bar counts visits the way the tabs do (visits.list `counts`): checked = 要確認 + 確認済み out of all
 * four tabs, so its figures always agree with them. Beside it the reconciler's state (queue.status, refreshed on
 * every queue.progress event).
 */
function Progress(props: { counts: Record<QueueCategoryName, number> | undefined }) {
  const ready = useConnection((st) => st.status.state === 'ready');
  const [paused, setPaused] = useState(false);
  const [status, setStatus] = useState<RequestOutput<'queue.status'> | null>(null);
  useEffect(() => {
    if (!ready) return;
    let alive = true;
    const refresh = () =>
      call('queue.status', {}).then(
        (st) => alive && setStatus(st),
        () => undefined,
      );
    void refresh();
    const off = subscribe('queue.progress', (p) => {
      setPaused(p.paused);
      void refresh();
    });
    return () => {
      alive = false;
      off();
    };
  }, [ready]);
  const c = props.counts;
  const total = c ? CATEGORIES.reduce((n, cat) => n + c[cat], 0) : 0;
  const done = c ? c.needs_review + c.confirmed : 0;
  const reconciler = status ? s.reconciler[paused ? 'paused' : status.reconciler] : '';
  const text = total > 0 ? s.progressText(done, total) : s.progressIdle;
  return (
    <div className="queue-progress" data-testid="queue-progress">
      <div className="row">
        <span id="queue-progress-label">{s.progressLabel}</span>
        <span data-testid="reconciler-state">{reconciler}</span>
        {c && <span data-testid="queue-remaining">{s.counts(c.unconfirmed, c.dead)}</span>}
      </div>
      <div
        role="progressbar"
        aria-labelledby="queue-progress-label"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={text}
        className="progress"
        data-testid="queue-progressbar"
      >
        <div className="progress-fill" style={{ width: total > 0 ? `${(100 * done) / total}%` : '0%' }} />
      </div>
      <span aria-hidden="true">{text}</span>
    </div>
  );
}

export function Queue() {
  const ready = useConnection((st) => st.status.state === 'ready');
  const [category, setCategory] = useState<QueueCategoryName>('unconfirmed');
  const [page, setPage] = useState<RequestOutput<'visits.list'> | undefined>(undefined);
  const [error, setError] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const rowRefs = useRef<Record<string, HTMLButtonElement | null>>({});

  const load = useCallback(() => {
    call('visits.list', { category, limit: 200, order: 'desc' }).then(
      (p) => {
        setPage(p);
        setError('');
      },
      (err: unknown) => setError((err as Error).message),
    );
  }, [category]);

  useEffect(() => {
    if (ready) load();
  }, [ready, load]);

  // Rows move between tabs as the reconciler works: reload (at most twice a second) on its progress.
  useEffect(() => {
    if (!ready) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe('queue.progress', () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        load();
      }, 500);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [ready, load]);

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = CATEGORIES.indexOf(category);
    const next =
      e.key === 'ArrowRight'
        ? CATEGORIES[(i + 1) % CATEGORIES.length]
        : e.key === 'ArrowLeft'
          ? CATEGORIES[(i + CATEGORIES.length - 1) % CATEGORIES.length]
          : undefined;
    if (!next) return;
    e.preventDefault();
    setCategory(next);
    setOpenId(null);
    tabRefs.current[next]?.focus();
  };

  const close = useCallback(() => {
    const id = openId;
    setOpenId(null);
    // Back to the row; to the tab when the row has left it (reviewed into another tab).
    if (id) setTimeout(() => (rowRefs.current[id] ?? tabRefs.current[category])?.focus(), 0);
  }, [openId, category]);

  const c = s.cols;
  return (
    <section className="card queue" aria-labelledby="queue-title" data-testid="queue">
      <h2 id="queue-title">{strings.queueTitle}</h2>
      <Progress counts={page?.counts} />
      <div role="tablist" aria-label={s.tabsLabel} className="tabs">
        {CATEGORIES.map((cat) => (
          <button
            key={cat}
            ref={(el) => {
              tabRefs.current[cat] = el;
            }}
            type="button"
            role="tab"
            id={`queue-tab-${cat}`}
            aria-selected={category === cat}
            aria-controls="queue-panel"
            tabIndex={category === cat ? 0 : -1}
            onKeyDown={onTabKey}
            onClick={() => {
              setCategory(cat);
              setOpenId(null);
            }}
            data-testid={`queue-tab-${cat}`}
          >
            {s.tab(s.tabs[cat], page?.counts[cat] ?? 0)}
          </button>
        ))}
      </div>
      <button type="button" className="button secondary" onClick={load}>
        {strings.queueReload}
      </button>
      <MonthExport onOpenVisit={setOpenId} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div role="tabpanel" id="queue-panel" aria-labelledby={`queue-tab-${category}`}>
        {page && (
          <>
            <p role="status" data-testid="queue-count">
              {strings.queueCount(page.total)}
            </p>
            {page.items.length === 0 ? (
              <p>{strings.queueEmpty}</p>
            ) : (
              <table data-testid="queue-table">
                <caption className="visually-hidden">{s.tab(s.tabs[category], page.total)}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="nowrap">
                      {c.date}
                    </th>
                    <th scope="col">{c.name}</th>
                    <th scope="col">{c.cause}</th>
                    <th scope="col">{c.evidence}</th>
                    <th scope="col">{c.status}</th>
                    <th scope="col">{c.basis}</th>
                    <th scope="col">{c.remarks}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((v) => (
                    <tr key={v.id} data-id={v.id} aria-current={openId === v.id ? 'true' : undefined}>
                      <td className="nowrap">
                        <time dateTime={v.serviceDate}>{formatMonthDay(v.serviceDate)}</time>
                      </td>
                      <td>
                        <button
                          type="button"
                          className="row-open"
                          ref={(el) => {
                            rowRefs.current[v.id] = el;
                          }}
                          aria-label={s.open(v.patientName)}
                          aria-expanded={openId === v.id}
                          onClick={() => setOpenId(v.id)}
                        >
                          {v.patientName}
                        </button>
                        {v.patientKana && <span className="kana">（{v.patientKana}）</span>}
                      </td>
                      <td>{label(strings.causes, v.cause)}</td>
                      <td>{label(strings.evidence, v.evidenceKind)}</td>
                      <td className="nowrap">{v.dead ? s.dead : label(strings.queueStatuses, v.status)}</td>
                      <td data-basis={v.decision ?? ''}>
                        {basisText(v)}
                        {v.needsDecision.length > 0 && (
                          <ul className="reasons">
                            {v.needsDecision.map((n) => (
                              <li key={n.code}>{n.message}</li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>{v.remarks.join(' / ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </div>
      {openId && <QueueDetail id={openId} onClose={close} onChanged={load} />}
    </section>
  );
}
