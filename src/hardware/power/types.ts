// The power port: what the health layer, the core and the CLI see of the UPS / mains state. Implemented by
// HidPowerPort (a UPS on USB HID), PowerMonitorPort (Electron's powerMonitor events, for laptops and
// UPSes that Windows itself manages) and SimulatedPowerPort (demo / drill).
import type { PowerState } from './report.ts';

export type { PowerState };

export interface PowerDeviceInfo {
  vendorId: number;
  productId: number;
  product?: string;
  manufacturer?: string;
}

/** Why a snapshot is 'unknown' (English codes for logs and the doctor report; staff text lives in health). */
export type PowerUnknownReason =
  | 'not_started'
  | 'no_device'
  | 'descriptor_unavailable'
  | 'no_power_usages'
  | 'read_error'
  | 'hid_unavailable'
  | 'no_event_yet';

export interface PowerSnapshot {
  state: PowerState;
  /** Remaining battery capacity, percent. */
  charge?: number;
  runtimeSeconds?: number;
  charging?: boolean;
  shutdownImminent?: boolean;
  device?: PowerDeviceInfo;
  /** Which implementation produced the snapshot. */
  source: 'ups-hid' | 'power-monitor' | 'simulated';
  /** Set when state is 'unknown'. */
  reason?: PowerUnknownReason;
  /** ISO time of this snapshot. */
  at: string;
}

export interface PowerPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  snapshot(): PowerSnapshot;
  on(event: 'change', listener: (s: PowerSnapshot) => void): this;
  off(event: 'change', listener: (s: PowerSnapshot) => void): this;
}

/** Whether two snapshots differ in anything but their time. */
export function sameSnapshot(a: PowerSnapshot, b: PowerSnapshot): boolean {
  return (
    a.state === b.state &&
    a.charge === b.charge &&
    a.runtimeSeconds === b.runtimeSeconds &&
    a.charging === b.charging &&
    a.shutdownImminent === b.shutdownImminent &&
    a.source === b.source &&
    a.reason === b.reason &&
    a.device?.vendorId === b.device?.vendorId &&
    a.device?.productId === b.device?.productId &&
    a.device?.product === b.device?.product
  );
}
