// `shikaku reconcile`, `shikaku export`, `shikaku returns …`: the 事後確認 queue against the 資格確認端末, the monthly
// claims export from the journal, and returned claims (返戻).
// Exit codes: 0 ok, 1 invalid input or refused (export: visits listed), 2 usage.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ClaimSettings } from '../../claims/settings.ts';
import { formatUkeReport } from '../../claims/uke-check.ts';
import { FileTerminalClient } from '../../hardware/terminal/index.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type CliIO, type Command } from './command.ts';
import { checkUkeMonth, exportMonth } from '../core/reconcile/export.ts';
import { exportMonthFiles } from '../core/reconcile/month-files.ts';
import { progressLine, reconcileMessages } from '../core/reconcile/messages.ts';
import { Reconciler } from '../core/reconcile/reconciler.ts';
import { SYSTEM_ACTOR, writeFileDurable, type Store } from '../core/store/index.ts';
import { reportError, withStore } from './store.ts';

const dataDirOption = { 'data-dir': { type: 'string' } } as const;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function positiveInt(v: unknown, name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

function settingsOf(store: Store): ClaimSettings | undefined {
  const r = store.getSetting('claims');
  const p = ClaimSettings.safeParse(r.ok ? r.value : {});
  return p.success ? p.data : undefined;
}

const reconcile: Command = {
  path: ['reconcile'],
  usage: 'reconcile [--once] --terminal-dir DIR [--data-dir DIR] [--timeout-ms N] [--concurrency N] [--json]',
  summary: '資格確認端末に照会して事後確認（①現資格・②旧資格・③不詳の判定）を行う',
  options: {
    ...dataDirOption,
    once: { type: 'boolean' },
    'terminal-dir': { type: 'string' },
    'timeout-ms': { type: 'string' },
    concurrency: { type: 'string' },
  },
  async run({ values }, io) {
    const json = values.json === true;
    const dir = str(values['terminal-dir']);
    if (!dir) throw new UsageError('--terminal-dir is required');
    const timeoutMs = positiveInt(values['timeout-ms'], 'timeout-ms');
    const concurrency = positiveInt(values.concurrency, 'concurrency');
    return withStore(values, io, async (store) => {
      const settings = settingsOf(store);
      if (!settings)
        return reportError(io, json, { code: 'SETTINGS_INVALID', message: reconcileMessages.SETTINGS_INVALID });
      const terminal = new FileTerminalClient({ dir });
      const r = new Reconciler({
        store,
        terminal,
        settings,
        ...(timeoutMs !== undefined ? { timeoutMs, leaseMs: Math.max(timeoutMs * 2, 60_000) } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        onProgress: (p) => io.err(progressLine(p)),
      });
      const stop = () => void r.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const summary = await r.run({ once: values.once === true });
        if (json) printJson(io, { ok: true, ...summary });
        else
          io.out(
            `① 現資格 ${summary.decisions.current} 件 / ② 旧資格 ${summary.decisions.past} 件 / ③ 不詳 ${summary.decisions.unknown} 件 / 要確認 ${summary.decisions.none} 件 / 再試行待ち ${summary.failed} 件 / 停止 ${summary.dead} 件${summary.paused ? `\n${reconcileMessages.PAUSED}` : ''}`,
          );
        return EXIT_OK;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await terminal.close();
      }
    });
  },
};

/**
 * `export --check-uke FILE --month YYYY-MM`: the 請求前点検. Reads the UKE file the レセコン wrote and lists every
 * outage visit of the month whose HO / SN / 摘要 differ from the decision. Read only: writes nothing, audits nothing.
 * Exit 0 when nothing differs, 1 when something does (or the file has problems).
 */
async function checkUkeFile(values: Record<string, unknown>, io: CliIO, file: string, month: string): Promise<number> {
  const json = values.json === true;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return reportError(io, json, {
      code: 'UKE_UNREADABLE',
      message: `${reconcileMessages.UKE_UNREADABLE} ${file}`,
      detail: (e as Error).message,
    });
  }
  return withStore(values, io, (store) => {
    const settings = settingsOf(store);
    if (!settings)
      return reportError(io, json, { code: 'SETTINGS_INVALID', message: reconcileMessages.SETTINGS_INVALID });
    const r = checkUkeMonth(store, month, settings, bytes);
    if (!r.ok) return reportError(io, json, r.error);
    const report = r.value;
    if (json) printJson(io, { ok: report.findings.length === 0 && report.problems.length === 0, ...report });
    else io.out(formatUkeReport(report).trimEnd());
    return report.findings.length === 0 && report.problems.length === 0 ? EXIT_OK : EXIT_INVALID;
  });
}

/**
 * `export --all --out DIR`: the month's whole set of files (what 「今月の請求データを作成」 writes, byte for byte:
 * the same core function), audited as by `--staff` (default the system actor).
 */
