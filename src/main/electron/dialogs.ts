// The app's own file dialogs for 設定 → データ, answered by the main process on their typed channels (channels.ts):
// open a patients CSV (read here, size-checked, handed to the renderer as base64 for 'patients.importPreview') and
// choose a folder (the second backup folder). Only the app's own page may ask (isTrustedSender in main.ts).
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { ChosenFile } from '../contract.ts';
import { CSV_MAX_BASE64 } from '../contract-data.ts';

export interface DialogDeps {
  window: BrowserWindow | null;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  documentsDir: string;
}

/** The largest file the open dialog hands over (its base64 must fit the request). */
export const CHOSEN_FILE_MAX_BYTES = Math.floor((CSV_MAX_BASE64 / 4) * 3);

async function show(deps: DialogDeps, options: Electron.OpenDialogOptions): Promise<string | null> {
  const r = deps.window
    ? await deps.dialog.showOpenDialog(deps.window, options)
    : await deps.dialog.showOpenDialog(options);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
}

export async function chooseCsv(deps: DialogDeps): Promise<ChosenFile | null> {
  const path = await show(deps, {
    title: '患者データのCSVファイルを選ぶ',
    defaultPath: deps.documentsDir,
    properties: ['openFile'],
    filters: [
      { name: 'CSV', extensions: ['csv', 'txt'] },
      { name: 'すべてのファイル', extensions: ['*'] },
    ],
  });
  if (path === null) return null;
  if ((await stat(path)).size > CHOSEN_FILE_MAX_BYTES) throw new Error(`file too large: ${path}`);
  return { name: basename(path), data: (await readFile(path)).toString('base64') };
}

export async function chooseFolder(deps: DialogDeps): Promise<string | null> {
  return show(deps, { title: 'フォルダを選ぶ', properties: ['openDirectory', 'createDirectory'] });
}
