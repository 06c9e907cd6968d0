// The clinic link's status for the status bar and 設定 → 院内サーバー (its own module: the status bar, in the first
// screen's chunk, does not pull the settings card in).
import { useEffect, useState } from 'react';
import type { RequestOutput } from '../../main/contract.ts';
import { call } from '../api.ts';

/** The clinic link's status, asked every `everyMs` (null until the core answers). */
export function useServerStatus(everyMs = 5000): RequestOutput<'server.status'> | null {
  const [status, setStatus] = useState<RequestOutput<'server.status'> | null>(null);
  useEffect(() => {
    let live = true;
    const ask = () =>
      call('server.status', {}).then(
        (s) => live && setStatus(s),
        () => undefined,
      );
    void ask();
    const timer = setInterval(() => void ask(), everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [everyMs]);
  return status;
}
