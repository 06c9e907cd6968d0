// Writes the fixture databases for the migration tests into test/fixtures/store/:
//   v1.sqlite3     schema v1 (migration 1 only) with data written the way v1 wrote it
//   v2.sqlite3 … v6.sqlite3  the same data written at schema v2 … v6
//   newer.sqlite3  a database from a future app (migration 999 applied, user_version 999)
// Run: node --import tsx test/store/make-fixtures.ts
// A fixture is made once, by the release that introduced its migration, and then committed and never
// regenerated: it stands for databases already out in clinics. When migration N ships, add vN.sqlite3
// here (applying migrations up to N with migrateTo(db, N)) and leave the older ones alone.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appendAudit } from '../../src/main/core/store/audit.ts';
import { canonicalJson, sha256Hex } from '../../src/main/core/store/canonical.ts';
import { migrateTo } from '../../src/main/core/store/migrations.ts';
import { V1_VISITS } from './fixture-data.ts';

const outDir = fileURLToPath(new URL('../fixtures/store/', import.meta.url));
mkdirSync(outDir, { recursive: true });

// Names given on the command line select fixtures (e.g. `v2.sqlite3`); none: all of them.
const only = process.argv.slice(2);

function make(name: string, build: (db: Database.Database) => void): void {
  if (only.length > 0 && !only.includes(name)) return;
  const file = `${outDir}${name}`;
  rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  build(db);
  db.exec('VACUUM');
  db.close();
  console.log(`wrote ${file}`);
}

function v1Data(db: Database.Database): void {
  const t = Date.parse('2024-12-03T02:00:00Z');
  const at = new Date(t).toISOString();
  db.transaction(() => {
    const staff = JSON.stringify([{ id: 'yamada', name: '山田 花子', active: true }]);
    db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)').run('staff', staff, t);
    appendAudit(db, {
      actor: 'system',
      action: 'setting.set',
      entity: 'setting',
      entityId: 'staff',
      detail: { sha256: sha256Hex(staff) },
      at,
    });
    for (const v of V1_VISITS) {
      const json = canonicalJson(v);
      db.prepare(
        `INSERT INTO visits (id, service_date, received_at, patient_name, patient_kana, patient_kana_key, patient_birth, cause,
           evidence_kind, status, staff, json, json_sha256, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      ).run(
        v.id,
        v.serviceDate,
        v.receivedAt,
        v.patient.name,
        v.patient.nameKana,
        v.patient.nameKana.replace(/\s/g, ''),
        v.patient.birthDate,
        v.cause,
        v.evidence.kind,
        v.staff,
        json,
        sha256Hex(json),
        t,
        t,
      );
      db.prepare(
        `INSERT INTO outbox (idempotency_key, kind, visit_id, payload, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, 'reconcile', ?, ?, 'pending', 0, ?, ?, ?)`,
      ).run(`${v.id}:reconcile`, v.id, JSON.stringify({ visitId: v.id }), t, t, t);
      appendAudit(db, {
        actor: 'yamada',
        action: 'visit.create',
        entity: 'visit',
        entityId: v.id,
        detail: { sha256: sha256Hex(json) },
        at,
      });
    }
    db.prepare(
      `INSERT INTO patients (id, patient_id, name, name_kana, name_key, kana_key, birth_date, sex, insurer_number, insurance_number, last_visit_date, created_at, updated_at)
       VALUES ('01900000-0000-7000-8000-0000000000a1', 'K002', '佐藤 花子', 'サトウ ハナコ', '佐藤花子', 'サトウハナコ', '1985-07-07', 'female', '01130012', '987', '2024-11-01', ?, ?)`,
    ).run(t, t);
  })();
}

make('v1.sqlite3', (db) => {
  migrateTo(db, 1);
  v1Data(db);
});

// v2 (returns): the v1 data, written by a build at schema v2.
make('v2.sqlite3', (db) => {
  migrateTo(db, 2);
  v1Data(db);
});

// v3 (answer evidence): the v1 data, written by a build at schema v3.
make('v3.sqlite3', (db) => {
  migrateTo(db, 3);
  v1Data(db);
});

// v4 (claims fill lengths, data only): the v1 data, written by a build at schema v4.
make('v4.sqlite3', (db) => {
  migrateTo(db, 4);
  v1Data(db);
});

// v5 (事前確認): the v1 data, written by a build at schema v5.
make('v5.sqlite3', (db) => {
  migrateTo(db, 5);
  v1Data(db);
});

// v6 (partial outbox lease index): the v1 data, written by a build at schema v6.
make('v6.sqlite3', (db) => {
  migrateTo(db, 6);
  v1Data(db);
});

make('newer.sqlite3', (db) => {
  migrateTo(db, 1);
  v1Data(db);
  db.transaction(() => {
    db.exec('CREATE TABLE future_feature (id INTEGER PRIMARY KEY)');
    db.prepare(
      `INSERT INTO schema_migrations (id, name, applied_at, app_version) VALUES (999, 'future', '2030-01-01T00:00:00Z', '9.0.0')`,
    ).run();
    db.pragma('user_version = 999');
  })();
});
