// Printing: the one entry point for every printed sheet (被保険者資格申立書, 受付控え, the incident report for the
// 利用報告書, the レセコン入力票 of a month). openPrint() puts a job into a small zustand store; <PrintHost /> (mounted once in App.tsx) shows
// the print preview for it. The preview and the sheets are loaded only when first needed.
import type { Visit } from '../../claims/visit.ts';
import { closePrint as close, openPrint as open, type PrintJob as Job } from './state.ts';

export type PrintJob =
  /** `visit` null: the blank form, for the patient to fill in by hand. */
  | { kind: 'declaration'; visit: Visit | null; receptionNo?: string }
  | { kind: 'receipt'; visit: Visit; receptionNo?: string }
  | { kind: 'incident_report'; from: string; to: string }
  /** The レセコン入力票 of a 診療年月 ('YYYY-MM'). */
  | { kind: 'inputSheet'; month: string };

/** Opens the print preview for one sheet (replacing one already open). Focus returns on close. */
export function openPrint(job: PrintJob): void {
  open(job satisfies Job);
}

/** Closes the print preview, if open. */
export function closePrint(): void {
  close();
}

export { PrintHost } from './PrintHost.tsx';
