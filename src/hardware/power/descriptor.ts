// A pure HID report-descriptor parser (HID 1.11 §6.2.2): enough of the item grammar to find where a UPS
// puts its Power Device (0x84) and Battery System (0x85) values. It walks short items (Main, Global, Local),
// skips long items and unknown tags, keeps the global state stack (Push/Pop), and lays out every Input,
// Output and Feature main item as fields with (report id, bit offset, bit size) per report kind.

export type ReportKind = 'input' | 'output' | 'feature';

export interface ReportField {
  kind: ReportKind;
  /** 0 when the descriptor declares no Report ID (unnumbered reports). */
  reportId: number;
  /** Bit offset inside the report data, not counting the report-id byte. */
  bitOffset: number;
  bitSize: number;
  /** Full 32-bit usage: page << 16 | id. 0 for padding / constant fields without usage. */
  usage: number;
  usagePage: number;
  usageId: number;
  logicalMin: number;
  logicalMax: number;
  /** Signed base-10 exponent (HID Unit Exponent item, 4-bit two's complement). */
  unitExponent: number;
  unit: number;
  /** Constant (padding) fields carry no data. */
  constant: boolean;
  /** Variable (one value per usage) as opposed to Array (selectors). */
  variable: boolean;
  /** Usages of the enclosing collections, outermost first. */
  collectionPath: number[];
}

export interface ReportDescriptor {
  fields: ReportField[];
  /** Whether any Report ID item was seen: then every report starts with its id byte. */
  numbered: boolean;
  /** Report data length in bytes (without the id byte), by kind and report id. */
  reportBytes(kind: ReportKind, reportId: number): number;
  reportIds(kind: ReportKind): number[];
}

export class HidDescriptorError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'HidDescriptorError';
  }
}

