// The claims part of the renderer's Japanese texts: the 設定 screen's 請求の設定 section and the printed
// レセコン入力票. strings.ts includes both (strings.settings.*, strings.inputSheet); screens import strings.ts only.

/** strings.settings: the 請求の設定 section (src/renderer/settings/ClaimsSettings.tsx). */
export const claimSettingsStrings = {
  claimsIntro:
    '事後確認で保険がわからなかったとき（③ 不詳）などの請求の書き方です。公的な資料で決まりきっていない点（「未確定」と書いた項目）は、お使いのレセコンや審査支払機関の指示に合わせてください。',
  mode: '請求のモード',
  modes: {
    normal: '通常（障害時の事後確認：不詳は「7」で埋める）',
    disaster: '災害時（「9」で埋め、摘要欄の先頭に「不詳」）',
  },
  modeHint: '災害時の取り扱いが告示されたときだけ「災害時」にします。二つのモードを混ぜることはありません。',
  unknownInsurerNumber: '③ 不詳のときの保険者番号',
  unknownInsurer: {
    '77777777': '77777777（通常）',
    '77777779': '77777779（検証番号をチェックするレセコン用）',
  },
  unknownInsurerHint:
    '保険者番号がわからないときは 77777777 で請求します。レセコンが保険者番号の検証番号（最後の1桁）をチェックして 77777777 を受け付けない場合は、検証番号の合う 77777779 を使います（2023年9月15日の改正で示された取り扱い）。',
  kokuhoForm: '国保で ③ 不詳のときの保険者番号の形（未確定）',
  kokuhoForms: {
    '8digit': '8桁（上の保険者番号を使う）',
    '777777': '6桁 777777',
    '777771': '6桁 777771（検証番号が合う形）',
  },
  kokuhoFormHint:
    '国保の保険者番号は6桁です。6桁で書くべきかどうかは公的な資料で確認できていません。777777 は検証番号が合わないため、チェックするレセコンでは 777771 になります。迷うときは初期値（8桁）のままにしてください。',
  symbolLength: '③ 不詳のときの記号の桁数',
  symbolLengthHint:
    '記号を「7」で埋める桁数です。0 にすると記号を書きません（初期値。2023年7月19日の事務連絡では記号は記録しません）。0〜19。',
  numberLength: '③ 不詳のときの番号の桁数',
  numberLengthHint:
    '番号を「7」で埋める桁数です（初期値 9 → 777777777。後期高齢者医療は 8 桁 77777777。2023年7月19日の事務連絡）。1〜19。',
  commentCode: '摘要欄に使うコメントコード（未確定）',
  commentCodeHint:
    '申立書の住所・勤務先・連絡先を摘要欄に書くときのコメントコードです。決められたコードは見つかっていないため、初期値はフリーコメント用の 810000001 です。9桁の数字。',
  commentShikibetsu: 'コメントの診療識別',
  commentShikibetsuHint: 'コメントレコードの診療識別です（初期値 99：全体に係るもの）。2桁の数字。',
  payer: '保険の種類が「わからない」ときの請求先',
  payers: { shiharai_kikin: '社会保険診療報酬支払基金', kokuhoren: '国民健康保険団体連合会' },
  payerHint: '申立書で保険の種類が「わからない」で、ほかに手がかりもないときの請求先です。',
  disasterInsurer: '災害時の保険者番号',
  disasterInsurerHint: '災害時モードで使う保険者番号です（初期値 99999999）。8桁の数字。',
  disasterNumber: '災害時の番号',
  disasterNumberHint: '災害時モードで使う被保険者番号です（初期値 999999999）。1〜19桁の数字。',
  numberLengthKouki: '③ 不詳のときの番号の桁数（後期高齢者医療）',
  numberLengthKoukiHint:
    '後期高齢者医療の被保険者番号は8桁のため、初期値は 8（77777777。2023年7月19日の事務連絡）。75歳以上の方と、申立書の保険の種類が後期高齢者医療の方に使います。1〜19。',
  commentMaxBytes: '摘要の1行に入るバイト数（未確定）',
  commentMaxBytesHint:
    'レセプトのコメントレコード1件に入る文字の量です（全角1文字＝2バイト）。初期値 76（全角38文字）。これより長い摘要は次の行に続けて書きます。20〜2400。',
  notFound: '書類で確かめた番号に「該当資格なし」と回答されたとき',
  notFoundOptions: {
    review: '要確認にする（③ 不詳を提案し、入力した番号と並べて確かめる）',
    unknown: '確かめずに ③ 不詳（または ② 旧資格）で請求する',
    evidence: '書類の番号のまま ① 現資格で請求する',
  },
  notFoundHint:
    '保険証などの書類を見て入力した番号に、事後確認で「該当資格なし」と回答されたときの扱いです。番号の打ち間違い（記号の1桁違いなど）を請求前に見つけられるよう、初期値は「要確認にする」です。',
  cardValidUntil: '健康保険証を資格の証明として扱う最後の日',
  cardValidUntilHint:
    '従来の健康保険証は 2025年12月1日 までです（初期値 2025-12-01）。この日より後に提示された保険証の番号は「過去の番号」として扱い、資格確認書かマイナポータルの画面の提示をお願いします。YYYY-MM-DD。',
  transitionalUntil: '暫定的な取扱いの終わりの日',
  transitionalUntilHint:
    '2025年6月27日の事務連絡による暫定的な取扱いの期限です（初期値 2026-03-31）。この日までは、オンラインで資格が確認できれば資格情報のお知らせだけでも受け付けます。YYYY-MM-DD。',
  dateFormat: 'YYYY-MM-DD の形の日付で入力してください（例: 2025-12-01）。',
} as const;

/** strings.inputSheet: the printed レセコン入力票 (src/renderer/print/InputSheet.tsx). */
export const inputSheetStrings = {
  title: 'レセコン入力票',
  month: (wareki: string, month: string) => `${wareki}診療分（${month}）`,
  lead: '障害時に受け付けた患者さんごとに、レセコンへ入力する内容です（カルテ番号順）。入力したら右端の欄に印を付けてください。',
  running: (month: string, clinic: string) => `レセコン入力票\u3000${month}${clinic === '' ? '' : `\u3000${clinic}`}`,
  patientId: 'カルテ番号',
  patient: '氏名・生年月日',
  serviceDate: '診療日',
  relationship: '本人家族',
  relationshipUnknown: '（登録どおり）',
  basis: '請求区分',
  insurerNumber: '保険者番号',
  numbers: '記号・番号・枝番',
  symbol: '記号',
  number: '番号',
  branch: '枝番',
  none: 'なし',
  copay: '負担割合',
  done: '入力済',
  remarks: '摘要',
  remarksNone: '摘要なし',
  reclaim: (month: string) => `再請求（最初の請求 ${month}）`,
  noPatientId: '（なし）',
  empty: 'この月に障害時の受付はありません。',
  count: (patients: number, visits: number) => `患者 ${patients} 人・受付 ${visits} 件`,
  refused:
    'この月はまだ入力票を作れません。次の受付に、請求の前に決めることが残っています（「事後確認の一覧」で確かめてください）。',
  problemVisit: '受付',
  problemReason: '理由',
  footer:
    '③ 不詳の番号と摘要は 2023年7月19日の事務連絡（保険局医療課）のとおりです。請求区分・番号・摘要は、shikaku export --format input-sheet の CSV と同じ内容です。',
} as const;
