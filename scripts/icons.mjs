#!/usr/bin/env node
// Generates the app's icons from resources/icon.svg (run after changing the SVG; the outputs are committed,
// so a build needs neither this script nor its tool):
//   resources/icon.png          512×512 (electron-builder's default icon)
//   resources/icon.ico          16–256 px, PNG-compressed entries (Windows: exe, installer, shortcuts)
//   resources/icons/NxN.png     the Linux icon set (deb, AppImage)
// Renders with rsvg-convert (Debian: apt-get install librsvg2-bin); the ICO container is written here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resources = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');
const svg = join(resources, 'icon.svg');
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

function render(size) {
  return execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size), '--format', 'png', svg], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** An ICO file whose images are PNGs (Windows Vista and later read these at every size). */
export function icoOf(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // width (0 = 256)
    e.writeUInt8(size >= 256 ? 0 : size, 1); // height
    e.writeUInt8(0, 2); // palette
    e.writeUInt8(0, 3); // reserved
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  readFileSync(svg); // fails clearly when the SVG is missing
  mkdirSync(join(resources, 'icons'), { recursive: true });
  const pngs = new Map(LINUX_SIZES.map((s) => [s, render(s)]));
  for (const [size, png] of pngs) writeFileSync(join(resources, 'icons', `${size}x${size}.png`), png);
  writeFileSync(join(resources, 'icon.png'), pngs.get(512));
  writeFileSync(join(resources, 'icon.ico'), icoOf(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  console.log(
    `icons: resources/icon.png, resources/icon.ico, resources/icons/{${LINUX_SIZES.join(',')}} from icon.svg`,
  );
}