interface GlobalState {
  usagePage: number;
  logicalMin: number;
  logicalMax: number;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

interface LocalState {
  usages: number[];
  usageMin?: number;
  usageMax?: number;
}

const MAX_USAGE_RANGE = 4096;

function readUnsigned(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + (bytes[at + i] ?? 0);
  return v;
}

function readSigned(bytes: Uint8Array, at: number, size: number): number {
  const u = readUnsigned(bytes, at, size);
  if (size === 0) return 0;
  const bits = size * 8;
  const sign = 2 ** (bits - 1);
  return u >= sign ? u - 2 ** bits : u;
}

/** HID Unit Exponent: a 4-bit two's complement nibble (0x0..0x7 → 0..7, 0x8..0xF → -8..-1). */
export function decodeUnitExponent(raw: number): number {
  if (raw > 0xf) {
    // Some devices send a full signed byte; accept it.
    return raw > 0x7f ? raw - 0x100 : raw;
  }
  return raw >= 8 ? raw - 16 : raw;
}

export function usageKey(page: number, id: number): number {
  return ((page & 0xffff) * 0x10000 + (id & 0xffff)) >>> 0;
}

export function parseReportDescriptor(input: Uint8Array | readonly number[]): ReportDescriptor {
  const bytes = input instanceof Uint8Array ? input : Uint8Array.from(input);
  let g: GlobalState = {
    usagePage: 0,
    logicalMin: 0,
    logicalMax: 0,
    unitExponent: 0,
    unit: 0,
    reportSize: 0,
    reportId: 0,
    reportCount: 0,
  };
  const stack: GlobalState[] = [];
  let local: LocalState = { usages: [] };
  const collections: number[] = [];
  const fields: ReportField[] = [];
  const bitCursor = new Map<string, number>();
  let numbered = false;

  const resolveUsage = (data: number, size: number): number => (size === 4 ? data >>> 0 : usageKey(g.usagePage, data));

  let i = 0;
  while (i < bytes.length) {
    const prefix = bytes[i] ?? 0;
    if (prefix === 0xfe) {
      // Long item: bDataSize, bLongItemTag, data. No long items are defined by HID 1.11; skip.
      const dataSize = bytes[i + 1];
      if (dataSize === undefined || i + 3 + dataSize > bytes.length)
        throw new HidDescriptorError('truncated long item', i);
      i += 3 + dataSize;
      continue;
    }
    const sizeCode = prefix & 0x03;
    const size = sizeCode === 3 ? 4 : sizeCode;
    const type = (prefix >> 2) & 0x03;
    const tag = (prefix >> 4) & 0x0f;
    if (i + 1 + size > bytes.length) throw new HidDescriptorError('truncated item', i);
    const udata = readUnsigned(bytes, i + 1, size);
    const sdata = readSigned(bytes, i + 1, size);
    const at = i;
    i += 1 + size;

    if (type === 0) {
      // Main item
      switch (tag) {
        case 0x8: // Input
        case 0x9: // Output
        case 0xb: {
          // Feature
          const kind: ReportKind = tag === 0x8 ? 'input' : tag === 0x9 ? 'output' : 'feature';
          const constant = (udata & 0x01) !== 0;
          const variable = (udata & 0x02) !== 0;
          const usages = expandUsages(local);
          const key = `${kind}:${g.reportId}`;
          let cursor = bitCursor.get(key) ?? 0;
          const count = g.reportCount;
          if (variable) {
            for (let n = 0; n < count; n++) {
              // The last usage repeats for the remaining fields (HID 1.11 §6.2.2.8).
              const usage = constant ? 0 : (usages[Math.min(n, usages.length - 1)] ?? 0);
              fields.push(makeField(kind, g, cursor, g.reportSize, usage, constant, true, collections));
              cursor += g.reportSize;
            }
          } else {
            // Array: one field of `count` selectors; recorded with its first usage for completeness.
            const usage = constant ? 0 : (usages[0] ?? 0);
            fields.push(makeField(kind, g, cursor, g.reportSize * count, usage, constant, false, collections));
            cursor += g.reportSize * count;
          }
          bitCursor.set(key, cursor);
          local = { usages: [] };
          break;
        }
        case 0xa: {
          // Collection
          const usages = expandUsages(local);
          collections.push(usages[0] ?? 0);
          local = { usages: [] };
          break;
        }
        case 0xc: // End Collection
          if (collections.length === 0) throw new HidDescriptorError('End Collection without Collection', at);
          collections.pop();
          local = { usages: [] };
          break;
        default:
          throw new HidDescriptorError(`unknown main item tag 0x${tag.toString(16)}`, at);
      }
    } else if (type === 1) {
      // Global item
      switch (tag) {
        case 0x0:
          g.usagePage = udata;
          break;
        case 0x1:
          g.logicalMin = sdata;
          break;
        case 0x2:
          // Logical Maximum is signed, but devices routinely send e.g. 0xFF with 1 byte meaning 255 while
          // Logical Minimum is 0: read it unsigned when the minimum is not negative (what Linux and NUT do).
          g.logicalMax = g.logicalMin < 0 ? sdata : udata;
          break;
        case 0x3: // Physical Minimum
        case 0x4: // Physical Maximum
          break;
        case 0x5:
          g.unitExponent = decodeUnitExponent(udata);
          break;
        case 0x6:
          g.unit = udata;
          break;
        case 0x7:
          g.reportSize = udata;
          break;
        case 0x8:
          if (udata === 0) throw new HidDescriptorError('Report ID 0 is reserved', at);
          g.reportId = udata;
          numbered = true;
          break;
        case 0x9:
          g.reportCount = udata;
          break;
        case 0xa:
          stack.push({ ...g });
          break;
        case 0xb: {
          const popped = stack.pop();
          if (!popped) throw new HidDescriptorError('Pop without Push', at);
          g = popped;
          break;
        }
        default:
          throw new HidDescriptorError(`unknown global item tag 0x${tag.toString(16)}`, at);
      }
    } else if (type === 2) {
      // Local item
      switch (tag) {
        case 0x0:
          local.usages.push(resolveUsage(udata, size));
          break;
        case 0x1:
          local.usageMin = resolveUsage(udata, size);
          break;
        case 0x2:
          local.usageMax = resolveUsage(udata, size);
          break;
        default:
          // Designator, String and Delimiter items carry nothing we need.
          break;
      }
    } else {
      throw new HidDescriptorError('reserved item type', at);
    }
  }
  if (collections.length !== 0) throw new HidDescriptorError('unclosed Collection', bytes.length);

  const byKind = new Map<string, number>();
  for (const f of fields) {
    const key = `${f.kind}:${f.reportId}`;
    byKind.set(key, Math.max(byKind.get(key) ?? 0, f.bitOffset + f.bitSize));
  }
  return {
    fields,
    numbered,
    reportBytes: (kind, reportId) => Math.ceil((byKind.get(`${kind}:${reportId}`) ?? 0) / 8),
    reportIds: (kind) =>
      [...new Set(fields.filter((f) => f.kind === kind).map((f) => f.reportId))].sort((a, b) => a - b),
  };
}

function expandUsages(local: LocalState): number[] {
  const usages = [...local.usages];
  if (local.usageMin !== undefined && local.usageMax !== undefined && local.usageMax >= local.usageMin) {
    const end = Math.min(local.usageMax, local.usageMin + MAX_USAGE_RANGE);
    for (let u = local.usageMin; u <= end; u++) usages.push(u);
  }
  return usages;
}

function makeField(
  kind: ReportKind,
  g: GlobalState,
  bitOffset: number,
  bitSize: number,
  usage: number,
  constant: boolean,
  variable: boolean,
  collections: number[],
): ReportField {
  return {
    kind,
    reportId: g.reportId,
    bitOffset,
    bitSize,
    usage,
    usagePage: Math.floor(usage / 0x10000),
    usageId: usage & 0xffff,
    logicalMin: g.logicalMin,
    logicalMax: g.logicalMax,
    unitExponent: g.unitExponent,
    unit: g.unit,
    constant,
    variable,
    collectionPath: [...collections],
  };
}

/** Parse a hex string such as "05 84 09 04" or "0584 0904" into bytes. */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '');
  if (clean.length % 2 !== 0) throw new Error('odd number of hex digits');
  const out = new Uint8Array(clean.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(clean.slice(k * 2, k * 2 + 2), 16);
  return out;
}
