// Every Japanese string of the health layer, for reception staff and the help desk: what happened, and the
// one next step. Nothing else in src/hardware/health holds staff-facing text.
import type { ClinicCauseCode, ClinicWarningCode, DeviceKey, FindingCode, HealthMode } from './causes.ts';

export interface StaffMessage {
  message: string;
  nextStep: string;
}

const FALLBACK = '目視で本人確認し、マイナポータルの資格情報画面・資格確認書等で受付を続けてください（障害時受付）';

export const CAUSE_MESSAGES: Readonly<Record<ClinicCauseCode, StaffMessage>> = {
  reader_fault: {
    message: 'カードリーダーが応答しません（見つからないか、故障しています）。',
    nextStep: `カードリーダーのUSBケーブルと電源を確認してください。直らなければ${FALLBACK}。`,
  },
  pcsc_service_down: {
    message: 'カードリーダーのサービス（PC/SC）が動いていません。',
    nextStep: `カードリーダーのUSBを挿し直してください。直らなければ${FALLBACK}。管理者にも連絡してください。`,
  },
  terminal_no_answer: {
    message: '資格確認端末から応答がありません。',
    nextStep: `資格確認端末の電源と画面を確認してください。直らなければ${FALLBACK}。`,
  },
  terminal_central_unreachable: {
    message:
      '資格確認端末は動いていますが、国のオンライン資格確認等システムにつながりません（広域の回線障害の可能性）。',
    nextStep: `${FALLBACK}。長く続くときはオンライン資格確認等コールセンターに連絡してください。`,
  },
  terminal_share_unreachable: {
    message: '資格確認端末の共有フォルダに接続できません。',
    nextStep: `資格確認端末が起動しているか、LANケーブルを確認してください。直らなければ${FALLBACK}。管理者にも連絡してください。`,
  },
  facility_network_down: {
    message: '院内ネットワークにつながりません（資格確認端末に届きません）。',
    nextStep: `LANケーブルとハブ・ルーターの電源を確認してください。直らなければ${FALLBACK}。`,
  },
  wide_area_network_down: {
    message: 'インターネット回線につながりません。オンライン資格確認が使えない可能性があります。',
    nextStep:
      'ルーター（回線終端装置）の電源とランプを確認してください。資格確認端末で確認できるうちは通常どおり受付し、できなければ障害時受付に切り替えてください。',
  },
  power_on_battery: {
    message: '停電のため、UPS（無停電電源装置）のバッテリーで動いています。',
    nextStep:
      '受付の記録は自動で保存しています。停電が続くときは新しい受付を手短にし、PCが止まる場合に備えて紙の控えを用意してください。',
  },
};

export const FINDING_MESSAGES: Readonly<Record<FindingCode, StaffMessage>> = {
  card_chip_unreadable: {
    message: 'カードのICチップを読み取れません（カードの不具合の可能性があります）。',
    nextStep: `カードを挿し直して一度だけ再確認し、だめなら${FALLBACK}。`,
  },
  card_cert_expired: {
    message: '電子証明書の有効期限から3か月を過ぎているため、このカードでは資格確認できません。',
    nextStep: `${FALLBACK}。お住まいの市区町村で電子証明書を更新するようご案内してください。`,
  },
  qualification_invalid: {
    message:
      '資格確認端末の結果は「資格（無効）」でした。カードに結びついている保険の資格が終わっている（退職・転職・扶養から外れた・75歳になった等で保険が変わった）という意味です。',
    nextStep:
      '患者さんに、新しい保険の資格確認書・保険証（またはマイナポータルの資格情報画面）を見せてもらってください。まだ届いていなければ被保険者資格申立書の記入をお願いし、画面に出た旧資格の情報を控えてください。',
  },
  qualification_not_found: {
    message: '資格確認端末の結果は「資格情報なし」でした。',
    nextStep:
      'マイナポータルの資格情報画面・資格確認書等で資格を確認してください。確認できなければ、過去の来院情報の口頭確認または被保険者資格申立書で受付を続けてください。',
  },
  card_cert_in_grace: {
    message: '電子証明書の有効期限が切れていますが、期限後3か月までは保険証として利用できます。',
    nextStep: '通常どおり受付し、市区町村で電子証明書を早めに更新するようご案内してください。',
  },
  card_cert_expiring_soon: {
    message: '電子証明書の有効期限が近づいています。',
    nextStep: '通常どおり受付し、市区町村で電子証明書の更新手続きをするようご案内してください。',
  },
};

