// Public surface of the power adapter. The health layer, core and CLI import from here only.
export type { PowerPort, PowerSnapshot, PowerDeviceInfo, PowerUnknownReason, PowerState } from './types.ts';
export { sameSnapshot } from './types.ts';
export {
  parseReportDescriptor,
  decodeUnitExponent,
  hexToBytes,
  usageKey,
  HidDescriptorError,
  type ReportDescriptor,
  type ReportField,
  type ReportKind,
} from './descriptor.ts';
export {
  UPS_USAGES,
  PAGE_POWER_DEVICE,
  PAGE_BATTERY_SYSTEM,
  mapUpsUsages,
  locate,
  reportsToPoll,
  parseUpsReport,
  mergeReadings,
  powerStateOf,
  extractBits,
  type UpsReading,
  type UsageMap,
  type FieldLocation,
  type UpsValueName,
} from './report.ts';
export {
  HidPowerPort,
  loadNodeHidBackend,
  pickUps,
  isUpsCandidate,
  fromHandle,
  fromLinuxSysfs,
  fromKnownLayouts,
  UPS_VENDOR_IDS,
  type HidPowerPortOptions,
  type HidBackend,
  type HidHandle,
  type HidDeviceInfo,
  type DescriptorSource,
} from './hid.ts';
export { knownDescriptorFor, APC_BACK_UPS_POWER_SUMMARY_HEX } from './known-descriptors.ts';
export { SimulatedPowerPort, SIMULATED_UPS, type SimulatedPowerState, type PowerScriptStep } from './simulated.ts';
export { PowerMonitorPort, type PowerMonitorLike } from './power-monitor.ts';
export { BatteryHooks, type BatteryCallback, type BatteryReason } from './battery-hook.ts';
