// Every staff-facing Japanese string of the terminal link, in one place.
// Codes are machine-readable and stable; the text is what reception staff read.
import type { TerminalErrorCode } from './codes.ts';

export const terminalErrorMessages: Record<TerminalErrorCode, string> = {
  TERMINAL_TIMEOUT:
    '資格確認端末から時間内に応答がありません。端末と連携アプリが起動しているか確認してください。受付は障害時の手順で続けられます。',
  TERMINAL_SHARE_MISSING:
    '資格確認端末の共有フォルダに接続できません。端末の電源とネットワーク、共有フォルダの設定を確認してください。',
  TERMINAL_SHARE_NOT_WRITABLE: '資格確認端末の共有フォルダ(req)に書き込めません。フォルダの権限を確認してください。',
  TERMINAL_MALFORMED_ANSWER: '資格確認端末からの応答ファイルを読み取れませんでした。もう一度照会してください。',
  TERMINAL_ERROR_SEGMENT: '資格確認端末が異常終了を返しました。',
  TERMINAL_PROCESSING_ERROR:
    'オンライン資格確認システムが照会内容をエラーとして返しました。入力した番号を確認してください。',
  TERMINAL_KEY_MISMATCH: '別の照会に対する応答を受け取ったため、この応答は使用しません。もう一度照会してください。',
  TERMINAL_REQUEST_REJECTED: '資格確認端末の連携アプリが照会ファイルを受け付けませんでした。',
  TERMINAL_INVALID_QUERY: '照会内容に誤りがあります。保険者番号・記号・番号・生年月日を確認してください。',
  TERMINAL_CLOSED: '資格確認端末との連携を終了したため、照会を中止しました。',
  TERMINAL_PARSER_FAILED: '応答ファイルの読み取り処理が途中で止まりました。応答は残してあり、自動で読み直します。',
};

const kib = (n: number) => `${Math.ceil(n / 1024).toLocaleString('ja-JP')} KB`;

/** Why an answer file was refused before it was parsed (TERMINAL_MALFORMED_ANSWER with a cause). */
export const answerRefusedText = {
  oversized: (size: number, limit: number) =>
    `資格確認端末からの応答ファイルが大きすぎるため読み込みませんでした (${kib(size)}、上限 ${kib(limit)})。` +
    'ファイルは削除せずに残してあります。もう一度照会し、続く場合は端末の管理者に連絡してください。',
  declaration:
    '資格確認端末からの応答ファイルに、端末が書かない宣言や参照 (DOCTYPE・実体参照) が含まれているため使用しません。' +
    'ファイルは削除せずに残してあります。端末の管理者に連絡してください。',
};

/** Staff text for an error answer that carries the terminal's own code and message. */
export function errorSegmentMessage(errorCode: string | undefined, errorMessage: string | undefined): string {
  const parts = [terminalErrorMessages.TERMINAL_ERROR_SEGMENT];
  if (errorCode) parts.push(`エラーコード: ${errorCode}`);
  if (errorMessage) parts.push(`内容: ${errorMessage}`);
  return parts.join(' ');
}

export function processingErrorMessage(code: string | undefined, message: string | undefined): string {
  const parts = [terminalErrorMessages.TERMINAL_PROCESSING_ERROR];
  if (code) parts.push(`処理結果コード: ${code}`);
  if (message) parts.push(`内容: ${message}`);
  return parts.join(' ');
}

/** Simulator log lines (shown on stderr by `shikaku simulate-terminal`). */
export const simulatorText = {
  started: (dir: string) => `資格確認端末シミュレータを開始しました: ${dir}`,
  stopped: '資格確認端末シミュレータを終了しました',
  answered: (file: string, kind: string) => `応答: ${file} (${kind})`,
  noAnswer: (file: string) => `応答しません: ${file} (never)`,
  badRequest: (file: string) => `照会ファイルを読めません: ${file}`,
};

/** `shikaku simulate-terminal` / `shikaku terminal …` texts. */
export const terminalCliText = {
  simulateSummary: '資格確認端末のシミュレータを起動します (req を監視し res に応答を書きます。Ctrl+C で終了)',
  confirmSummary: '資格確認端末に資格確認を照会し、結果を表示します',
  probeSummary:
    '資格確認端末の共有フォルダ (req/res/face) を点検します (--ask: テスト用の照会を1件送り、端末の応答も確かめます)',
  scenarioUnreadable: (file: string, reason: string) => `シナリオファイルを読めません: ${file} (${reason})`,
  badDefault: (v: string) => `--default に指定できない値です: ${v}`,
  badTimeout: (v: string) => `--timeout はミリ秒の整数で指定してください: ${v}`,
  result: (validity: string, name: string) => `資格確認結果: ${validity}${name ? ` / 氏名: ${name}` : ''}`,
  numbers: (n: string) => `保険者番号・記号・番号・枝番: ${n}`,
  copay: (p: number) => `負担割合: ${p / 10}割`,
  unrepresentable: '氏名に表示できない文字 (●) が含まれています。券面や資格確認書で確認してください。',
  unknownValidity: (code: string) => `資格確認結果のコードが不明です: ${code}`,
  probeOk: '共有フォルダは正常です (req 書込可 / res 読取可)',
  probeNg: (problem: string) => `共有フォルダに問題があります: ${problem}`,
  folder: (name: string, ok: boolean) => `  ${name}: ${ok ? 'OK' : 'NG'}`,
  probeAnswered: (ms: number) => `端末はテスト用の照会に応答しました (${ms} ms)`,
  probeNoAnswer: (code: string) => `端末がテスト用の照会に応答しませんでした: ${code}`,
};
