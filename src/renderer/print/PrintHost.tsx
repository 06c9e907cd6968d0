// Mount point of the print preview (App.tsx renders it once). Nothing is rendered, and nothing of the
// preview or the sheets is loaded, until openPrint() is called or the app is opened with a print link.
import { lazy, Suspense, useEffect } from 'react';
import { openPrint, printJobFromLink, usePrint } from './state.ts';

const Preview = lazy(() => import('./Preview.tsx').then((m) => ({ default: m.Preview })));

export function PrintHost() {
  const job = usePrint((s) => s.job);
  // The app opened (or the address changed) with a print link (state.ts printJobFromLink): show that sheet once,
  // then drop the link from the address.
  useEffect(() => {
    const follow = (): void => {
      const linked = printJobFromLink(location.hash);
      if (linked === undefined) return;
      history.replaceState(null, '', location.pathname + location.search);
      openPrint(linked);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  if (job === undefined) return null;
  return (
    <Suspense fallback={null}>
      <Preview job={job} />
    </Suspense>
  );
}
