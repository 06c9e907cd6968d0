// Report-descriptor layouts of known UPS models, used when neither node-hid nor the OS hands us the
// device's own descriptor (node-hid 3.4 on Windows and macOS). Only the UPS.PowerSummary part is kept: that
// is where every value this adapter reads lives.
import { hexToBytes } from './descriptor.ts';

/**
 * APC Back-UPS ES 850G2 (VID 0x051d, PID 0x0002): the first 432 bytes of its 1049-byte descriptor as dumped
 * by NUT usbhid-ups (networkupstools/nut issue #1304), through the end of UPS.PowerSummary, plus one End
 * Collection. Kept byte-identical to test/fixtures/power/apc-back-ups-es-850g2.descriptor.json (a test checks).
 * Other APC Back-UPS models (BX, BR, CS, XS) put PowerSummary at the same report ids in NUT's logs
 * (0x0c capacity/runtime, 0x16 PresentStatus), but this is not verified per model.
 */
export const APC_BACK_UPS_POWER_SUMMARY_HEX =
  '05 84 09 04 a1 01 09 24 a1 00 85 01 09 fe 79 02 75 08 95 01 15 00 26 ff 00 b1 22 85 02 09 ff 79 ' +
  '03 b1 22 85 03 05 85 09 89 79 04 b1 22 85 04 09 8f 79 01 b1 22 85 05 09 8b b1 22 85 06 09 44 81 ' +
  'a2 09 44 b1 a2 09 45 81 a2 09 45 b1 a2 06 86 ff 09 60 81 a2 09 60 b1 a2 85 07 05 85 09 85 75 10 ' +
  '27 ff ff 00 00 b1 a2 85 08 05 84 09 40 67 21 d1 f0 00 55 05 b1 22 85 09 09 30 b1 a2 85 0a 09 fd ' +
  '75 08 26 ff 00 65 00 55 00 79 01 b1 22 85 0b 05 85 09 2c b1 22 85 0c 09 66 25 64 81 a2 09 66 b1 ' +
  'a2 09 68 75 10 27 ff ff 00 00 66 01 10 81 a2 09 68 b1 a2 85 0d 09 83 75 08 25 64 65 00 b1 22 85 ' +
  '0e 09 67 b1 22 85 0f 09 8c b1 22 85 10 09 8e b1 22 85 11 09 29 15 01 b1 a2 85 12 09 8d 15 00 b1 ' +
  '22 85 13 09 d0 25 01 81 a2 09 d0 b1 a2 85 14 09 42 81 a2 09 42 b1 a2 05 84 09 69 81 a2 09 69 b1 ' +
  'a2 85 15 09 57 75 10 16 ff ff 26 ff 7f 66 01 10 b1 a2 09 02 a1 02 85 16 05 85 65 00 75 01 15 00 ' +
  '25 01 09 44 81 a2 09 44 b1 a2 09 45 81 a2 09 45 b1 a2 09 d0 81 a2 09 d0 b1 a2 09 d1 81 a2 09 d1 ' +
  'b1 a2 09 42 81 a2 09 42 b1 a2 05 84 09 69 81 a2 09 69 b1 a2 05 85 09 43 81 a2 09 43 b1 a2 05 84 ' +
  '09 73 81 a2 09 73 b1 a2 05 85 09 4b 81 a2 09 4b b1 a2 05 84 09 65 81 a2 09 65 b1 a2 05 85 09 db ' +
  '81 a2 09 db b1 a2 95 15 81 01 b1 01 c0 85 17 09 2a 95 01 75 10 27 ff ff 00 00 66 01 10 b1 a2 85 ' +
  '18 05 84 09 5a 75 08 15 01 25 02 65 00 b1 a2 c0 c0';

const KNOWN: { vendorId: number; productId?: number; hex: string }[] = [
  { vendorId: 0x051d, productId: 0x0002, hex: APC_BACK_UPS_POWER_SUMMARY_HEX },
];

export function knownDescriptorFor(vendorId: number, productId: number): Uint8Array | undefined {
  const hit = KNOWN.find((k) => k.vendorId === vendorId && (k.productId === undefined || k.productId === productId));
  return hit ? hexToBytes(hit.hex) : undefined;
}
