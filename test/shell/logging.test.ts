// Logs on disk (src/main/host/logging.ts): real files in a temp data folder, one per process and day, old
// days pruned, and no 個人番号 in any line whatever form it was typed in; the real core process writes its own.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MY_NUMBER_MARKER, isMyNumberLike } from '../../src/claims/mynumber.ts';
import { expiredLogFiles, lineSplitter, localDay, openLog } from '../../src/main/host/logging.ts';
import { realCoreClient, tempDir } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = tempDir('shikaku-logs-');
afterAll(() => dir.remove());

/** A 12-digit number whose last digit is the 個人番号 check digit (番号法施行令 第8条). */
function myNumber(first11: string): string {
  const digits = [...first11].map(Number).reverse();
  const sum = digits.reduce((acc, p, i) => acc + p * (i + 1 <= 6 ? i + 2 : i - 4), 0);
  const r = sum % 11;
  return `${first11}${r <= 1 ? 0 : 11 - r}`;
}
const MN = myNumber('12345678901');
const grouped = `${MN.slice(0, 4)}-${MN.slice(4, 8)}-${MN.slice(8)}`;
const fullWidth = [...MN].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');

describe('log files', () => {
  const logs = join(dir.path, 'data', 'logs');
  const log = openLog({ dir: logs, name: 'main' });
  afterAll(() => log.close());
  const text = () => readFileSync(log.currentFile(), 'utf8');

  it("one file per process and day under the data folder's logs/", () => {
    log.info('started');
    expect(log.currentFile()).toBe(join(logs, `main-${localDay(new Date())}.log`));
    expect(text()).toMatch(/\[info\]\s+started/);
  });

  it('no 個人番号 reaches the file: plain, grouped, full-width, inside an error and its stack', () => {
    expect(isMyNumberLike(MN)).toBe(true);
    log.info(`card read for ${MN}`);
    log.warn('typed', grouped, { note: `番号 ${fullWidth}` });
    log.error('failed:', new Error(`lookup ${MN} failed`));
    const written = text();
    for (const form of [MN, grouped, fullWidth]) expect(written).not.toContain(form);
    expect(written.split(MY_NUMBER_MARKER).length - 1).toBeGreaterThanOrEqual(4);
    expect(written).toContain('lookup');
  });

  it('leaves other numbers alone (a phone number, 12 digits without the check digit, a visit id)', () => {
    const wrong = `${MN.slice(0, 11)}${(Number(MN[11]) + 1) % 10}`;
    log.info(`tel 03-1234-5678, code ${wrong}, visit 0f8fad5b-d9cb-469f-a165-70867728950e`);
    const written = text();
    expect(written).toContain('03-1234-5678');
    expect(written).toContain(wrong);
    expect(written).toContain('0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('captures console output into the file, redacted as well', () => {
    const original = { ...console };
    try {
      log.captureConsole();
      console.error(`console ${MN}`);
      console.log('console plain line');
    } finally {
      Object.assign(console, original);
    }
    const written = text();
    expect(written).toContain(`console ${MY_NUMBER_MARKER}`);
    expect(written).toContain('console plain line');
  });

  it('deletes only its own files older than keepDays', () => {
    const keep = join(dir.path, 'prune');
    mkdirSync(keep, { recursive: true });
    const now = new Date(2026, 5, 30, 10);
    for (const f of [
      'main-2026-05-30.log',
      'main-2026-05-31.log',
      'main-2026-04-01.old.log',
      'core-2026-01-01.log',
      'notes.txt',
    ])
      writeFileSync(join(keep, f), 'x');
    const pruned = openLog({ dir: keep, name: 'main', keepDays: 30, now: () => now });
    pruned.close();
    expect(readdirSync(keep).sort()).toEqual(['core-2026-01-01.log', 'main-2026-05-31.log', 'notes.txt']);
    expect(expiredLogFiles(['core-2026-01-01.log'], 'core', 30, now)).toEqual(['core-2026-01-01.log']);
  });

  it('splits a child process output into whole lines (the core under Electron)', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('first li');
    s.push('ne\r\nsecond\n\nthi');
    s.end();
    s.push('rd\n');
    expect(lines).toEqual(['first line', 'second', 'thi', 'rd']);
  });
});

describe('the processes that log', () => {
  it('the core writes <data>/logs/core-<day>.log', async () => {
    const data = join(dir.path, 'core');
    const client = realCoreClient(data);
    try {
      await client.start();
      const file = join(data, 'logs', `core-${localDay(new Date())}.log`);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/core .* started \(pid \d+\)/);
    } finally {
      await client.stop();
    }
  });

  it("Electron main: its own log, and the core's stdout/stderr piped into it (no console echo in the core)", () => {
    const main = readFileSync(join(root, 'src/main/electron/main.ts'), 'utf8');
    const spawner = readFileSync(join(root, 'src/main/electron/utility-core.ts'), 'utf8');
    expect(main).toMatch(/openLog\(\{\s*dir: join\(launch\.dataDir, LOG_DIR_NAME\),\s*name: 'main'/);
    expect(main).toMatch(/\[LOG_CONSOLE_ENV\]: '0'/);
    expect(main).toMatch(/utilityCoreSpawner\(paths\.core, env, \(stream, line\) =>/);
    expect(spawner).toMatch(/stdio: 'pipe'/);
  });
});