async function exportAll(values: Record<string, unknown>, io: CliIO, month: string, encoding: 'shift_jis' | 'utf8') {
  const json = values.json === true;
  const dir = str(values.out);
  if (!dir) throw new UsageError('--out DIR is required');
  return withStore(values, io, async (store) => {
    const settings = settingsOf(store);
    if (!settings)
      return reportError(io, json, { code: 'SETTINGS_INVALID', message: reconcileMessages.SETTINGS_INVALID });
    const r = await exportMonthFiles(store, {
      month,
      settings,
      encoding,
      actor: str(values.staff) ?? SYSTEM_ACTOR,
      dir: path.resolve(dir),
    });
    if (!r.ok) return reportError(io, json, r.error);
    const v = r.value;
    if (v.status === 'empty')
      return reportError(io, json, { code: 'EXPORT_EMPTY', message: reconcileMessages.EXPORT_EMPTY });
    if (v.status === 'blocked' || v.status === 'unencodable') {
      const code = v.status === 'blocked' ? 'EXPORT_REFUSED' : 'EXPORT_UNENCODABLE';
      const message = v.status === 'blocked' ? reconcileMessages.EXPORT_REFUSED : reconcileMessages.EXPORT_UNENCODABLE;
      if (json) printJson(io, { ok: false, code, message, blockers: v.blockers });
      else
        io.err([message, ...v.blockers.map((b) => `  ${b.serviceDate} ${b.name}: ${b.reasons.join(' ')}`)].join('\n'));
      return EXIT_INVALID;
    }
    const files = v.files.map((f, i) => ({ file: v.written[i]!, sha256: f.sha256, visits: f.visits }));
    if (json) printJson(io, { ok: true, month, encoding, files, reclaims: v.reclaims.length });
    else io.out(files.map((f) => `${reconcileMessages.EXPORT_WRITTEN} ${f.file}（${f.visits} 件）`).join('\n'));
    return EXIT_OK;
  });
}

const exportCommand: Command = {
  path: ['export'],
  usage:
    'export --month YYYY-MM (--all --out DIR [--staff ID] | --format csv|input-sheet|unknown-list --out FILE | --check-uke FILE) [--encoding shift_jis|utf8] [--data-dir DIR] [--json]',
  summary: '月ごとの請求データ（CSV・レセコン入力票・不詳一覧）を出力する／レセコンのUKEファイルを請求前点検する',
  options: {
    ...dataDirOption,
    month: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    out: { type: 'string' },
    all: { type: 'boolean' },
    staff: { type: 'string' },
    'check-uke': { type: 'string' },
  },
  async run({ values }, io) {
    const json = values.json === true;
    const month = str(values.month);
    const format = str(values.format);
    const encoding = str(values.encoding) ?? 'shift_jis';
    const out = str(values.out);
    const ukeFile = str(values['check-uke']);
    if (!month || !MONTH.test(month)) throw new UsageError('--month YYYY-MM is required');
    if (ukeFile !== undefined) {
      if (format !== undefined || out !== undefined) throw new UsageError('--check-uke takes no --format or --out');
      return checkUkeFile(values, io, ukeFile, month);
    }
    if (values.all === true) {
      if (format !== undefined) throw new UsageError('--all takes no --format');
      if (encoding !== 'shift_jis' && encoding !== 'utf8') throw new UsageError('--encoding must be shift_jis or utf8');
      return exportAll(values, io, month, encoding);
    }
    if (format !== 'csv' && format !== 'input-sheet' && format !== 'unknown-list')
      throw new UsageError('--format must be csv, input-sheet or unknown-list');
    if (encoding !== 'shift_jis' && encoding !== 'utf8') throw new UsageError('--encoding must be shift_jis or utf8');
    if (!out) throw new UsageError('--out FILE is required');
    return withStore(values, io, (store) => {
      const settings = settingsOf(store);
      if (!settings)
        return reportError(io, json, { code: 'SETTINGS_INVALID', message: reconcileMessages.SETTINGS_INVALID });
      const r = exportMonth(store, month, format, settings, encoding);
      if (!r.ok) return reportError(io, json, r.error);
      const file = r.value.file;
      if (!file.ok) {
        if (json)
          printJson(io, {
            ok: false,
            code: 'EXPORT_REFUSED',
            message: reconcileMessages.EXPORT_REFUSED,
            errors: file.errors,
          });
        else
          io.err(
            [
              reconcileMessages.EXPORT_REFUSED,
              ...file.errors.map((e) => `  ${e.field ?? ''} ${e.message} [${e.code}]`),
            ].join('\n'),
          );
        return EXIT_INVALID;
      }
      const target = path.resolve(out);
      writeFileDurable(target, file.value.bytes);
      const sha256 = createHash('sha256').update(file.value.bytes).digest('hex');
      const reclaimed = r.value.reclaims.filter((x) => file.value.visitIds.includes(x.visitId)).map((x) => x.id);
      if (reclaimed.length > 0) store.markReturnsReclaimed(reclaimed, SYSTEM_ACTOR);
      store.appendAudit({
        actor: SYSTEM_ACTOR,
        action: 'claims.export',
        entity: 'export',
        entityId: `${month}:${format}`,
        detail: { month, format, encoding, sha256, visits: file.value.visitIds.length, reclaims: reclaimed.length },
      });
      const summary = {
        ok: true,
        month,
        format,
        encoding,
        file: target,
        visits: file.value.visitIds.length,
        reclaims: reclaimed.length,
        sha256,
      };
      if (json) printJson(io, summary);
      else io.out(`${reconcileMessages.EXPORT_WRITTEN} ${target}（${summary.visits} 件）`);
      return EXIT_OK;
    });
  },
};