export function warningMessage(code: ClinicWarningCode, params: { charge?: number } = {}): StaffMessage {
  switch (code) {
    case 'power_battery_low':
      return {
        message:
          params.charge !== undefined
            ? `UPSのバッテリー残量が少なくなっています（残り${params.charge}%）。`
            : 'UPSのバッテリーがまもなく切れます。',
        nextStep: 'まもなくPCが止まります。入力中の受付を保存し、以降の受付は紙に控えてください。',
      };
  }
}

export const MODE_LABELS: Readonly<Record<HealthMode, string>> = {
  normal: '通常',
  degraded: '一部障害',
  outage: '障害時',
};

export const MODE_DESCRIPTIONS: Readonly<Record<HealthMode, string>> = {
  normal: 'すべて正常です。通常どおり受付してください。',
  degraded: '一部に障害がありますが、マイナ保険証での受付は続けられます。',
  outage: 'マイナ保険証での資格確認ができません。障害時受付で受付を続けてください。',
};

export const DEVICE_LABELS: Readonly<Record<DeviceKey, string>> = {
  reader: 'カードリーダー',
  card: 'マイナンバーカード',
  terminal: '資格確認端末',
  network: 'ネットワーク',
  power: '電源（UPS）',
};

export type DeviceStatus = 'ok' | 'warning' | 'fault' | 'unknown';

export const STATUS_LABELS: Readonly<Record<DeviceStatus, string>> = {
  ok: '正常',
  warning: '注意',
  fault: '障害',
  unknown: '不明',
};

/** Short device texts for the status bar and the doctor report. */
export const DEVICE_TEXT = {
  readerConnected: (n: number, withCard: number) =>
    withCard > 0 ? `接続中（${n}台、カードあり）` : `接続中（${n}台）`,
  readerMissing: 'カードリーダーが見つかりません',
  readerRequiredMissing: '顔認証付きカードリーダーが見つかりません',
  pcscDown: 'サービス（PC/SC）停止',
  pcscUnknown: '確認中',
  cardNone: 'この受付ではまだ読んでいません',
  cardOk: '正常に読み取りました',
  terminalOk: '応答あり',
  terminalShareMissing: '共有フォルダに接続できません',
  terminalCentralError: '応答はあるが全国のシステムにつながらない',
  terminalNoAnswer: (n: number) => (n > 0 ? `応答なし（${n}回連続）` : '応答なし'),
  terminalUnknown: 'まだ問い合わせていません',
  networkOk: '院内・インターネットとも接続中',
  networkFacilityDown: '院内ネットワークに接続できません',
  networkWanDown: 'インターネット回線に接続できません',
  networkUnknown: '未確認',
  networkFacilityOnly: '院内ネットワーク接続中（インターネットは未確認）',
  networkWanOnly: 'インターネット接続中（院内ネットワークは未確認）',
  powerAc: (charge?: number) => (charge !== undefined ? `商用電源（バッテリー${charge}%）` : '商用電源'),
  powerBattery: (charge?: number, minutes?: number) => {
    const parts: string[] = [];
    if (charge !== undefined) parts.push(`残り${charge}%`);
    if (minutes !== undefined) parts.push(`約${minutes}分`);
    return parts.length > 0 ? `バッテリー運転中（${parts.join('、')}）` : 'バッテリー運転中';
  },
  powerUnknown: 'UPSなし、または状態不明',
  unstable: '応答が不安定です（確認中）',
} as const;

/** Short texts of per-reception findings (device summary of the card, doctor report). */
export const FINDING_SHORT: Readonly<Record<FindingCode, string>> = {
  card_chip_unreadable: 'ICチップを読み取れません',
  card_cert_expired: '電子証明書の期限切れ（3か月超）',
  card_cert_in_grace: '電子証明書の期限切れ（3か月以内・利用可）',
  card_cert_expiring_soon: '電子証明書の期限が近づいています',
  qualification_invalid: '資格（無効）',
  qualification_not_found: '資格情報なし',
};

/** Labels of the doctor report's text rendering. */
export const DOCTOR_TEXT = {
  title: 'shikaku 診断レポート',
  at: '日時',
  mode: '状態',
  causes: '障害の原因',
  noCauses: 'なし',
  warnings: '注意',
  devices: '機器と回線',
  nextStep: '次の対応',
  facts: '詳細',
  helpDesk: 'このレポートをそのままヘルプデスクに伝えてください。',
} as const;
