// `shikaku claims …`: the claims domain from the command line (number checks, 負担割合, the ①②③ decision).
import { readFileSync } from 'node:fs';
import { copayByAge } from '../../claims/copay.ts';
import { formatBothCalendars, parseTypedDate } from '../../claims/dates.ts';
import { BASIS_LABEL, decideClaim } from '../../claims/decide.ts';
import { parseInsurerNumber, parseKouhiNumber } from '../../claims/insurer.ts';
import { claimMessages } from '../../claims/messages.ts';
import { ClaimSettings } from '../../claims/settings.ts';
import { TerminalFinding, Visit } from '../../claims/visit.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, printJson, str, type CliIO, type Command } from './command.ts';

function readJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

function zodErrors(issues: { path: PropertyKey[]; message: string }[], code: string) {
  return issues.map((i) => ({ code, message: `「${i.path.join('.')}」: ${i.message}`, field: i.path.join('.') }));
}

function loadSettings(path: string | undefined): ClaimSettings {
  if (!path) return ClaimSettings.parse({});
  const parsed = ClaimSettings.safeParse(readJson(readFileSync(path, 'utf8'), path));
  if (!parsed.success)
    throw new UsageError(`settings ${path}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

const insurer: Command = {
  path: ['claims', 'insurer'],
  usage: 'claims insurer <number> [--kouhi] [--json]',
  summary: '保険者番号（--kouhi で公費負担者番号）を検証する',
  options: { kouhi: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io: CliIO) {
    if (positionals.length !== 1) throw new UsageError('one number expected');
    const info = values.kouhi ? parseKouhiNumber(positionals[0]!) : parseInsurerNumber(positionals[0]!);
    const out = {
      input: info.input,
      normalized: info.normalized,
      padded: info.padded,
      valid: info.valid,
      kind: info.kind,
      houbetsu: info.houbetsu,
      houbetsuName: info.houbetsuName,
      prefecture: info.prefecture,
      prefectureName: info.prefectureName,
      checkDigit: info.checkDigit,
      expectedCheckDigit: info.expectedCheckDigit,
      errors: info.errors,
    };
    if (values.json) printJson(io, out);
    else
      io.out(
        info.valid
          ? `有効: ${info.normalized}（${info.houbetsuName ?? info.prefectureName ?? info.kind}）`
          : `無効: ${info.errors.map((e) => e.message).join(' ')}`,
      );
    return info.valid ? EXIT_OK : EXIT_INVALID;
  },
};

const copay: Command = {
  path: ['claims', 'copay'],
  usage: 'claims copay --birth YYYY-MM-DD --on YYYY-MM-DD [--income high] [--kouki-percent 10|20|30] [--json]',
  summary: '生年月日と受診日から負担割合を出す',
  options: {
    birth: { type: 'string' },
    on: { type: 'string' },
    income: { type: 'string' },
    'kouki-percent': { type: 'string' },
  },
  async run({ values }, io) {
    const birthIn = str(values.birth);
    const onIn = str(values.on);
    if (!birthIn || !onIn) throw new UsageError('--birth and --on are required');
    const income = str(values.income);
    if (income !== undefined && income !== 'high' && income !== 'general')
      throw new UsageError('--income takes high or general');
    const kp = str(values['kouki-percent']);
    if (kp !== undefined && !/^\d+$/.test(kp)) throw new UsageError('--kouki-percent takes 10, 20 or 30');
    const birth = parseTypedDate(birthIn);
    const on = parseTypedDate(onIn);
    const errors = [...(birth.ok ? [] : birth.errors), ...(on.ok ? [] : on.errors)];
    const result =
      birth.ok && on.ok
        ? copayByAge({
            birthDate: birth.value,
            serviceDate: on.value,
            highIncome: income === 'high',
            ...(kp !== undefined ? { koukiPercent: Number(kp) } : {}),
          })
        : null;
    if (result && !result.ok) errors.push(...result.errors);
    if (!result?.ok) {
      if (values.json) printJson(io, { percent: null, band: null, reason: null, errors });
      else io.out(`エラー: ${errors.map((e) => e.message).join(' ')}`);
      return EXIT_INVALID;
    }
    const r = result.value;
    if (values.json)
      printJson(io, { percent: r.percent, band: r.band, reason: r.reason, boundary: r.boundary, errors: [] });
    else io.out(`${r.percent / 10}割（${r.reason}）`);
    return EXIT_OK;
  },
};

const date: Command = {
  path: ['claims', 'date'],
  usage: 'claims date <typed date> [--json]',
  summary: '入力された日付（S45.4.1、昭和45年4月1日 など）を西暦と和暦で示す',
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('one date expected');
    const r = parseTypedDate(positionals[0]!);
    if (values.json)
      printJson(
        io,
        r.ok
          ? { input: positionals[0], iso: r.value, display: formatBothCalendars(r.value), errors: [] }
          : { input: positionals[0], iso: null, errors: r.errors },
      );
    else io.out(r.ok ? formatBothCalendars(r.value) : `エラー: ${r.errors.map((e) => e.message).join(' ')}`);
    return r.ok ? EXIT_OK : EXIT_INVALID;
  },
};

const decide: Command = {
  path: ['claims', 'decide'],
  usage: 'claims decide [--settings settings.json] [--terminal answer.json] [--json] < visit.json',
  summary: '受付データから請求の根拠（①現資格・②旧資格・③不詳）を決める',
  options: { settings: { type: 'string' }, terminal: { type: 'string' } },
  async run({ values }, io) {
    const settings = loadSettings(str(values.settings));
    const visit = Visit.safeParse(readJson(await io.readStdin(), 'stdin'));
    let answer: TerminalFinding | undefined;
    const terminalPath = str(values.terminal);
    if (terminalPath) {
      const t = TerminalFinding.safeParse(readJson(readFileSync(terminalPath, 'utf8'), terminalPath));
      if (!t.success)
        throw new UsageError(`--terminal ${terminalPath}: ${t.error.issues.map((i) => i.message).join('; ')}`);
      answer = t.data;
    }
    if (!visit.success) {
      const errors = zodErrors(visit.error.issues, 'VISIT_INVALID');
      if (values.json) printJson(io, { basis: null, errors });
      else io.out(`受付データが正しくありません: ${errors.map((e) => e.message).join(' ')}`);
      return EXIT_INVALID;
    }
    const d = decideClaim(visit.data, settings, answer);
    if (values.json) printJson(io, d);
    else {
      const who = claimMessages.relationshipLabel(d.personalFamily);
      io.out(
        `${BASIS_LABEL[d.basis]}: ${d.ho.insurerNumber} ${d.ho.symbol} ${d.ho.number}${d.sn.branch ? ` 枝番 ${d.sn.branch}` : ''}${who ? ` ${who}` : ''}${d.remarks.length ? ` 摘要: ${d.remarks.join(' / ')}` : ''}`,
      );
      for (const n of d.needsDecision) io.out(`要判断: ${n.message}`);
      for (const w of d.warnings) io.out(`注意: ${w.message}`);
    }
    return EXIT_OK;
  },
};

export const claimsCommands: Command[] = [insurer, copay, date, decide];
