// Every Japanese text the renderer shows. Screens import from here; no literals in components.
import type { CoreState } from '../main/contract.ts';

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
} as const;
