// システム障害時モード: placeholder until the incident record screen lands.
import { strings } from '../strings.ts';

export function Incidents() {
  return (
    <section className="card" aria-labelledby="incidents-title" data-testid="incidents">
      <h2 id="incidents-title">{strings.navIncidents}</h2>
    </section>
  );
}
