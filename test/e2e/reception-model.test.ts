// The reception wizard's pure rules (no browser): the cause preselected from the health state, which evidence
// is offered, and the visit built for 'visits.save' — checked against the Visit schema the core enforces.
import { describe, expect, it } from 'vitest';
import { Visit } from '../../src/claims/visit.ts';
import type { HealthStateView, PatientRecordView } from '../../src/main/contract.ts';
import { stepErrors, visitFor } from '../../src/renderer/reception/Wizard.tsx';
import {
  causeFromHealth,
  emptyPatient,
  localIso,
  newWizard,
  offeredEvidence,
  type ReceptionState,
} from '../../src/renderer/reception/model.ts';

const device = { status: 'ok' as const, label: '', text: '' };
function health(causes: Array<{ code: string; device: string }>): HealthStateView {
  return {
    mode: causes.length ? 'outage' : 'normal',
    modeLabel: '',
    causes: causes.map((c) => ({
      ...c,
      message: '',
      nextStep: '',
      severity: 'error' as const,
      since: '2026-11-25T09:00:00+09:00',
      impact: 'outage' as const,
    })),
    warnings: [],
    findings: [],
    devices: { reader: device, card: device, terminal: device, network: device, power: device },
    at: '2026-11-25T09:00:00+09:00',
  };
}

const past: PatientRecordView = {
  id: '0192f1a0-0000-7000-8000-000000000001',
  patientId: 'K-1',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1960-05-20',
  sex: 'male',
  postalCode: '',
  address: '',
  phone: '',
  insurance: { insurerNumber: '06130011', symbol: '1', number: '2', branch: '' },
  lastVisitDate: null,
};

describe('cause preselected from the health state', () => {
  it.each([
    ['reader_fault', 'reader', 'reader_fault'],
    ['pcsc_service_down', 'reader', 'reader_fault'],
    ['terminal_no_answer', 'terminal', 'terminal_fault'],
    ['facility_network_down', 'network', 'facility_network'],
    ['wide_area_network_down', 'network', 'wide_area_network'],
    ['power_on_battery', 'power', 'power_outage'],
  ])('%s on %s → %s', (code, dev, cause) => {
    expect(causeFromHealth(health([{ code, device: dev }]))).toBe(cause);
  });
  it('nothing when healthy or unknown', () => {
    expect(causeFromHealth(health([]))).toBeUndefined();
    expect(causeFromHealth(undefined)).toBeUndefined();
  });
});

describe('evidence offered in the official order', () => {
  it('お知らせ only with the card, verbal only with stored insurance', () => {
    expect(offeredEvidence('none', null)).toEqual([
      'portal',
      'qualification_certificate',
      'insurance_card',
      'declaration',
    ]);
    expect(offeredEvidence('visual', past)).toEqual([
      'portal',
      'qualification_certificate',
      'insurance_card',
      'notice_with_card',
      'verbal',
      'declaration',
    ]);
    expect(offeredEvidence('face', { ...past, insurance: { ...past.insurance, insurerNumber: '' } })).not.toContain(
      'verbal',
    );
  });
});

describe('the visit built for visits.save', () => {
  const now = new Date('2026-11-25T10:00:00+09:00');
  const base = (): ReceptionState => ({
    staff: 's1',
    staffList: [],
    patient: { ...emptyPatient(), name: 'ｻﾄｳ　ﾊﾅｺ', nameKana: 'ｻﾄｳ', birthText: 'S45.4.1', sex: 'female' },
    past: null,
    editing: true,
    wizard: null,
    wizardOpen: true,
    saved: null,
  });

  it('numbers normalised, NFKC names, copay from age, a UUIDv7 id; valid against the Visit schema', () => {
    const w = {
      ...newWizard('reader_fault', now),
      identity: 'none' as const,
      evidence: 'insurance_card' as const,
      numbers: { insurerNumber: '０１１３００１２', symbol: '１２３', number: '4567', branch: '1' },
    };
    const v = visitFor(base(), w);
    expect(v.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(v.patient).toMatchObject({ name: 'サトウ ハナコ', nameKana: 'サトウ', birthDate: '1970-04-01' });
    expect(v.evidence).toEqual({
      kind: 'insurance_card',
      insurance: { insurerNumber: '01130012', symbol: '123', number: '4567', branch: '01' },
    });
    expect(v.copay).toMatchObject({ percent: 30, source: 'age' });
    expect(v.receivedAt).toBe(localIso(now));
    expect(Visit.safeParse(v).success).toBe(true);
  });

  it('a wrong check digit keeps the numbers step from advancing, naming the field', () => {
    const w = {
      ...newWizard('reader_fault', now),
      step: 'evidenceDetail' as const,
      identity: 'none' as const,
      evidence: 'insurance_card' as const,
      numbers: { insurerNumber: '01130013', symbol: '', number: '1', branch: '' },
    };
    expect(Object.keys(stepErrors(base(), w))).toEqual(['insurerNumber']);
  });

  it('verbal: the stored record and 変更なし; a changed copay needs a reason', () => {
    const state = { ...base(), past };
    const w = {
      ...newWizard('card_fault', now),
      identity: 'visual' as const,
      visualConfirmed: true,
      identityConfirmedAt: localIso(now),
      evidence: 'verbal' as const,
      verbalConfirmed: true,
      copayPercent: 20 as const,
    };
    expect(stepErrors(state, { ...w, step: 'copay' })).toHaveProperty('copayReason');
    const v = visitFor(state, { ...w, copayReason: '本人申告' });
    expect(v.evidence).toEqual({
      kind: 'verbal',
      insurance: past.insurance,
      pastRecordRef: past.id,
      confirmedUnchanged: true,
    });
    expect(v.identity).toEqual({ method: 'visual', confirmedBy: 's1', confirmedAt: localIso(now) });
    expect(v.copay).toEqual({ percent: 20, source: 'staff', reason: '本人申告' });
    expect(v.pastInsurance).toBeUndefined();
    expect(Visit.safeParse(v).success).toBe(true);
  });
});
