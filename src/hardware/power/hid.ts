// A UPS on USB HID (HID Power Device class) through node-hid. Finds the UPS, gets its report descriptor,
// polls the feature reports that hold the values we need, and survives unplug: a vanished device gives
// 'unknown' and a rescan with backoff. No UPS at all is 'unknown', never a fault.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as NodeHid from 'node-hid';
import { systemClock, type Clock, type TimerHandle } from '../health/clock.ts';
import { PowerPortBase } from './port-base.ts';
import { parseReportDescriptor, type ReportDescriptor } from './descriptor.ts';
import { knownDescriptorFor } from './known-descriptors.ts';
import {
  mapUpsUsages,
  mergeReadings,
  parseUpsReport,
  powerStateOf,
  reportsToPoll,
  PAGE_POWER_DEVICE,
  type UpsReading,
} from './report.ts';
import type { PowerSnapshot, PowerUnknownReason } from './types.ts';

/** USB vendor ids of UPS makers sold in Japan, for devices that do not report usage page 0x84. */
export const UPS_VENDOR_IDS: Readonly<Record<number, string>> = {
  0x051d: 'APC (Schneider Electric)',
  0x0764: 'CyberPower',
  0x0463: 'Eaton / MGE',
  0x0590: 'Omron',
};

export interface HidDeviceInfo {
  path?: string;
  vendorId: number;
  productId: number;
  product?: string;
  manufacturer?: string;
  serialNumber?: string;
  usagePage?: number;
  usage?: number;
  interface?: number;
}

export interface HidHandle {
  getFeatureReport(reportId: number, length: number): Promise<Uint8Array | number[]>;
  /** node-hid does not expose hid_get_report_descriptor in 3.4; used when a later version does. */
  getReportDescriptor?: () => Promise<Uint8Array | number[]>;
  close(): Promise<void>;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

/** Where a report descriptor may come from, tried in order until one gives bytes. */
export type DescriptorSource = (info: HidDeviceInfo, handle: HidHandle) => Promise<Uint8Array | undefined>;

export function isUpsCandidate(d: HidDeviceInfo): boolean {
  return d.usagePage === PAGE_POWER_DEVICE || UPS_VENDOR_IDS[d.vendorId] !== undefined;
}

/** Candidates first by declared usage page 0x84, then by known vendor. */
export function pickUps(devices: HidDeviceInfo[]): HidDeviceInfo | undefined {
  const withPath = devices.filter((d) => d.path && isUpsCandidate(d));
  return withPath.find((d) => d.usagePage === PAGE_POWER_DEVICE) ?? withPath[0];
}

/** Load node-hid for real (a native N-API module). Rejects when it cannot load on this machine. */
export async function loadNodeHidBackend(): Promise<HidBackend> {
  // require, not import(): the core's bundle runs from V8's code cache, where a dynamic import() cannot load.
  const hid = createRequire(import.meta.url)('node-hid') as typeof NodeHid;
  return {
    devices: async () => (await hid.devicesAsync()) as HidDeviceInfo[],
    open: async (path) => {
      const dev = await hid.HIDAsync.open(path, { nonExclusive: true });
      const maybe = dev as unknown as { getReportDescriptor?: () => Promise<Buffer> };
      const handle: HidHandle = {
        getFeatureReport: async (id, len) => dev.getFeatureReport(id, len),
        close: async () => dev.close(),
      };
      if (typeof maybe.getReportDescriptor === 'function') {
        handle.getReportDescriptor = async () => (await maybe.getReportDescriptor!.call(dev)) as Buffer;
      }
      return handle;
    },
  };
}

export const fromHandle: DescriptorSource = async (_info, handle) => {
  if (!handle.getReportDescriptor) return undefined;
  const bytes = await handle.getReportDescriptor();
  return bytes.length > 0 ? Uint8Array.from(bytes) : undefined;
};

/** Linux hidraw (node-hid's default driver there): the kernel publishes the descriptor in sysfs. */
export function fromLinuxSysfs(root = '/sys', read: (p: string) => Promise<Uint8Array> = readFile): DescriptorSource {
  return async (info) => {
    const m = /^\/dev\/hidraw(\d+)$/.exec(info.path ?? '');
    if (!m) return undefined;
    try {
      const bytes = await read(`${root}/class/hidraw/hidraw${m[1]}/device/report_descriptor`);
      return bytes.length > 0 ? Uint8Array.from(bytes) : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Built-in layouts of known models, for platforms where neither the library nor the OS gives the descriptor. */
export const fromKnownLayouts: DescriptorSource = async (info) => knownDescriptorFor(info.vendorId, info.productId);

export interface HidPowerPortOptions {
  backend?: HidBackend | (() => Promise<HidBackend>);
  clock?: Clock;
  /** Poll period while a UPS is open. Default 5 s. */
  pollMs?: number;
  /** First rescan delay when no UPS is found or it vanished; doubles up to maxRescanMs. Default 2 s. */
  rescanMs?: number;
  /** Default 60 s. */
  maxRescanMs?: number;
  descriptorSources?: DescriptorSource[];
  /** Diagnostics (English) for the log; never thrown. */
  onError?: (err: unknown, where: string) => void;
}

interface OpenUps {
  info: HidDeviceInfo;
  handle: HidHandle;
  desc: ReportDescriptor;
  reports: number[];
}

export class HidPowerPort extends PowerPortBase {
  private readonly pollMs: number;
  private readonly rescanMs: number;
  private readonly maxRescanMs: number;
  private readonly sources: DescriptorSource[];
  private readonly onError: (err: unknown, where: string) => void;
  private backend?: HidBackend;
  private ups?: OpenUps;
  private timer?: TimerHandle;
  private running = false;
  private backoff: number;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: HidPowerPortOptions = {}) {
    const clock = options.clock ?? systemClock;
    super(clock, (at) => ({ state: 'unknown', reason: 'not_started', source: 'ups-hid', at }));
    this.pollMs = options.pollMs ?? 5000;
    this.rescanMs = options.rescanMs ?? 2000;
    this.maxRescanMs = options.maxRescanMs ?? 60_000;
    this.sources = options.descriptorSources ?? [fromHandle, fromLinuxSysfs(), fromKnownLayouts];
    this.onError = options.onError ?? (() => {});
    this.backoff = this.rescanMs;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const b = this.options.backend ?? loadNodeHidBackend;
      this.backend = typeof b === 'function' ? await b() : b;
    } catch (err) {
      // node-hid cannot load (missing libusb, wrong ABI): the UPS is unknown, the app runs on.
      this.onError(err, 'load');
      this.replace(this.unknown('hid_unavailable'));
      return;
    }
    await this.run(() => this.scan());
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.closeUps();
  }

  /** The open device's parsed descriptor (for the doctor report); undefined when none is open. */
  descriptor(): ReportDescriptor | undefined {
    return this.ups?.desc;
  }

  private run(step: () => Promise<void>): Promise<void> {
    const p = this.inFlight.then(step).catch((err: unknown) => this.onError(err, 'step'));
    this.inFlight = p;
    return p;
  }

  private schedule(ms: number, step: () => Promise<void>): void {
    if (!this.running) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run(step);
    }, ms);
  }

