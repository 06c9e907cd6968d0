// Loads the real node-hid (N-API, hidraw on Linux). No UPS is attached on the test machines: the port must say
// 'unknown' (no_device) without crashing, and stop cleanly.
import { describe, expect, it } from 'vitest';
import { HidPowerPort, loadNodeHidBackend, pickUps } from '../../src/hardware/power/hid.ts';

describe('HidPowerPort with the real node-hid', () => {
  it('enumerates HID devices for real', async () => {
    const backend = await loadNodeHidBackend();
    const devices = await backend.devices();
    expect(Array.isArray(devices)).toBe(true);
  });

  it('with no UPS attached: unknown (no_device), then stops with nothing left running', async () => {
    const backend = await loadNodeHidBackend();
    const ups = pickUps(await backend.devices());
    const port = new HidPowerPort({ rescanMs: 60_000 });
    try {
      await port.start();
      const s = port.snapshot();
      if (ups === undefined) {
        expect(s).toMatchObject({ state: 'unknown', reason: 'no_device', source: 'ups-hid' });
      } else {
        // A machine with a UPS: whatever it reads, the port must have left 'not_started'.
        expect(s.reason).not.toBe('not_started');
      }
    } finally {
      await port.stop();
    }
  });
});
