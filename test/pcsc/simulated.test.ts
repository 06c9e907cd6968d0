// The simulated card reader (demo/drill mode): same interface, scriptable states.
import { describe, expect, it } from 'vitest';
import { SimulatedCardReader } from '../../src/hardware/pcsc/simulated.ts';
import type { PcscSnapshot } from '../../src/hardware/pcsc/types.ts';

const NOW = new Date('2026-06-15T00:00:00Z');
const R = 'Simulated Reader 00 00';

describe('SimulatedCardReader', () => {
  it('scripts readers, cards and the service, emitting changes', async () => {
    const sim = new SimulatedCardReader({ now: () => NOW });
    const seen: PcscSnapshot[] = [];
    sim.on('change', (s) => seen.push(s));
    expect(sim.snapshot().service).toBe('unknown');
    await sim.start();
    expect(sim.snapshot()).toMatchObject({ service: 'running', readers: [{ name: R, cardPresent: false }] });
    sim.insertCard(R, { kind: 'certificate', notAfter: new Date('2030-01-01T00:00:00Z') });
    expect(sim.snapshot().readers[0]).toMatchObject({ cardPresent: true });
    sim.setService('unavailable');
    expect(sim.snapshot()).toMatchObject({
      service: 'unavailable',
      readers: [],
      lastError: { name: 'SCARD_E_NO_SERVICE' },
    });
    expect(seen.map((s) => s.service)).toEqual(['running', 'running', 'unavailable']);
  });

  it('diagnoses scripted certificates and faults like the real adapter', async () => {
    const sim = new SimulatedCardReader({ now: () => NOW, timeoutMs: 1 });
    await sim.start();
    await expect(sim.diagnoseCard()).rejects.toMatchObject({ code: 'SCARD_E_NO_SMARTCARD' });
    sim.insertCard(R, { kind: 'certificate', notAfter: new Date('2026-01-01T00:00:00Z') });
    await expect(sim.diagnoseCard()).resolves.toMatchObject({ status: 'expired', fallbackTrigger: true });
    sim.insertCard(R, { kind: 'certificate', notAfter: new Date('2026-07-01T00:00:00Z') });
    await expect(sim.diagnoseCard(R)).resolves.toMatchObject({ status: 'expiring_soon', fallbackTrigger: false });
    sim.insertCard(R, { kind: 'chip_unreadable' });
    await expect(sim.diagnoseCard()).resolves.toMatchObject({ status: 'chip_unreadable', fallbackTrigger: true });
    sim.insertCard(R, { kind: 'mute' });
    await expect(sim.diagnoseCard()).rejects.toMatchObject({ code: 'SHIKAKU_TIMEOUT' });
    sim.insertCard(R, { kind: 'busy' });
    await expect(sim.diagnoseCard()).rejects.toMatchObject({ code: 'SCARD_E_SHARING_VIOLATION' });
    await expect(sim.diagnoseCard('Nope')).rejects.toMatchObject({ code: 'SCARD_E_UNKNOWN_READER' });
    sim.detachReader(R);
    await expect(sim.diagnoseCard()).rejects.toMatchObject({ code: 'SCARD_E_NO_READERS_AVAILABLE' });
    await sim.stop();
    await expect(sim.diagnoseCard()).rejects.toMatchObject({ code: 'SHIKAKU_STOPPED' });
  });
});
