// 「PDFで保存」 in the Electron app: the renderer asks for 'print.savePdf' through the one invoke channel; the
// main process answers it itself (the core cannot print a page): printToPDF of the sending page (its @media
// print CSS shows only the sheet), a save dialog, and the file written where staff chose.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserWindow, Dialog, WebContents } from 'electron';
import { ContractError, requests, type CallResult } from '../contract.ts';
import { safeFileName } from './save-file.ts';

export const SAVE_PDF_REQUEST = 'print.savePdf';

/** A file name the dialog may suggest: no folders, no characters Windows refuses, ends in .pdf. */
export function safePdfName(name: string): string {
  const cleaned = safeFileName(name, 'print.pdf');
  const base = cleaned === '.pdf' ? 'print.pdf' : cleaned;
  return base.toLowerCase().endsWith('.pdf') ? base : `${base}.pdf`;
}

export interface SavePdfDeps {
  contents: WebContents;
  window: BrowserWindow | null;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  documentsDir: string;
  write?: (path: string, data: Buffer) => Promise<void>;
}

export async function savePdf(input: unknown, deps: SavePdfDeps): Promise<CallResult> {
  const parsed = requests[SAVE_PDF_REQUEST].input.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: new ContractError('CONTRACT_INVALID_REQUEST').toWire() };
  try {
    const data = await deps.contents.printToPDF({ pageSize: 'A4', printBackground: true });
    const options = {
      title: 'PDFで保存',
      defaultPath: join(deps.documentsDir, safePdfName(parsed.data.fileName)),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    };
    const choice =
      deps.window === null
        ? await deps.dialog.showSaveDialog(options)
        : await deps.dialog.showSaveDialog(deps.window, options);
    if (choice.canceled || choice.filePath === undefined || choice.filePath === '')
      return { ok: true, value: { saved: false, path: '' } };
    await (deps.write ?? writeFile)(choice.filePath, data);
    return { ok: true, value: { saved: true, path: choice.filePath } };
  } catch (err) {
    return {
      ok: false,
      error: new ContractError('PRINT_PDF_FAILED', 'PDFを保存できませんでした。', (err as Error).message).toWire(),
    };
  }
}
