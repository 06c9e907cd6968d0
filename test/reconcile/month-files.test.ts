// The month-end files (core/reconcile/month-files.ts): one function builds them for the app and `export --all`;
// blocked and unencodable months name the patient, date and reason; the write leaves nothing half-written; each
// export is audited with every file's sha256. Real store and files in a temp folder, visits from docs/examples.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/claims/export.ts';
import { buildMonthExport, type ExportFormat } from '../../src/claims/month-export.ts';
import type { Visit } from '../../src/claims/visit.ts';
import { claimSettingsOf } from '../../src/main/core/reconcile/claim.ts';
import { collectExportItems } from '../../src/main/core/reconcile/export.ts';
import {
  buildMonthFiles,
  checkMonthFiles,
  exportMonthFiles,
  monthFileNames,
} from '../../src/main/core/reconcile/month-files.ts';
import { replaceDurableFs } from '../../src/main/core/store/durable.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { example, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';
import { shikaku } from '../cli/run.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { v7 as uuidv7 } from 'uuid';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = tempDir('shikaku-month-');
  store = await openTestStore(path.join(dir, 'data'));
});
afterEach(() => {
  store.close();
  removeDir(dir);
});

function save(name: string, over: (v: Visit) => void = () => undefined): Visit {
  const v = { ...example(name), id: uuidv7() };
  over(v);
  unwrap(store.saveVisit(v));
  return v;
}

/** ① portal, ② expired card (past record), ③ 申立書 without numbers: all served in 2026-11. */
function monthWithThreeBases() {
  return [save('portal'), save('invalid-past'), save('declaration-unknown')];
}

const settings = () => claimSettingsOf(store);

