// 「保存先のフォルダを選ぶ」 in the Electron app (the month-end files): the renderer asks for 'dialog.chooseFolder'
// through the one invoke channel; the main process answers it itself with the system's folder dialog (the core has
// no window). The core then writes into the folder chosen.
import type { BrowserWindow, Dialog } from 'electron';
import { ContractError, requests, type CallResult } from '../contract.ts';

export const CHOOSE_FOLDER_REQUEST = 'dialog.chooseFolder';

export interface ChooseFolderDeps {
  window: BrowserWindow | null;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  documentsDir: string;
}

export async function chooseFolder(input: unknown, deps: ChooseFolderDeps): Promise<CallResult> {
  const parsed = requests[CHOOSE_FOLDER_REQUEST].input.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: new ContractError('CONTRACT_INVALID_REQUEST').toWire() };
  const options = {
    title: parsed.data.title ?? '保存先のフォルダを選ぶ',
    defaultPath: deps.documentsDir,
    properties: ['openDirectory' as const, 'createDirectory' as const],
  };
  try {
    const choice =
      deps.window === null
        ? await deps.dialog.showOpenDialog(options)
        : await deps.dialog.showOpenDialog(deps.window, options);
    const path = choice.filePaths[0];
    if (choice.canceled || path === undefined || path === '') return { ok: true, value: { chosen: false, path: '' } };
    return { ok: true, value: { chosen: true, path } };
  } catch (err) {
    return {
      ok: false,
      error: new ContractError('FOLDER_DIALOG_FAILED', 'フォルダを選べませんでした。', (err as Error).message).toWire(),
    };
  }
}
