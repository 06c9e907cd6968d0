// The month-end screen's Japanese texts (「今月の請求データを作成」), part of the one strings module (strings.ts
// `monthExport`): kept in their own file so strings.ts stays under the size limit.
export const monthExportStrings = {
  open: '今月の請求データを作成',
  title: '請求データの作成（月末）',
  close: '閉じる',
  month: '診療年月',
  monthHint: '10日までは前月、11日からは今月が選ばれています。',
  staff: '作成する職員',
  staffChoose: '選んでください',
  staffRequired: '作成する職員を選んでください。',
  encoding: '文字コード',
  encodings: {
    shift_jis: 'Shift_JIS（レセコン用）とUTF-8の両方',
    utf8: 'UTF-8のみ（Shift_JISで書けない文字があるとき）',
  } as Record<'shift_jis' | 'utf8', string>,
  checking: 'この月の受付を確かめています…',
  create: '請求データを作成',
  creating: '作成しています…',
  progressLabel: '受付の読み込み',
  progressText: (done: number, total: number) => `${done} / ${total} 件`,
  counts: (c: { visits: number; current: number; past: number; unknown: number; reclaims: number }) =>
    `受付 ${c.visits} 件（①現資格 ${c.current} 件・②旧資格 ${c.past} 件・③不詳 ${c.unknown} 件${c.reclaims ? `・再請求 ${c.reclaims} 件` : ''}）`,
  empty: (month: string) => `${month} に請求データに出力する受付はありません。`,
  ready: (month: string) => `${month} の請求データを作成できます。作成されるファイル：`,
  blocked: (n: number) => `次の ${n} 件の受付を確認するまで作成できません。名前を押すと確認画面が開きます。`,
  unencodable: (n: number) =>
    `次の ${n} 件の受付にShift_JIS（レセコン用）で書けない文字があります。文字を直すか、UTF-8のファイルで作成してください。`,
  printSheet: 'レセコン入力票を印刷',
  recheck: 'もう一度確かめる',
  useUtf8: 'UTF-8のファイルで作成する',
  openVisit: (date: string, name: string) => `${date} ${name} の確認画面を開く`,
  cancelled: 'フォルダが選ばれなかったため、作成しませんでした。',
  written: (dir: string) => `請求データを作成しました。保存先：${dir}`,
  downloads: '請求データを作成しました。各ファイルを押して保存してください。',
  fileLine: (name: string, size: number, visits: number) =>
    `${name}（${visits} 件・${size.toLocaleString('ja-JP')} バイト）`,
  failed: '作成できませんでした。',
  ukeTitle: '請求前点検（レセコンのUKEファイル）',
  ukeHint:
    'レセコンが作ったこの月のUKEファイル（RECEIPTC.UKE など）を選ぶと、障害時の受付の判定と違うところを一覧にします。ファイルは変更しません。',
  ukeFile: 'UKEファイルを選ぶ',
  ukeChecking: '点検しています…',
  ukeClean: '相違はありません。',
  ukeFailed: '点検できませんでした。',
} as const;
