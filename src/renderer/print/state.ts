// The print preview's store: which sheet is open, and where focus goes back to when it closes.
import { create } from 'zustand';
import type { Visit } from '../../claims/visit.ts';

export type PrintJob =
  /** `visit` null: the blank form, for the patient to fill in by hand. */
  | { kind: 'declaration'; visit: Visit | null; receptionNo?: string }
  | { kind: 'receipt'; visit: Visit; receptionNo?: string }
  | { kind: 'incident_report'; from: string; to: string }
  /** The レセコン入力票 of a 診療年月 ('YYYY-MM'). */
  | { kind: 'inputSheet'; month: string };

/**
 * A print job named by a link: `#print=inputSheet&month=YYYY-MM` (the レセコン入力票 of that 診療年月). Only sheets
 * that need nothing but a month can be linked; anything else gives undefined.
 */
export function printJobFromLink(hash: string): PrintJob | undefined {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const month = q.get('month') ?? '';
  if (q.get('print') === 'inputSheet' && /^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return { kind: 'inputSheet', month };
  return undefined;
}

interface PrintState {
  job: PrintJob | undefined;
  /** The element that had focus when the preview opened; focus goes back to it on close. */
  returnFocus: HTMLElement | undefined;
}

export const usePrint = create<PrintState>(() => ({ job: undefined, returnFocus: undefined }));

export function openPrint(job: PrintJob): void {
  const active = typeof document === 'undefined' ? null : document.activeElement;
  usePrint.setState((s) => ({
    job,
    returnFocus: s.job !== undefined ? s.returnFocus : active instanceof HTMLElement ? active : undefined,
  }));
}

export function closePrint(): void {
  const { returnFocus } = usePrint.getState();
  usePrint.setState({ job: undefined, returnFocus: undefined });
  if (returnFocus?.isConnected === true) requestAnimationFrame(() => returnFocus.focus());
}
