// Staff-facing texts of the 事前確認 core (run errors, booking rows), kept in one place like the other messages
// modules. The screens' own texts are in src/renderer/strings-precheck.ts.
export const precheckMessages = {
  NO_TERMINAL: '資格確認端末の共有フォルダが設定されていないため、事前確認できませんでした。',
  STOPPED: 'アプリの終了で事前確認を中断しました。残りは次の起動時に確認します。',
  linkDown: (code: string) =>
    `資格確認端末が応答しないため、事前確認を途中で止めました（${code}）。取得済みの結果は使えます。残りは後で再試行します。`,
  batchFailed: (code: string) => `一部の一括照会に失敗しました（${code}）。残りは後で再試行します。`,
  RUN_BUSY: '事前確認はすでに実行中です。',
  STAFF_REQUIRED: '取り込む職員を選んでください。',
  // bookings CSV rows
  bookings: {
    unreadable: 'CSVファイルを読み取れません。',
    noRows: 'CSVファイルに予約の行がありません。',
    missingField: (field: string) => `「${field}」の列を選んでください。`,
    columnCount: '列の数が見出しと合いません。',
    myNumber: '個人番号（マイナンバー）らしい数字があるため、この行は取り込みません。',
    badDay: (v: string) => `予約日「${v}」を日付として読めません。`,
    badBirth: (v: string) => `生年月日「${v}」を日付として読めません。`,
    noName: '氏名がありません。',
    noNumbers: '保険の番号がなく、患者の記録からも見つかりません（事前確認できません）。',
    badNumbers: (why: string) => `保険の番号が正しくありません（${why}）。`,
  },
} as const;
