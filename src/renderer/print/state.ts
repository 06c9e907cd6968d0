// The print preview's store: which sheet is open, and where focus goes back to when it closes.
import { create } from 'zustand';
import type { Visit } from '../../claims/visit.ts';

export type PrintJob =
  /** `visit` null: the blank form, for the patient to fill in by hand. */
  | { kind: 'declaration'; visit: Visit | null; receptionNo?: string }
  | { kind: 'receipt'; visit: Visit; receptionNo?: string }
  | { kind: 'incident_report'; from: string; to: string };

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
