import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, flushMicrotasks } from '../../src/hardware/health/clock.ts';
import {
  fromHandle,
  fromKnownLayouts,
  fromLinuxSysfs,
  HidPowerPort,
  pickUps,
  type HidBackend,
  type HidDeviceInfo,
  type HidHandle,
} from '../../src/hardware/power/hid.ts';
import type { PowerSnapshot } from '../../src/hardware/power/types.ts';
import { apcDescriptorBytes, sample } from './fixtures.ts';

const APC: HidDeviceInfo = {
  path: '/dev/hidraw3',
  vendorId: 0x051d,
  productId: 0x0002,
  product: 'Back-UPS ES 850G2',
  usagePage: 0x84,
  usage: 0x04,
};

/** A fake UPS behind the HidBackend interface: feature reports come from the recorded fixture samples. */
class FakeUps implements HidBackend {
  present = true;
  withDescriptor = true;
  reports = new Map<number, Uint8Array>([
    [0x0c, sample('online_full')],
    [0x16, sample('online_status')],
  ]);
  enumerations = 0;
  opened = 0;
  closed = 0;
  requested: [number, number][] = [];

  async devices(): Promise<HidDeviceInfo[]> {
    this.enumerations++;
    return this.present ? [{ path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc52b, usagePage: 0x01 }, APC] : [];
  }

  async open(path: string): Promise<HidHandle> {
    if (!this.present || path !== APC.path) throw new Error('could not open HID device');
    this.opened++;
    const handle: HidHandle = {
      getFeatureReport: async (id, len) => {
        this.requested.push([id, len]);
        if (!this.present) throw new Error('could not get feature report from device');
        const r = this.reports.get(id);
        if (!r) throw new Error(`no report ${id}`);
        return r;
      },
      close: async () => {
        this.closed++;
      },
    };
    if (this.withDescriptor) handle.getReportDescriptor = async () => apcDescriptorBytes;
    return handle;
  }

  battery(): void {
    this.reports.set(0x0c, sample('on_battery_capacity'));
    this.reports.set(0x16, sample('on_battery_status'));
  }
}

let port: HidPowerPort | undefined;
let clock: FakeClock;
afterEach(async () => {
  await port?.stop();
  expect(clock.pending()).toBe(0);
  port = undefined;
});

function make(ups: FakeUps, extra: Partial<ConstructorParameters<typeof HidPowerPort>[0]> = {}) {
  clock = new FakeClock();
  const errors: string[] = [];
  port = new HidPowerPort({
    backend: ups,
    clock,
    pollMs: 5000,
    rescanMs: 1000,
    maxRescanMs: 8000,
    descriptorSources: [fromHandle],
    onError: (_e, where) => errors.push(where),
    ...extra,
  });
  const changes: PowerSnapshot[] = [];
  port.on('change', (s) => changes.push(s));
  return { port, changes, errors };
}

