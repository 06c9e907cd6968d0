// 「診断情報を保存」 (設定 → 機器の点検): one zip for the help desk with the device report, the journal's check
// (`db check`), the versions, the settings and the recent logs — and nothing about patients: no visits, no
// patient file, no staff names; every log line passes the 個人番号 redaction, and the names of the journal's
// patients are blanked out of the logs too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { redactMyNumbers } from '../../claims/mynumber.ts';
import type { DoctorResult, HealthState } from '../../hardware/health/index.ts';
import type { AppInfo } from './handlers/common.ts';
import { listSettings } from './handlers/settings.ts';
import type { Store } from './store/index.ts';
import { writeZip, type ZipInput } from './zip-writer.ts';

/** Logs changed within this many days go in. */
export const DIAGNOSTIC_LOG_DAYS = 7;
/** At most this many bytes of logs in all (the newest first; a file over the rest keeps its end). */
export const DIAGNOSTIC_LOG_BYTES = 8 * 1024 * 1024;
/** What replaces a patient's name in a log line. */
export const NAME_MARKER = '[氏名削除]';
/** How many visits' names are looked up to blank them out of the logs. */
const NAME_SCAN_LIMIT = 20_000;

export interface DiagnosticsSources {
  info: AppInfo;
  store: Store | null;
  journalError: { code: string; message: string } | null;
  health: HealthState;
  doctor(): Promise<DoctorResult>;
  logsDir: string;
  now: Date;
}

export interface Diagnostics {
  fileName: string;
  bytes: Buffer;
  entries: string[];
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** The patients' names (as written and without spaces) of the journal's visits, longest first. */
function patientNames(store: Store): string[] {
  const names = new Set<string>();
  let cursor: string | undefined;
  let seen = 0;
  do {
    const page = store.listVisits({ limit: 500, ...(cursor ? { cursor } : {}) });
    if (!page.ok) break;
    for (const v of page.value.items) {
      for (const n of [v.patientName, v.patientKana]) {
        const t = n.trim();
        if (t.length < 2) continue;
        names.add(t);
        const tight = t.replace(/[\s\u3000]+/g, '');
        if (tight.length >= 2) names.add(tight);
      }
    }
    seen += page.value.items.length;
    cursor = page.value.nextCursor ?? undefined;
  } while (cursor && seen < NAME_SCAN_LIMIT);
  return [...names].sort((a, b) => b.length - a.length);
}

/** A log's text with 個人番号 and the given names blanked, line by line. */
export function redactLog(text: string, names: readonly string[]): string {
  return text
    .split('\n')
    .map((line) => {
      let out = redactMyNumbers(line);
      for (const n of names) if (out.includes(n)) out = out.split(n).join(NAME_MARKER);
      return out;
    })
    .join('\n');
}

/** The recent log files, newest first, within the day and byte bounds. */
function recentLogs(dir: string, now: Date): { name: string; text: string; mtime: Date }[] {
  let files: { name: string; mtime: Date; size: number }[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((name) => {
        const st = statSync(join(dir, name));
        return { name, mtime: st.mtime, size: st.size };
      });
  } catch {
    return [];
  }
  const cutoff = now.getTime() - DIAGNOSTIC_LOG_DAYS * 86_400_000;
  let room = DIAGNOSTIC_LOG_BYTES;
  const out: { name: string; text: string; mtime: Date }[] = [];
  for (const f of files.filter((x) => x.mtime.getTime() >= cutoff).sort((a, b) => +b.mtime - +a.mtime)) {
    if (room <= 0) break;
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, f.name));
    } catch {
      continue;
    }
    if (bytes.length > room) bytes = bytes.subarray(bytes.length - room);
    room -= bytes.length;
    out.push({ name: f.name, text: bytes.toString('utf8'), mtime: f.mtime });
  }
  return out;
}

/** The settings without the staff list (names of people): its size only. */
function settingsView(store: Store): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of listSettings(store)) {
    out[item.key] =
      item.key === 'staff' ? { count: Array.isArray(item.value) ? item.value.length : 0 } : { value: item.value };
  }
  return out;
}

export async function buildDiagnostics(src: DiagnosticsSources): Promise<Diagnostics> {
  const { info, store, now } = src;
  const doctor = await src.doctor();
  const check = store ? store.check({ full: false }) : null;
  const names = store ? patientNames(store) : [];
  const entries: ZipInput[] = [
    { name: 'doctor.txt', data: `${doctor.text}\n` },
    { name: 'doctor.json', data: json(doctor.report) },
    {
      name: 'db-check.json',
      data: json(
        check === null
          ? { ok: false, error: src.journalError }
          : check.ok
            ? { ok: check.value.integrity === 'ok' && check.value.audit.ok, ...check.value }
            : { ok: false, error: { code: check.error.code, message: check.error.message } },
      ),
    },
    {
      name: 'versions.json',
      data: json({
        app: info.version,
        demo: info.demo,
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        sqlite: process.versions.sqlite ?? null,
        os: { platform: platform(), release: release(), arch: arch() },
        dataDir: info.dataDir,
        at: now.toISOString(),
      }),
    },
    { name: 'settings.json', data: json(store ? settingsView(store) : { error: src.journalError }) },
    { name: 'health.json', data: json(src.health) },
  ];
  for (const log of recentLogs(src.logsDir, now)) {
    entries.push({ name: `logs/${log.name}`, data: redactLog(log.text, names), date: log.mtime });
  }
  entries.forEach((e) => (e.date ??= now));
  return {
    fileName: `shikaku-diagnostics-${stamp(now)}.zip`,
    bytes: writeZip(entries),
    entries: entries.map((e) => e.name),
  };
}
