// Every staff-facing text of the reconciler, the claims export and returns (返戻), in one place.
// Codes are stable machine identifiers; the UI and the CLI show the Japanese text as is.

/** What staff should do when an answer cannot be trusted as it is. */
const CHECK =
  '回答の読み取り誤りか別の方の資格の可能性があるため、請求には使っていません。保険証等で番号を確かめて請求区分を選んでください。';

export const reconcileMessages = {
  VISIT_NOT_FOUND: '受付データが見つかりません。',
  NO_NUMBERS: '保険者番号等が分からないため、資格確認端末への照会は行わず③不詳として判定しました。',
  ANSWER_OTHER_PATIENT:
    '資格確認端末の回答が別の方（照会内容と異なる番号・生年月日）のものでした。回答は適用していません。',
  ANSWER_REJECTED: '資格確認端末の回答を読み取れないか、別の照会への回答でした。回答は適用せず、再照会します。',
  ANSWER_DUPLICATE: 'すでに確認済みの受付に、資格確認端末から重複した回答が届きました。回答は適用していません。',
  UNKNOWN_VALIDITY: '資格確認端末の回答に不明な資格有効性が含まれています。職員が確認してください。',
  // The answer is not about the numbers asked, or holds values no 資格 can have (reconcile/decision.ts
  // checkAnswer): the visit goes to 要確認, never straight to a claim.
  ANSWER_INSURER_MISMATCH: `資格確認端末の回答の保険者番号が、照会した保険者番号と異なります。${CHECK}`,
  ANSWER_SYMBOL_MISMATCH: `資格確認端末の回答の記号が、照会した記号と異なります。${CHECK}`,
  ANSWER_NUMBER_MISMATCH: `資格確認端末の回答の番号が、照会した番号と異なります。${CHECK}`,
  ANSWER_BRANCH_MISMATCH: `資格確認端末の回答の枝番が、照会した枝番と異なります。${CHECK}`,
  ANSWER_BIRTHDATE_MISMATCH: `資格確認端末の回答の生年月日が、照会した生年月日と異なります。${CHECK}`,
  ANSWER_INSURER_INVALID: `資格確認端末の回答の保険者番号の桁数または検証番号が正しくありません。${CHECK}`,
  ANSWER_SYMBOL_INVALID: `資格確認端末の回答の記号に、記号に使われない文字が含まれています。${CHECK}`,
  ANSWER_NUMBER_INVALID: `資格確認端末の回答の番号に、番号に使われない文字が含まれています。${CHECK}`,
  ANSWER_BRANCH_INVALID: `資格確認端末の回答の枝番が2桁の数字ではありません。${CHECK}`,
  ANSWER_BIRTHDATE_INVALID: `資格確認端末の回答の生年月日が日付として正しくありません。${CHECK}`,
  ANSWER_FIELD_MISMATCH: `資格確認端末の回答に、照会内容と異なる項目があります。${CHECK}`,
  ANSWER_FIELD_INVALID: `資格確認端末の回答に、形式が正しくない項目があります（負担割合・区分など）。${CHECK}`,
  RECORD_FAILED: '確認結果を保存できませんでした。',
  PAUSED: '資格確認端末から応答がないため、事後確認を一時停止しました。端末が応答すると自動的に再開します。',
  RESUMED: '資格確認端末が応答したため、事後確認を再開しました。',
  EXPORT_REFUSED: '次の受付は請求データに出力できません。内容を確認してください。',
  EXPORT_WRITTEN: '請求データを出力しました。',
  EXPORT_EMPTY: 'この月に請求データに出力する受付はありません。',
  EXPORT_DIR_MISSING:
    '保存先のフォルダが見つかりません。フォルダを選び直してください（USBメモリが抜けていないかも確認してください）。',
  EXPORT_DIR_UNWRITABLE: '保存先のフォルダに書き込めません。書き込みできる別のフォルダを選んでください。',
  EXPORT_DISK_FULL: '保存先の空き容量が足りません。不要なファイルを削除するか、別のフォルダを選んでください。',
  EXPORT_WRITE_FAILED: '請求データを書き込めませんでした。別のフォルダを選んでもう一度作成してください。',
  EXPORT_RECLAIM_NOT_FORWARDED:
    '請求データは作成しましたが、ほかの受付PCの返戻を「再請求済み」にする連絡を院内サーバーに送れませんでした。その受付PCで返戻の状態を確認してください。',
  EXPORT_UNENCODABLE: 'Shift_JISで書き出せない文字があります。UTF-8のファイルで作成するか、その文字を直してください。',
  UKE_UNREADABLE: 'UKE ファイルを読めません。',
  SETTINGS_INVALID: '請求の設定（claims）に誤りがあります。設定を確認してください。',
  NEEDS_DECISION_OTHER: '職員の判断が必要です。内容を確認して請求区分を選んでください。',
  RETURN_ADDED: '返戻を登録しました。この受付は再度事後確認され、再請求の対象になります。',
  EVIDENCE_NONE: 'この受付には保管された資格確認端末の回答がありません。',
  EVIDENCE_WRITTEN: '資格確認端末の回答（原本）を書き出しました。',
  EVIDENCE_NOT_LINKED: 'この受付に保管された回答ファイルではありません。',
  EVIDENCE_UNREADABLE: '保管された回答ファイルを読み取れませんでした。',
} as const;

export type ReconcileMessageCode = keyof typeof reconcileMessages;

/** One progress line for staff (stderr of `shikaku reconcile`). */
export function progressLine(p: { processed: number; total: number; paused: boolean }): string {
  return p.paused
    ? `事後確認: ${p.processed} / ${p.total} 件 — ${reconcileMessages.PAUSED}`
    : `事後確認: ${p.processed} / ${p.total} 件`;
}
