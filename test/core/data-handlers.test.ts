// 設定 → データ's requests through the real dispatcher on a real journal in temp folders: the second backup folder
// checked when set, a backup copied there, a restore that quiesces the reconciler, reopens the journal and tells the
// renderer ('store.reopened'), and the patients import previewed before it is written.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeMessages, type Store } from '../../src/main/core/store/index.ts';
import { importMessages } from '../../src/main/core/store/messages.ts';
import { dataMessages } from '../../src/main/core/handlers/data.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from '../store/helpers.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';

let dir: string;
let store: Store;
const events: { name: string; payload: unknown }[] = [];
let quiesced = 0;
let resumed = 0;
let call: ReturnType<typeof testDispatcher>;

beforeEach(async () => {
  dir = tempDir();
  store = (await openTestStore(dir, { backupOnOpen: false })).store;
  events.length = 0;
  quiesced = resumed = 0;
  const deps = testCoreDeps({ store, report: null, error: null }, dir, {
    emit: (name, payload) => void events.push({ name, payload }),
    quiesce: () => {
      quiesced++;
      return Promise.resolve(() => void resumed++);
    },
  });
  call = testDispatcher(deps);
});

afterEach(() => {
  store.close();
  removeDir(dir);
});

async function value<T = Record<string, unknown>>(name: string, input: unknown): Promise<T> {
  const r = await call(name, input);
  if (!r?.ok) throw new Error(`${name}: ${JSON.stringify(r)}`);
  return r.value as T;
}

describe('設定 → データ requests', () => {
  it('refuses a second folder that is missing, takes one that is there, and copies the backup to it', async () => {
    const usb = join(dir, 'usb');
    const missing = await value('settings.set', { key: 'backup.secondDir', value: usb, staff: 'yamada' });
    expect(missing).toMatchObject({ saved: false, errors: [{ message: storeMessages.BACKUP_DIR_MISSING }] });
    mkdirSync(usb);
    expect(await value('settings.set', { key: 'backup.secondDir', value: usb, staff: 'yamada' })).toMatchObject({
      saved: true,
    });
    const b = await value<{ backup: { name: string }; second: { ok: boolean } }>('data.backup', { staff: 'yamada' });
    expect(b.second).toMatchObject({ ok: true, dir: usb, message: null });
    const status = await value<{ backups: { name: string; folder: string }[] }>('data.status', {});
    expect(status.backups.map((x) => [x.name, x.folder]).sort()).toEqual([
      [b.backup.name, 'primary'],
      [b.backup.name, 'second'],
    ]);
  });

  it('restores: the reconciler quiesced and resumed, the renderer told, the earlier data served', async () => {
    const early = makeVisit(1);
    unwrap(store.saveVisit(early));
    const b = await value<{ backup: { name: string } }>('data.backup', { staff: 'yamada' });
    const late = makeVisit(2);
    unwrap(store.saveVisit(late));
    const r = await value<{ notice: string }>('data.restore', {
      name: b.backup.name,
      folder: 'primary',
      staff: 'yamada',
    });
    expect([quiesced, resumed]).toEqual([1, 1]);
    expect(events).toEqual([{ name: 'store.reopened', payload: { at: expect.any(String), notice: r.notice } }]);
    expect(r.notice).toMatch(/^バックアップ（\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}）の時点に戻しました/);
    expect((await call('visits.receptionNo', { id: late.id }))?.ok).toBe(true);
    expect(await value('visits.receptionNo', { id: late.id })).toEqual({ receptionNo: '' });
    expect(await value<{ receptionNo: string }>('visits.receptionNo', { id: early.id })).not.toEqual({
      receptionNo: '',
    });
    // a name that is not a listed backup: refused, the reconciler resumed all the same
    const bad = await call('data.restore', { name: '../journal.sqlite3', folder: 'primary', staff: 'yamada' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'RESTORE_NOT_FOUND' } });
    expect([quiesced, resumed]).toEqual([2, 2]);
  });

  it('previews a CSV (bad rows listed, nothing written), then imports exactly the file previewed', async () => {
    const csv = Buffer.from(
      '患者番号,氏名,カナ氏名,生年月日\nK-1,山田 花子,ヤマダ ハナコ,1960-05-20\nK-2,,スズキ,1970-01-01\n',
    );
    const data = csv.toString('base64');
    const p = await value<{ sha256: string; encoding: string; refused: unknown[]; accepted: number }>(
      'patients.importPreview',
      { fileName: 'kanja.csv', data },
    );
    expect(p).toMatchObject({ encoding: 'utf8', accepted: 1 });
    expect(p.refused).toEqual([{ row: 3, message: importMessages.missingName, column: '氏名' }]);
    expect(store.db.prepare('SELECT count(*) FROM patients').pluck().get()).toBe(0);

    const other = Buffer.from(csv.toString().replace('山田', '山本')).toString('base64');
    const refused = await call('patients.import', {
      fileName: 'kanja.csv',
      data: other,
      sha256: p.sha256,
      staff: 'yamada',
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'IMPORT_NOT_PREVIEWED', message: dataMessages.notPreviewed },
    });

    const r = await value('patients.import', { fileName: 'kanja.csv', data, sha256: p.sha256, staff: 'yamada' });
    expect(r).toMatchObject({ inserted: 1, failed: 1, refused: [{ row: 3 }] });
    expect(unwrap(store.listAudit({ limit: 10 })).find((e) => e.action === 'patients.import')?.actor).toBe('yamada');
  });

  it('a CSV without the required columns: the message names them', async () => {
    const data = Buffer.from('患者番号\nK-1\n').toString('base64');
    const r = await call('patients.importPreview', { fileName: 'x.csv', data });
    expect(r).toMatchObject({ ok: false, error: { code: 'CSV_UNREADABLE' } });
    expect(r && !r.ok ? r.error.message : '').toContain(importMessages.missingColumns(['氏名', '生年月日']));
  });
});
