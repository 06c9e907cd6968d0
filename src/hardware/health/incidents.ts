// Incidents: one record per period a clinic cause was active (start, end, cause). The store implements the
// sink (its `incidents` table, for the 利用報告書); MemoryIncidentSink serves tests and demo mode.
import type { ClinicCauseCode, HealthMode } from './causes.ts';

export interface IncidentDetail {
  /** The mode this cause put the clinic in. */
  impact: Exclude<HealthMode, 'normal'>;
  /** Japanese staff message at the time of opening. */
  message: string;
}

export interface IncidentSink {
  /** Record the start of a cause; resolves with the incident id. `at` is an ISO time. */
  open(cause: ClinicCauseCode, at: string, detail: IncidentDetail): Promise<string>;
  /** Record its end. */
  close(id: string, at: string): Promise<void>;
}

export interface IncidentRecord {
  id: string;
  cause: ClinicCauseCode;
  start: string;
  end?: string;
  detail: IncidentDetail;
}

export class MemoryIncidentSink implements IncidentSink {
  readonly records: IncidentRecord[] = [];
  private seq = 0;

  async open(cause: ClinicCauseCode, at: string, detail: IncidentDetail): Promise<string> {
    const id = `inc-${++this.seq}`;
    this.records.push({ id, cause, start: at, detail });
    return id;
  }

  async close(id: string, at: string): Promise<void> {
    const r = this.records.find((x) => x.id === id);
    if (!r) throw new Error(`unknown incident ${id}`);
    if (r.end !== undefined) throw new Error(`incident ${id} closed twice`);
    r.end = at;
  }

  openRecords(): IncidentRecord[] {
    return this.records.filter((r) => r.end === undefined);
  }
}