const returnsAdd: Command = {
  path: ['returns', 'add'],
  usage:
    'returns add --visit ID --month YYYY-MM --reason TEXT [--reclaim-month YYYY-MM] [--staff ID] [--data-dir DIR] [--json]',
  summary: '返戻を登録する（受付を再度事後確認し、後の月に再請求する）',
  options: {
    ...dataDirOption,
    visit: { type: 'string' },
    month: { type: 'string' },
    reason: { type: 'string' },
    'reclaim-month': { type: 'string' },
    staff: { type: 'string' },
  },
  async run({ values }, io) {
    const json = values.json === true;
    const visitId = str(values.visit);
    const month = str(values.month);
    const reason = str(values.reason);
    if (!visitId || !month || !reason) throw new UsageError('--visit, --month and --reason are required');
    return withStore(values, io, (store) => {
      const reclaimMonth = str(values['reclaim-month']);
      const r = store.addReturn({
        visitId,
        claimMonth: month,
        reason,
        staff: str(values.staff) ?? SYSTEM_ACTOR,
        ...(reclaimMonth ? { reclaimMonth } : {}),
      });
      if (!r.ok) return reportError(io, json, r.error);
      if (json) printJson(io, { ok: true, ...r.value });
      else io.out(`${reconcileMessages.RETURN_ADDED} (${r.value.id}, 再請求 ${r.value.reclaimMonth})`);
      return EXIT_OK;
    });
  },
};

const returnsList: Command = {
  path: ['returns', 'list'],
  usage: 'returns list [--open] [--data-dir DIR] [--json]',
  summary: '返戻の一覧（--open: まだ再請求していないもの）',
  options: { ...dataDirOption, open: { type: 'boolean' } },
  async run({ values }, io) {
    const json = values.json === true;
    return withStore(values, io, (store) => {
      const r = store.listReturns({ open: values.open === true });
      if (!r.ok) return reportError(io, json, r.error);
      if (json) printJson(io, r.value);
      else
        io.out(
          r.value.length === 0
            ? '返戻はありません。'
            : r.value
                .map(
                  (x) =>
                    `${x.visitId}  ${x.claimMonth} → ${x.reclaimMonth}  ${x.status === 'open' ? '未再請求' : '再請求済'}  ${x.reason}`,
                )
                .join('\n'),
        );
      return EXIT_OK;
    });
  },
};

const evidence: Command = {
  path: ['evidence'],
  usage: 'evidence VISIT_ID [--out DIR] [--data-dir DIR] [--json]',
  summary: '事後確認の根拠となった資格確認端末の回答（原本）を一覧・書き出しする',
  allowPositionals: true,
  options: { ...dataDirOption, out: { type: 'string' } },
  async run({ values, positionals }, io) {
    const json = values.json === true;
    const visitId = positionals[0];
    if (!visitId || positionals.length > 1) throw new UsageError('one VISIT_ID is required');
    const out = str(values.out);
    return withStore(values, io, (store) => {
      const list = store.listAnswerEvidence(visitId);
      if (!list.ok) return reportError(io, json, list.error);
      if (list.value.length === 0)
        return reportError(io, json, { code: 'NOT_FOUND', message: reconcileMessages.EVIDENCE_NONE });
      const written: { file: string; sha256: string; bytes: number }[] = [];
      if (out) {
        mkdirSync(out, { recursive: true });
        for (const e of list.value) {
          const b = store.readAnswerEvidence(e.sha256);
          if (!b.ok) return reportError(io, json, b.error);
          // The terminal's own file name, prefixed by the evidence row: one visit may hold several answers.
          const target = path.join(path.resolve(out), `${e.id}-${path.basename(e.file)}`);
          writeFileDurable(target, b.value);
          written.push({ file: target, sha256: e.sha256, bytes: b.value.length });
        }
      }
      if (json) printJson(io, { ok: true, evidence: list.value, written });
      else
        io.out(
          [
            ...list.value.map(
              (e) =>
                `${new Date(e.createdAt).toISOString()}  ${e.request === 'bulk_fetch' ? '一括照会' : '資格確認'}  ${e.file}  ${e.size} bytes  sha256 ${e.sha256}${e.rowId ? `  行 ${e.rowId}` : ''}`,
            ),
            ...written.map((w) => `${reconcileMessages.EVIDENCE_WRITTEN} ${w.file}`),
          ].join('\n'),
        );
      return EXIT_OK;
    });
  },
};

export const reconcileCommands: Command[] = [reconcile, exportCommand, returnsAdd, returnsList, evidence];
