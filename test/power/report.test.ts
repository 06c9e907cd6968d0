import { describe, expect, it } from 'vitest';
import { hexToBytes, parseReportDescriptor } from '../../src/hardware/power/descriptor.ts';
import { extractBits, mergeReadings, parseUpsReport, powerStateOf } from '../../src/hardware/power/report.ts';
import { apcDescriptorBytes, sample } from './fixtures.ts';

const desc = parseReportDescriptor(apcDescriptorBytes);
const feature = (name: string) => parseUpsReport(desc, 'feature', sample(name));

describe('UPS report parsing (APC Back-UPS ES layout)', () => {
  it('recorded online status 16 0c 00 00 00: AC present, not charging, not discharging', () => {
    const r = feature('online_status');
    expect(r).toEqual({ acPresent: true, discharging: false, charging: false, shutdownImminent: false });
    expect(powerStateOf(r)).toBe('ac');
  });

  it('capacity and runtime from report 0x0c (u8 percent, u16 little-endian seconds)', () => {
    expect(feature('online_full')).toEqual({ remainingCapacity: 100, runTimeToEmpty: 2580 });
    expect(feature('on_battery_capacity')).toEqual({ remainingCapacity: 95, runTimeToEmpty: 1800 });
  });

  it('on battery: discharging, AC absent', () => {
    const r = mergeReadings(feature('on_battery_capacity'), feature('on_battery_status'));
    expect(r).toMatchObject({ acPresent: false, discharging: true, charging: false, remainingCapacity: 95 });
    expect(powerStateOf(r)).toBe('battery');
  });

  it('charging on AC', () => {
    expect(feature('online_charging_status')).toMatchObject({ acPresent: true, charging: true, discharging: false });
  });

  it('shutdown imminent with low capacity', () => {
    const r = mergeReadings(feature('shutdown_imminent_capacity'), feature('shutdown_imminent_status'));
    expect(r).toEqual({
      acPresent: false,
      discharging: true,
      charging: false,
      shutdownImminent: true,
      remainingCapacity: 8,
      runTimeToEmpty: 120,
    });
  });

  it('recorded 0x14 and 0x06 reports: shutdown not imminent, charge flags clear', () => {
    expect(feature('summary_limits_clear')).toEqual({ shutdownImminent: false });
    expect(feature('summary_charging_flags_clear')).toEqual({ charging: false, discharging: false });
    expect(powerStateOf(feature('summary_charging_flags_clear'))).toBe('ac');
  });

  it('ACPresent from the 8-bit PowerSummary field of report 0x13', () => {
    expect(feature('summary_ac_present')).toEqual({ acPresent: true });
    expect(powerStateOf(feature('summary_ac_absent'))).toBe('battery');
  });

  it('parses input reports with the input layout', () => {
    expect(parseUpsReport(desc, 'input', sample('on_battery_status'))).toMatchObject({
      acPresent: false,
      discharging: true,
    });
    expect(parseUpsReport(desc, 'input', sample('online_full'))).toEqual({
      remainingCapacity: 100,
      runTimeToEmpty: 2580,
    });
  });

  it('ignores undeclared report ids and truncated reports', () => {
    expect(parseUpsReport(desc, 'feature', hexToBytes('7f 01 02 03'))).toEqual({});
    // runtime needs 3 data bytes; only capacity fits.
    expect(parseUpsReport(desc, 'feature', hexToBytes('0c 50 10'))).toEqual({ remainingCapacity: 80 });
    expect(parseUpsReport(desc, 'feature', [])).toEqual({});
  });

  it('knows nothing without ACPresent or Discharging', () => {
    expect(powerStateOf({ remainingCapacity: 50 })).toBe('unknown');
  });

  it('applies the unit exponent and drops negative runtimes', () => {
    // Unnumbered: RunTimeToEmpty u16 with Unit Exponent 1 (tens of seconds); then a signed one with min -1.
    const d = parseReportDescriptor(hexToBytes('05 85 09 68 75 10 95 01 15 00 27 ff ff 00 00 55 01 b1 02'));
    expect(parseUpsReport(d, 'feature', [0x0c, 0x00])).toEqual({ runTimeToEmpty: 120 });
    const s = parseReportDescriptor(hexToBytes('05 85 09 68 75 10 95 01 16 ff ff 26 ff 7f b1 02'));
    expect(parseUpsReport(s, 'feature', [0xff, 0xff])).toEqual({});
    expect(parseUpsReport(s, 'feature', [0x2c, 0x01])).toEqual({ runTimeToEmpty: 300 });
  });

  it('clamps capacity to 0..100', () => {
    const d = parseReportDescriptor(hexToBytes('05 85 09 66 75 08 95 01 15 00 26 ff 00 b1 02'));
    expect(parseUpsReport(d, 'feature', [200])).toEqual({ remainingCapacity: 100 });
  });
});

describe('extractBits', () => {
  it('reads little-endian bit fields across byte boundaries, signed and unsigned', () => {
    const data = Uint8Array.from([0b1010_1100, 0b0000_0011]);
    expect(extractBits(data, 2, 1, false)).toBe(1);
    expect(extractBits(data, 0, 2, false)).toBe(0);
    expect(extractBits(data, 4, 6, false)).toBe(0b11_1010);
    expect(extractBits(Uint8Array.from([0xff, 0xff]), 0, 16, true)).toBe(-1);
    expect(extractBits(Uint8Array.from([0xff, 0xff, 0xff, 0xff]), 0, 32, false)).toBe(0xffffffff);
    expect(extractBits(data, 10, 8, false)).toBeUndefined();
    expect(extractBits(data, 0, 0, false)).toBeUndefined();
  });
});
