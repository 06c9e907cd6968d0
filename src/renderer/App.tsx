// The app root. The lead's UI step adds the screens inside <main>.
import { useEffect } from 'react';
import { connect, useConnection } from './connection.ts';
import { HealthBar } from './HealthBar.tsx';
import { JournalNotice } from './JournalNotice.tsx';
import { StatusBar } from './StatusBar.tsx';
import { strings } from './strings.ts';

export function App() {
  useEffect(() => connect(), []);
  const demo = useConnection((s) => s.info?.demo === true);
  return (
    <div className="app">
      {demo && (
        <div className="demo-banner" role="alert" data-testid="demo-banner">
          <strong>{strings.demoBanner}</strong> {strings.demoBannerDetail}
        </div>
      )}
      <header className="app-header">
        <h1>{strings.appTitle}</h1>
      </header>
      <HealthBar />
      <JournalNotice />
      <main className="app-main">
        <p>{strings.mainPlaceholder}</p>
      </main>
      <StatusBar />
    </div>
  );
}
