// The journal at the core's start: opened without the daily backup, which the core takes once it has said 'ready'
// (journal.ts takeDailyBackup): still only when due, never for a journal just created, noted in the startup
// report.
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal, takeDailyBackup } from '../../src/main/core/journal.ts';
import { runCore } from '../../src/main/core/runtime.ts';
import { memoryTransportPair } from '../../src/main/core/transport.ts';
import { removeDir, tempDir } from '../store/helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

/** A data folder holding a journal that was created and closed again (no backup yet). */
async function existingJournal(): Promise<string> {
  const dir = tempDir('shikaku-journal-start-');
  dirs.push(dir);
  const first = await openJournal(dir, 'test');
  expect(first.report?.outcome).toBe('created');
  await takeDailyBackup(first); // a journal just created: nothing to back up
  expect(first.store!.listBackups()).toEqual([]);
  first.store!.close();
  return dir;
}

describe('the daily backup at start', () => {
  it('is not taken by opening the journal, but by takeDailyBackup when due, and noted in the report', async () => {
    const dir = await existingJournal();
    const journal = await openJournal(dir, 'test');
    try {
      expect(journal.report?.outcome).toBe('opened');
      expect(journal.store!.listBackups()).toEqual([]);
      await takeDailyBackup(journal);
      const backups = journal.store!.listBackups();
      expect(backups.map((b) => b.reason)).toEqual(['daily']);
      expect(journal.report?.backupsTaken).toEqual([backups[0]!.file]);
      await takeDailyBackup(journal); // not due again
      expect(journal.store!.listBackups()).toHaveLength(1);
    } finally {
      journal.store?.close();
    }
  });

  it('is taken by the core once it is ready (found after a shutdown right after the start)', async () => {
    const dir = await existingJournal();
    const pair = memoryTransportPair();
    const ready = new Promise<void>((resolve) =>
      pair.host.onMessage((m) => {
        if ((m as { control?: string }).control === 'ready') resolve();
      }),
    );
    const core = await runCore({
      transport: pair.core,
      env: {
        SHIKAKU_DATA_DIR: dir,
        SHIKAKU_DEVICES: 'simulated',
        SHIKAKU_RECONCILE: 'manual',
        SHIKAKU_PRECHECK: 'manual',
      },
      exit: () => undefined,
    });
    await ready;
    await core.shutdown();
    const journal = await openJournal(dir, 'test');
    try {
      expect(journal.store!.listBackups().map((b) => b.reason)).toEqual(['daily']);
    } finally {
      journal.store?.close();
    }
  });
});
