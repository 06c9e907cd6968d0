// The XML inside a .zip answer, read with a bound: a zip's declared sizes can lie, and a small deflate stream can
// inflate to gigabytes, so the entry is inflated with node:zlib's maxOutputLength (it stops at the limit) instead
// of trusting the header. Only what the connector writes is supported: stored or deflated entries, no ZIP64.
import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Why a zip could not be read: 'oversized' when an entry inflates past the limit, else 'malformed'. */
export class ZipReadError extends Error {
  constructor(
    readonly kind: 'oversized' | 'malformed',
    message: string,
    readonly size?: number,
  ) {
    super(message);
    this.name = 'ZipReadError';
  }
}

/** The entries listed in the central directory. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipReadError('malformed', 'no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL)
      throw new ZipReadError('malformed', 'bad central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    out.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, Math.min(buf.length, p + 46 + nameLen)),
    });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

/** An entry's content, inflated to at most `maxBytes` (ZipReadError 'oversized' beyond). */
export function zipEntryData(bytes: Uint8Array, e: ZipEntry, maxBytes: number): Uint8Array {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = e.localOffset;
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LOCAL)
    throw new ZipReadError('malformed', `bad local header for ${e.name}`);
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  if (start + e.compressedSize > buf.length) throw new ZipReadError('malformed', `${e.name} is cut off`);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) {
    if (data.length > maxBytes) throw new ZipReadError('oversized', `${e.name} is too large`, data.length);
    return data;
  }
  if (e.method !== 8) throw new ZipReadError('malformed', `${e.name}: unsupported compression ${e.method}`);
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, Math.min(maxBytes, bufferConstants.MAX_LENGTH)) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ZipReadError('oversized', `${e.name} inflates past ${maxBytes} bytes`, maxBytes + 1);
    throw new ZipReadError('malformed', `${e.name} cannot be inflated: ${(err as Error).message}`);
  }
}
