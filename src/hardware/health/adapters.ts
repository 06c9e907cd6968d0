// Small adapters from this repo's own ports to health signals (the power port is ours; the PC/SC and terminal
// adapters are mapped by the core, which owns both sides).
import type { PowerSnapshot } from '../power/types.ts';
import type { PowerSignal } from './signals.ts';

export function powerSignalOf(s: PowerSnapshot): PowerSignal {
  const out: PowerSignal = { source: 'power', state: s.state };
  if (s.charge !== undefined) out.charge = s.charge;
  if (s.runtimeSeconds !== undefined) out.runtimeSeconds = s.runtimeSeconds;
  if (s.shutdownImminent !== undefined) out.shutdownImminent = s.shutdownImminent;
  if (s.device?.product) out.device = s.device.product;
  return out;
}
