// 設定 → データ on a real store in temp folders: every backup also copied to a second folder (USB stick, NAS) —
// durably, and failing cleanly when that folder vanishes mid-copy, is full or read-only — and 「この時点に戻す」:
// the backup checked first (a damaged one refused with nothing replaced), the current journal kept aside, and the
// same Store reopened on the restored file.
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBackupDir } from '../../src/main/core/store/backup-copy.ts';
import { replaceDurableFs } from '../../src/main/core/store/durable.ts';
import { storeMessages, type Store } from '../../src/main/core/store/index.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let usb: string;
let store: Store;
let now = Date.parse('2026-12-10T00:00:00Z');
let undo: (() => void) | undefined;

beforeEach(async () => {
  dir = tempDir();
  usb = tempDir('shikaku-usb-');
  now = Date.parse('2026-12-10T00:00:00Z');
  store = (await openTestStore(dir, { clock: () => now, backupOnOpen: false })).store;
});

afterEach(() => {
  undo?.();
  undo = undefined;
  store.close();
  removeDir(dir);
  removeDir(usb);
});

const names = (d: string): string[] => (nodeFs.existsSync(d) ? nodeFs.readdirSync(d).sort() : []);
const primary = (): string => join(dir, 'backups');

describe('the second backup folder', () => {
  it('receives a byte-identical copy of every backup, rotated like the first', async () => {
    unwrap(store.setSetting('backup.secondDir', usb, 'yamada'));
    unwrap(store.setSetting('backup.keep', 2, 'yamada'));
    for (let i = 0; i < 3; i++) {
      unwrap(store.saveVisit(makeVisit(i)));
      now += 60_000;
      const b = unwrap(await store.backup(i === 0 ? 'daily' : 'manual'));
      expect(b.second).toMatchObject({ ok: true, dir: usb, error: null });
      expect(nodeFs.readFileSync(b.second!.file!)).toEqual(nodeFs.readFileSync(b.file));
    }
    expect(names(usb)).toEqual(names(primary()));
    expect(names(usb)).toHaveLength(2);
    const listed = store.listAllBackups();
    expect(listed.map((b) => b.folder).sort()).toEqual(['primary', 'primary', 'second', 'second']);
  });

  it('a folder removed mid-copy (USB pulled): a Japanese message, no partial file, the first backup intact', async () => {
    unwrap(store.setSetting('backup.secondDir', usb, 'yamada'));
    unwrap(store.saveVisit(makeVisit(0)));
    undo = replaceDurableFs({
      writeSync: (fd, data) => {
        nodeFs.rmSync(usb, { recursive: true, force: true }); // the stick is pulled while the copy is written
        return nodeFs.writeSync(fd, data);
      },
    });
    const b = unwrap(await store.backup('manual'));
    expect(b.second).toMatchObject({
      ok: false,
      file: null,
      error: { code: 'BACKUP_COPY_GONE', message: storeMessages.BACKUP_COPY_GONE },
    });
    expect(store.lastSecondCopy()?.error?.code).toBe('BACKUP_COPY_GONE');
    expect(nodeFs.existsSync(usb)).toBe(false);
    expect(names(primary())).toEqual([b.file.split('/').pop()]);
    expect(unwrap(store.check({ full: true })).integrity).toBe('ok');
  });

  it('an I/O error while writing the copy leaves no file under a final name nor a partial one', async () => {
    unwrap(store.setSetting('backup.secondDir', usb, 'yamada'));
    undo = replaceDurableFs({
      writeSync: () => {
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      },
    });
    const b = unwrap(await store.backup('manual'));
    expect(b.second?.error?.code).toBe('BACKUP_COPY_FAILED');
    expect(names(usb)).toEqual([]);
    expect(store.listBackups()).toHaveLength(1);
  });

  it('a full stick says so', async () => {
    unwrap(store.setSetting('backup.secondDir', usb, 'yamada'));
    undo = replaceDurableFs({
      writeSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    const b = unwrap(await store.backup('manual'));
    expect(b.second?.error).toMatchObject({ code: 'BACKUP_COPY_FULL', message: storeMessages.BACKUP_COPY_FULL });
    expect(names(usb)).toEqual([]);
  });

  it('a stick that is not plugged in is not replaced by a new folder on the PC', async () => {
    const gone = join(usb, 'not-there');
    unwrap(store.setSetting('backup.secondDir', gone, 'yamada'));
    const b = unwrap(await store.backup('manual'));
    expect(b.second?.error?.code).toBe('BACKUP_COPY_GONE');
    expect(nodeFs.existsSync(gone)).toBe(false);
  });

  it('checks a folder before it is set: relative, missing, read-only, fine', () => {
    expect(checkBackupDir('')).toBeNull();
    expect(checkBackupDir('backup')).toBe('BACKUP_DIR_RELATIVE');
    expect(checkBackupDir(join(usb, 'missing'))).toBe('BACKUP_DIR_MISSING');
    expect(checkBackupDir(usb)).toBeNull();
    expect(names(usb)).toEqual([]); // the probe file is gone again
    if (process.getuid?.() !== 0) {
      nodeFs.chmodSync(usb, 0o500);
      try {
        expect(checkBackupDir(usb)).toBe('BACKUP_DIR_NOT_WRITABLE');
      } finally {
        nodeFs.chmodSync(usb, 0o700);
      }
    }
  });
});

describe('restoring a backup while the app runs', () => {
  it('puts the journal back to the backup, keeps the current one aside, and the same Store goes on', async () => {
    const early = makeVisit(1);
    unwrap(store.saveVisit(early));
    now += 60_000;
    const b = unwrap(await store.backup('manual'));
    now += 60_000;
    const late = makeVisit(2);
    unwrap(store.saveVisit(late));

    now += 60_000;
    const r = unwrap(await store.restoreBackup(b.file.split('/').pop()!, 'primary', 'yamada'));
    expect(r.restored.takenAt).toBe(b.takenAt);
    expect(unwrap(store.getVisit(early.id)).visit).toEqual(early);
    expect(store.getVisit(late.id)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // the journal as it was is kept: aside in the data folder and as a 'before-restore' backup
    expect(nodeFs.existsSync(r.keptAs)).toBe(true);
    expect(r.before.reason).toBe('before-restore');
    expect(store.listBackups().map((x) => x.reason)).toContain('before-restore');
    // audited, and the journal is sound and takes writes
    expect(unwrap(store.listAudit({ limit: 500 })).some((e) => e.action === 'journal.restore')).toBe(true);
    const c = unwrap(store.check({ full: true }));
    expect(c.integrity).toBe('ok');
    expect(c.audit.ok).toBe(true);
    unwrap(store.saveVisit(makeVisit(3)));
    expect(store.health().mode).toBe('ok');

    // and back again: the 'before-restore' backup holds the later visit
    now += 60_000;
    unwrap(await store.restoreBackup(r.before.file.split('/').pop()!, 'primary', 'yamada'));
    expect(unwrap(store.getVisit(late.id)).visit).toEqual(late);
  });

  it('restores from the second folder when the data folder lost its backups', async () => {
    unwrap(store.setSetting('backup.secondDir', usb, 'yamada'));
    const early = makeVisit(1);
    unwrap(store.saveVisit(early));
    const b = unwrap(await store.backup('manual'));
    nodeFs.rmSync(b.file);
    unwrap(store.saveVisit(makeVisit(2)));
    const r = unwrap(await store.restoreBackup(b.file.split('/').pop()!, 'second', 'yamada'));
    expect(r.restored.file).toBe(b.second!.file);
    expect(unwrap(store.listVisits({})).total).toBe(1);
  });

  it('refuses a backup that fails its integrity check before anything is replaced', async () => {
    unwrap(store.saveVisit(makeVisit(1)));
    const b = unwrap(await store.backup('manual'));
    unwrap(store.saveVisit(makeVisit(2)));
    // Damage the backup's pages past the header (a bad sector on a stick).
    const bytes = nodeFs.readFileSync(b.file);
    for (let i = 4096; i < bytes.length; i += 7) bytes[i] = 0xa5;
    nodeFs.writeFileSync(b.file, bytes);
    const journalBefore = nodeFs.readdirSync(dir).sort();
    const backupsBefore = names(primary());

    const r = await store.restoreBackup(b.file.split('/').pop()!, 'primary', 'yamada');
    expect(r).toMatchObject({ ok: false, error: { code: 'RESTORE_DAMAGED', message: storeMessages.RESTORE_DAMAGED } });
    expect(nodeFs.readdirSync(dir).sort()).toEqual(journalBefore); // no .restoring left, nothing aside
    expect(names(primary())).toEqual(backupsBefore); // no 'before-restore' backup taken either
    expect(unwrap(store.listVisits({})).total).toBe(2);
    expect(unwrap(store.check({ full: true })).integrity).toBe('ok');
  });

  it('refuses a name that is not a listed backup (no path from the screen reaches the file system)', async () => {
    for (const name of ['../journal.sqlite3', 'journal.sqlite3', 'journal-20261210T000000000Z-manual.sqlite3']) {
      expect(await store.restoreBackup(name, 'primary', 'yamada')).toMatchObject({
        ok: false,
        error: { code: 'RESTORE_NOT_FOUND' },
      });
    }
    expect(await store.restoreBackup('x', 'second', 'yamada')).toMatchObject({ ok: false });
  });
});
