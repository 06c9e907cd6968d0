// The health bar: always visible, the clinic's mode (通常 / 一部障害 / 障害時) with each cause in words and the
// next step for staff, and one line per device. Changes are announced politely and never take focus.
import { useConnection } from './connection.ts';
import { strings } from './strings.ts';

export function HealthBar() {
  const health = useConnection((s) => s.health);
  const mode = health?.mode ?? 'unknown';
  return (
    <section className="health-bar" data-testid="health-bar" data-mode={mode} aria-label={strings.healthLabel}>
      <div className="health-mode" role="status" aria-live="polite" data-testid="health-mode">
        {health?.modeLabel ?? strings.healthUnknown}
      </div>
      {health && health.causes.length + health.warnings.length > 0 && (
        <ul className="health-causes" data-testid="health-causes">
          {[...health.causes, ...health.warnings].map((c) => (
            <li key={c.code} data-code={c.code} data-severity={c.severity}>
              <span className="health-message">{c.message}</span>{' '}
              <span className="health-next">
                {strings.nextStep}: {c.nextStep}
              </span>
            </li>
          ))}
        </ul>
      )}
      {health && (
        <ul className="health-devices" data-testid="health-devices">
          {Object.entries(health.devices).map(([key, d]) => (
            <li key={key} data-device={key} data-status={d.status}>
              {d.label}: {d.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
