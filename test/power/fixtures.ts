// Loads the recorded UPS fixtures of test/fixtures/power.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '../../src/hardware/power/descriptor.ts';

const dir = fileURLToPath(new URL('../fixtures/power/', import.meta.url));

export const apcDescriptor = JSON.parse(readFileSync(`${dir}apc-back-ups-es-850g2.descriptor.json`, 'utf8')) as {
  hex: string;
};
export const apcDescriptorBytes = hexToBytes(apcDescriptor.hex);

const reports = JSON.parse(readFileSync(`${dir}apc-back-ups-es.reports.json`, 'utf8')) as {
  samples: Record<string, { origin: string; hex: string }>;
};

export function sample(name: string): Uint8Array {
  const s = reports.samples[name];
  if (!s) throw new Error(`no sample ${name}`);
  return hexToBytes(s.hex);
}
