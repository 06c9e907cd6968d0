import { describe, expect, it } from 'vitest';
import { doctorReport, type DoctorInputs } from '../../src/hardware/health/doctor.ts';

const AT = '2025-03-01T09:00:00.000Z';
const allOk: DoctorInputs = {
  at: AT,
  pcsc: { source: 'pcsc', service: 'running', readers: [{ name: 'Face Reader', cardPresent: true }] },
  terminal: { source: 'terminal', link: 'ok', consecutiveFailures: 0, lastAnswerAt: '2025-03-01T08:59:00.000Z' },
  power: { source: 'power', state: 'ac', charge: 100, device: 'Back-UPS ES 850G2' },
  network: { source: 'network', facility: 'ok', wideArea: 'ok' },
};

describe('doctorReport', () => {
  it('all well: 通常, every device listed with facts, JSON round-trips', () => {
    const { report, text } = doctorReport(allOk);
    expect(report.mode).toBe('normal');
    expect(report.causes).toEqual([]);
    expect(report.devices.map((d) => [d.key, d.status])).toEqual([
      ['reader', 'ok'],
      ['card', 'unknown'],
      ['terminal', 'ok'],
      ['network', 'ok'],
      ['power', 'ok'],
    ]);
    expect(report.devices[0]!.facts).toMatchObject({ service: 'running', readers: 'Face Reader [card]' });
    expect(report.devices[4]!.facts).toMatchObject({ device: 'Back-UPS ES 850G2', charge: 100 });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(text).toContain('状態: 通常');
    expect(text).toContain('[正常] カードリーダー');
    expect(text).toContain('なし');
  });

  it('reports what it sees now, without debounce: one missing reader is 障害時 with the next step', () => {
    const { report, text } = doctorReport({ ...allOk, pcsc: { source: 'pcsc', service: 'running', readers: [] } });
    expect(report.mode).toBe('outage');
    expect(report.causes.map((c) => c.code)).toEqual(['reader_fault']);
    const reader = report.devices.find((d) => d.key === 'reader')!;
    expect(reader.status).toBe('fault');
    expect(reader.codes).toEqual(['reader_fault']);
    expect(text).toContain('状態: 障害時');
    expect(text).toContain(report.causes[0]!.nextStep);
  });

  it('no inputs at all: every device unknown, mode normal (nothing observed to be broken)', () => {
    const { report, text } = doctorReport({ at: AT });
    expect(report.mode).toBe('normal');
    expect(report.devices.every((d) => d.status === 'unknown')).toBe(true);
    expect(text).toContain('[不明] 電源（UPS）');
  });

  it('on battery with low charge: 一部障害, a warning, and the power next step', () => {
    const { report, text } = doctorReport({
      ...allOk,
      power: { source: 'power', state: 'battery', charge: 10, runtimeSeconds: 240 },
    });
    expect(report.mode).toBe('degraded');
    expect(report.warnings.map((w) => w.code)).toEqual(['power_battery_low']);
    const p = report.devices.find((d) => d.key === 'power')!;
    expect(p.text).toBe('バッテリー運転中（残り10%、約4分）');
    expect(p.nextSteps).toHaveLength(2);
    expect(text).toContain('■ 注意');
  });

  it('a test card finding and the help-desk facts are included', () => {
    const { report, text } = doctorReport({
      ...allOk,
      card: { source: 'card', diagnosis: 'expired', reader: 'Face Reader' },
      terminal: { source: 'terminal', link: 'share_missing', consecutiveFailures: 4, detail: '\\\\OQS\\share' },
      facts: { terminal: { sharePath: '\\\\OQS\\share' } },
    });
    expect(report.finding).toMatchObject({ code: 'card_cert_expired', severity: 'error' });
    expect(report.mode).toBe('outage');
    const t = report.devices.find((d) => d.key === 'terminal')!;
    expect(t.facts).toMatchObject({ link: 'share_missing', consecutiveFailures: 4, sharePath: '\\\\OQS\\share' });
    expect(text).toContain('sharePath=\\\\OQS\\share');
    expect(text).toContain('電子証明書の有効期限から3か月');
  });
});
