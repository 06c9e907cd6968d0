// The reception screen: start (patient) → wizard → saved confirmation (with the 受付控え to print). A draft the
// core kept from before a reload or a crash is offered back first; 本日の受付 lists the day's saved visits.
import { useEffect, useRef, useState } from 'react';
import type { Visit } from '../../claims/visit.ts';
import { useConnection } from '../connection.ts';
import { openPrint } from '../print/index.ts';
import { strings } from '../strings.ts';
import { flushDraft, loadDraft, resumeDraftSync, startDraftSync, type DraftOutcome } from './draft.ts';
import { resetReception, useReception } from './model.ts';
import { focusSoon, Start } from './Start.tsx';
import { Today } from './Today.tsx';
import { Wizard } from './Wizard.tsx';

function Done({ id, receptionNo, visit }: { id: string; receptionNo: string; visit: Visit }) {
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  return (
    <section className="card done" aria-labelledby="done-title" data-testid="saved">
      <h2 id="done-title" role="status">
        {strings.doneTitle}
      </h2>
      <p>
        {strings.doneId}: <strong data-testid="saved-no">{receptionNo}</strong>
        {/* The internal id is never shown; kept for automation (the journal's key). */}
        <span data-testid="saved-id" hidden>
          {id}
        </span>
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
      <button
        type="button"
        className="button secondary"
        onClick={() => openPrint({ kind: 'receipt', visit, receptionNo })}
      >
        {strings.printReceipt}
      </button>
      {visit.evidence.kind === 'declaration' && (
        <button
          type="button"
          className="button secondary"
          onClick={() => openPrint({ kind: 'declaration', visit, receptionNo })}
        >
          {strings.printDeclaration}
        </button>
      )}
    </section>
  );
}

/** 「入力途中の受付があります」 (続ける / 破棄), or the outcome of a save that was in flight when the page went away. */
function DraftOffer({ outcome, onDone }: { outcome: Exclude<DraftOutcome, { kind: 'none' }>; onDone(): void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const d = outcome.draft;
  const who = d.patient.name !== '' ? d.patient.name : strings.draftNoName;
  if (outcome.kind === 'saved')
    return (
      <section className="card draft-offer" aria-labelledby="draft-title" data-testid="draft-saved">
        <h2 id="draft-title">{strings.draftSavedTitle}</h2>
        <p>{strings.draftSavedDetail(who, outcome.receptionNo)}</p>
        <button
          ref={first}
          type="button"
          className="button primary"
          onClick={() => {
            resetReception();
            onDone();
          }}
        >
          {strings.draftSavedOk}
        </button>
      </section>
    );
  return (
    <section className="card draft-offer" aria-labelledby="draft-title" data-testid="draft-offer">
      <h2 id="draft-title">{strings.draftTitle}</h2>
      <p>{strings.draftDetail(who, d.wizard ? strings.draftInWizard : strings.draftInPatient)}</p>
      <button
        ref={first}
        type="button"
        className="button primary"
        onClick={() => {
          useReception.setState({ ...d, staff: d.staff || useReception.getState().staff, saved: null });
          onDone();
        }}
      >
        {strings.draftResume}
      </button>
      <button
        type="button"
        className="button secondary"
        onClick={() => {
          resetReception();
          onDone();
        }}
      >
        {strings.draftDiscard}
      </button>
    </section>
  );
}

/** The stored draft is read once per page load, when the core is first ready. */
let draftRead = false;

export function Reception() {
  const saved = useReception((s) => s.saved);
  const open = useReception((s) => s.wizardOpen && s.wizard !== null);
  const ready = useConnection((s) => s.status.state === 'ready');
  const [outcome, setOutcome] = useState<DraftOutcome>({ kind: 'none' });

  useEffect(() => startDraftSync(), []);
  useEffect(() => {
    if (!ready) return;
    if (draftRead) {
      resumeDraftSync();
      return;
    }
    draftRead = true;
    loadDraft().then(
      (o) => {
        setOutcome(o);
        if (o.kind === 'none') resumeDraftSync();
      },
      (err: unknown) => {
        console.warn('drafts.get failed', err);
        resumeDraftSync();
      },
    );
  }, [ready]);

  const settle = (): void => {
    setOutcome({ kind: 'none' });
    resumeDraftSync();
    void flushDraft();
  };
  // Starting anything else (a 担当者, a search, a patient) answers the offer: the new work is what is kept.
  useEffect(() => {
    if (outcome.kind === 'none') return;
    return useReception.subscribe((s, prev) => {
      if (s.staff !== prev.staff || s.patient !== prev.patient || s.editing !== prev.editing) settle();
    });
  }, [outcome]);

  if (outcome.kind !== 'none')
    return (
      <>
        <DraftOffer
          outcome={outcome}
          onDone={() => {
            settle();
            focusSoon('[data-testid="wizard"] input, [data-testid="search-kana"]');
          }}
        />
        <Start />
        <Today />
      </>
    );
  if (saved) return <Done id={saved.id} receptionNo={saved.receptionNo} visit={saved.visit} />;
  if (open) return <Wizard />;
  return (
    <>
      <Start />
      <Today />
    </>
  );
}
