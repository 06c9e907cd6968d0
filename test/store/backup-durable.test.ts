// Backups say "done" only when durable (issue #20): fsync failures injected through durable.ts's seam on a
// real store in a temp folder. A failed fsync of the copy or of its folder fails the backup with a code and a
// Japanese message, leaves nothing under a final name and the journal and earlier backups as they were.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceDurableFs, writeFileDurable } from '../../src/main/core/store/durable.ts';
import { storeMessages, type Store } from '../../src/main/core/store/index.ts';
import { shikaku } from '../cli/run.ts';
import { makeVisit, openTestStore, removeDir, tempDir, unwrap } from './helpers.ts';

let dir: string;
let store: Store;
let now = Date.parse('2026-12-10T00:00:00Z');
let undo: (() => void) | undefined;

beforeEach(async () => {
  dir = tempDir();
  now = Date.parse('2026-12-10T00:00:00Z');
  store = (await openTestStore(dir, { clock: () => now, backupOnOpen: false })).store;
});

afterEach(() => {
  undo?.();
  undo = undefined;
  store.close();
  removeDir(dir);
});

const backups = (): string => join(dir, 'backups');

/** Every call the durable operations make, in order, with the path it concerns. */
type Op = [op: 'open' | 'fsync' | 'rename' | 'rm' | 'write', path: string];

/** Installs the seam: records every call, and fsync fails with `code` for paths matching `fails`. */
function inject(fails: (path: string) => boolean = () => false, code = 'EIO'): Op[] {
  const ops: Op[] = [];
  const paths = new Map<number, string>();
  undo = replaceDurableFs({
    openSync: (p, f) => {
      ops.push(['open', p]);
      const fd = nodeFs.openSync(p, f);
      paths.set(fd, p);
      return fd;
    },
    fsyncSync: (fd) => {
      const p = paths.get(fd) ?? '?';
      ops.push(['fsync', p]);
      if (fails(p)) throw Object.assign(new Error(`${code}: i/o error, fsync`), { code });
      nodeFs.fsyncSync(fd);
    },
    renameSync: (a, b) => {
      ops.push(['rename', `${a} -> ${b}`]);
      nodeFs.renameSync(a, b);
    },
    rmSync: (p, o) => {
      ops.push(['rm', p]);
      nodeFs.rmSync(p, o);
    },
  });
  return ops;
}

function sha(file: string): string {
  return createHash('sha256').update(nodeFs.readFileSync(file)).digest('hex');
}

/** The backup folder's names and each file's digest. */
function snapshot(): Record<string, string> {
  return Object.fromEntries(nodeFs.readdirSync(backups()).map((n) => [n, sha(join(backups(), n))]));
}

async function twoEarlierBackups(): Promise<Record<string, string>> {
  for (let i = 0; i < 2; i++) {
    unwrap(store.saveVisit(makeVisit(i)));
    now += 60_000;
    unwrap(await store.backup('manual'));
  }
  const before = snapshot();
  expect(Object.keys(before)).toHaveLength(2);
  return before;
}

function expectJournalIntact(visits: number): void {
  const c = unwrap(store.check({ full: true }));
  expect(c.integrity).toBe('ok');
  expect(c.audit.ok).toBe(true);
  expect(c.tables.visits).toBe(visits);
  // and it still takes writes
  unwrap(store.saveVisit(makeVisit(99)));
}

describe('backup durability', () => {
  it('an fsync error on the backup file fails the backup and leaves nothing behind', async () => {
    const before = await twoEarlierBackups();
    const ops = inject((p) => p.includes('.partial-'));
    now += 60_000;
    const r = await store.backup('manual');
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_IO_ERROR', message: storeMessages.STORE_IO_ERROR } });
    expect(r.ok ? '' : r.error.message).toMatch(/エラー/);
    expect(r.ok ? '' : r.error.detail).toMatch(/fsync .*\.partial-.*EIO/);
    expect(ops.some(([op]) => op === 'rename')).toBe(false);
    expect(snapshot()).toEqual(before); // no new name, no partial, earlier backups byte-identical
    expect(store.listBackups()).toHaveLength(2);
    expect(store.health().mode).toBe('ok');
    expectJournalIntact(2);
  });

  it('an EIO fsyncing the backup folder after the rename fails it too, and the new name is removed', async () => {
    const before = await twoEarlierBackups();
    const ops = inject((p) => p === backups());
    now += 60_000;
    const r = await store.backup('manual');
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_IO_ERROR', message: storeMessages.STORE_IO_ERROR } });
    expect(r.ok ? '' : r.error.detail).toMatch(/fsync directory .*backups.*EIO/);
    expect(ops.filter(([op]) => op === 'rename')).toHaveLength(1);
    expect(snapshot()).toEqual(before);
    expectJournalIntact(2);
  });

  it('a folder that cannot be opened for fsync (Windows: EISDIR/EPERM) is not a failure; a file is', async () => {
    for (const code of ['EISDIR', 'EPERM', 'EACCES']) {
      undo = replaceDurableFs({
        openSync: (p, f) => {
          if (p === backups()) throw Object.assign(new Error(`${code}: illegal operation on a directory`), { code });
          return nodeFs.openSync(p, f);
        },
      });
      now += 60_000;
      unwrap(await store.backup('manual'));
      undo();
    }
    expect(store.listBackups()).toHaveLength(3);
    // The same error opening the backup FILE for its fsync fails the backup.
    undo = replaceDurableFs({
      openSync: (p, f) => {
        if (p.includes('.partial-'))
          throw Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });
        return nodeFs.openSync(p, f);
      },
    });
    now += 60_000;
    expect(await store.backup('manual')).toMatchObject({ ok: false });
    expect(store.listBackups()).toHaveLength(3);
    expect(nodeFs.readdirSync(backups()).filter((n) => n.startsWith('.partial-'))).toEqual([]);
  });

  it('fsyncs in order: the copy, the rename, the folder; rotation unlinks, the folder again; a new folder, its parent', async () => {
    unwrap(store.setSetting('backup.keep', 1, 'system'));
    const ops = inject();
    unwrap(await store.backup('manual'));
    const first = store.listBackups()[0]!.file;
    const tmp = ops.find(([op, p]) => op === 'fsync' && p.includes('.partial-'))![1];
    expect(ops.filter(([op]) => op !== 'open')).toEqual([
      ['fsync', dir], // backups/ was created: the data folder's entry made durable first
      ['rm', tmp], // a leftover of the same name, if any
      ['fsync', tmp],
      ['rename', `${tmp} -> ${first}`],
      ['fsync', backups()],
    ]);
    ops.length = 0;
    now += 60_000;
    const second = unwrap(await store.backup('manual')).file;
    const tmp2 = ops.find(([op, p]) => op === 'fsync' && p.includes('.partial-'))![1];
    expect(ops.filter(([op]) => op !== 'open')).toEqual([
      ['rm', tmp2],
      ['fsync', tmp2],
      ['rename', `${tmp2} -> ${second}`],
      ['fsync', backups()],
      ['rm', first], // rotation (keep 1) after the new one is durable
      ['fsync', backups()],
    ]);
  });
});

