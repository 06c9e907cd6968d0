// The health bar: always visible and small (≤ ~120 px at 1366×768 in every state). One line: the clinic's mode
// (通常 / 一部障害 / 障害時), 「システム障害時モード 有効」 while an activation is open, a short mark per device, and
// 「詳しく」; a second line: the most urgent cause and its next step. Every cause, warning and device text is
// behind 「詳しく」, which opens over the screen (it never pushes the reception form down) and closes with Esc.
// Changes are announced politely and never take focus.
import { useCallback, useRef, useState } from 'react';
import type { HealthStateView } from '../main/contract.ts';
import { useConnection } from './connection.ts';
import { useEscapeCloses } from './escape.ts';
import { strings } from './strings.ts';

type Item =
  HealthStateView['causes'][number] | HealthStateView['warnings'][number] | HealthStateView['findings'][number];

/** Every cause, warning and this reception's card / 資格 findings (e.g. a chip that cannot be read). */
function itemsOf(health: HealthStateView): Item[] {
  return [...health.causes, ...health.warnings, ...health.findings];
}

/** The item whose next step matters most: an outage cause, a degrading one, a finding that stops the card, a warning. */
export function mostUrgent(health: HealthStateView): Item | undefined {
  const rank = (c: Item): number =>
    'impact' in c ? (c.impact === 'outage' ? 0 : 1) : 'at' in c && c.severity === 'error' ? 2 : 3;
  return itemsOf(health).sort((a, b) => rank(a) - rank(b))[0];
}

export function HealthBar() {
  const health = useConnection((s) => s.health);
  const emergency = useConnection((s) => s.emergency);
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const mode = health?.mode ?? 'unknown';
  const urgent = health ? mostUrgent(health) : undefined;
  const items = health ? itemsOf(health) : [];

  const close = useCallback(() => setOpen(false), []);
  useEscapeCloses(open, close, toggle);

  return (
    <section
      className="health-bar"
      data-testid="health-bar"
      data-mode={mode}
      data-emergency={emergency ? 'open' : 'none'}
      aria-label={strings.healthLabel}
    >
      <div className="health-line">
        <div className="health-mode" role="status" aria-live="polite" data-testid="health-mode">
          {health?.modeLabel ?? strings.healthUnknown}
        </div>
        {emergency && (
          <strong className="health-emergency" data-testid="health-emergency" title={emergency.referenceNumber}>
            {strings.healthEmergency}
          </strong>
        )}
        {health && (
          <ul className="health-devices" data-testid="health-devices" aria-label={strings.healthDevices}>
            {Object.entries(health.devices).map(([key, d]) => (
              <li key={key} data-device={key} data-status={d.status} title={d.text}>
                <span aria-hidden="true" className="health-mark">
                  {strings.healthMark[d.status]}
                </span>
                {d.label}
                <span className="visually-hidden">: {d.text}</span>
              </li>
            ))}
          </ul>
        )}
        {health && (
          <button
            ref={toggle}
            type="button"
            className="health-more"
            aria-expanded={open}
            aria-controls="health-details"
            onClick={() => setOpen((o) => !o)}
          >
            {open ? strings.healthLess : strings.healthMore}
          </button>
        )}
      </div>
      {urgent && (
        <p className="health-urgent" data-testid="health-urgent" data-code={urgent.code} title={urgent.message}>
          <span className="health-next">
            {strings.nextStep}: {urgent.nextStep}
          </span>
          {items.length > 1 && <span className="health-count">{strings.healthOthers(items.length - 1)}</span>}
        </p>
      )}
      {open && health && (
        <div id="health-details" className="health-details" data-testid="health-details">
          {items.length > 0 && (
            <ul className="health-causes" data-testid="health-causes">
              {items.map((c) => (
                <li key={c.code} data-code={c.code} data-severity={c.severity}>
                  <span className="health-message">{c.message}</span>{' '}
                  <span className="health-next">
                    {strings.nextStep}: {c.nextStep}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <ul className="health-device-texts">
            {Object.entries(health.devices).map(([key, d]) => (
              <li key={key} data-status={d.status}>
                {d.label}: {d.text}
              </li>
            ))}
          </ul>
          {emergency && <p>{strings.healthEmergencyDetail(emergency.referenceNumber, emergency.calledBy)}</p>}
        </div>
      )}
    </section>
  );
}
