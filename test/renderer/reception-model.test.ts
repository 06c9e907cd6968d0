// The reception wizard's pure rules (no browser): the cause preselected from the health state, which evidence
// is offered, and the visit built for 'visits.save' — checked against the Visit schema the core enforces.
import { describe, expect, it } from 'vitest';
import { Visit } from '../../src/claims/visit.ts';
import type { HealthStateView, PatientRecordView } from '../../src/main/contract.ts';
import { decideClaim } from '../../src/claims/decide.ts';
import { defaultClaimSettings } from '../../src/claims/settings.ts';
import { birthError } from '../../src/renderer/reception/Start.tsx';
import { choicesFor, stepErrors, visitFor } from '../../src/renderer/reception/steps.ts';
import { strings } from '../../src/renderer/strings.ts';
import {
  causeFromHealth,
  emptyPatient,
  localIso,
  newWizard,
  offeredEvidence,
  openEmergency,
  stepsFor,
  useReception,
  type ReceptionState,
  isChild,
  koukiFromDocument,
  openWizard,
} from '../../src/renderer/reception/model.ts';
import { formatPhone } from '../../src/renderer/print/format.ts';

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
  it('card_fault for a card that could not be read when no clinic cause is active', () => {
    const finding = (code: string, severity: 'error' | 'warning') => ({
      code,
      message: '',
      nextStep: '',
      severity,
      at: '2026-11-25T09:00:00+09:00',
    });
    expect(causeFromHealth({ ...health([]), findings: [finding('card_chip_unreadable', 'error')] })).toBe('card_fault');
    expect(causeFromHealth({ ...health([]), findings: [finding('card_cert_expiring_soon', 'warning')] })).toBe(
      undefined,
    );
    // A clinic cause comes first.
    expect(
      causeFromHealth({
        ...health([{ code: 'reader_fault', device: 'reader' }]),
        findings: [finding('card_chip_unreadable', 'error')],
      }),
    ).toBe('reader_fault');
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
  it('システム障害時モード only while an activation is open, after the others (their keys unchanged)', () => {
    const ref = { id: 'inc-1', referenceNumber: 'R-1', startedAt: '2026-11-25T09:00:00+09:00' };
    expect(offeredEvidence('visual', null)).not.toContain('emergency_mode');
    expect(offeredEvidence('visual', null, ref)).toEqual([
      'portal',
      'qualification_certificate',
      'insurance_card',
      'notice_with_card',
      'declaration',
      'emergency_mode',
    ]);
    const incident = {
      id: 'inc-2',
      kind: 'emergency_mode' as const,
      cause: '',
      startedAt: '2026-11-25T10:00:00+09:00',
      endedAt: null,
      referenceNumber: 'R-2',
      calledBy: '',
      note: '',
      staff: 's1',
    };
    expect(openEmergency([])).toBeNull();
    expect(openEmergency([{ ...incident, endedAt: '2026-11-25T11:00:00+09:00' }])).toBeNull();
    expect(openEmergency([{ ...incident, kind: 'outage' }])).toBeNull();
    expect(openEmergency([{ ...incident, id: 'old' }, incident])).toEqual({
      id: 'inc-2',
      referenceNumber: 'R-2',
      startedAt: '2026-11-25T10:00:00+09:00',
    });
  });
  it('the verbal confirmation has no detail step', () => {
    expect(stepsFor({ evidence: 'verbal' })).toEqual(['cause', 'identity', 'evidenceKind', 'copay', 'summary']);
    expect(stepsFor({ evidence: 'declaration' })).toContain('evidenceDetail');
    expect(stepsFor({ evidence: undefined })).toHaveLength(6);
  });
});