describe('HidPowerPort with a fake HID backend', () => {
  it('finds the UPS by usage page, reads the descriptor, polls feature reports 0x0c and 0x16', async () => {
    const ups = new FakeUps();
    const { port, changes } = make(ups);
    await port.start();
    expect(port.snapshot()).toMatchObject({
      state: 'ac',
      charge: 100,
      runtimeSeconds: 2580,
      charging: false,
      shutdownImminent: false,
      source: 'ups-hid',
      device: { vendorId: 0x051d, productId: 0x0002, product: 'Back-UPS ES 850G2' },
    });
    expect(port.snapshot().reason).toBeUndefined();
    // Report length asked = data bytes + the report-id byte.
    expect(ups.requested).toEqual([
      [0x0c, 4],
      [0x16, 5],
    ]);
    expect(changes.map((c) => c.state)).toEqual(['ac']);
    expect(port.descriptor()?.numbered).toBe(true);
  });

  it('goes ac → battery → ac on later polls and emits one change per transition', async () => {
    const ups = new FakeUps();
    const { port, changes } = make(ups);
    await port.start();
    await clock.advanceAsync(5000);
    expect(changes).toHaveLength(1); // same values: no event
    ups.battery();
    await clock.advanceAsync(5000);
    expect(port.snapshot()).toMatchObject({ state: 'battery', charge: 95, runtimeSeconds: 1800 });
    ups.reports.set(0x16, sample('online_charging_status'));
    await clock.advanceAsync(5000);
    expect(port.snapshot()).toMatchObject({ state: 'ac', charging: true });
    expect(changes.map((c) => c.state)).toEqual(['ac', 'battery', 'ac']);
  });

  it('reports shutdown imminent', async () => {
    const ups = new FakeUps();
    ups.reports.set(0x0c, sample('shutdown_imminent_capacity'));
    ups.reports.set(0x16, sample('shutdown_imminent_status'));
    const { port } = make(ups);
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'battery', charge: 8, runtimeSeconds: 120, shutdownImminent: true });
  });

  it('unplug: read error → unknown, handle closed, rescans with backoff; replug → ac again', async () => {
    const ups = new FakeUps();
    const { port, changes, errors } = make(ups);
    await port.start();
    ups.present = false;
    await clock.advanceAsync(5000);
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'read_error' });
    expect(ups.closed).toBe(1);
    expect(errors).toContain('poll');
    const before = ups.enumerations;
    await clock.advanceAsync(1000); // first rescan after rescanMs
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'no_device' });
    expect(port.snapshot().device).toBeUndefined();
    await clock.advanceAsync(2000 + 4000 + 8000 + 8000); // backoff 2 s, 4 s, then capped at 8 s
    expect(ups.enumerations - before).toBe(5);
    ups.present = true;
    await clock.advanceAsync(8000);
    expect(port.snapshot()).toMatchObject({ state: 'ac', charge: 100 });
    expect(ups.opened).toBe(2);
    expect(changes.map((c) => c.reason ?? c.state)).toEqual(['ac', 'read_error', 'no_device', 'ac']);
  });

  it('no UPS at all: unknown (no_device), not a fault, and keeps looking', async () => {
    const ups = new FakeUps();
    ups.present = false;
    const { port } = make(ups);
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'no_device', source: 'ups-hid' });
    await clock.advanceAsync(1000);
    expect(ups.enumerations).toBe(2);
  });

  it('without any descriptor source: unknown (descriptor_unavailable), device closed', async () => {
    const ups = new FakeUps();
    ups.withDescriptor = false;
    const { port } = make(ups);
    await port.start();
    expect(port.snapshot()).toMatchObject({
      state: 'unknown',
      reason: 'descriptor_unavailable',
      device: { vendorId: 0x051d },
    });
    expect(ups.closed).toBe(1);
  });

  it('falls back to the built-in layout of a known model when the library gives no descriptor', async () => {
    const ups = new FakeUps();
    ups.withDescriptor = false;
    const { port } = make(ups, { descriptorSources: [fromHandle, fromKnownLayouts] });
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'ac', charge: 100 });
  });

  it('reads the descriptor from Linux sysfs for hidraw paths', async () => {
    const read = async (p: string) => {
      expect(p).toBe('/sysroot/class/hidraw/hidraw3/device/report_descriptor');
      return apcDescriptorBytes;
    };
    const source = fromLinuxSysfs('/sysroot', read);
    const h = {} as HidHandle;
    expect(await source(APC, h)).toEqual(apcDescriptorBytes);
    expect(await source({ ...APC, path: '1-1.2:1.0' }, h)).toBeUndefined();
    const failing = fromLinuxSysfs('/sysroot', async () => {
      throw new Error('ENOENT');
    });
    expect(await failing(APC, h)).toBeUndefined();
  });

  it('a backend that cannot load gives unknown (hid_unavailable) and no timers', async () => {
    clock = new FakeClock();
    port = new HidPowerPort({
      backend: async () => {
        throw new Error('libusb missing');
      },
      clock,
    });
    await port.start();
    expect(port.snapshot()).toMatchObject({ state: 'unknown', reason: 'hid_unavailable' });
    expect(clock.pending()).toBe(0);
  });

  it('stop() closes the device and cancels the poll timer', async () => {
    const ups = new FakeUps();
    const { port } = make(ups);
    await port.start();
    expect(clock.pending()).toBe(1);
    await port.stop();
    expect(ups.closed).toBe(1);
    expect(clock.pending()).toBe(0);
    await flushMicrotasks();
  });
});

describe('pickUps', () => {
  it('prefers usage page 0x84, then known UPS vendors, and ignores other HID devices', () => {
    const mouse = { path: 'a', vendorId: 0x046d, productId: 1, usagePage: 1 };
    const cyber = { path: 'b', vendorId: 0x0764, productId: 0x0501 };
    const omron = { path: 'c', vendorId: 0x0590, productId: 0x0081, usagePage: 0x84 };
    expect(pickUps([mouse])).toBeUndefined();
    expect(pickUps([mouse, cyber])).toBe(cyber);
    expect(pickUps([cyber, omron])).toBe(omron);
    expect(pickUps([{ vendorId: 0x051d, productId: 2 }])).toBeUndefined(); // no path: cannot open
  });
});
