// Every Japanese text the renderer shows. Screens import from here; no literals in components.
import type { CoreState } from '../main/contract.ts';
import type { DeclaredInsuranceType, EvidenceKind, FailureCause, IdentityMethod } from '../claims/visit.ts';

export const strings = {
  appTitle: 'shikaku-fallback 受付支援',
  coreState: {
    starting: '起動中',
    ready: '接続中',
    restarting: '再起動中',
    failed: '停止',
  } satisfies Record<CoreState, string>,
  coreStateLabel: '内部処理',
  demoBanner: '訓練モード',
  demoBannerDetail: '練習用のデータで動いています。実際の受付には使わないでください。',
  version: (v: string) => `バージョン ${v}`,
  dataDir: (d: string) => `データ: ${d}`,
  hostDisconnected: 'アプリ本体との接続が切れました。画面を再読み込みしてください。',
  hostMissing: 'アプリ本体に接続できません（接続情報がありません）。',
  invalidRequest: '要求の内容が正しくありません。',
  mainPlaceholder: '受付画面はここに表示されます。',
  healthLabel: '機器の状態',
  journalNotices: 'データファイルについてのお知らせ',
  journalMode: {
    ok: '',
    read_only: '記録を保存できません（読み取り専用）。新しい受付は紙に控え、管理者に連絡してください。',
    disk_full: '記録を保存できません（ディスクがいっぱいです）。新しい受付は紙に控え、管理者に連絡してください。',
    unavailable: '記録用のデータファイルを開けませんでした。新しい受付は紙に控え、管理者に連絡してください。',
  },
  healthUnknown: '確認中',
  nextStep: '次の対応',

  // ---------------------------------------------------------------------------------------------- navigation
  nav: '画面の切り替え',
  navReception: '受付',
  navQueue: '事後確認の一覧',
  navIncidents: 'システム障害時モード',
  navSettings: '設定',
  loadingScreen: '画面を読み込んでいます…',

  // ----------------------------------------------------------------------------------------- reception start
  receptionTitle: '受付',
  staffLabel: '担当者',
  staffChoose: '選んでください',
  staffEmpty: '担当者が登録されていません。管理者に職員一覧の登録を依頼してください。',
  staffRequired: '担当者を選んでください。',
  searchTitle: '患者を探す（過去の受付データ）',
  searchKana: 'フリガナ（先頭の数文字で可）',
  searchBirth: '生年月日（例 S45.4.1、昭和45年4月1日、1970-04-01）',
  searchButton: '検索',
  searchNeedInput: 'フリガナか生年月日を入力してください。',
  searchNone: '過去の受付データに該当する患者はいません。新しい患者として入力してください。',
  searchResults: (n: number) => `${n}件見つかりました。`,
  searchResultsLabel: '検索結果',
  choosePatient: (name: string) => `${name} さんを選ぶ`,
  lastVisit: (d: string) => `前回受診 ${d}`,
  newPatient: '新しい患者として入力',
  patientTitle: '患者情報',
  patientFromRecord: '過去の受付データから読み込みました。違っていれば直してください。',
  patientId: 'カルテ番号（あれば）',
  patientName: '氏名',
  patientKana: 'フリガナ',
  patientBirth: '生年月日',
  patientSex: '性別',
  sexMale: '男',
  sexFemale: '女',
  patientPostal: '郵便番号',
  patientAddress: '住所',
  patientPhone: '電話番号',
  required: '（必須）',
  nameRequired: '氏名を入力してください。',
  sexRequired: '性別を選んでください。',
  birthRequired: '生年月日を入力してください。',
  birthShown: (both: string) => `→ ${both}`,
  unrepresentableNote:
    '氏名に「●」が含まれています。国の記録で表せない文字です。書き換えずにそのまま記録し、事後確認で確かめます。',
  cannotConfirm: 'マイナ保険証で確認できない',
  clearPatient: '入力をやめて最初から',

  // ------------------------------------------------------------------------------------------------ wizard
  wizardLabel: '確認できないときの受付',
  stepOf: (n: number, total: number) => `手順 ${n} / ${total}`,
  back: '戻る',
  next: '次へ',
  keyboardHint: 'Enter で次へ、Esc で戻ります。',
  fixErrors: '入力内容を確認してください。',

  causeTitle: '確認できなかった理由',
  causePreselected: '機器の状態から選んであります。違う場合は選び直してください。',
  causeRequired: '理由を選んでください。',
  causes: {
    reader_fault: '顔認証付きカードリーダーの故障',
    terminal_fault: '資格確認端末の故障',
    card_fault: 'カードの汚れ・ICチップの破損',
    certificate_expired: '電子証明書の期限切れ',
    power_outage: '停電',
    facility_network: '院内のネットワーク障害',
    wide_area_network: '広い範囲のネットワーク障害',
    qualification_invalid: '端末の回答が「資格（無効）」',
    qualification_not_found: '端末の回答が「資格情報なし」',
  } satisfies Record<FailureCause, string>,

  identityTitle: '本人確認の方法',
  identityRequired: '本人確認の方法を選んでください。',
  identity: {
    face: '顔認証',
    pin: '暗証番号',
    visual: '目視（カードの写真と本人を見比べる）',
    none: 'カードなし',
  } satisfies Record<IdentityMethod, string>,
  visualConfirm: 'カードの写真と本人を見比べて、同じ人であることを確認しました',
  visualRequired: '写真と本人を見比べたら、確認欄にチェックしてください。',
  visualRecorded: (who: string, at: string) => `確認者 ${who}・${at}`,

  evidenceTitle: '保険の資格を確かめたもの（上から順に）',
  evidenceRequired: '資格を確かめたものを選んでください。',
  evidence: {
    portal: 'マイナポータルの資格情報画面（スマートフォン・PDF）',
    qualification_certificate: '資格確認書',
    insurance_card: '健康保険証',
    notice_with_card: '資格情報のお知らせ（マイナンバーカードと一緒に提示）',
    verbal: '前回から変更なし（再来の患者に口頭で確認）',
    declaration: '被保険者資格申立書（患者が記入）',
    emergency_mode: 'システム障害時モード',
  } satisfies Record<EvidenceKind, string>,
  verbalUnavailable: '過去の受付データで保険がわかる再来の患者を選んだときだけ使えます。',

  numbersTitle: (what: string) => `${what}の記号・番号`,
  insurerNumber: '保険者番号',
  symbol: '記号',
  number: '番号',
  branch: '枝番',
  insurerOk: (detail: string) => `正しい番号です（${detail}）`,

  verbalTitle: '前回の保険情報',
  verbalAsk: '患者に「前回から保険が変わっていないか」を尋ねてください。',
  verbalConfirm: '「変更なし」と患者に確認しました',
  verbalRequired: '「変更なし」を確認したらチェックしてください。変わっている場合は戻って別の方法を選んでください。',
  pastRecordFrom: (d: string) => `記録日 ${d}`,

  declTitle: '被保険者資格申立書',
  declDeclaredOn: '申立日',
  declInsuranceType: '加入している保険の種類',
  declRelationship: '本人・家族',
  declSelf: '本人',
  declFamily: '家族',
  declInsuredPerson: '被保険者の氏名（家族のとき）',
  declInsurerName: '保険者名（わかれば）',
  declEmployer: '勤務先（事業所名）',
  declEmployerAddress: '勤務先の住所',
  declKnownNumbers: '覚えている番号（わかる範囲で）',
  declSignedBy: '記入者（本人以外のとき）',
  insuranceTypes: {
    kyokai: '協会けんぽ',
    kumiai: '健康保険組合',
    kyosai: '共済組合',
    seamen: '船員保険',
    kokuho: '国民健康保険',
    kouki: '後期高齢者医療',
    unknown: 'わからない',
  } satisfies Record<DeclaredInsuranceType, string>,

  copayTitle: '負担割合',
  copayProposed: (p: string, reason: string) => `年齢からの提案: ${p}（${reason}）`,
  copayUnknown: '年齢から割合を出せませんでした。割合を選び、理由を入力してください。',
  copayChoose: '負担割合',
  copayPercent: (p: number) => (p === 0 ? '負担なし' : `${p / 10}割`),
  copayReason: '変更の理由',
  copayReasonRequired: '提案と違う割合にするときは理由を入力してください。',

  summaryTitle: '内容の確認',
  summaryHint: '内容を確かめて「保存」を押してください（Enter）。',
  save: '保存',
  saving: '保存しています…',
  saveFailed: '保存できませんでした。',
  summaryPatient: '患者',
  summaryCause: '理由',
  summaryIdentity: '本人確認',
  summaryEvidence: '資格の確認',
  summaryCopay: '負担割合',
  summaryStaff: '担当者',
  summaryNumbers: (n: { insurerNumber: string; symbol: string; number: string; branch: string }) =>
    `保険者番号 ${n.insurerNumber}\u3000記号 ${n.symbol || 'なし'}\u3000番号 ${n.number}\u3000枝番 ${n.branch || 'なし'}`,

  doneTitle: '保存しました',
  doneId: '受付番号',
  doneNext: '次の受付へ',

  // --------------------------------------------------------------------------------------------------- queue
  queueTitle: '事後確認の一覧',
  queueStatus: '状態',
  queueAll: 'すべて',
  queueStatuses: {
    pending: '未確認',
    needs_review: '要確認',
    reconciled: '確認済み',
    claimed: '請求済み',
    returned: '返戻',
    void: '取消',
  },
  queueEmpty: '該当する受付はありません。',
  queueCount: (n: number) => `${n}件`,
  queueCols: { date: '診療日', name: '氏名', cause: '理由', evidence: '資格の確認', status: '状態', staff: '担当者' },
  queueReload: '再読み込み',

  // ------------------------------------------------------------------------- 事後確認 queue and staff review
  // (added strings for the queue screen and review actions go here)

  // -------------------------------------------------------------------------------------------- settings
  // (added strings for the settings screen go here)

  // ----------------------------------------------------------------------------- システム障害時モード, printing
  // (added strings for the incident record and the printed sheets go here)
  /** The wizard's button on the 申立書 step (opens the print preview of the pre-filled form). */
  printDeclaration: '申立書を印刷',
  /** The saved screen's button (a receipt-style summary of the visit). */
  printReceipt: '受付控えを印刷',
  /** The print preview's buttons. */
  printDo: '印刷する',
  printSavePdf: 'PDFで保存',
  printClose: '閉じる',

  // --------------------------------------------------------------------------------- wizard (added later)
  // (added strings for the wizard go here)
} as const;
