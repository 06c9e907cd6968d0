// Reads a PDF the way a person checking a printout would: page count and size, the embedded fonts and the
// text (poppler-utils: pdfinfo, pdffonts, pdftotext -layout; scripts/setup.sh installs them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PdfInfo {
  pages: number;
  /** Size of the first page, in points (A4 = 595.28 × 841.89). */
  widthPt: number;
  heightPt: number;
  /** Embedded font names with the subset prefix removed (e.g. 'NotoSansCJKjp-Regular'). */
  fonts: string[];
  /** The text of every page, laid out (pdftotext -layout); pages separated by form feeds. */
  text: string;
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

export function pdfInfo(pdf: Buffer): PdfInfo {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('pdfInfo: not a PDF');
  const dir = mkdtempSync(join(tmpdir(), 'shikaku-pdf-'));
  try {
    const file = join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    const info = run('pdfinfo', [file]);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
    if (!Number.isInteger(pages) || size === null) throw new Error(`pdfInfo: unreadable pdfinfo output:\n${info}`);
    // pdffonts: two header lines, then "name type encoding emb sub uni object ID" per font; the name has no
    // spaces, the type may. Only embedded fonts (emb = yes) are listed.
    const listed = run('pdffonts', [file])
      .split('\n')
      .slice(2)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols.length >= 7 && cols[cols.length - 5] === 'yes');
    const fonts = listed.map((cols) => cols[0]!).filter((name) => name !== '[none]');
    // Chromium (Skia) embeds CFF-flavoured OpenType such as Noto CJK as Type 3 fonts: the glyph outlines are in
    // the file, but a Type 3 font has no /BaseFont, so pdffonts says "[none]". Skia writes each one's
    // /FontDescriptor uncompressed with the real /FontName: take the names from there.
    if (listed.some((cols) => cols[0] === '[none]' && cols[1] === 'Type' && cols[2] === '3')) {
      const raw = pdf.toString('latin1');
      for (const m of raw.matchAll(/\/Type\s*\/FontDescriptor[^]*?\/FontName\s*\/([^\s/<>[\]()]+)/g)) fonts.push(m[1]!);
    }
    const text = run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
    const names = [...new Set(fonts.map((f) => f.replace(/^[A-Z]{6}\+/, '')))];
    return { pages, widthPt: Number(size[1]), heightPt: Number(size[2]), fonts: names, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
