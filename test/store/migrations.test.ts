// Migrations: empty → latest, every earlier fixture → latest keeping data, a future migration applied
// after a backup and atomically, a newer-version database refused and left byte-identical.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, openStore, storeMessages } from '../../src/main/core/store/index.ts';
import { applyMigration, migrations, readSchemaState, type Migration } from '../../src/main/core/store/migrations.ts';
import { V1_VISITS } from './fixture-data.ts';
import { quiet, removeDir, tempDir, unwrap } from './helpers.ts';

const fixtures = fileURLToPath(new URL('../fixtures/store/', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = tempDir();
});
afterEach(() => removeDir(dir));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function useFixture(name: string): string {
  const file = join(dir, 'journal.sqlite3');
  copyFileSync(join(fixtures, name), file);
  return file;
}

describe('migrations', () => {
  it('creates an empty database at the latest version, bookkeeping and user_version agreeing', async () => {
    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
    expect(report).toMatchObject({ outcome: 'created', fromVersion: 0, toVersion: LATEST_VERSION, readOnly: false });
    expect(report.migrationsApplied).toEqual(migrations.map((m) => m.id));
    expect(readSchemaState(store.db)).toEqual({ userVersion: LATEST_VERSION, applied: migrations.map((m) => m.id) });
    store.close();
  });

  it('every earlier version has a fixture', () => {
    const have = readdirSync(fixtures)
      .filter((f) => /^v\d+\.sqlite3$/.test(f))
      .map((f) => Number(/\d+/.exec(f)![0]));
    expect(have.sort()).toEqual(migrations.map((m) => m.id));
  });

  for (const m of migrations) {
    it(`opens the v${m.id} fixture at the latest version and keeps its data`, async () => {
      useFixture(`v${m.id}.sqlite3`);
      const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet }));
      expect(report.toVersion).toBe(LATEST_VERSION);
      expect(report.outcome).toBe(m.id === LATEST_VERSION ? 'opened' : 'migrated');
      for (const v of V1_VISITS) expect(unwrap(store.getVisit(v.id)).visit).toEqual(v);
      expect(unwrap(store.listOutbox()).counts.pending).toBe(V1_VISITS.length);
      expect(unwrap(store.verifyAudit())).toMatchObject({ ok: true, entries: 1 + V1_VISITS.length });
      expect(unwrap(store.searchPatients({ name: 'さとう' })).map((p) => p.patientId)).toEqual(['K002']);
      // and it keeps working: a new visit saves against the migrated schema
      const { makeVisit } = await import('./helpers.ts');
      expect(unwrap(store.saveVisit(makeVisit(1))).created).toBe(true);
      store.close();
    });
  }

  it('applies a new migration after a backup of the old data, in one transaction with its bookkeeping', async () => {
    useFixture(`v${LATEST_VERSION}.sqlite3`);
    const next: Migration = {
      id: LATEST_VERSION + 1,
      name: 'test: add column',
      up: (db) => db.exec(`ALTER TABLE visits ADD COLUMN flag INTEGER NOT NULL DEFAULT 0`),
    };
    const { store, report } = unwrap(await openStore({ dataDir: dir, ...quiet, migrations: [...migrations, next] }));
    expect(report).toMatchObject({
      outcome: 'migrated',
      fromVersion: LATEST_VERSION,
      toVersion: next.id,
      migrationsApplied: [next.id],
    });
    expect(report.notices.join('')).toContain('データ形式を更新しました');
    expect(report.backupsTaken).toHaveLength(1);
    expect(report.backupsTaken[0]).toMatch(new RegExp(`pre-migration-v${next.id}`));
    const backup = new Database(report.backupsTaken[0]!, { readonly: true });
    expect(readSchemaState(backup).userVersion).toBe(LATEST_VERSION);
    expect(backup.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(V1_VISITS.length);
    backup.close();
    store.close();
    // The plain build now sees a newer database and refuses it.
    const r = await openStore({ dataDir: dir, ...quiet });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_NEWER_VERSION' } });
  });

  it('a migration that fails leaves neither its changes nor its bookkeeping row', () => {
    const file = useFixture(`v${LATEST_VERSION}.sqlite3`);
    const db = new Database(file);
    const broken: Migration = {
      id: LATEST_VERSION + 1,
      name: 'test: fails half way',
      up: (d) => {
        d.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('power cut, in spirit');
      },
    };
    expect(() => applyMigration(db, broken)).toThrow(/power cut/);
    expect(readSchemaState(db)).toEqual({ userVersion: LATEST_VERSION, applied: migrations.map((m) => m.id) });
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half_done'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a database from a newer app with a clear message and leaves it byte-identical', async () => {
    const file = useFixture('newer.sqlite3');
    const before = sha(file);
    const r = await openStore({ dataDir: dir, ...quiet });
    expect(r).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'STORE_NEWER_VERSION', message: storeMessages.STORE_NEWER_VERSION }),
    });
    expect(sha(file)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['journal.sqlite3']); // no -wal, -shm or backups either
  });

  it('refuses a newer database known only by its bookkeeping (user_version not yet raised)', async () => {
    const file = useFixture('v1.sqlite3');
    const db = new Database(file);
    db.prepare(`INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, 'future', '2030-01-01T00:00:00Z')`).run(
      LATEST_VERSION + 50,
    );
    db.close();
    const before = sha(file);
    const r = await openStore({ dataDir: dir, ...quiet });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_NEWER_VERSION' } });
    expect(sha(file)).toBe(before);
    expect(existsSync(join(dir, 'backups'))).toBe(false);
  });
});
