// Public surface of the health layer. The core, CLI and renderer-facing contract import from here only.
export type {
  PcscSignal,
  TerminalSignal,
  PowerSignal,
  NetworkSignal,
  CardSignal,
  QualificationSignal,
  DeviceSignal,
  ReceptionSignal,
  HealthSignal,
  Reach,
} from './signals.ts';
export {
  CLINIC_CAUSES,
  RECEPTION_CAUSES,
  RECEPTION_WARNINGS,
  CLINIC_WARNINGS,
  CAUSE_POLICY,
  modeOf,
  observe,
  findingOf,
  isClinicCause,
  type HealthMode,
  type DeviceKey,
  type ClinicCauseCode,
  type ReceptionCauseCode,
  type ReceptionWarningCode,
  type ClinicWarningCode,
  type CauseCode,
  type FindingCode,
  type Severity,
  type ObserveOptions,
  type Observation,
} from './causes.ts';
export {
  HealthMonitor,
  DEFAULT_DEBOUNCE,
  type HealthMonitorOptions,
  type DebounceConfig,
  type HealthState,
  type ActiveCause,
  type HealthWarning,
  type ReceptionFinding,
} from './machine.ts';
export type { DeviceSummary } from './devices.ts';
export { MemoryIncidentSink, type IncidentSink, type IncidentDetail, type IncidentRecord } from './incidents.ts';
export { systemClock, FakeClock, flushMicrotasks, type Clock, type TimerHandle } from './clock.ts';
export {
  createNetworkProbe,
  tcpCheck,
  pathCheck,
  withTimeout,
  pollNetwork,
  type NetworkProbe,
  type NetworkProbeOptions,
  type ReachabilityCheck,
} from './network.ts';
export {
  doctorReport,
  renderDoctorText,
  type DoctorInputs,
  type DoctorReport,
  type DoctorResult,
  type DoctorDevice,
  type DoctorCause,
} from './doctor.ts';
export * as healthMessages from './messages.ts';
export { powerSignalOf, pcscSignalOf, cardSignalOf, terminalSignalOf } from './adapters.ts';
