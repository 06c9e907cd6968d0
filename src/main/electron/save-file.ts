// Files the renderer hands to the main process to be saved where staff choose (「診断情報を保存」), and the folder
// picker (設定 → 資格確認端末の共有フォルダ): the typed channels IPC.saveFile and IPC.pickFolder, answered here with
// Electron's dialogs. The web host has neither: there the renderer downloads the file and the folder is typed.
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { PickFolderResult, SaveFileResult } from '../contract.ts';

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