describe('leftovers of interrupted backups', () => {
  it('removes stale .partial-* at the next start and counts them in check and `db check`', async () => {
    await twoEarlierBackups();
    // A writer that died (its pid is gone), an old one from before pids were in the name, and a fresh one
    // whose writer may still be running (another process): the first two go, the third stays.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const deadPartial = join(backups(), `.partial-${dead}-journal-20261210T000000000Z-daily.sqlite3`);
    const oldPartial = join(backups(), '.partial-journal-20261209T000000000Z-daily.sqlite3');
    const freshPartial = join(backups(), '.partial-journal-20261210T000100000Z-manual.sqlite3');
    for (const f of [deadPartial, oldPartial, freshPartial]) nodeFs.writeFileSync(f, 'half a backup');
    const hourAgo = new Date(Date.now() - 3_600_000);
    nodeFs.utimesSync(oldPartial, hourAgo, hourAgo);
    expect(unwrap(store.check()).partialBackups.present).toBe(3);
    store.close();

    const ops = inject();
    store = (await openTestStore(dir, { clock: () => now, backupOnOpen: false })).store;
    expect(nodeFs.existsSync(deadPartial)).toBe(false);
    expect(nodeFs.existsSync(oldPartial)).toBe(false);
    expect(nodeFs.existsSync(freshPartial)).toBe(true);
    expect(ops.filter(([op]) => op !== 'open')).toEqual(
      expect.arrayContaining([
        ['rm', deadPartial],
        ['rm', oldPartial],
        ['fsync', backups()],
      ]),
    );
    expect(unwrap(store.check()).partialBackups).toEqual({ foundAtStart: 3, removedAtStart: 2, present: 1 });
    expect(store.listBackups()).toHaveLength(2);

    const cli = shikaku(['db', 'check', '--data-dir', dir]);
    expect(cli.stdout).toContain('partial backups: 1 now (found 1 at start, removed 0)');
    const json = shikaku(['db', 'check', '--json', '--data-dir', dir]).json() as { partialBackups: unknown };
    expect(json.partialBackups).toEqual({ foundAtStart: 1, removedAtStart: 0, present: 1 });
  });
});

describe('writeFileDurable', () => {
  it('writes, fsyncs the file, renames, fsyncs the folder', () => {
    const ops = inject();
    const target = join(dir, 'export.csv');
    writeFileDurable(target, Buffer.from('a,b\n'));
    expect(nodeFs.readFileSync(target, 'utf8')).toBe('a,b\n');
    const tmp = ops.find(([op]) => op === 'open')![1];
    expect(ops.filter(([op]) => op === 'fsync' || op === 'rename')).toEqual([
      ['fsync', tmp],
      ['rename', `${tmp} -> ${target}`],
      ['fsync', dir],
    ]);
  });

  it('an fsync error leaves the previous content and no temporary file; a folder EIO is thrown', () => {
    const target = join(dir, 'export.csv');
    nodeFs.writeFileSync(target, 'old');
    inject((p) => p.includes('.partial-'));
    expect(() => writeFileDurable(target, Buffer.from('new'))).toThrow(expect.objectContaining({ code: 'EIO' }));
    expect(nodeFs.readFileSync(target, 'utf8')).toBe('old');
    expect(nodeFs.readdirSync(dir).filter((n) => n.startsWith('.partial-'))).toEqual([]);
    undo!();
    inject((p) => p === dir);
    expect(() => writeFileDurable(target, Buffer.from('new'))).toThrow(/fsync directory .*EIO/);
  });
});
