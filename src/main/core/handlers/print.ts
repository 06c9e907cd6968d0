// Printing: the clinic's name and 医療機関コード for the printed sheets, and the レセコン入力票's rows of a month;
// saving a print as PDF is the Electron main process's (it answers that request before the core sees it).
import { monthInputSheet } from '../../../claims/month-export.ts';
import { ContractError } from '../../contract.ts';
import { claimSettingsOf } from '../reconcile/claim.ts';
import { collectExportItems } from '../reconcile/export.ts';
import { clinicOf, storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type PrintRequest = 'print.savePdf' | 'print.clinic' | 'print.inputSheet';

export function printHandlers(deps: CoreDeps): Handlers<PrintRequest> {
  return {
    'print.savePdf': () => {
      // Only the Electron main process can print a page to PDF; it answers this request before the core sees it.
      throw new ContractError(
        'PRINT_PDF_UNAVAILABLE',
        'この画面ではPDFで保存できません。「印刷する」から印刷してください。',
      );
    },
    'print.clinic': () => clinicOf(storeOf(deps)),
    'print.inputSheet': ({ month }) => {
      // The month export's items and refusal (src/claims/month-export.ts), so the sheet and the CSV never differ.
      const store = storeOf(deps);
      const settings = claimSettingsOf(store);
      const { items } = unwrap(collectExportItems(store, month, settings));
      const sheet = monthInputSheet(items, month, settings);
      if (sheet.ok) return { month, rows: sheet.value, problems: [] };
      const visits = new Map(items.map((i) => [i.visit.id, i.visit]));
      return {
        month,
        rows: [],
        problems: sheet.errors.map((e) => {
          const v = e.field === undefined ? undefined : visits.get(e.field);
          return {
            visitId: v?.id ?? '',
            patientId: v?.patient.patientId ?? '',
            name: v?.patient.name ?? '',
            serviceDate: v?.serviceDate ?? '',
            code: e.code,
            message: e.message,
          };
        }),
      };
    },
  };
}
