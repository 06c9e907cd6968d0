// The 設定 screen's requests (settings.get, settings.set, staff.list, staff.save: settingsHandlers at the end):
// every known setting with its default, per-field validation with Japanese reasons, the terminal folder check (it
// must exist and be readable and writable), and the staff list editor (ids unique; an id that records refer to can
// only be deactivated, never removed).
//
// Every setting applies at once: a save of one the terminal link or the reconciler is built from re-opens them
// (link.ts, through CoreDeps.settingsChanged) before the answer; see docs/ui.md "Settings".
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import { institutionCodeMessages, institutionCodeProblem } from '../../../claims/institution.ts';
import { digitsOnly } from '../../../claims/normalize.ts';
import { ContractError } from '../../contract.ts';
import type { Store } from '../store/index.ts';
import { SYSTEM_ACTOR, StaffMember, storeMessages } from '../store/index.ts';
import { checkBackupDir } from '../store/backup-copy.ts';
import { knownSettings, settingDefaults, type KnownSettingKey } from '../store/settings.ts';
import { storeOf, type CoreDeps, type Handlers } from './common.ts';

/** The terminal client's default answer timeout (ms), used when 'terminal.timeoutMs' is absent. */
export const DEFAULT_TERMINAL_TIMEOUT_MS = 30_000;

/**
 * The terminal link's settings, read whenever the link is (re-)opened (link.ts). SHIKAKU_TERMINAL_DIR wins over
 * the stored 'terminal.dir'; the stored folder is used as it is (a share that is away shows as a terminal fault
 * in the health bar, not as a startup failure).
 */
export function terminalSettings(
  env: NodeJS.ProcessEnv,
  store: Pick<Store, 'getSetting'> | null,
): { dir: string; timeoutMs: number; institutionCode: string } {
  const get = <T>(key: string, fallback: T, ok: (v: unknown) => v is T): T => {
    const r = store?.getSetting(key);
    return r?.ok && ok(r.value) ? r.value : fallback;
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  return {
    dir: env.SHIKAKU_TERMINAL_DIR || get('terminal.dir', '', isString),
    timeoutMs: get('terminal.timeoutMs', DEFAULT_TERMINAL_TIMEOUT_MS, isNumber),
    institutionCode: get('clinic.institutionCode', '', isString),
  };
}

export interface FieldError {
  /** '' for the whole value; a field name (e.g. 'unknownInsurerNumber') inside an object setting. */
  path: string;
  message: string;
}

export interface SettingItem {
  key: string;
  value: unknown;
  default: unknown;
  isDefault: boolean;
  /** The change applies only after the app restarts (none today: every setting applies at once). */
  restartRequired: boolean;
}

export interface SaveResult {
  saved: boolean;
  item: SettingItem | null;
  errors: FieldError[];
  /** Saved, but worth a look (e.g. the terminal folder has no req/res folders yet). */
  warnings: string[];
}

/**
 * Settings the running core reads only when it starts: none today. The terminal link and the reconciler are
 * re-opened when theirs change (link.ts LINK_SETTINGS), the clinic server link when 'server' does
 * (server/link.ts), the rest is read when used.
 */
export const restartRequired: ReadonlySet<KnownSettingKey> = new Set<KnownSettingKey>();

/** Settings that have their own request (staff.save) rather than settings.set. */
const ownRequest: ReadonlySet<string> = new Set(['staff']);

export const settingMessages = {
  unknownKey: (key: string) => `不明な設定項目です: ${key}`,
  staffViaOwnRequest: '職員の一覧は「職員」の欄で保存してください。',
  actorRequired: '設定を変更する職員を選んでください。',
  actorUnknown: (who: string) => `職員「${who}」は職員の一覧にいないか、無効になっています。`,
  institution: institutionCodeMessages,
  folderRelative: 'フォルダは絶対パスで入力してください（例: C:\\OQS\\share、/mnt/oqs）。',
  folderMissing: (dir: string) => `フォルダが見つかりません: ${dir}`,
  folderNotDir: (dir: string) => `フォルダではありません: ${dir}`,
  folderNoAccess: (dir: string) => `フォルダを読み書きできません（権限を確認してください）: ${dir}`,
  folderNoReqRes: (dir: string) =>
    `保存しましたが、${dir} に req・res フォルダがありません。資格確認端末の連携アプリが使う共有フォルダか確かめてください。`,
  number: '数値を入力してください。',
  integer: '整数を入力してください。',
  min: (n: number | bigint) => `${n}以上で入力してください。`,
  max: (n: number | bigint) => `${n}以下で入力してください。`,
  tooLong: (n: number | bigint) => `${n}文字以内で入力してください。`,
  choice: '選択肢から選んでください。',
  digitsN: (n: string) => `${n}桁の数字で入力してください。`,
  date: 'YYYY-MM-DD の形の日付で入力してください（例: 2025-12-01）。',
  invalid: '入力内容が正しくありません。',
  staffIdRequired: '職員IDを入力してください。',
  staffNameRequired: '氏名を入力してください。',
  staffIdDuplicate: (id: string) => `職員ID「${id}」が重複しています。`,
  staffInUse: (id: string) => `職員ID「${id}」は過去の記録で使われているため削除できません。無効にしてください。`,
  staffNoneActive: '有効な職員が1人もいなくなります。少なくとも1人は有効にしてください。',
};

/** Japanese reason for digit-pattern fields of the claim settings. */
const claimFormat: Record<string, string> = {
  commentCode: settingMessages.digitsN('9'),
  commentShinryoShikibetsu: settingMessages.digitsN('2'),
  disasterInsurerNumber: settingMessages.digitsN('8'),
  disasterNumber: settingMessages.digitsN('1〜19'),
  insuranceCardValidUntil: settingMessages.date,
  transitionalUntil: settingMessages.date,
};

function issueMessage(issue: z.core.$ZodIssue): string {
  const field = String(issue.path[issue.path.length - 1] ?? '');
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? settingMessages.number : settingMessages.invalid;
    case 'too_small':
      return typeof issue.minimum === 'number' || typeof issue.minimum === 'bigint'
        ? settingMessages.min(issue.minimum)
        : settingMessages.invalid;
    case 'too_big':
      return issue.origin === 'string' ? settingMessages.tooLong(issue.maximum) : settingMessages.max(issue.maximum);
    case 'invalid_value':
      return settingMessages.choice;
    case 'invalid_format':
      return claimFormat[field] ?? settingMessages.invalid;
    default:
      return settingMessages.invalid;
  }
}

