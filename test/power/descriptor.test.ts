import { describe, expect, it } from 'vitest';
import {
  decodeUnitExponent,
  hexToBytes,
  HidDescriptorError,
  parseReportDescriptor,
  usageKey,
} from '../../src/hardware/power/descriptor.ts';
import { APC_BACK_UPS_POWER_SUMMARY_HEX, knownDescriptorFor } from '../../src/hardware/power/known-descriptors.ts';
import { locate, mapUpsUsages, reportsToPoll } from '../../src/hardware/power/report.ts';
import { apcDescriptorBytes } from './fixtures.ts';

describe('HID report descriptor parser on the recorded APC Back-UPS ES layout', () => {
  const desc = parseReportDescriptor(apcDescriptorBytes);

  it('sees numbered feature reports 0x01..0x18 and the input reports', () => {
    expect(desc.numbered).toBe(true);
    expect(desc.reportIds('feature')).toEqual(Array.from({ length: 24 }, (_, k) => k + 1));
    expect(desc.reportIds('input')).toEqual([0x06, 0x0c, 0x13, 0x14, 0x16]);
    expect(desc.reportIds('output')).toEqual([]);
  });

  it('lays out report lengths: 0x0c is capacity u8 + runtime u16, 0x16 is a 32-bit status word', () => {
    expect(desc.reportBytes('feature', 0x0c)).toBe(3);
    expect(desc.reportBytes('input', 0x0c)).toBe(3);
    expect(desc.reportBytes('feature', 0x16)).toBe(4);
    expect(desc.reportBytes('feature', 0x1c)).toBe(0);
  });

  it('maps the six UPS usages to (report id, bit offset, size), preferring PowerSummary.PresentStatus', () => {
    expect(locate(mapUpsUsages(desc, 'feature'))).toEqual({
      charging: { kind: 'feature', reportId: 0x16, bitOffset: 0, bitSize: 1 },
      discharging: { kind: 'feature', reportId: 0x16, bitOffset: 1, bitSize: 1 },
      acPresent: { kind: 'feature', reportId: 0x16, bitOffset: 2, bitSize: 1 },
      shutdownImminent: { kind: 'feature', reportId: 0x16, bitOffset: 5, bitSize: 1 },
      remainingCapacity: { kind: 'feature', reportId: 0x0c, bitOffset: 0, bitSize: 8 },
      runTimeToEmpty: { kind: 'feature', reportId: 0x0c, bitOffset: 8, bitSize: 16 },
    });
    expect(reportsToPoll(mapUpsUsages(desc))).toEqual([0x0c, 0x16]);
  });

  it('keeps the other locations too: ACPresent also in 0x13, ShutdownImminent at bit 8 of 0x14', () => {
    const ac = desc.fields.filter((f) => f.kind === 'feature' && f.usage === usageKey(0x85, 0xd0));
    expect(ac.map((f) => [f.reportId, f.bitOffset, f.bitSize])).toEqual([
      [0x13, 0, 8],
      [0x16, 2, 1],
    ]);
    const si = desc.fields.filter((f) => f.kind === 'input' && f.usage === usageKey(0x84, 0x69));
    expect(si.map((f) => [f.reportId, f.bitOffset, f.bitSize])).toEqual([
      [0x14, 8, 8],
      [0x16, 5, 1],
    ]);
  });

  it('reads globals: RunTimeToEmpty unit 0x1001 (seconds), signed Logical Minimum -1 in 0x15, unit exponent 5 in 0x08', () => {
    const rt = desc.fields.find(
      (f) => f.kind === 'feature' && f.usage === usageKey(0x85, 0x68) && f.reportId === 0x0c,
    )!;
    expect(rt.unit).toBe(0x1001);
    expect(rt.logicalMax).toBe(65535);
    const delay = desc.fields.find((f) => f.reportId === 0x15)!;
    expect(delay.logicalMin).toBe(-1);
    expect(delay.logicalMax).toBe(32767);
    const cfg = desc.fields.find((f) => f.reportId === 0x08)!;
    expect(cfg.unitExponent).toBe(5);
    expect(cfg.unit).toBe(0x00f0d121);
  });

  it('records the padding after the PresentStatus bits as constant', () => {
    const pad = desc.fields.filter((f) => f.kind === 'feature' && f.reportId === 0x16 && f.constant);
    expect(pad.map((f) => [f.bitOffset, f.bitSize, f.variable])).toEqual([[11, 21, false]]);
  });

  it('ships a built-in copy of the same bytes for platforms without descriptor access', () => {
    expect(hexToBytes(APC_BACK_UPS_POWER_SUMMARY_HEX)).toEqual(apcDescriptorBytes);
    expect(knownDescriptorFor(0x051d, 0x0002)).toEqual(apcDescriptorBytes);
    expect(knownDescriptorFor(0x0764, 0x0501)).toBeUndefined();
  });
});