describe('buildMonthFiles', () => {
  it('builds the four files of a month with ①②③: Japanese headings, Shift_JIS and UTF-8 with BOM', async () => {
    monthWithThreeBases();
    const progress: number[] = [];
    const r = unwrap(await buildMonthFiles(store, '2026-11', settings(), 'shift_jis', (p) => progress.push(p.done)));
    if (r.status !== 'ready') throw new Error(r.status);
    expect(r.counts).toMatchObject({ visits: 3, current: 1, past: 1, unknown: 1 });
    expect(progress.at(-1)).toBe(3);
    expect(r.files.map((f) => f.name)).toEqual(monthFileNames('2026-11', 'shift_jis'));
    const [sjis, utf8, unknown, sheet] = r.files.map((f) => Buffer.from(f.bytes));
    expect([...utf8!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(iconv.decode(sjis!, 'cp932')).toBe(utf8!.subarray(3).toString('utf8'));
    const [header, ...rows] = parseCsv(iconv.decode(sjis!, 'cp932'));
    expect(header!.slice(0, 6)).toEqual(['受付ID', '診療日', '診療日（和暦）', 'カルテ番号', '氏名', 'カナ氏名']);
    expect(rows.map((x) => x[header!.indexOf('請求区分')]).sort()).toEqual(['①現資格', '②旧資格', '③不詳'].sort());
    const unknownRows = parseCsv(iconv.decode(unknown!, 'cp932')).slice(1);
    expect(unknownRows).toHaveLength(1);
    expect(unknownRows[0]![header!.indexOf('摘要')]).toMatch(/^不詳 \/ 住所：/);
    expect(iconv.decode(sheet!, 'cp932').split('\r\n')[0]).toMatch(/^カルテ番号,氏名,/);
    for (const f of r.files) expect(f.sha256).toBe(createHash('sha256').update(f.bytes).digest('hex'));
  });

  it('a month longer than a sort run (keys and 入力票 rows spilled and merged): the bytes buildMonthExport gives', async () => {
    // 600 visits: more than two of month-stream's sort runs (spill-sort.ts, 250 records), in several pages; カルテ番号
    // with leading zeros, letters and none, names and days in no order, so both orders are exercised.
    const ids = ['7', '007', '70', 'A-3', 'A-10', '', '0', '1000'];
    const kana = ['ヤマダ タロウ', 'アベ ハナコ', 'ｲﾄｳ ｻｸﾗ', 'さとう じろう'];
    store.db.transaction(() => {
      for (let i = 0; i < 600; i++) {
        const day = String(((i * 11) % 28) + 1).padStart(2, '0');
        save(['portal', 'invalid-past', 'declaration-unknown'][i % 3]!, (v) => {
          v.serviceDate = `2026-11-${day}`;
          v.receivedAt = `2026-11-${day}T09:15:00+09:00`;
          v.patient.patientId = ids[(i * 5) % ids.length]!;
          v.patient.nameKana = kana[(i * 3) % kana.length]!;
        });
      }
    })();
    // Two reads of the month at once (the check while an export runs): each narrows the connection's page cache
    // while it reads, and the cache is given back once both are done.
    const cache = () => store.db.pragma('cache_size', { simple: true }) as number;
    const before = cache();
    const [streamed, checked] = await Promise.all([
      buildMonthFiles(store, '2026-11', settings(), 'shift_jis'),
      checkMonthFiles(store, { month: '2026-11', settings: settings(), encoding: 'shift_jis' }),
    ]);
    const r = unwrap(streamed);
    const check = unwrap(checked);
    expect(cache()).toBe(before);
    if (r.status !== 'ready' || check.status !== 'ready') throw new Error(`${r.status} ${check.status}`);
    expect(r.counts.visits).toBe(600);
    expect(check.files.map((f) => f.sha256)).toEqual(r.files.map((f) => f.sha256));
    const items = unwrap(collectExportItems(store, '2026-11', settings())).items;
    const built = (format: ExportFormat, encoding: 'shift_jis' | 'utf8' = 'shift_jis') => {
      const b = buildMonthExport(items, '2026-11', format, settings(), encoding, { header: 'japanese', bom: true });
      if (!b.ok) throw new Error(b.errors.map((e) => e.message).join(' '));
      return Buffer.from(b.value.bytes);
    };
    const [sjis, utf8, unknown, sheet] = r.files.map((f) => Buffer.from(f.bytes));
    expect(sjis!.equals(built('csv'))).toBe(true);
    expect(utf8!.equals(built('csv', 'utf8'))).toBe(true);
    expect(unknown!.equals(built('unknown-list'))).toBe(true);
    expect(sheet!.equals(built('input-sheet'))).toBe(true);
  });

  it('a month with nothing to export says so', async () => {
    save('portal');
    expect(unwrap(await buildMonthFiles(store, '2026-10', settings(), 'shift_jis'))).toEqual({
      status: 'empty',
      month: '2026-10',
    });
  });

  it('a visit that needs a decision blocks the month, named by patient, date and reason', async () => {
    monthWithThreeBases();
    const blocked = save('declaration-unknown', (v) => {
      v.patient.name = '住所 なし子';
      v.evidence.declaration!.address = '';
      v.evidence.declaration!.phone = '';
      v.patient.address = '';
      v.patient.phone = '';
    });
    const r = unwrap(await buildMonthFiles(store, '2026-11', settings(), 'shift_jis'));
    if (r.status !== 'blocked') throw new Error(r.status);
    expect(r.blockers).toEqual([
      {
        visitId: blocked.id,
        name: '住所 なし子',
        nameKana: blocked.patient.nameKana,
        serviceDate: blocked.serviceDate,
        reasons: expect.arrayContaining([expect.stringContaining('住所と連絡先')]),
      },
    ]);
    expect(r.blockers[0]!.reasons.join('')).not.toContain(blocked.id);
  });

  it('refuses Shift_JIS for a character CP932 cannot hold, naming the patient and the field; UTF-8 is the choice', async () => {
    monthWithThreeBases();
    save('portal', (v) => {
      v.patient.name = '𠮷田 太郎';
    });
    const r = unwrap(await buildMonthFiles(store, '2026-11', settings(), 'shift_jis'));
    if (r.status !== 'unencodable') throw new Error(r.status);
    expect(r.blockers).toHaveLength(1);
    expect(r.blockers[0]!.reasons[0]).toContain('𠮷田 太郎');
    expect(r.blockers[0]!.reasons[0]).toContain('「氏名」の文字「𠮷」');
    const utf8 = unwrap(await buildMonthFiles(store, '2026-11', settings(), 'utf8'));
    if (utf8.status !== 'ready') throw new Error(utf8.status);
    expect(utf8.files.map((f) => f.name)).toEqual(monthFileNames('2026-11', 'utf8'));
    expect(Buffer.from(utf8.files[0]!.bytes).toString('utf8')).toContain('𠮷田 太郎');
  });

  it('maps the wave dash and minus to their CP932 forms as Windows does', async () => {
    save('declaration-unknown', (v) => {
      v.evidence.declaration!.address = '東京都中野区中野1\u22121\u22121 コーポ〜中野';
    });
    const r = unwrap(await buildMonthFiles(store, '2026-11', settings(), 'shift_jis'));
    if (r.status !== 'ready') throw new Error(r.status);
    const text = iconv.decode(Buffer.from(r.files[0]!.bytes), 'cp932');
    expect(text).toContain('中野1－1－1 コーポ～中野');
    expect(Buffer.from(r.files[0]!.bytes).includes(Buffer.from([0x81, 0x60]))).toBe(true);
  });
});

describe('exportMonthFiles', () => {
  it('writes the set into the folder, audits who, the month and each sha256; the CLI writes the same bytes', async () => {
    monthWithThreeBases();
    const out = path.join(dir, 'out');
    mkdirSync(out);
    const r = unwrap(
      await exportMonthFiles(store, {
        month: '2026-11',
        settings: settings(),
        encoding: 'shift_jis',
        actor: 'uketsuke-01',
        dir: out,
      }),
    );
    if (r.status !== 'ready') throw new Error(r.status);
    expect(readdirSync(out).sort()).toEqual(monthFileNames('2026-11', 'shift_jis').sort());
    const audit = unwrap(store.listAudit({ entity: 'export' }))[0]!;
    expect(audit).toMatchObject({ actor: 'uketsuke-01', action: 'claims.export', entityId: '2026-11:month' });
    expect(audit.detail).toMatchObject({
      month: '2026-11',
      destination: out,
      files: r.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
    });
    store.close();

    const cliOut = path.join(dir, 'cli');
    mkdirSync(cliOut);
    const cli = shikaku([
      'export',
      '--month',
      '2026-11',
      '--all',
      '--out',
      cliOut,
      '--data-dir',
      path.join(dir, 'data'),
      '--json',
    ]);
    expect(cli.status, cli.stderr).toBe(0);
    for (const f of r.files)
      expect(readFileSync(path.join(cliOut, f.name)).equals(readFileSync(path.join(out, f.name)))).toBe(true);
    store = await openTestStore(path.join(dir, 'data'));
  });

  it('an unwritable or missing folder and a full disk: a Japanese message, no file of the set left behind', async () => {
    monthWithThreeBases();
    const args = { month: '2026-11', settings: settings(), encoding: 'shift_jis' as const, actor: 'uketsuke-01' };
    const missing = await exportMonthFiles(store, { ...args, dir: path.join(dir, 'nowhere') });
    expect(missing.ok || missing.error).toMatchObject({
      code: 'EXPORT_DIR_MISSING',
      message: expect.stringContaining('フォルダ'),
    });
    const aFile = path.join(dir, 'a-file');
    writeFileSync(aFile, '');
    const notDir = await exportMonthFiles(store, { ...args, dir: aFile });
    expect(notDir.ok || notDir.error.code).toBe('EXPORT_DIR_MISSING');

    const out = path.join(dir, 'full');
    mkdirSync(out);
    let writes = 0;
    const undo = replaceDurableFs({
      writeSync: (fd, data) => {
        if (++writes > 2) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        return writeSync(fd, data);
      },
    });
    try {
      const full = await exportMonthFiles(store, { ...args, dir: out });
      expect(full.ok || full.error).toMatchObject({
        code: 'EXPORT_DISK_FULL',
        message: expect.stringContaining('空き容量'),
      });
    } finally {
      undo();
    }
    expect(readdirSync(out)).toEqual([]);
    expect(unwrap(store.listAudit({ entity: 'export' }))).toEqual([]);
  });

  it('a character CP932 cannot hold or a blocking visit found after pages were written: no file of the set left', async () => {
    // More visits than one page (month-stream.ts reads and writes 50 at a time), the bad ones last in file order.
    store.db.transaction(() => {
      for (let i = 0; i < 450; i++) save('portal');
    })();
    const late = save('portal', (v) => {
      v.serviceDate = '2026-11-30';
      v.receivedAt = '2026-11-30T09:15:00+09:00';
      v.patient.name = '𠮷田 太郎';
    });
    const args = { month: '2026-11', settings: settings(), encoding: 'shift_jis' as const, actor: 'uketsuke-01' };
    const out = path.join(dir, 'out');
    mkdirSync(out);
    let writes = 0;
    const undo = replaceDurableFs({ writeSync: (fd, data) => (writes++, writeSync(fd, data)) });
    try {
      const r = unwrap(await exportMonthFiles(store, { ...args, dir: out }));
      expect(r).toMatchObject({ status: 'unencodable', counts: { visits: 451 }, blockers: [{ visitId: late.id }] });
      expect(writes).toBeGreaterThan(0);
      expect(readdirSync(out)).toEqual([]);

      save('declaration-unknown', (v) => {
        v.serviceDate = '2026-11-30';
        v.evidence.declaration!.address = '';
        v.evidence.declaration!.phone = '';
        v.patient.address = '';
        v.patient.phone = '';
      });
      writes = 0;
      const blocked = unwrap(await exportMonthFiles(store, { ...args, encoding: 'utf8', dir: out }));
      expect(blocked).toMatchObject({ status: 'blocked', counts: { visits: 452 } });
      expect(writes).toBeGreaterThan(0);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      undo();
    }
    expect(unwrap(store.listAudit({ entity: 'export' }))).toEqual([]);
  });
});

describe('core requests claims.monthCheck / claims.exportMonth', () => {
  it('checks without writing, refuses an unknown staff member, writes and pushes progress, downloads without dir', async () => {
    monthWithThreeBases();
    const events: unknown[] = [];
    const call = testDispatcher(
      testCoreDeps(store, dir, { emit: (name, payload) => void events.push([name, payload]) }),
    );
    const check = await call('claims.monthCheck', { month: '2026-11' });
    expect(check).toMatchObject({ ok: true, value: { status: 'ready', counts: { visits: 3 } } });
    expect(unwrap(store.listAudit({ entity: 'export' }))).toEqual([]);

    const out = path.join(dir, 'out');
    mkdirSync(out);
    const refused = await call('claims.exportMonth', { month: '2026-11', staff: 'nobody', dir: out });
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_STAFF' } });
    expect(readdirSync(out)).toEqual([]);

    const written = await call('claims.exportMonth', { month: '2026-11', staff: '受付 一郎', dir: out });
    if (!written?.ok) throw new Error(JSON.stringify(written));
    const files = (written.value as { files: { name: string; path: string; base64: string }[] }).files;
    expect(files.map((f) => f.path)).toEqual(monthFileNames('2026-11', 'shift_jis').map((n) => path.join(out, n)));
    expect(files.every((f) => f.base64 === '')).toBe(true);
    expect(events).toContainEqual(['claims.exportProgress', { month: '2026-11', done: 3, total: 3 }]);
    expect(unwrap(store.listAudit({ entity: 'export' }))[0]).toMatchObject({ actor: 'uketsuke-01' });

    const download = await call('claims.exportMonth', { month: '2026-11', staff: 'uketsuke-01' });
    if (!download?.ok) throw new Error(JSON.stringify(download));
    const first = (download.value as { files: { name: string; base64: string }[] }).files[0]!;
    expect(Buffer.from(first.base64, 'base64').equals(readFileSync(path.join(out, first.name)))).toBe(true);
    expect(unwrap(store.listAudit({ entity: 'export' }))[0]!.detail).toMatchObject({ destination: 'download' });
  });
});
