// Disk full and read-only folders on real file systems: a 2 MB tmpfs filled to the brim, and a read-only
// bind mount (root) or a chmod'ed folder (non-root). The store goes read-only with a clear error, loses
// nothing already saved, and recovers when space or write access returns.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Visit } from '../../src/claims/visit.ts';
import { openStore, startupMessages, storeMessages, type Store } from '../../src/main/core/store/index.ts';
import { shikaku } from '../cli/run.ts';
import { makeVisit, openTestStore, quiet, removeDir, tempDir, unwrap } from './helpers.ts';

const isRoot = process.getuid?.() === 0;
const mounted: string[] = [];
const dirs: string[] = [];

function tryMount(args: string[]): string | undefined {
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return (e as { stderr?: Buffer }).stderr?.toString().trim() || (e as Error).message;
  }
}

/** Mounts a 2 MB tmpfs; returns its path, or the reason it could not. */
function mountTiny(): { dir?: string; reason?: string } {
  if (!isRoot) return { reason: 'not root: cannot mount a tmpfs' };
  const dir = tempDir('shikaku-full-');
  dirs.push(dir);
  const err = tryMount(['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  if (err) return { reason: `mount -t tmpfs failed: ${err}` };
  mounted.push(dir);
  return { dir };
}

afterAll(() => {
  for (const m of mounted.reverse()) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'pipe' });
    } catch {
      // already gone
    }
  }
  for (const d of dirs) {
    try {
      chmodSync(d, 0o755);
    } catch {
      // ignore
    }
    removeDir(d);
  }
});

const tiny = mountTiny();
if (tiny.reason) console.warn(`[skip] disk-full test skipped: ${tiny.reason}`);

describe('disk full', () => {
  it.skipIf(!tiny.dir)(
    'goes read-only with STORE_DISK_FULL, keeps what was saved, recovers when space returns',
    async () => {
      const dir = tiny.dir!;
      const { store } = await openTestStore(dir, { backupOnOpen: false });
      const health: string[] = [];
      store.onHealthChange((h) => health.push(h.mode));
      const saved: Visit[] = [];
      for (let i = 0; i < 20; i++) {
        const v = makeVisit(i);
        unwrap(store.saveVisit(v));
        saved.push(v);
      }
      // Fill the file system.
      const filler = join(dir, 'filler.bin');
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(16 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('ENOSPC');
      } finally {
        closeSync(fd);
      }
      // Saving now fails (perhaps after a few that still fit in the WAL's reused space) with the clear error.
      let failure: ReturnType<Store['saveVisit']> | undefined;
      for (let i = 0; i < 5000 && !failure; i++) {
        const v = makeVisit(100 + i, { note: 'z'.repeat(2000) });
        const r = store.saveVisit(v);
        if (r.ok) saved.push(v);
        else failure = r;
      }
      expect(failure).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'STORE_DISK_FULL', message: storeMessages.STORE_DISK_FULL }),
      });
      expect(store.health().mode).toBe('disk_full');
      expect(health).toEqual(['disk_full']);
      // Still readable, nothing lost.
      for (const v of saved) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
      expect(store.probe()).toMatchObject({ ok: false, error: { code: 'STORE_DISK_FULL' } });
      // Opening it now (the app restarting, the CLI beside it) names the real cause, not a read-only folder.
      const second = unwrap(await openStore({ dataDir: dir, ...quiet, backupOnOpen: false }));
      expect(second.report.readOnly).toBe(true);
      expect(second.report.notices).toContain(startupMessages.diskFull);
      expect(second.report.notices).not.toContain(startupMessages.readOnly);
      second.store.close();
      const cli = shikaku(['visits', 'list', '--data-dir', dir]);
      expect(cli.stderr.split('\n')[0]).toBe(startupMessages.diskFull);
      expect(cli.stderr).toContain('ディスクの空き容量が不足しています');

      // Space returns: the probe recovers and saving works again.
      rmSync(filler);
      expect(unwrap(store.probe()).mode).toBe('ok');
      expect(health).toEqual(['disk_full', 'ok']);
      const later = makeVisit(9999);
      unwrap(store.saveVisit(later));
      saved.push(later);
      store.close();

      const again = await openTestStore(dir, { backupOnOpen: false });
      for (const v of saved) expect(unwrap(again.store.getVisit(v.id)).visit).toEqual(v);
      const check = unwrap(again.store.check({ full: true }));
      expect(check.integrity).toBe('ok');
      expect(check.audit.ok).toBe(true);
      expect(check.tables.visits).toBe(saved.length);
      expect(check.tables.outbox).toBe(saved.length);
      again.store.close();
    },
  );
});

// Read-only folder: as root a read-only bind mount (root ignores chmod), otherwise chmod.
function readOnlyView(source: string): { view?: string; makeWritable?: () => void; reason?: string } {
  if (isRoot) {
    const view = tempDir('shikaku-ro-');
    dirs.push(view);
    const e1 = tryMount(['--bind', source, view]);
    if (e1) return { reason: `mount --bind failed: ${e1}` };
    mounted.push(view);
    const e2 = tryMount(['-o', 'remount,bind,ro', view]);
    if (e2) return { reason: `read-only remount failed: ${e2}` };
    return { view, makeWritable: () => execFileSync('mount', ['-o', 'remount,bind,rw', view]) };
  }
  chmodSync(join(source, 'journal.sqlite3'), 0o444);
  chmodSync(source, 0o555);
  return {
    view: source,
    makeWritable: () => {
      chmodSync(source, 0o755);
      chmodSync(join(source, 'journal.sqlite3'), 0o644);
    },
  };
}

describe('read-only folder', () => {
  it('opens read-only, answers reads, refuses writes with STORE_READ_ONLY, recovers when writable', async () => {
    const dir = tempDir('shikaku-src-');
    dirs.push(dir);
    const { store: w } = await openTestStore(dir);
    const saved = Array.from({ length: 10 }, (_, i) => makeVisit(i));
    for (const v of saved) unwrap(w.saveVisit(v));
    w.close();

    const ro = readOnlyView(dir);
    if (!ro.view) {
      console.warn(`[skip] read-only folder test skipped: ${ro.reason}`);
      return;
    }
    // Prove the folder really is read-only before trusting the test.
    expect(() => openSync(join(ro.view!, 'probe.txt'), 'w')).toThrow();

    const { store, report } = unwrap(await openStore({ dataDir: ro.view, ...quiet }));
    expect(report.readOnly).toBe(true);
    expect(report.notices).toContain(
      '保存先に書き込みできないため、閲覧のみで開きました。新しい受付は保存できません。',
    );
    expect(store.health().mode).toBe('read_only');
    expect(unwrap(store.listVisits()).total).toBe(10);
    for (const v of saved) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
    const r = store.saveVisit(makeVisit(50));
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'STORE_READ_ONLY', message: storeMessages.STORE_READ_ONLY }),
    });

    ro.makeWritable!();
    expect(unwrap(store.probe()).mode).toBe('ok');
    const v = makeVisit(51);
    unwrap(store.saveVisit(v));
    store.close();
    const check = new Database(join(dir, 'journal.sqlite3'), { readonly: true });
    expect(check.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(11);
    check.close();
  });

  it('a data folder that cannot be created is a typed error, not a throw', async () => {
    const parent = tempDir('shikaku-nodir-');
    dirs.push(parent);
    const file = join(parent, 'a-file');
    closeSync(openSync(file, 'w'));
    const r = await openStore({ dataDir: join(file, 'sub'), ...quiet });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_READ_ONLY' } });
    mkdirSync(join(parent, 'ok'));
  });
});
