// The print preview: a modal dialog over the app with the sheet as it will print (A4), and 印刷する /
// PDFで保存 (Electron only) / 閉じる. Focus stays inside (the app behind is inert), Esc closes, focus returns to
// where it was. On paper only the sheet prints (print.css hides everything else).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { call } from '../api.ts';
import { strings } from '../strings.ts';
import { DeclarationSheet } from './DeclarationSheet.tsx';
import { IncidentReportSheet } from './IncidentReportSheet.tsx';
import { InputSheet } from './InputSheet.tsx';
import { ReceiptSheet } from './ReceiptSheet.tsx';
import { closePrint, type PrintJob } from './state.ts';
import './print.css';

/** The Electron host serves the renderer from app:// and answers print.savePdf; the web host cannot. */
export function pdfSaveAvailable(): boolean {
  return location.protocol === 'app:';
}

function fileName(job: PrintJob): string {
  switch (job.kind) {
    case 'declaration':
      return job.visit ? `申立書_${job.visit.serviceDate}_${job.visit.patient.name}.pdf` : '申立書_白紙.pdf';
    case 'receipt':
      return `受付控え_${job.visit.serviceDate}_${job.visit.patient.name}.pdf`;
    case 'incident_report':
      return `システム障害時モード記録_${job.from.slice(0, 10)}_${job.to.slice(0, 10)}.pdf`;
    case 'inputSheet':
      return `レセコン入力票_${job.month}.pdf`;
  }
}

function Sheet({ job }: { job: PrintJob }) {
  switch (job.kind) {
    case 'declaration':
      return <DeclarationSheet visit={job.visit} receptionNo={job.receptionNo ?? ''} />;
    case 'receipt':
      return <ReceiptSheet visit={job.visit} receptionNo={job.receptionNo ?? ''} />;
    case 'incident_report':
      return <IncidentReportSheet from={job.from} to={job.to} />;
    case 'inputSheet':
      return <InputSheet month={job.month} />;
  }
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Preview({ job }: { job: PrintJob }) {
  const dialog = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  // The app behind the dialog is inert while it is open (no focus, no clicks, hidden from assistive tech).
  useEffect(() => {
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    first.current?.focus();
    return () => root?.removeAttribute('inert');
  }, []);
  useEffect(() => setMessage(''), [job]);
  // Esc closes from anywhere: printing hides the toolbar, and the browser may drop the focus to <body>.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      closePrint();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.key !== 'Tab' || dialog.current === null) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const firstItem = items[0]!;
    const lastItem = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === firstItem) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && document.activeElement === lastItem) {
      e.preventDefault();
      firstItem.focus();
    }
  };

  const savePdf = async (): Promise<void> => {
    setBusy(true);
    setMessage('');
    try {
      const r = await call('print.savePdf', { fileName: fileName(job) });
      setMessage(r.saved ? strings.printing.pdfSaved(r.path) : strings.printing.pdfCancelled);
    } catch (err) {
      setMessage(`${strings.printing.pdfFailed} ${err instanceof Error ? err.message : ''}`.trim());
    } finally {
      setBusy(false);
    }
  };

  return createPortal(
    <div
      ref={dialog}
      className="print-root"
      data-testid="print-preview"
      data-kind={job.kind}
      role="dialog"
      aria-modal="true"
      aria-labelledby="print-preview-title"
      aria-describedby="print-preview-hint"
      onKeyDown={onKeyDown}
    >
      <div className="print-toolbar">
        <h2 id="print-preview-title">{strings.printing.previewTitle[job.kind]}</h2>
        <p id="print-preview-hint">{strings.printing.previewHint}</p>
        <div className="print-actions">
          <button ref={first} type="button" className="button primary" onClick={() => window.print()}>
            {strings.printDo}
          </button>
          {pdfSaveAvailable() && (
            <button type="button" className="button" disabled={busy} onClick={() => void savePdf()}>
              {strings.printSavePdf}
            </button>
          )}
          <button type="button" className="button" onClick={closePrint}>
            {strings.printClose}
          </button>
        </div>
        <p role="status" className="print-message">
          {message}
        </p>
      </div>
      <div className="print-paper" role="document" aria-label={strings.printing.sheetLabel}>
        <Sheet job={job} />
      </div>
    </div>,
    document.body,
  );
}
