// The Electron main process's file dialogs (src/main/electron/save-file.ts): the folder picker (terminal folder,
// second backup folder, month-end files), 「診断情報を保存」's save dialog and the patients CSV opened. The dialog is
// the one thing replaced (Electron is not installed here); the CSV is a real file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserWindow } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chooseCsv,
  pickFolderWithDialog,
  safeFileName,
  saveFileWithDialog,
  type DialogDeps,
} from '../../src/main/electron/save-file.ts';

type Answer = { canceled: boolean; filePaths?: string[]; filePath?: string };

function deps(answer: () => Promise<Answer>) {
  const calls: unknown[][] = [];
  const written: [string, Buffer][] = [];
  const show = (async (...args: unknown[]) => {
    calls.push(args);
    return answer();
  }) as never;
  const d: DialogDeps = {
    window: {} as BrowserWindow,
    dialog: { showOpenDialog: show, showSaveDialog: show },
    documentsDir: '/home/u/Documents',
    write: async (p, data) => void written.push([p, data]),
  };
  return { d, calls, written };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('folder picker', () => {
  it('asks for a folder (creatable), starting where the field points, and answers the path chosen', async () => {
    const { d, calls } = deps(async () => ({ canceled: false, filePaths: ['/media/usb/請求'] }));
    expect(await pickFolderWithDialog('/mnt/share', d)).toEqual({ path: '/media/usb/請求' });
    const [win, options] = calls[0] as [unknown, { defaultPath?: string; properties: string[] }];
    expect(win).toBe(d.window);
    expect(options.defaultPath).toBe('/mnt/share');
    expect(options.properties).toEqual(['openDirectory', 'createDirectory']);
  });

  it('answers null when staff cancel, and starts nowhere in particular without a folder', async () => {
    const { d, calls } = deps(async () => ({ canceled: true, filePaths: [] }));
    expect(await pickFolderWithDialog('', d)).toEqual({ path: null });
    expect((calls[0] as [unknown, { defaultPath?: string }])[1].defaultPath).toBeUndefined();
  });
});

describe('save dialog', () => {
  it('suggests a safe name in the documents folder and writes the bytes where staff chose', async () => {
    const { d, calls, written } = deps(async () => ({ canceled: false, filePath: '/media/usb/diag.zip' }));
    const r = await saveFileWithDialog('../診断:情報?.zip', Buffer.from('PK\x03\x04').toString('base64'), d);
    expect(r).toEqual({ saved: true, path: '/media/usb/diag.zip', error: null });
    const options = (calls[0] as [unknown, { defaultPath: string }])[1];
    expect(options.defaultPath).toBe(path.join('/home/u/Documents', '.._診断_情報_.zip'));
    expect(written).toEqual([['/media/usb/diag.zip', Buffer.from('PK\x03\x04')]]);
  });

  it('cancel saves nothing; bad input and a failing write are errors, not a saved file', async () => {
    const cancelled = deps(async () => ({ canceled: true }));
    expect(await saveFileWithDialog('a.zip', 'AA==', cancelled.d)).toEqual({ saved: false, path: '', error: null });
    expect(cancelled.written).toEqual([]);
    expect((await saveFileWithDialog(3, 'AA==', cancelled.d)).error).toBe('INVALID_FILE');
    const failing = deps(async () => ({ canceled: false, filePath: '/gone/a.zip' }));
    failing.d.write = async () => {
      throw new Error('ENOENT');
    };
    expect(await saveFileWithDialog('a.zip', 'AA==', failing.d)).toEqual({ saved: false, path: '', error: 'ENOENT' });
  });

  it('never suggests a folder or a name Windows refuses', () => {
    expect(safeFileName('a/b\\c.zip', 'x')).toBe('a_b_c.zip');
    expect(safeFileName('..', 'fallback')).toBe('fallback');
    expect(safeFileName('   ', 'fallback')).toBe('fallback');
  });
});

describe('patients CSV', () => {
  it('reads the chosen file and hands it over as base64 with its name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialogs-'));
    dirs.push(dir);
    const file = path.join(dir, '患者.csv');
    writeFileSync(file, 'カルテ番号,氏名\r\n1,山田\r\n');
    const { d } = deps(async () => ({ canceled: false, filePaths: [file] }));
    const chosen = await chooseCsv(d);
    expect(chosen?.name).toBe('患者.csv');
    expect(Buffer.from(chosen!.data, 'base64').toString()).toBe('カルテ番号,氏名\r\n1,山田\r\n');
    expect(await chooseCsv(deps(async () => ({ canceled: true, filePaths: [] })).d)).toBeNull();
  });
});
