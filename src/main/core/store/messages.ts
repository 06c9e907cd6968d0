// Every staff-facing text of the store, in one place. Codes are stable machine identifiers; the UI shows
// `message` as is. Keep messages short, polite and actionable: the reader is a receptionist with a queue.

export const storeMessages = {
  INVALID_VISIT: '受付内容に不足または誤りがあります。入力内容を確認してください。',
  INVALID_INPUT: '入力内容に誤りがあります。',
  FORBIDDEN_MY_NUMBER: '個人番号（マイナンバー）または暗証番号は記録できません。該当する項目を削除してください。',
  VISIT_CONFLICT: '同じ受付番号で内容の異なる受付がすでに保存されています。画面を再読み込みしてください。',
  UNKNOWN_STAFF: '担当者が職員一覧に登録されていません。設定画面で職員を登録してください。',
  NOT_FOUND: '該当するデータが見つかりません。',
  LEASE_LOST: 'この処理は他の処理に引き継がれました（再試行されます）。',
  STORE_READ_ONLY:
    'データ保存先が書き込みできない状態です。保存済みのデータは失われていません。管理者に連絡し、保存先フォルダの状態を確認してください。',
  STORE_DISK_FULL:
    'ディスクの空き容量が不足しているため保存できません。保存済みのデータは失われていません。空き容量を確保すると自動的に再開します。',
  STORE_IO_ERROR:
    'データの読み書き中にエラーが発生しました。保存済みのデータは失われていません。管理者に連絡してください。',
  STORE_NEWER_VERSION:
    'このデータは新しいバージョンのアプリで作成されたため開けません。データには手を加えていません。アプリを最新版に更新してください。',
  STORE_DAMAGED_NO_BACKUP:
    'データファイルが破損しており、復元できるバックアップがありません。破損したファイルは保管しました。管理者に連絡してください。',
  STORE_CLOSED: 'データ保存機能が停止しています。アプリを再起動してください。',
  STORE_BUSY: '他の処理がデータを使用中です。しばらく待ってから再度お試しください。',
  CSV_INVALID_ROW: 'この行の内容に誤りがあります。',
  CSV_UNREADABLE: 'CSVファイルを読み取れません。文字コードと形式を確認してください。',
  // staff review of reconciliation decisions (事後確認)
  REVIEW_REASON_REQUIRED: '理由を入力してください。判断の理由は記録に残ります。',
  REVIEW_INVALID_NUMBERS: '番号に誤りがあります。',
  REVIEW_NOTHING_TO_ACCEPT: 'まだ事後確認の結果がないため、提案を採用できません。請求区分を選んでください。',
  REVIEW_NO_NUMBERS:
    'この請求区分で請求する番号が受付・資格確認の結果にありません。「番号を修正」で番号を入力してください。',
  REVIEW_UNKNOWN_NO_CONTACT:
    '③不詳で請求するには住所と連絡先（電話番号）が必要です。患者さんに確認して住所と連絡先を入力してください。',
  REVIEW_NOT_ALLOWED: 'この受付は請求済みまたは取消のため、請求区分を変更できません。',
  // backups: the second folder (USB stick, NAS) and restoring a backup (設定 → データ)
  BACKUP_DIR_RELATIVE: 'フォルダは絶対パスで入力してください（例: E:\\shikaku-backup、/media/usb/backup）。',
  BACKUP_DIR_MISSING:
    '2か所目のバックアップ先フォルダが見つかりません。USBメモリが差し込まれているか、共有フォルダに接続できるか確認してください。',
  BACKUP_DIR_NOT_WRITABLE:
    '2か所目のバックアップ先フォルダに書き込めません。書き込み禁止になっていないか、権限を確認してください。',
  BACKUP_COPY_GONE:
    '2か所目へのコピー中にフォルダが見えなくなりました（USBメモリが抜かれた可能性があります）。途中までのコピーは残していません。データフォルダのバックアップは無事です。',
  BACKUP_COPY_FULL:
    '2か所目のバックアップ先の空き容量が不足しているためコピーできませんでした。途中までのコピーは残していません。データフォルダのバックアップは無事です。',
  BACKUP_COPY_FAILED:
    '2か所目へのコピー中にエラーが発生しました。途中までのコピーは残していません。データフォルダのバックアップは無事です。',
  RESTORE_NOT_FOUND: '指定したバックアップが見つかりません。一覧を更新してください。',
  RESTORE_DAMAGED:
    'このバックアップは破損しているため戻せません。現在のデータには手を加えていません。別のバックアップを選んでください。',
  RESTORE_NEWER_VERSION:
    'このバックアップは新しいバージョンのアプリで作成されたため戻せません。現在のデータには手を加えていません。',
  RESTORE_FAILED:
    'バックアップから戻す途中でエラーが発生しました。現在のデータはそのまま使えます。管理者に連絡してください。',
} as const;

export type StoreErrorCode = keyof typeof storeMessages;

/** Notices shown once after startup (the startup report). */
export const startupMessages = {
  opened: 'データを開きました。',
  created: '新しいデータファイルを作成しました。',
  migrated: (from: number, to: number) =>
    `データ形式を更新しました（${from} → ${to}）。更新前のバックアップを保存しました。`,
  restored: (backupAt: string, damaged: string) =>
    `データファイルの破損を検出したため、バックアップ（${backupAt} 時点）から復元しました。破損したファイルは ${damaged} として保管しています。バックアップ以降に受け付けた内容は再入力が必要な場合があります。`,
  salvaged: (n: number) => `破損したファイルから ${n} 件の受付を回収しました。`,
  damagedNoBackup: (damaged: string) =>
    `データファイルが破損しており、バックアップがありません。破損したファイルは ${damaged} として保管し、新しいデータファイルで開始しました。管理者に連絡してください。`,
  restoreFinished: '前回中断されたバックアップからの復元を完了しました。',
  readOnly: '保存先に書き込みできないため、閲覧のみで開きました。新しい受付は保存できません。',
  diskFull:
    'ディスクの空き容量が不足しています。閲覧のみで開きました。新しい受付は保存できません。空き容量を確保すると自動的に再開します。',
} as const;

/** Per-row messages of the patients CSV import. */
export const importMessages = {
  missingName: '氏名が空です。',
  badBirthDate: '生年月日が読み取れません（例: 1980-04-01、1980/4/1、19800401）。',
  badSex: '性別が読み取れません（男・女、1・2、M・F のいずれか）。',
  badLastVisit: '最終来院日が読み取れません。',
  myNumber: '個人番号（マイナンバー）と思われる値が含まれているため取り込みません。',
  columnCount: '列の数がヘッダーと一致しません。',
  hiddenMyNumber: '（個人番号のため表示しません）',
  missingColumns: (cols: string[]) => `必須の列がありません: ${cols.join('、')}`,
} as const;
