// Japanese details for 'core.status' events (shown under the status bar's state label).
export const statusDetails = {
  starting: '内部処理を起動しています。',
  ready: '内部処理は動作中です。',
  restarting: (attempt: number, delayMs: number, reason: string) =>
    `内部処理が停止しました（${reason}）。${attempt} 回目の再起動を ${Math.ceil(delayMs / 100) / 10} 秒後に行います。`,
  failed: (crashes: number, windowMs: number) =>
    `内部処理が ${Math.round(windowMs / 1000)} 秒間に ${crashes} 回停止したため、再起動を中止しました。`,
  stopped: '内部処理を終了しました。',
  exitReason: (code: number | null, signal: string | null) =>
    signal !== null ? `シグナル ${signal}` : `終了コード ${code ?? '不明'}`,
  readyTimeout: '起動が時間内に完了しませんでした',
} as const;
