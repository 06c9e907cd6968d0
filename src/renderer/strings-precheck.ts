// The 事前確認 texts (docs/precheck.md), kept beside strings.ts and reached through it (`strings.precheck`):
// screens still import from the one strings module.
const md = (ms: number) => {
  const d = new Date(ms);
  return `${d.getMonth() + 1}月${d.getDate()}日 ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export const precheckStrings = {
  /** The wizard's evidence option: 「事前確認済み（12月6日 07:30 取得）」. */
  option: (fetchedAt: number) => `事前確認済み（${md(fetchedAt)} 取得）`,
  optionLabel: '事前確認済み',
  optionDetail: (numbers: string, copay: string) => `今朝の資格確認の結果: ${numbers}・負担割合 ${copay}`,
  unavailable: '開院前の事前確認で「有効」と分かった患者で、本人確認（顔認証・暗証番号・目視）をしたときだけ',
  stale: (fetchedAt: number, numbers: string) =>
    `事前確認の結果が古いため使えません（${md(fetchedAt)} 取得: ${numbers}）。旧資格の番号として記録します。`,
  changed: '前回の受診から資格が変わっています（事前確認の結果）。新しい資格確認書・保険証を見せてもらってください。',
  changedBadge: '資格変更あり',
  copayFromAnswer: (p: string) => `事前確認の結果の負担割合: ${p}`,
  summary: (fetchedAt: number) => `事前確認（${md(fetchedAt)} 取得）の結果`,

  // 設定 > 事前確認
  title: '事前確認（開院前に資格をまとめて確認）',
  intro:
    '予約の患者と最近来院した患者の資格を、開院前に資格確認端末でまとめて確認しておきます。朝に端末や回線が止まっても、確認済みの患者は受付で「事前確認済み」を選べます。',
  lastRun: '前回の事前確認',
  never: 'まだ実行していません。',
  runLine: (at: number, total: number, fetched: number, changed: number, failed: number) =>
    `${md(at)}\u3000対象 ${total} 人・取得 ${fetched} 人・資格の変更 ${changed} 人・失敗 ${failed} 人`,
  running: '事前確認を実行しています…',
  status: { running: '実行中', done: '完了', partial: '一部失敗（後でもう一度試します）', failed: '失敗' },
  trigger: { schedule: '予定の時刻', catchup: '起動時（予定の時刻を過ぎていたため）', manual: '手動', retry: '再試行' },
  runNow: '今すぐ事前確認',
  runStarted: '事前確認を始めました。',
  runBusy: '事前確認はすでに実行中です。',
  noTerminal: '資格確認端末の共有フォルダが設定されていないため、事前確認できません。',
  kept: (n: number) => `保存している結果: ${n} 件`,
  enabled: '毎日、決まった時刻に事前確認する',
  time: '事前確認の時刻（開院前）',
  regularsMonths: '最近来院した患者として含める期間（か月、0 で予約のみ）',
  freshHours: '受付で使える結果の新しさ（時間）',
  retentionDays: '結果を保存する日数',
  batchSize: '1回の一括照会の人数',
  batchesPerMinute: '1分あたりの一括照会の回数（上限）',
  retryMinutes: '失敗した患者を再試行するまでの分数',
  save: '事前確認の設定を保存',
  saved: '保存しました。',
  bookingsTitle: '予約の取り込み（予約システムのCSV）',
  bookingsFile: '予約のCSVファイル',
  bookingsPreview: (rows: number, ok: number, bad: number, enc: string) =>
    `${rows} 行（取り込める ${ok} 行・問題のある ${bad} 行）・文字コード ${enc}`,
  bookingsColumn: (field: string) => `「${field}」の列`,
  bookingsNoColumn: '（使わない）',
  bookingsImport: '問題のない行を取り込む',
  bookingsImported: (n: number, bad: number) =>
    `${n} 件を取り込みました。${bad > 0 ? `${bad} 行は取り込んでいません（下の一覧）。` : ''}`,
  bookingsRowProblem: (row: number, message: string) => `${row} 行目: ${message}`,
  fields: {
    day: '予約日',
    time: '予約時刻',
    patientId: '患者番号',
    name: '氏名',
    nameKana: 'カナ氏名',
    birthDate: '生年月日',
    insurerNumber: '保険者番号',
    symbol: '記号',
    number: '番号',
    branch: '枝番',
  },
} as const;
