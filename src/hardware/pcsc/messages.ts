// Every Japanese string of the PC/SC layer, for reception staff: what happened, and the one next step.
import type { CardDiagnosisStatus } from './classify.ts';
import type { CardReaderErrorCode } from './errors.ts';
import type { ServiceState } from './types.ts';
import { JST_OFFSET_MS } from '../../claims/dates.ts';

export interface StaffMessage {
  message: string;
  nextStep: string;
}

function ymd(d: Date): string {
  // Dates shown in JST.
  const j = new Date(d.getTime() + JST_OFFSET_MS);
  return `${j.getUTCFullYear()}年${j.getUTCMonth() + 1}月${j.getUTCDate()}日`;
}

export function diagnosisMessage(
  status: CardDiagnosisStatus,
  dates?: { notAfter: Date; graceEndsAt: Date },
): StaffMessage {
  const exp = dates ? ymd(dates.notAfter) : '';
  const grace = dates ? ymd(dates.graceEndsAt) : '';
  switch (status) {
    case 'ok':
      return {
        message: 'カードは正常です（利用者証明用電子証明書は有効です）。',
        nextStep: '通常どおり顔認証付きカードリーダーで受付してください。',
      };
    case 'expiring_soon':
      return {
        message: `電子証明書の有効期限が近づいています（${exp}まで）。今回は通常どおり使えます。`,
        nextStep: '通常どおり受付し、お住まいの市区町村で電子証明書の更新手続きをするようご案内してください。',
      };
    case 'expired_in_grace':
      return {
        message: `電子証明書の有効期限が切れています（${exp}）。${grace}までは保険証として利用できます。`,
        nextStep: '通常どおり受付し、市区町村での電子証明書の更新を早めにご案内してください。',
      };
    case 'expired':
      return {
        message: `電子証明書の有効期限（${exp}）から3か月を過ぎているため、このカードでは資格確認できません。`,
        nextStep: '障害時受付に切り替え、マイナポータルの資格情報画面・資格確認書などで資格を確認してください。',
      };
    case 'chip_unreadable':
      return {
        message: 'カードのICチップを読み取れません（カードの不具合の可能性があります）。',
        nextStep: 'カードを挿し直して一度だけ再診断し、だめなら障害時受付に切り替えてください。',
      };
  }
}

export const ERROR_MESSAGES: Partial<Record<CardReaderErrorCode, StaffMessage>> = {
  SCARD_E_NO_SERVICE: {
    message: 'カードリーダーのサービス（PC/SC）が動いていません。',
    nextStep: 'カードリーダーのUSBを挿し直し、直らなければ障害時受付に切り替えて管理者に連絡してください。',
  },
  SCARD_E_SERVICE_STOPPED: {
    message: 'カードリーダーのサービス（PC/SC）が停止しました。',
    nextStep: 'カードリーダーのUSBを挿し直し、直らなければ障害時受付に切り替えて管理者に連絡してください。',
  },
  SCARD_E_NO_READERS_AVAILABLE: {
    message: 'カードリーダーが見つかりません。',
    nextStep: 'カードリーダーの接続を確認し、直らなければ障害時受付に切り替えてください。',
  },
  SCARD_E_UNKNOWN_READER: {
    message: '指定のカードリーダーが見つかりません。',
    nextStep: 'カードリーダーの接続を確認してから、もう一度診断してください。',
  },
  SCARD_E_READER_UNAVAILABLE: {
    message: 'カードリーダーが一時的に使えません。',
    nextStep: 'カードリーダーの接続を確認してから、もう一度診断してください。',
  },
  SCARD_E_NO_SMARTCARD: {
    message: 'カードが挿入されていません。',
    nextStep: 'カードをカードリーダーに置いてから、もう一度診断してください。',
  },
  SCARD_W_REMOVED_CARD: {
    message: '読み取り中にカードが外されました。',
    nextStep: 'カードを置いたまま、もう一度診断してください。',
  },
  SCARD_W_RESET_CARD: {
    message: '読み取り中に他のアプリがカードを使いました。',
    nextStep: '少し待ってから、もう一度診断してください。',
  },
  SCARD_E_SHARING_VIOLATION: {
    message: 'カードは他のアプリ（資格確認端末など）が使用中です。',
    nextStep: '受付の処理が終わってから、もう一度診断してください。',
  },
  SCARD_E_COMM_DATA_LOST: {
    message: 'カードとの通信が途切れました。',
    nextStep: 'もう一度診断してください。',
  },
  SCARD_F_COMM_ERROR: {
    message: 'カードリーダーのサービスとの通信が途切れました。',
    nextStep: '少し待ってから、もう一度診断してください。',
  },
  SCARD_E_INVALID_HANDLE: {
    message: 'カードリーダーのサービスが再起動しました。',
    nextStep: '少し待ってから、もう一度診断してください。',
  },
  SHIKAKU_TIMEOUT: {
    message: 'カードが応答しません（時間切れ）。',
    nextStep: 'カードを挿し直して一度だけ再診断し、だめなら障害時受付に切り替えてください。',
  },
  SHIKAKU_WORKER_EXITED: {
    message: 'カード読み取り機能が再起動中です。',
    nextStep: '数秒待ってから、もう一度診断してください。',
  },
  SHIKAKU_STOPPED: {
    message: 'カード読み取り機能は停止しています。',
    nextStep: 'アプリを再起動してください。',
  },
};

const FALLBACK_ERROR: StaffMessage = {
  message: 'カードリーダーで予期しないエラーが起きました。',
  nextStep: 'もう一度診断し、直らなければ障害時受付に切り替えて管理者に連絡してください。',
};

export function errorMessage(code: CardReaderErrorCode): StaffMessage {
  return ERROR_MESSAGES[code] ?? FALLBACK_ERROR;
}

export const SERVICE_LABEL: Record<ServiceState, string> = {
  running: '稼働中',
  unavailable: '停止',
  unknown: '確認中',
};

export const STATUS_TEXT = {
  service: 'PC/SCサービス',
  readers: 'カードリーダー',
  noReaders: 'カードリーダーなし',
  cardPresent: 'カードあり',
  cardAbsent: 'カードなし',
  lastError: '直近のエラー',
  diagnosisFailed: '診断できませんでした',
  fallbackYes: '障害時受付の対象',
  fallbackNo: '通常受付可',
} as const;

export const CLI_TEXT = {
  statusSummary: 'PC/SC（カードリーダー）の状態を表示',
  diagnoseSummary: 'カードを診断（利用者証明用電子証明書の読み取りと有効期限の判定）',
  next: '次の対応',
  timedOutWaiting: 'PC/SCの状態を確認できませんでした（時間切れ）。',
} as const;