describe('number keys', () => {
  const now = new Date('2026-11-25T10:00:00+09:00');
  const state = (): ReceptionState => ({
    staff: 's1',
    staffList: [],
    patient: { ...emptyPatient(), name: '山田 太郎', birthText: '1960-05-20', sex: 'male' },
    past,
    editing: true,
    wizard: null,
    wizardOpen: true,
    saved: null,
  });
  const keys = (w: ReturnType<typeof newWizard>) => choicesFor(state(), w).map((c) => c.key);
  /** Presses `key` on the draft's step and returns the draft afterwards. */
  const press = (w: ReturnType<typeof newWizard>, key: string) => {
    useReception.setState({ ...state(), wizard: w });
    choicesFor(state(), w)
      .find((c) => c.key === key)
      ?.choose();
    return useReception.getState().wizard!;
  };

  it('1–9 by position on the choice steps; the 負担割合 by its own digit; none on the other steps', () => {
    const w = newWizard(undefined, now);
    expect(keys(w)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(keys({ ...w, step: 'identity' })).toEqual(['1', '2', '3', '4']);
    // Evidence keys are the official order's places, whatever applies (issue #15): お知らせ (4) does not apply
    // without the card, システム障害時モード (7) without an activation; their keys are not reused.
    expect(keys({ ...w, step: 'evidenceKind', identity: 'none' })).toEqual(['1', '2', '3', '5', '6']);
    expect(keys({ ...w, step: 'evidenceKind', identity: 'visual' })).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(keys({ ...w, step: 'copay' })).toEqual(['3', '2', '1', '0']);
    expect(keys({ ...w, step: 'evidenceDetail' })).toEqual([]);
    expect(keys({ ...w, step: 'summary' })).toEqual([]);
  });

  it('目視 by key records the comparison (who at save, when now); カードなし records none', () => {
    const w = { ...newWizard('card_fault', now), step: 'identity' as const };
    const visual = press(w, '3');
    expect(visual).toMatchObject({ identity: 'visual', visualConfirmed: true });
    expect(visual.identityConfirmedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(stepErrors(state(), visual)).toEqual({});
    const none = press(visual, '4');
    expect(none).toMatchObject({ identity: 'none', visualConfirmed: false, identityConfirmedAt: undefined });
  });

  it('the verbal option is the confirmation; choosing another withdraws it', () => {
    const w = { ...newWizard('card_fault', now), step: 'evidenceKind' as const, identity: 'none' as const };
    // none + stored insurance: portal 1, 資格確認書 2, 保険証 3, (お知らせ 4 greyed), verbal 5, 申立書 6
    expect(press(w, '4')).toMatchObject({ evidence: undefined }); // a greyed option's key does nothing
    const verbal = press(w, '5');
    expect(verbal).toMatchObject({ evidence: 'verbal', verbalConfirmed: true });
    expect(stepErrors(state(), verbal)).toEqual({});
    expect(press(verbal, '6')).toMatchObject({ evidence: 'declaration', verbalConfirmed: false });
    // A draft that says verbal without the confirmation does not advance.
    expect(stepErrors(state(), { ...verbal, verbalConfirmed: false })).toHaveProperty('evidence');
  });

  it('a rate other than the proposal by key needs a reason', () => {
    const w = { ...newWizard('card_fault', now), step: 'copay' as const };
    expect(stepErrors(state(), press(w, '3'))).toEqual({}); // 3割 is the proposal at 66
    expect(stepErrors(state(), press(w, '1'))).toHaveProperty('copayReason');
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

  it('申立書: staff mark 障害認定 (65–74); the ③ claim then has the 後期 番号 「77777777」 (2023-07-19 事務連絡)', () => {
    const state = {
      ...base(),
      patient: { ...base().patient, birthText: '1958-01-10', address: '東京都中野区中野1-1-1', phone: '09012345678' },
    };
    const wizard = newWizard('qualification_not_found', now);
    const w = {
      ...wizard,
      identity: 'none' as const,
      evidence: 'declaration' as const,
      declaration: { ...wizard.declaration, insuranceType: 'kokuho' as const, disabilityCertified: true },
    };
    const v = Visit.parse(visitFor(state, w));
    expect(v.evidence.declaration?.disabilityCertified).toBe(true);
    expect(decideClaim(v, defaultClaimSettings).ho.number).toBe('77777777');
    const unmarked = Visit.parse(
      visitFor(state, { ...w, declaration: { ...w.declaration, disabilityCertified: false } }),
    );
    expect(unmarked.evidence.declaration).not.toHaveProperty('disabilityCertified');
    expect(decideClaim(unmarked, defaultClaimSettings).ho.number).toBe('777777777');
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

  it("システム障害時モード: the card's 4 items from the patient form and the incident; valid and claimable", () => {
    const state = {
      ...base(),
      patient: { ...base().patient, address: '東京都中野区中野１－１', phone: '03-1111-2222' },
    };
    const w = {
      ...newWizard('wide_area_network', now),
      step: 'evidenceDetail' as const,
      identity: 'visual' as const,
      visualConfirmed: true,
      identityConfirmedAt: localIso(now),
      evidence: 'emergency_mode' as const,
      emergency: { id: 'inc-1', referenceNumber: 'R-1', startedAt: localIso(now) },
    };
    expect(stepErrors(state, w)).toEqual({});
    expect(Object.keys(stepErrors({ ...state, patient: { ...state.patient, address: ' ' } }, w))).toEqual(['address']);
    const v = visitFor(state, w);
    expect(v.evidence).toEqual({
      kind: 'emergency_mode',
      fourItems: { name: 'サトウ ハナコ', birthDate: '1970-04-01', sex: 'female', address: '東京都中野区中野1-1' },
      incidentRef: 'inc-1',
    });
    const parsed = Visit.parse(v);
    const d = decideClaim(parsed, defaultClaimSettings);
    expect(d.needsDecision).toEqual([]);
    expect(d.basis).toBe('unknown'); // numbers come after restoration, from the 4 items
    expect(d.remarks.join()).toContain('東京都中野区中野1-1');
  });
});

describe('dates and ages caught early (issue #15)', () => {
  const today = new Date('2026-12-07T10:00:00+09:00');
  it('refuses an impossible date and a future birth date with a Japanese reason', () => {
    expect(birthError('2026/2/30', today)).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect(birthError('2026-12-08', today)).toBe(strings.birthFuture);
    expect(birthError('R9.1.1', today)).toBe(strings.birthFuture);
    expect(birthError('S45.4.1', today)).toBeUndefined();
    expect(birthError('2026-12-07', today)).toBeUndefined(); // born today
  });

  it('75歳以上: 1割・2割・3割 from the document with one key, no typed reason; 0 still needs one', () => {
    const now = new Date('2026-11-25T10:00:00+09:00');
    const state = (): ReceptionState => ({
      staff: 's1',
      staffList: [],
      patient: { ...emptyPatient(), name: '高齢 花子', birthText: '1940-03-03', sex: 'female' },
      past: null,
      editing: true,
      wizard: null,
      wizardOpen: true,
      saved: null,
    });
    expect(koukiFromDocument('1940-03-03', '2026-11-25')).toBe(true);
    expect(koukiFromDocument('1960-05-20', '2026-11-25')).toBe(false);
    const w = { ...newWizard('card_fault', now), step: 'copay' as const };
    expect(stepErrors(state(), w)).toEqual({ copay: strings.copayKouki });
    for (const [key, percent] of [
      ['1', 10],
      ['2', 20],
      ['3', 30],
    ] as const) {
      useReception.setState({ ...state(), wizard: w });
      choicesFor(state(), w)
        .find((c) => c.key === key)!
        .choose();
      const chosen = useReception.getState().wizard!;
      expect(stepErrors(state(), chosen)).toEqual({});
      const visit = Visit.parse(
        visitFor(state(), {
          ...chosen,
          identity: 'visual',
          evidence: 'portal',
          numbers: { insurerNumber: '39131016', symbol: '', number: '12345678', branch: '' },
        }),
      );
      expect(visit.copay.percent).toBe(percent);
      expect(visit.copay.source).toBe('staff');
      expect(visit.copay.reason).toContain('資格確認書・保険証の記載による');
    }
    expect(stepErrors(state(), { ...w, copayPercent: 0 })).toHaveProperty('copayReason');
  });
});

describe('paper (issue #15)', () => {
  it('phone numbers print with hyphens', () => {
    expect(formatPhone('09012345678')).toBe('090-1234-5678');
    expect(formatPhone('0312345678')).toBe('03-1234-5678');
    expect(formatPhone('0451234567')).toBe('045-123-4567');
    expect(formatPhone('0120123456')).toBe('0120-123-456');
    expect(formatPhone('０３１２３４５６７８')).toBe('03-1234-5678');
    expect(formatPhone('03-1234-5678')).toBe('03-1234-5678');
    expect(formatPhone('')).toBe('');
  });

  it('本人/家族 has no silent default for a child (under 15 on the day)', () => {
    expect(isChild('2016-06-01', '2026-12-07')).toBe(true);
    expect(isChild('2011-12-07', '2026-12-07')).toBe(false); // 15 today
    expect(isChild('1960-05-20', '2026-12-07')).toBe(false);
    useReception.setState({
      staff: 's1',
      patient: { ...emptyPatient(), name: '子供 太郎', birthText: '2016-06-01', sex: 'male' },
      wizard: null,
    });
    openWizard(undefined, new Date('2026-12-07T10:00:00+09:00'));
    const w = useReception.getState().wizard!;
    expect(w.declaration.relationship).toBe('');
    const errs = stepErrors(useReception.getState(), { ...w, step: 'evidenceDetail', evidence: 'declaration' });
    expect(errs.relationship).toBe(strings.declRelationshipRequired);
  });
});
