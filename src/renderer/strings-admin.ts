// The administrator's texts (設定 → 機器の点検, the terminal folder's 接続テスト, the first start), part of the one
// strings module: strings.ts spreads them into `strings`; screens import `strings` only.
export const adminStrings = {
  settingsTabs: { label: '設定の画面', general: '設定', devices: '機器の点検' },
  devices: {
    title: '機器の点検',
    intro:
      'カードリーダー・カード・資格確認端末の共有フォルダ・ネットワーク・UPS を点検します。困ったときは「診断情報を保存」でできたファイルをサポート窓口に送ってください（患者の情報や個人番号は含まれません）。',
    recheck: '再点検',
    readCard: 'カードも読み取って点検する（リーダーにカードを置いてから「再点検」）',
    checking: '点検しています…',
    checkedAt: (at: string) => `点検した時刻: ${at}`,
    mode: (label: string, description: string) => `${label} — ${description}`,
    causes: '見つかった問題',
    noCauses: '問題は見つかりませんでした。',
    nextStep: (s: string) => `次にすること: ${s}`,
    devicesCaption: '機器ごとの結果',
    device: '機器',
    status: '状態',
    detail: '内容',
    failed: (m: string) => `点検できませんでした: ${m}`,
    saveDiagnostics: '診断情報を保存',
    savingDiagnostics: '診断情報をまとめています…',
    savedDiagnostics: (where: string, kb: number) => `診断情報を保存しました（${where}、${kb} KB）。`,
    downloadedDiagnostics: (name: string, kb: number) =>
      `診断情報 ${name}（${kb} KB）をダウンロードしました。ブラウザの「ダウンロード」フォルダを確かめてください。`,
    diagnosticsCancelled: '保存を取りやめました。',
    diagnosticsFailed: (m: string) => `診断情報を保存できませんでした: ${m}`,
    restartTitle: '内部処理の再起動',
    restartHint:
      '設定の変更はすぐに反映されるため、ふだんは再起動は要りません。カードリーダーを差し直しても認識されないときなどに使います。受付の入力中の内容は保たれます。',
    restart: '内部処理を再起動',
    restarting: '内部処理を再起動しています。数秒で元に戻ります。',
    restartFailed: (m: string) => `再起動できませんでした: ${m}`,
  },
  terminalTest: {
    test: '接続テスト',
    testing: '接続テストをしています（端末の応答を最大15秒待ちます）…',
    pick: 'フォルダを選ぶ',
    resultTitle: '接続テストの結果',
    folder: (name: string, ok: boolean) => `${name} フォルダ: ${ok ? 'OK' : 'ありません・使えません'}`,
    reqWritable: (ok: boolean) => `req フォルダに書き込めるか: ${ok ? 'OK' : 'できません'}`,
    resReadable: (ok: boolean) => `res フォルダを読めるか: ${ok ? 'OK' : 'できません'}`,
    answered: (ms: number) => `端末の応答: あり（${(ms / 1000).toFixed(1)} 秒）`,
    notAnswered: (code: string) =>
      `端末の応答: ありません（${code}）。資格確認端末が起動しているか、連携アプリが動いているかを確かめてください。`,
    ok: '接続テストは成功しました。',
    ng: '接続テストで問題が見つかりました。',
    failed: (m: string) => `接続テストができませんでした: ${m}`,
  },

  // ------------------------------------------------------------------------------------- first start
  setup: {
    title: 'はじめに（初期設定）',
    intro:
      'この端末で使い始める前に、医療機関コード・最初の職員・資格確認端末の共有フォルダを設定します。あとから「設定」画面で変更できます。',
    staffTitle: '最初の職員（管理者）',
    staffId: '職員ID',
    staffName: '氏名',
    staffIdRequired: '職員IDを入力してください。',
    staffNameRequired: '氏名を入力してください。',
    institutionRequired: '医療機関コードを入力してください。',
    terminalOptional: '空欄のままでも始められます（端末との連携はあとで設定できます）。',
    start: '設定して始める',
    saving: '保存しています…',
    failed: (m: string) => `保存できませんでした: ${m}`,
    demoTitle: 'まず試してみる',
    demoHint:
      '訓練モードでは、練習用のデータと模擬の機器（カードリーダー・資格確認端末）で操作を試せます。本番のデータには何も書き込みません。次に通常どおり起動すると、この初期設定の画面に戻ります。',
    demo: '設定せずに訓練モードで試す',
    demoStarting: '訓練モードで起動しています…',
  },
  demoLeave: '訓練モードを終わる',
  // 院内サーバー (settings card, status bar): docs/clinic-server.md
  server: {
    title: '院内サーバー（複数の受付PC）',
    intro:
      '受付PCが複数あるとき、院内のPostgreSQLサーバーで患者・事後確認・月次出力を共有します。未設定なら変わりません。',
    enabled: '院内サーバーを使う',
    host: 'サーバー名またはIPアドレス',
    port: 'ポート',
    database: 'データベース名',
    user: 'ユーザー名',
    password: 'パスワード（OSの鍵保管庫に保存。空欄なら変更しません）',
    tls: 'TLS（暗号化）を使う',
    tlsFingerprint: 'サーバー証明書の指紋（SHA-256）',
    tlsFingerprintHint:
      '入れると、この指紋の証明書のサーバーにだけ接続します（なりすまし防止）。空欄なら暗号化のみ。「接続テスト」で表示される指紋をサーバーの管理者と確かめてから使ってください。',
    trustSeen: '接続テストで表示された指紋を使う',
    pcName: 'このPCの名前（例：受付1）',
    test: '接続テスト',
    testing: '接続しています…',
    save: '院内サーバーの設定を保存',
    saved: '保存しました。院内サーバーへの接続はすぐに切り替わります。',
    status: (text: string, pc: string) => (pc ? `${text}（${pc}）` : text),
    reconciler: {
      leader: '事後確認の照会：このPCが医院全体の分を担当しています。',
      relay: '事後確認の照会：別の受付PCが担当しています（このPCの分もそのPCが照会します）。',
      alone: '事後確認の照会：このPCが自分の分を照会しています。',
    },
  },
} as const;
