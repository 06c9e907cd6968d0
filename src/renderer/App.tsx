// The app root: banner, header (nav, 訓練の操作 where drills are available), health bar, journal notice, the screens (受付 / 事後確認の一覧 / システム障害時モード / 設定)
// and the status bar. Screens other than 受付 are loaded when first opened, so the first paint stays small.
import { lazy, Suspense, useEffect, useState } from 'react';
import { call } from './api.ts';
import { connect, useConnection } from './connection.ts';
import { DrillPanel } from './DrillPanel.tsx';
import { HealthBar } from './HealthBar.tsx';
import { JournalNotice } from './JournalNotice.tsx';
import { PrintHost } from './print/index.ts';
import { Reception } from './reception/Reception.tsx';
import { FirstStart } from './setup/FirstStart.tsx';
import { StatusBar } from './StatusBar.tsx';
import { strings } from './strings.ts';

const Queue = lazy(() => import('./queue/Queue.tsx').then((m) => ({ default: m.Queue })));
const Incidents = lazy(() => import('./incidents/Incidents.tsx').then((m) => ({ default: m.Incidents })));
const Settings = lazy(() => import('./settings/Settings.tsx').then((m) => ({ default: m.Settings })));

const screens = ['reception', 'queue', 'incidents', 'settings'] as const;
export type Screen = (typeof screens)[number];
const navLabel: Record<Screen, string> = {
  reception: strings.navReception,
  queue: strings.navQueue,
  incidents: strings.navIncidents,
  settings: strings.navSettings,
};

function ScreenView({ screen }: { screen: Screen }) {
  switch (screen) {
    case 'reception':
      return <Reception />;
    case 'queue':
      return <Queue />;
    case 'incidents':
      return <Incidents />;
    case 'settings':
      return <Settings />;
  }
}

export function App() {
  useEffect(() => connect(), []);
  const demo = useConnection((s) => s.info?.demo === true);
  const ready = useConnection((s) => s.status.state === 'ready');
  const [screen, setScreen] = useState<Screen>('reception');
  // First start (no 医療機関コード, no staff): the setup screen instead of the others; asked on every (re)start.
  const [setup, setSetup] = useState(false);
  useEffect(() => {
    if (!ready) return;
    call('setup.status', {}).then(
      (r) => setSetup(r.needed),
      () => setSetup(false),
    );
  }, [ready]);
  // A restored backup (設定 → データ): the screen is remounted and loads the restored journal's data.
  const reopened = useConnection((s) => s.reopened);
  return (
    <div className="app">
      {demo && (
        <div className="demo-banner" role="alert" data-testid="demo-banner">
          <strong>{strings.demoBanner}</strong> {strings.demoBannerDetail}{' '}
          <button
            type="button"
            className="button link"
            onClick={() => void call('app.restart', { demo: false }).catch(() => undefined)}
          >
            {strings.demoLeave}
          </button>
        </div>
      )}
      <header className="app-header">
        <h1>{strings.appTitle}</h1>
        {!setup && (
          <nav aria-label={strings.nav} className="app-nav">
            {screens.map((s) => (
              <button key={s} type="button" aria-pressed={screen === s} onClick={() => setScreen(s)}>
                {navLabel[s]}
              </button>
            ))}
          </nav>
        )}
        {!setup && <DrillPanel />}
      </header>
      <HealthBar />
      <JournalNotice />
      <main className="app-main">
        {setup ? (
          <FirstStart onDone={() => setSetup(false)} />
        ) : (
          <Suspense fallback={<p role="status">{strings.loadingScreen}</p>}>
            <ScreenView key={reopened} screen={screen} />
          </Suspense>
        )}
      </main>
      <StatusBar />
      <PrintHost />
    </div>
  );
}
