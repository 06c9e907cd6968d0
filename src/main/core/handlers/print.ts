// Printing: the clinic's name and 医療機関コード for the printed sheets; saving a print as PDF is the Electron main
// process's (it answers that request before the core sees it).
import { ContractError } from '../../contract.ts';
import { clinicOf, storeOf, type CoreDeps, type Handlers } from './common.ts';

export type PrintRequest = 'print.savePdf' | 'print.clinic';

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
  };
}
