import { describe, expect, it } from 'vitest';
import {
  CAUSE_POLICY,
  CLINIC_CAUSES,
  CLINIC_WARNINGS,
  RECEPTION_CAUSES,
  RECEPTION_WARNINGS,
} from '../../src/hardware/health/causes.ts';
import {
  CAUSE_MESSAGES,
  DEVICE_LABELS,
  FINDING_MESSAGES,
  FINDING_SHORT,
  MODE_DESCRIPTIONS,
  MODE_LABELS,
  warningMessage,
} from '../../src/hardware/health/messages.ts';

const JAPANESE = /[ぁ-んァ-ヶ一-龯]/;

describe('health messages: Japanese text and a next step for every code', () => {
  it.each(CLINIC_CAUSES)('clinic cause %s', (code) => {
    const m = CAUSE_MESSAGES[code];
    expect(m.message).toMatch(JAPANESE);
    expect(m.nextStep).toMatch(JAPANESE);
    expect(m.nextStep).toMatch(/ください/);
    expect(CAUSE_POLICY[code]).toBeDefined();
  });

  it.each([...RECEPTION_CAUSES, ...RECEPTION_WARNINGS])('reception finding %s', (code) => {
    const m = FINDING_MESSAGES[code];
    expect(m.message).toMatch(JAPANESE);
    expect(m.nextStep).toMatch(/ください/);
    expect(FINDING_SHORT[code]).toMatch(JAPANESE);
  });

  it.each(CLINIC_WARNINGS)('clinic warning %s', (code) => {
    expect(warningMessage(code).message).toMatch(JAPANESE);
    expect(warningMessage(code, { charge: 12 }).message).toContain('12%');
    expect(warningMessage(code).nextStep).toMatch(/ください/);
  });

  it('every outage cause tells staff how to carry on with reception', () => {
    for (const code of CLINIC_CAUSES.filter((c) => CAUSE_POLICY[c].impact === 'outage')) {
      expect(CAUSE_MESSAGES[code].nextStep).toMatch(/受付を続けて/);
    }
  });

  it('mode labels and device labels', () => {
    expect(MODE_LABELS).toEqual({ normal: '通常', degraded: '一部障害', outage: '障害時' });
    for (const d of Object.values(MODE_DESCRIPTIONS)) expect(d).toMatch(JAPANESE);
    expect(Object.keys(DEVICE_LABELS).sort()).toEqual(['card', 'network', 'power', 'reader', 'terminal']);
  });

  it('per-patient causes never set the clinic mode (they are not in the clinic table)', () => {
    for (const code of RECEPTION_CAUSES) expect(code in CAUSE_POLICY).toBe(false);
  });
});
