// The clinic server's requests (docs/clinic-server.md): the link's status for the screens, 「接続テスト」, and the
// password into the secret store (never the settings table; the audit entry records that it changed, not the value).
import { ContractError } from '../../contract.ts';
import { classify, testConnection } from '../server/client.ts';
import { connectionOkMessage, serverMessages, serverStatusText } from '../server/messages.ts';
import { ServerSettings } from '../store/settings.ts';
import { storeOf, unwrap, type CoreDeps, type Handlers } from './common.ts';

export type ServerRequest = 'server.status' | 'server.test' | 'server.password';

export function serverHandlers(deps: CoreDeps): Handlers<ServerRequest> {
  return {
    'server.status': () => {
      const s = deps.clinic?.status();
      return s
        ? {
            mode: s.mode,
            text: s.text,
            pcName: s.pcName,
            code: s.code,
            message: s.message,
            lastSyncAt: s.lastSyncAt,
            reconciler: s.reconciler,
          }
        : {
            mode: 'off',
            text: serverStatusText.local,
            pcName: '',
            code: null,
            message: null,
            lastSyncAt: null,
            reconciler: 'alone',
          };
    },
    'server.test': async ({ settings, password }) => {
      const parsed = ServerSettings.safeParse(settings);
      if (!parsed.success) throw new ContractError('INVALID_INPUT', '院内サーバーの設定に誤りがあります。');
      try {
        const t = await testConnection(parsed.data, password ?? (await deps.secrets?.get()) ?? null);
        return {
          ok: true,
          code: null,
          message: connectionOkMessage(t.serverVersion, t.schemaVersion, t.appSchemaVersion, t.fingerprint),
          serverVersion: t.serverVersion,
          schemaVersion: t.schemaVersion,
          fingerprint: t.fingerprint,
        };
      } catch (e) {
        const err = classify(e);
        return {
          ok: false,
          code: err.code,
          message: serverMessages[err.code],
          serverVersion: null,
          schemaVersion: null,
          fingerprint: null,
        };
      }
    },
    'server.password': async ({ password, staff }) => {
      if (!deps.secrets) throw new ContractError('SERVER_NO_SECRET_STORE', serverMessages.SERVER_NO_PASSWORD);
      const store = storeOf(deps);
      const actor = unwrap(store.resolveStaff(staff)).id;
      await deps.secrets.set(password);
      unwrap(
        store.appendAudit({
          actor,
          action: 'server.password',
          entity: 'setting',
          entityId: 'server',
          detail: { set: password !== null },
        }),
      );
      return { saved: true };
    },
  };
}
