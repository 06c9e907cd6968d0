// Pure report parsing: the UPS values this app needs, read from raw input/feature report bytes with the
// field map of a parsed report descriptor.
import { usageKey, type ReportDescriptor, type ReportField, type ReportKind } from './descriptor.ts';

export const PAGE_POWER_DEVICE = 0x84;
export const PAGE_BATTERY_SYSTEM = 0x85;

/** The usages read by this adapter (USB HID Usage Tables for Power Devices, 1.0). */
export const UPS_USAGES = {
  acPresent: usageKey(PAGE_BATTERY_SYSTEM, 0xd0),
  discharging: usageKey(PAGE_BATTERY_SYSTEM, 0x45),
  charging: usageKey(PAGE_BATTERY_SYSTEM, 0x44),
  remainingCapacity: usageKey(PAGE_BATTERY_SYSTEM, 0x66),
  runTimeToEmpty: usageKey(PAGE_BATTERY_SYSTEM, 0x68),
  shutdownImminent: usageKey(PAGE_POWER_DEVICE, 0x69),
} as const;

export type UpsValueName = keyof typeof UPS_USAGES;

/** Collections used to prefer one location when a usage appears in several reports. */
const USAGE_POWER_SUMMARY = usageKey(PAGE_POWER_DEVICE, 0x24);
const USAGE_PRESENT_STATUS = usageKey(PAGE_POWER_DEVICE, 0x02);

export interface UpsReading {
  acPresent?: boolean;
  discharging?: boolean;
  charging?: boolean;
  /** Percent, 0–100. */
  remainingCapacity?: number;
  /** Seconds. */
  runTimeToEmpty?: number;
  shutdownImminent?: boolean;
}

export interface FieldLocation {
  kind: ReportKind;
  reportId: number;
  bitOffset: number;
  bitSize: number;
}

export type UsageMap = Partial<Record<UpsValueName, ReportField>>;

const NAMES = Object.keys(UPS_USAGES) as UpsValueName[];

function rank(f: ReportField): number {
  // Lower is better: a field in PowerSummary.PresentStatus, then PowerSummary, then anywhere.
  if (f.collectionPath.includes(USAGE_PRESENT_STATUS)) return 0;
  if (f.collectionPath.includes(USAGE_POWER_SUMMARY)) return 1;
  return 2;
}

/**
 * For each UPS value, the one field to read in reports of `kind`: preferring PowerSummary.PresentStatus, then
 * PowerSummary, then the first found. Returns only the values the device declares.
 */
export function mapUpsUsages(desc: ReportDescriptor, kind: ReportKind = 'feature'): UsageMap {
  const map: UsageMap = {};
  for (const name of NAMES) {
    const usage = UPS_USAGES[name];
    let best: ReportField | undefined;
    for (const f of desc.fields) {
      if (f.kind !== kind || f.constant || !f.variable || f.usage !== usage) continue;
      if (!best || rank(f) < rank(best)) best = f;
    }
    if (best) map[name] = best;
  }
  return map;
}

export function locate(map: UsageMap): Partial<Record<UpsValueName, FieldLocation>> {
  const out: Partial<Record<UpsValueName, FieldLocation>> = {};
  for (const name of NAMES) {
    const f = map[name];
    if (f) out[name] = { kind: f.kind, reportId: f.reportId, bitOffset: f.bitOffset, bitSize: f.bitSize };
  }
  return out;
}

/** The report ids to poll to read every mapped value. */
export function reportsToPoll(map: UsageMap): number[] {
  return [...new Set(Object.values(map).map((f) => f.reportId))].sort((a, b) => a - b);
}

/** Little-endian bit extraction (HID reports are little-endian, LSB first). */
export function extractBits(data: Uint8Array, bitOffset: number, bitSize: number, signed: boolean): number | undefined {
  if (bitSize <= 0 || bitSize > 32) return undefined;
  if (bitOffset + bitSize > data.length * 8) return undefined;
  let value = 0;
  for (let b = 0; b < bitSize; b++) {
    const pos = bitOffset + b;
    const bit = ((data[pos >> 3] ?? 0) >> (pos & 7)) & 1;
    if (bit) value += 2 ** b;
  }
  if (signed && value >= 2 ** (bitSize - 1)) value -= 2 ** bitSize;
  return value;
}

export function fieldValue(f: ReportField, data: Uint8Array): number | undefined {
  return extractBits(data, f.bitOffset, f.bitSize, f.logicalMin < 0);
}

/**
 * Read every UPS value present in one report. `report` starts with the report-id byte when the descriptor
 * uses numbered reports (hidapi's get_feature_report and read both return it so); for unnumbered reports
 * pass the data alone. Returns an empty reading when the report id is not one the descriptor declares.
 */
export function parseUpsReport(
  desc: ReportDescriptor,
  kind: ReportKind,
  report: Uint8Array | readonly number[],
): UpsReading {
  const bytes = report instanceof Uint8Array ? report : Uint8Array.from(report);
  const reportId = desc.numbered ? (bytes[0] ?? -1) : 0;
  const data = desc.numbered ? bytes.subarray(1) : bytes;
  const reading: UpsReading = {};
  for (const name of NAMES) {
    const usage = UPS_USAGES[name];
    let best: ReportField | undefined;
    for (const f of desc.fields) {
      if (f.kind !== kind || f.reportId !== reportId || f.constant || !f.variable || f.usage !== usage) continue;
      if (!best || rank(f) < rank(best)) best = f;
    }
    if (!best) continue;
    const raw = fieldValue(best, data);
    if (raw === undefined) continue;
    switch (name) {
      case 'acPresent':
      case 'discharging':
      case 'charging':
      case 'shutdownImminent':
        reading[name] = raw !== 0;
        break;
      case 'remainingCapacity':
        reading.remainingCapacity = Math.max(0, Math.min(100, raw));
        break;
      case 'runTimeToEmpty': {
        const seconds = raw * 10 ** best.unitExponent;
        // A negative runtime is a device's "not available": leave it out.
        if (seconds >= 0) reading.runTimeToEmpty = Math.round(seconds);
        break;
      }
    }
  }
  return reading;
}

/** Merge readings of several reports: later values win. */
export function mergeReadings(...readings: UpsReading[]): UpsReading {
  return Object.assign({}, ...readings) as UpsReading;
}

export type PowerState = 'ac' | 'battery' | 'unknown';

/** The power state a reading implies: ACPresent first, then Discharging; otherwise unknown. */
export function powerStateOf(r: UpsReading): PowerState {
  if (r.acPresent !== undefined) return r.acPresent ? 'ac' : 'battery';
  if (r.discharging !== undefined) return r.discharging ? 'battery' : 'ac';
  return 'unknown';
}