function isInteger(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.expected === 'int';
}

/** The terminal share folder: '' (not configured) or an absolute path to a folder this process can read and write. */
export function checkTerminalDir(dir: string): string | null {
  if (dir === '') return null;
  if (!isAbsolute(dir)) return settingMessages.folderRelative;
  try {
    if (!statSync(dir).isDirectory()) return settingMessages.folderNotDir(dir);
  } catch {
    return settingMessages.folderMissing(dir);
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch {
    return settingMessages.folderNoAccess(dir);
  }
  return null;
}

/** Warnings for a folder that passed checkTerminalDir: the connector's req/res folders are not there. */
export function terminalDirWarnings(dir: string): string[] {
  if (dir === '') return [];
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  return isDir(join(dir, 'req')) && isDir(join(dir, 'res')) ? [] : [settingMessages.folderNoReqRes(dir)];
}

/** Validates one setting. Strings are NFKC-normalised first (the terminal folder keeps its exact spelling). */
export function validateSetting(
  key: string,
  raw: unknown,
): { ok: true; value: unknown } | { ok: false; errors: FieldError[] } {
  if (!Object.hasOwn(knownSettings, key))
    return { ok: false, errors: [{ path: '', message: settingMessages.unknownKey(key) }] };
  const k = key as KnownSettingKey;
  let value = raw;
  if (k === 'clinic.institutionCode' && typeof raw === 'string') {
    const digits = digitsOnly(raw);
    if (digits === null) return { ok: false, errors: [{ path: '', message: settingMessages.institution.digits }] };
    const problem = digits === '' ? null : institutionCodeProblem(digits);
    if (problem) return { ok: false, errors: [{ path: '', message: settingMessages.institution[problem] }] };
    value = digits;
  } else if (k === 'clinic.name' && typeof raw === 'string') {
    value = raw.normalize('NFKC').trim();
  } else if (k === 'backup.secondDir' && typeof raw === 'string') {
    // The second backup folder must take a file now (written, fsynced, removed): a USB stick that is write-protected
    // or a share that is away is refused here, not found out at the next backup.
    value = raw.trim();
    const problem = checkBackupDir(value as string);
    if (problem) return { ok: false, errors: [{ path: '', message: storeMessages[problem] }] };
  } else if (k === 'terminal.dir' && typeof raw === 'string') {
    value = raw.trim();
    const problem = checkTerminalDir(value as string);
    if (problem) return { ok: false, errors: [{ path: '', message: problem }] };
  }
  const parsed = knownSettings[k].safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        message: isInteger(i) ? settingMessages.integer : issueMessage(i),
      })),
    };
  }
  return { ok: true, value: parsed.data };
}

function itemOf(store: Store, key: KnownSettingKey): SettingItem {
  const r = store.getSetting(key);
  const value = r.ok ? r.value : settingDefaults[key];
  const def = settingDefaults[key];
  return {
    key,
    value,
    default: def,
    isDefault: JSON.stringify(value) === JSON.stringify(def),
    restartRequired: restartRequired.has(key),
  };
}

export function listSettings(store: Store): SettingItem[] {
  return (Object.keys(knownSettings) as KnownSettingKey[]).map((k) => itemOf(store, k));
}

/**
 * The actor of a settings change: an active staff member. Before any active staff exists (first setup),
 * the system actor may create the staff list and settings.
 */
