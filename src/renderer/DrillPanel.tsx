// 訓練モード's panel (only where the core runs simulated devices): one row per part — カードリーダー, カード,
// 資格確認端末, ネットワーク, 電源 — with its state and a button that breaks or restores it (drill.fault), so staff
// practise a fault without a developer. The health bar follows by itself (health.changed). The panel opens over the
// screen at the bottom right (it never pushes the reception form down) and closes with Esc or 閉じる.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestInput } from '../main/contract.ts';
import { call } from './api.ts';
import { useConnection } from './connection.ts';
import { useEscapeCloses } from './escape.ts';
import { strings } from './strings.ts';

type Fault = RequestInput<'drill.fault'>['fault'];
type Part = 'reader' | 'card' | 'terminal' | 'network' | 'power';

/** The fault that breaks each part and the one that restores it (the contract's DrillFault). */
const PARTS: readonly { part: Part; down: Fault; up: Fault }[] = [
  { part: 'reader', down: 'reader_lost', up: 'reader_back' },
  { part: 'card', down: 'card_bad', up: 'card_good' },
  { part: 'terminal', down: 'terminal_down', up: 'terminal_back' },
  { part: 'network', down: 'network_down', up: 'network_back' },
  { part: 'power', down: 'mains_lost', up: 'mains_back' },
];

const s = strings.drill;

export function DrillPanel() {
  const ready = useConnection((st) => st.status.state === 'ready');
  const [available, setAvailable] = useState(false);
  const [broken, setBroken] = useState<readonly string[]>([]);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<Part | null>(null);
  const [error, setError] = useState('');
  const toggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!ready) return;
    let live = true;
    call('drill.state', {}).then(
      (st) => {
        if (!live) return;
        setAvailable(st.available);
        setBroken(st.broken);
      },
      () => live && setAvailable(false),
    );
    return () => {
      live = false;
    };
  }, [ready]);

  const close = useCallback(() => setOpen(false), []);
  useEscapeCloses(open, close, toggle);

  if (!available) return null;

  const act = (part: Part, fault: Fault) => {
    setBusy(part);
    setError('');
    call('drill.fault', { fault }).then(
      (r) => {
        setBroken(r.broken);
        setBusy(null);
      },
      (err: unknown) => {
        setError(s.failed((err as Error).message));
        setBusy(null);
      },
    );
  };

  return (
    <div className="drill">
      <button
        ref={toggle}
        type="button"
        className="drill-toggle"
        aria-expanded={open}
        aria-controls="drill-panel"
        onClick={() => setOpen((o) => !o)}
        data-testid="drill-toggle"
      >
        {s.open}
      </button>
      {open && (
        <section id="drill-panel" className="drill-panel" aria-labelledby="drill-title" data-testid="drill-panel">
          <h2 id="drill-title">{s.title}</h2>
          <p className="field-hint">{s.intro}</p>
          <ul>
            {PARTS.map(({ part, down, up }) => {
              const isBroken = broken.includes(part);
              return (
                <li key={part} data-part={part} data-broken={isBroken}>
                  <span className="drill-part">{s.parts[part][0]}</span>
                  <span className="drill-state" data-testid={`drill-state-${part}`}>
                    {isBroken ? s.broken : s.working}
                  </span>
                  <button
                    type="button"
                    className={isBroken ? 'button primary' : 'button secondary'}
                    disabled={busy !== null}
                    onClick={() => act(part, isBroken ? up : down)}
                    data-testid={`drill-${part}`}
                  >
                    {s.parts[part][isBroken ? 2 : 1]}
                  </button>
                </li>
              );
            })}
          </ul>
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
          <p role="status" className="visually-hidden">
            {broken.length > 0 ? s.brokenNow(broken.map((p) => s.parts[p as Part][0]).join('・')) : s.allWorking}
          </p>
          <button
            type="button"
            className="button link"
            onClick={() => {
              setOpen(false);
              toggle.current?.focus();
            }}
          >
            {s.close}
          </button>
        </section>
      )}
    </div>
  );
}