  private scheduleRescan(): void {
    const delay = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.maxRescanMs);
    this.schedule(delay, () => this.scan());
  }

  private async scan(): Promise<void> {
    if (!this.running || !this.backend) return;
    let devices: HidDeviceInfo[];
    try {
      devices = await this.backend.devices();
    } catch (err) {
      this.onError(err, 'enumerate');
      devices = [];
    }
    const info = pickUps(devices);
    if (!info?.path) {
      this.replace(this.unknown('no_device'));
      this.scheduleRescan();
      return;
    }
    let handle: HidHandle;
    try {
      handle = await this.backend.open(info.path);
    } catch (err) {
      this.onError(err, 'open');
      this.replace(this.unknown('read_error', info));
      this.scheduleRescan();
      return;
    }
    if (!this.running) {
      await handle.close().catch(() => {});
      return;
    }
    const desc = await this.descriptorOf(info, handle);
    if (!desc) {
      await handle.close().catch(() => {});
      this.replace(this.unknown('descriptor_unavailable', info));
      this.scheduleRescan();
      return;
    }
    const reports = reportsToPoll(mapUpsUsages(desc, 'feature'));
    if (reports.length === 0) {
      await handle.close().catch(() => {});
      this.replace(this.unknown('no_power_usages', info));
      this.scheduleRescan();
      return;
    }
    this.ups = { info, handle, desc, reports };
    await this.poll();
  }

  private async descriptorOf(info: HidDeviceInfo, handle: HidHandle): Promise<ReportDescriptor | undefined> {
    for (const source of this.sources) {
      try {
        const bytes = await source(info, handle);
        if (bytes) return parseReportDescriptor(bytes);
      } catch (err) {
        this.onError(err, 'descriptor');
      }
    }
    return undefined;
  }

  private async poll(): Promise<void> {
    const ups = this.ups;
    if (!this.running || !ups) return;
    const readings: UpsReading[] = [];
    try {
      for (const id of ups.reports) {
        const len = ups.desc.reportBytes('feature', id) + 1;
        const bytes = await ups.handle.getFeatureReport(id, len);
        readings.push(parseUpsReport(ups.desc, 'feature', bytes));
      }
    } catch (err) {
      // Unplugged, or the UPS re-enumerated (they do on mains loss): close, say unknown, rescan.
      this.onError(err, 'poll');
      await this.closeUps();
      this.replace(this.unknown('read_error', ups.info));
      this.backoff = this.rescanMs;
      this.scheduleRescan();
      return;
    }
    this.backoff = this.rescanMs;
    const r = mergeReadings(...readings);
    const state = powerStateOf(r);
    const snap: PowerSnapshot = {
      state,
      source: 'ups-hid',
      device: deviceOf(ups.info),
      at: this.iso(),
    };
    if (r.remainingCapacity !== undefined) snap.charge = r.remainingCapacity;
    if (r.runTimeToEmpty !== undefined) snap.runtimeSeconds = r.runTimeToEmpty;
    if (r.charging !== undefined) snap.charging = r.charging;
    if (r.shutdownImminent !== undefined) snap.shutdownImminent = r.shutdownImminent;
    if (state === 'unknown') snap.reason = 'no_power_usages';
    this.replace(snap);
    this.schedule(this.pollMs, () => this.poll());
  }

  private async closeUps(): Promise<void> {
    const ups = this.ups;
    this.ups = undefined;
    if (ups) await ups.handle.close().catch((err: unknown) => this.onError(err, 'close'));
  }

  private unknown(reason: PowerUnknownReason, info?: HidDeviceInfo): PowerSnapshot {
    const s: PowerSnapshot = { state: 'unknown', reason, source: 'ups-hid', at: this.iso() };
    if (info) s.device = deviceOf(info);
    return s;
  }
}

function deviceOf(info: HidDeviceInfo): NonNullable<PowerSnapshot['device']> {
  const d: NonNullable<PowerSnapshot['device']> = { vendorId: info.vendorId, productId: info.productId };
  if (info.product) d.product = info.product;
  if (info.manufacturer) d.manufacturer = info.manufacturer;
  return d;
}