function checkActor(store: Store, staff: string): FieldError | null {
  if (staff.trim() === '') return { path: 'staff', message: settingMessages.actorRequired };
  if (staff === SYSTEM_ACTOR) {
    return store.listStaff().some((s) => s.active)
      ? { path: 'staff', message: settingMessages.actorUnknown(staff) }
      : null;
  }
  return store.resolveStaff(staff).ok ? null : { path: 'staff', message: settingMessages.actorUnknown(staff) };
}

type StoreFailure = { ok: false; error: { code: string; message: string } };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * 'claims' is saved as a whole object, but a caller that sends only some of its fields (an older 設定 screen, a
 * script) must not reset the others to their defaults: the fields sent go on top of the stored ones.
 */
function withStoredFields(store: Store, key: string, value: unknown): unknown {
  if (key !== 'claims' || !isRecord(value)) return value;
  const current = store.getSetting(key);
  return current.ok && isRecord(current.value) ? { ...current.value, ...value } : value;
}

export function saveSetting(
  store: Store,
  input: { key: string; value: unknown; staff: string },
): SaveResult | StoreFailure {
  if (ownRequest.has(input.key)) {
    return {
      saved: false,
      item: null,
      errors: [{ path: '', message: settingMessages.staffViaOwnRequest }],
      warnings: [],
    };
  }
  const actor = checkActor(store, input.staff);
  if (actor) return { saved: false, item: null, errors: [actor], warnings: [] };
  const v = validateSetting(input.key, withStoredFields(store, input.key, input.value));
  if (!v.ok) return { saved: false, item: null, errors: v.errors, warnings: [] };
  const r = store.setSetting(input.key, v.value, input.staff);
  if (!r.ok) return r;
  const warnings = input.key === 'terminal.dir' ? terminalDirWarnings(v.value as string) : [];
  return { saved: true, item: itemOf(store, input.key as KnownSettingKey), errors: [], warnings };
}

export interface StaffSaveResult {
  saved: boolean;
  list: StaffMember[];
  errors: FieldError[];
}

/**
 * Replaces the staff list: add, rename, deactivate. Ids are NFKC-normalised and unique; an id that records
 * refer to stays (deactivate it instead); at least one member stays active.
 */
export function saveStaff(
  store: Store,
  input: { list: { id: string; name: string; active: boolean }[]; staff: string },
): StaffSaveResult | StoreFailure {
  const current = store.listStaff();
  const actor = checkActor(store, input.staff);
  if (actor) return { saved: false, list: current, errors: [actor] };
  const errors: FieldError[] = [];
  const list = input.list.map((s) => ({
    id: s.id.normalize('NFKC').trim(),
    name: s.name.normalize('NFKC').trim(),
    active: s.active,
  }));
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (s.id === '') errors.push({ path: `${i}.id`, message: settingMessages.staffIdRequired });
    else if (seen.has(s.id)) errors.push({ path: `${i}.id`, message: settingMessages.staffIdDuplicate(s.id) });
    else if (s.id === SYSTEM_ACTOR) errors.push({ path: `${i}.id`, message: settingMessages.staffIdDuplicate(s.id) });
    seen.add(s.id);
    if (s.name === '') errors.push({ path: `${i}.name`, message: settingMessages.staffNameRequired });
    const p = StaffMember.safeParse(s);
    if (!p.success && s.id !== '' && s.name !== '') {
      const i0 = p.error.issues[0]!;
      errors.push({ path: `${i}.${i0.path.map(String).join('.')}`, message: issueMessage(i0) });
    }
  });
  const inUse = store.staffIdsInUse();
  if (!inUse.ok) return inUse;
  for (const id of new Set(inUse.value)) {
    if (id !== SYSTEM_ACTOR && !seen.has(id)) {
      errors.push({ path: '', message: settingMessages.staffInUse(id) });
    }
  }
  if (list.length > 0 && !list.some((s) => s.active))
    errors.push({ path: '', message: settingMessages.staffNoneActive });
  if (errors.length > 0) return { saved: false, list: current, errors };
  const r = store.setStaff(list, input.staff);
  if (!r.ok) return r;
  return { saved: true, list: r.value, errors: [] };
}

/** The settings requests answer {saved:false, errors} for bad input; a store failure is a wire error. */
function unwrapSaved<T extends object>(r: T | StoreFailure): T {
  if ('ok' in r && r.ok === false) throw new ContractError(r.error.code, r.error.message);
  return r as T;
}

export type SettingsRequest = 'settings.get' | 'settings.set' | 'staff.list' | 'staff.save';

export function settingsHandlers(deps: CoreDeps): Handlers<SettingsRequest> {
  return {
    'settings.get': () => ({
      items: listSettings(storeOf(deps)),
      terminalDirEnv: deps.terminalDirEnv ?? null,
    }),
    'settings.set': async (input) => {
      const r = unwrapSaved(saveSetting(storeOf(deps), input));
      if (r.saved) await deps.settingsChanged?.(input.key);
      return r;
    },
    'staff.list': () => storeOf(deps).listStaff(),
    'staff.save': (input) => unwrapSaved(saveStaff(storeOf(deps), input)),
  };
}
