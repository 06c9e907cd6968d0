// The reception screen: start (patient) → wizard → saved confirmation (with the 受付控え to print).
import { useEffect, useRef } from 'react';
import type { Visit } from '../../claims/visit.ts';
import { openPrint } from '../print/index.ts';
import { strings } from '../strings.ts';
import { resetReception, useReception } from './model.ts';
import { focusSoon, Start } from './Start.tsx';
import { Wizard } from './Wizard.tsx';

function Done({ id, visit }: { id: string; visit: Visit }) {
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  return (
    <section className="card done" aria-labelledby="done-title" data-testid="saved">
      <h2 id="done-title" role="status">
        {strings.doneTitle}
      </h2>
      <p>
        {strings.doneId}: <code data-testid="saved-id">{id}</code>
      </p>
      <button
        ref={next}
        type="button"
        className="button primary big"
        onClick={() => {
          resetReception();
          focusSoon('[data-testid="search-kana"]');
        }}
      >
        {strings.doneNext}
      </button>
      <button type="button" className="button secondary" onClick={() => openPrint({ kind: 'receipt', visit })}>
        {strings.printReceipt}
      </button>
    </section>
  );
}

export function Reception() {
  const saved = useReception((s) => s.saved);
  const open = useReception((s) => s.wizardOpen && s.wizard !== null);
  if (saved) return <Done id={saved.id} visit={saved.visit} />;
  if (open) return <Wizard />;
  return <Start />;
}
