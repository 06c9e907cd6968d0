// Printing outside the browser: the Electron main process's 「PDFで保存」 (printToPDF → save dialog → file), driven
// with fakes that have Electron's method names, and the time parsing/formatting the incident screen relies on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrowserWindow, WebContents } from 'electron';
import { safePdfName, savePdf, type SavePdfDeps } from '../../src/main/electron/print-pdf.ts';
import { dayBoundary, formatDate, fromLocalInput, toLocalInput } from '../../src/renderer/print/format.ts';
import { tempDir } from './helpers.ts';

const PDF = Buffer.from('%PDF-1.7\n%fake\n');

function deps(choice: { canceled: boolean; filePath?: string }, over: Partial<SavePdfDeps> = {}) {
  const calls: { printToPDF: unknown[]; dialog: unknown[] } = { printToPDF: [], dialog: [] };
  const d: SavePdfDeps = {
    contents: {
      printToPDF: async (o: unknown) => {
        calls.printToPDF.push(o);
        return PDF;
      },
    } as unknown as WebContents,
    window: {} as BrowserWindow,
    dialog: {
      showSaveDialog: (async (...args: unknown[]) => {
        calls.dialog.push(args);
        return { canceled: choice.canceled, filePath: choice.filePath ?? '' };
      }) as never,
    },
    documentsDir: '/home/u/Documents',
    ...over,
  };
  return { d, calls };
}

describe('Electron 「PDFで保存」', () => {
  const dir = tempDir('shikaku-print-');
  afterAll(() => dir.remove());

  it('prints the page as A4 with backgrounds, asks where, and writes the file there', async () => {
    const target = join(dir.path, '報告.pdf');
    const { d, calls } = deps({ canceled: false, filePath: target });
    const r = await savePdf({ fileName: 'システム障害時モード記録_2026-11-01_2026-11-25.pdf' }, d);
    expect(r).toEqual({ ok: true, value: { saved: true, path: target } });
    expect(calls.printToPDF).toEqual([{ pageSize: 'A4', printBackground: true }]);
    const [win, options] = calls.dialog[0] as [unknown, { defaultPath: string; filters: unknown }];
    expect(win).toBe(d.window);
    expect(options.defaultPath).toBe('/home/u/Documents/システム障害時モード記録_2026-11-01_2026-11-25.pdf');
    expect(options.filters).toEqual([{ name: 'PDF', extensions: ['pdf'] }]);
    expect(readFileSync(target)).toEqual(PDF);
  });

  it('writes nothing when staff cancel the dialog', async () => {
    let wrote = false;
    const { d } = deps({ canceled: true }, { write: async () => void (wrote = true) });
    expect(await savePdf({ fileName: 'a.pdf' }, d)).toEqual({ ok: true, value: { saved: false, path: '' } });
    expect(wrote).toBe(false);
  });

  it('refuses a bad request and reports a failed print as a typed error in Japanese', async () => {
    const { d } = deps({ canceled: false, filePath: '/x.pdf' });
    for (const bad of [undefined, {}, { fileName: '' }, { fileName: 1 }, { fileName: 'a', extra: 1 }]) {
      const r = await savePdf(bad, d);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('CONTRACT_INVALID_REQUEST');
    }
    const failing = deps(
      { canceled: false, filePath: '/x.pdf' },
      {
        contents: {
          printToPDF: async () => {
            throw new Error('render process gone');
          },
        } as unknown as WebContents,
      },
    );
    const r = await savePdf({ fileName: 'a.pdf' }, failing.d);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PRINT_PDF_FAILED');
      expect(r.error.message).toMatch(/PDF/);
      expect(r.error.detail).toContain('render process gone');
    }
  });

  it('suggests only a plain file name ending in .pdf', () => {
    expect(safePdfName('../../etc/passwd')).toBe('.._.._etc_passwd.pdf');
    expect(safePdfName('a/b\\c:d*e?.pdf')).toBe('a_b_c_d_e_.pdf');
    expect(safePdfName('受付控え_2026-11-25_山田 太郎.PDF')).toBe('受付控え_2026-11-25_山田 太郎.PDF');
    expect(safePdfName('   ')).toBe('print.pdf');
    expect(safePdfName('x'.repeat(300)).length).toBeLessThanOrEqual(124);
  });

  it('is answered by the main process only after the sender check', () => {
    const main = readFileSync(join(import.meta.dirname, '../../src/main/electron/main.ts'), 'utf8');
    const handler = main.slice(main.indexOf('ipcMain.handle(IPC.invoke'));
    expect(handler.indexOf('isTrustedSender(event.senderFrame)')).toBeLessThan(handler.indexOf('SAVE_PDF_REQUEST'));
  });
});

describe('incident screen times', () => {
  it('reads typed local times (full, slashes, full-width, time only = today) as instants', () => {
    const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).getTime();
    expect(Date.parse(fromLocalInput('2026-11-25 09:30')!)).toBe(at(2026, 11, 25, 9, 30));
    expect(Date.parse(fromLocalInput('2026/1/5 7:05')!)).toBe(at(2026, 1, 5, 7, 5));
    expect(Date.parse(fromLocalInput('２０２６－１１－２５　０９：３０')!)).toBe(at(2026, 11, 25, 9, 30));
    const today = new Date(2026, 10, 25, 18, 0);
    expect(Date.parse(fromLocalInput('１６:５０', today)!)).toBe(at(2026, 11, 25, 16, 50));
    expect(fromLocalInput('2026-11-25 09:30')).toMatch(/^2026-11-25T09:30:00[+-]\d{2}:\d{2}$/);
    for (const bad of ['', 'いま', '2026-02-30 10:00', '2026-11-25 24:00', '2026-11-25 10:60', '25:00', '2026-11-25'])
      expect(fromLocalInput(bad), bad).toBeUndefined();
  });

  it('proposes now in the same form it reads back', () => {
    const d = new Date(2026, 10, 25, 9, 5, 42);
    expect(toLocalInput(d)).toBe('2026-11-25 09:05');
    expect(Date.parse(fromLocalInput(toLocalInput(d))!)).toBe(new Date(2026, 10, 25, 9, 5).getTime());
  });

  it('turns a report period of days into the first and the last second', () => {
    expect(Date.parse(dayBoundary('2026-11-01', false)!)).toBe(new Date(2026, 10, 1, 0, 0, 0).getTime());
    expect(Date.parse(dayBoundary('2026-11-30', true)!)).toBe(new Date(2026, 10, 30, 23, 59, 59).getTime());
    expect(dayBoundary('2026-13-01', false)).toBeUndefined();
    expect(formatDate('2026-11-05')).toBe('2026年11月5日');
  });
});
