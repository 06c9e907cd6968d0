// Status bar placeholder: the core connection state and the app's version / data folder.
import { useConnection } from './connection.ts';
import { useServerStatus } from './settings/server-status.ts';
import { strings } from './strings.ts';

export function StatusBar() {
  const status = useConnection((s) => s.status);
  const info = useConnection((s) => s.info);
  const server = useServerStatus();
  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span className="core-state" data-testid="core-state" data-state={status.state}>
        {strings.coreStateLabel}: {strings.coreState[status.state]}
      </span>
      {status.state !== 'ready' && status.detail !== '' && (
        <span className="core-detail" data-testid="core-detail">
          {status.detail}
        </span>
      )}
      {server && server.mode !== 'off' && (
        <span className="server-state" data-testid="server-state" data-mode={server.mode}>
          {strings.server.status(server.text, server.pcName)}
        </span>
      )}
      {info !== undefined && (
        <span className="app-info" data-testid="app-info">
          {strings.version(info.version)} ・ {strings.dataDir(info.dataDir)}
        </span>
      )}
    </footer>
  );
}
