// Every staff-facing text of the clinic server connection (docs/clinic-server.md), by stable code.
export const serverMessages = {
  SERVER_NOT_CONFIGURED: '院内サーバーは設定されていません（このPCのデータのみで動作します）。',
  SERVER_UNREACHABLE:
    '院内サーバーに接続できません。このPCのデータで受付を続けられます。サーバーが戻ると自動的に送信します。',
  SERVER_AUTH_FAILED:
    '院内サーバーのユーザー名またはパスワードが違います。このPCのデータで動作を続けます。設定を確認してください。',
  SERVER_NO_PASSWORD: '院内サーバーのパスワードが保存されていません。設定画面で入力してください。',
  SERVER_DATABASE_MISSING: '院内サーバーに指定のデータベースがありません。データベース名を確認してください。',
  SERVER_TLS_FAILED: '院内サーバーとの暗号化接続（TLS）に失敗しました。TLSの設定を確認してください。',
  SERVER_TLS_CERT_CHANGED:
    '院内サーバーの証明書が、このPCに登録された指紋と違います。接続しませんでした（パスワードは送っていません）。サーバーの管理者に確認してください。',
  SERVER_SCHEMA_NEWER:
    '院内サーバーのデータは新しいバージョンのアプリで作成されています。このPCのデータで動作を続けます。アプリを更新してください。',
  SERVER_PC_NAME_TAKEN:
    'このPC名は院内サーバー上で別のPCが使っています。このPCのデータで動作を続けます。設定画面でPC名を変えてください。',
  SERVER_ERROR: '院内サーバーでエラーが発生しました。このPCのデータで動作を続けます。管理者に連絡してください。',
} as const;

export type ServerErrorCode = keyof typeof serverMessages;

/** 「接続テスト」's answer when it connected. */
export function connectionOkMessage(
  serverVersion: string,
  schemaVersion: number,
  appSchema: number,
  fingerprint: string | null = null,
): string {
  const schema =
    schemaVersion === 0 ? 'まだ初期設定されていません（最初に接続したPCが作成します）' : `スキーマ ${schemaVersion}`;
  const cert = fingerprint ? `サーバー証明書の指紋（SHA-256）: ${fingerprint}` : '';
  return `接続できました（PostgreSQL ${serverVersion}、${schema}、このアプリはスキーマ ${appSchema}）。${cert}`;
}

/** What the screens say about where the data comes from. */
export const serverStatusText = {
  connected: '院内サーバーに接続中',
  local: 'このPCのデータのみ',
} as const;

export class ServerError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    readonly detail = '',
  ) {
    super(detail ? `${serverMessages[code]} (${detail})` : serverMessages[code]);
    this.name = 'ServerError';
  }
}