describe('HID item grammar', () => {
  it('handles Usage Minimum/Maximum, Push/Pop, 4-byte usages and long items', () => {
    const d = parseReportDescriptor(
      hexToBytes(
        [
          '05 84 09 04 a1 01', // Usage Page (Power Device), Usage (UPS), Collection (Application)
          'fe 02 10 aa bb', // a long item: skipped
          '85 02 75 01 95 03 15 00 25 01', // Report ID 2, size 1, count 3
          '05 85 19 44 29 46 b1 02', // Usage Min 0x44 .. Max 0x46, Feature (Data,Var,Abs)
          'a4 75 08 95 01 0b 66 00 85 00 b1 02 b4', // Push; size 8; Usage 0x0085:0x0066 (4 bytes); Feature; Pop
          '95 05 b1 01', // 5 bits of padding with the popped size 1
          'c0',
        ].join(' '),
      ),
    );
    const f = d.fields.filter((x) => x.kind === 'feature');
    expect(f.map((x) => [x.usage, x.bitOffset, x.bitSize, x.constant])).toEqual([
      [usageKey(0x85, 0x44), 0, 1, false],
      [usageKey(0x85, 0x45), 1, 1, false],
      [usageKey(0x85, 0x46), 2, 1, false],
      [usageKey(0x85, 0x66), 3, 8, false],
      [0, 11, 5, true], // Const,Array padding: one field
    ]);
    expect(d.reportBytes('feature', 2)).toBe(2);
    expect(f[3]!.collectionPath).toEqual([usageKey(0x84, 0x04)]);
  });

  it('repeats the last usage when Report Count exceeds the usages', () => {
    const d = parseReportDescriptor(hexToBytes('05 85 09 66 75 08 95 02 81 02'));
    expect(d.numbered).toBe(false);
    expect(d.fields.map((x) => [x.usage, x.bitOffset])).toEqual([
      [usageKey(0x85, 0x66), 0],
      [usageKey(0x85, 0x66), 8],
    ]);
  });

  it('decodes the unit exponent nibble as two’s complement', () => {
    expect(decodeUnitExponent(0x0)).toBe(0);
    expect(decodeUnitExponent(0x7)).toBe(7);
    expect(decodeUnitExponent(0xd)).toBe(-3);
    expect(decodeUnitExponent(0xf)).toBe(-1);
    expect(decodeUnitExponent(0xfe)).toBe(-2);
  });

  it.each([
    ['a truncated item', '05 84 26 ff', /truncated item/],
    ['End Collection without Collection', 'c0', /End Collection without Collection/],
    ['an unclosed Collection', '09 04 a1 01', /unclosed Collection/],
    ['Pop without Push', 'b4', /Pop without Push/],
    ['Report ID 0', '85 00', /Report ID 0/],
    ['a truncated long item', 'fe 05 10 00', /truncated long item/],
  ])('rejects %s with HidDescriptorError', (_name, hex, re) => {
    expect(() => parseReportDescriptor(hexToBytes(hex))).toThrow(HidDescriptorError);
    expect(() => parseReportDescriptor(hexToBytes(hex))).toThrow(re);
  });

  it('parses hex with 0x prefixes and commas, and rejects odd digit counts', () => {
    expect([...hexToBytes('0x05, 0x84')]).toEqual([0x05, 0x84]);
    expect(() => hexToBytes('058')).toThrow(/odd/);
  });
});
