// The app root: banner, health bar, journal notice, the screens (受付 / 事後確認の一覧) and the status bar.
import { useEffect, useState } from 'react';
import { connect, useConnection } from './connection.ts';
import { HealthBar } from './HealthBar.tsx';
import { JournalNotice } from './JournalNotice.tsx';
import { Queue } from './reception/Queue.tsx';
import { Reception } from './reception/Reception.tsx';
import { StatusBar } from './StatusBar.tsx';
import { strings } from './strings.ts';

export function App() {
  useEffect(() => connect(), []);
  const demo = useConnection((s) => s.info?.demo === true);
  const [screen, setScreen] = useState<'reception' | 'queue'>('reception');
  return (
    <div className="app">
      {demo && (
        <div className="demo-banner" role="alert" data-testid="demo-banner">
          <strong>{strings.demoBanner}</strong> {strings.demoBannerDetail}
        </div>
      )}
      <header className="app-header">
        <h1>{strings.appTitle}</h1>
        <nav aria-label={strings.nav} className="app-nav">
          <button type="button" aria-pressed={screen === 'reception'} onClick={() => setScreen('reception')}>
            {strings.navReception}
          </button>
          <button type="button" aria-pressed={screen === 'queue'} onClick={() => setScreen('queue')}>
            {strings.navQueue}
          </button>
        </nav>
      </header>
      <HealthBar />
      <JournalNotice />
      <main className="app-main">{screen === 'reception' ? <Reception /> : <Queue />}</main>
      <StatusBar />
    </div>
  );
}
