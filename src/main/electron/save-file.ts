// The main process's file dialogs: files the renderer hands over to be saved where staff choose (「診断情報を保存」),
// a patients CSV opened (設定 → データ, read here and handed over as base64), and the folder picker (the terminal
// folder, the second backup folder): the typed channels IPC.saveFile and IPC.pickFolder, answered here with
// Electron's dialogs. The web host has neither: there the renderer downloads the file and the folder is typed.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { ChosenFile, PickFolderResult, SaveFileResult } from '../contract.ts';
import { CSV_MAX_BASE64 } from '../contract-data.ts';

/** The largest file the renderer may hand over (base64 of a diagnostics zip stays far below). */
export const SAVE_FILE_MAX_BASE64 = 64 * 1024 * 1024;

/** A file name the dialog may suggest: no folders, no characters Windows refuses. */
export function safeFileName(name: string, fallback: string): string {
  const replaced = [...name].map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c)).join('');
  const cleaned = basename(replaced).trim().slice(0, 120);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fallback : cleaned;
}

export interface DialogDeps {
  window: BrowserWindow | null;
  dialog: Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>;
  documentsDir: string;
  write?: (path: string, data: Buffer) => Promise<void>;
}

export async function saveFileWithDialog(name: unknown, base64: unknown, deps: DialogDeps): Promise<SaveFileResult> {
  if (typeof name !== 'string' || typeof base64 !== 'string' || base64.length > SAVE_FILE_MAX_BASE64)
    return { saved: false, path: '', error: 'INVALID_FILE' };
  const fileName = safeFileName(name, 'shikaku-file');
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1];
  const options = {
    defaultPath: join(deps.documentsDir, fileName),
    ...(ext ? { filters: [{ name: ext.toUpperCase(), extensions: [ext] }] } : {}),
  };
  try {
    const choice = deps.window
      ? await deps.dialog.showSaveDialog(deps.window, options)
      : await deps.dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { saved: false, path: '', error: null };
    await (deps.write ?? writeFile)(choice.filePath, Buffer.from(base64, 'base64'));
    return { saved: true, path: choice.filePath, error: null };
  } catch (err) {
    return { saved: false, path: '', error: (err as Error).message };
  }
}

export async function pickFolderWithDialog(start: unknown, deps: DialogDeps): Promise<PickFolderResult> {
  const options = {
    properties: ['openDirectory' as const, 'createDirectory' as const],
    ...(typeof start === 'string' && start !== '' ? { defaultPath: start } : {}),
  };
  const choice = deps.window
    ? await deps.dialog.showOpenDialog(deps.window, options)
    : await deps.dialog.showOpenDialog(options);
  return { path: choice.canceled ? null : (choice.filePaths[0] ?? null) };
}

/** The largest file the open dialog hands over (its base64 must fit the request). */
export const CHOSEN_FILE_MAX_BYTES = Math.floor((CSV_MAX_BASE64 / 4) * 3);

async function showOpen(deps: DialogDeps, options: Electron.OpenDialogOptions): Promise<string | null> {
  const r = deps.window
    ? await deps.dialog.showOpenDialog(deps.window, options)
    : await deps.dialog.showOpenDialog(options);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
}

export async function chooseCsv(deps: DialogDeps): Promise<ChosenFile | null> {
  const path = await showOpen(deps, {
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
