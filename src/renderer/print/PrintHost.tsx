// Mount point of the print preview (App.tsx renders it once). Nothing is rendered, and nothing of the
// preview or the sheets is loaded, until openPrint() is called.
import { lazy, Suspense } from 'react';
import { usePrint } from './state.ts';

const Preview = lazy(() => import('./Preview.tsx').then((m) => ({ default: m.Preview })));

export function PrintHost() {
  const job = usePrint((s) => s.job);
  if (job === undefined) return null;
  return (
    <Suspense fallback={null}>
      <Preview job={job} />
    </Suspense>
  );
}
