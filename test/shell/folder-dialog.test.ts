// The Electron folder picker (dialog.chooseFolder, answered by the main process): the system dialog for a folder
// (one that may be created), the path chosen, cancel as chosen false, bad input and a failing dialog as typed errors.
// The dialog is the one thing replaced: Electron is not installed here.
import type { BrowserWindow } from 'electron';
import { describe, expect, it } from 'vitest';
import { chooseFolder, type ChooseFolderDeps } from '../../src/main/electron/folder-dialog.ts';

function deps(answer: () => Promise<{ canceled: boolean; filePaths: string[] }>) {
  const calls: unknown[][] = [];
  const d: ChooseFolderDeps = {
    window: {} as BrowserWindow,
    dialog: {
      showOpenDialog: (async (...args: unknown[]) => {
        calls.push(args);
        return answer();
      }) as never,
    },
    documentsDir: '/home/u/Documents',
  };
  return { d, calls };
}

describe('Electron 「保存先のフォルダを選ぶ」', () => {
  it('asks for a folder (creatable) and answers the path chosen', async () => {
    const { d, calls } = deps(async () => ({ canceled: false, filePaths: ['/media/usb/請求'] }));
    expect(await chooseFolder({ title: '保存先' }, d)).toEqual({
      ok: true,
      value: { chosen: true, path: '/media/usb/請求' },
    });
    const [win, options] = calls[0] as [unknown, { title: string; defaultPath: string; properties: string[] }];
    expect(win).toBe(d.window);
    expect(options).toMatchObject({ title: '保存先', defaultPath: '/home/u/Documents' });
    expect(options.properties).toEqual(['openDirectory', 'createDirectory']);
  });

  it('answers chosen false when staff cancel', async () => {
    const { d } = deps(async () => ({ canceled: true, filePaths: [] }));
    expect(await chooseFolder({}, d)).toEqual({ ok: true, value: { chosen: false, path: '' } });
  });

  it('refuses a bad request and reports a failing dialog in Japanese', async () => {
    const { d } = deps(async () => ({ canceled: true, filePaths: [] }));
    const bad = await chooseFolder({ title: 3 }, d);
    expect(bad.ok || bad.error.code).toBe('CONTRACT_INVALID_REQUEST');
    const failing = deps(async () => {
      throw new Error('no display');
    });
    const r = await chooseFolder({}, failing.d);
    expect(r.ok || r.error).toMatchObject({ code: 'FOLDER_DIALOG_FAILED', message: 'フォルダを選べませんでした。' });
  });
});
