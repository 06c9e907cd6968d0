// 設定: placeholder until the settings screen lands.
import { strings } from '../strings.ts';

export function Settings() {
  return (
    <section className="card" aria-labelledby="settings-title" data-testid="settings">
      <h2 id="settings-title">{strings.navSettings}</h2>
    </section>
  );
}
