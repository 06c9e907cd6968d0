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
  restartRequested: '内部処理を再起動しています（設定の画面から要求されました）。',
} as const;

/** What the installed app shows outside the page: window title, menu, dialogs (Electron main). */
export const shellText = {
  /** The product's name (electron-builder productName, shortcuts, uninstall entry, window title). */
  appName: '資格確認受付支援',
  demoTitleSuffix: '（訓練モード）',
  menu: {
    file: 'ファイル',
    quit: '終了',
    edit: '編集',
    undo: '元に戻す',
    redo: 'やり直し',
    cut: '切り取り',
    copy: 'コピー',
    paste: '貼り付け',
    selectAll: 'すべて選択',
    view: '表示',
    zoomIn: '拡大',
    zoomOut: '縮小',
    resetZoom: '実際のサイズ',
    fullScreen: '全画面表示',
    devTools: '開発者ツール',
  },
  openAtLogin: {
    notBoolean: '「開く」か「開かない」を選んでください。',
    failed: (why: string) => `Windows起動時に開く設定を変更できませんでした（${why}）。`,
  },
} as const;
