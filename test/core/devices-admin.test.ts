// 設定 → 機器の点検 and the settings that apply at once, through the core's real dispatcher over a real journal:
// the terminal link re-opened on a new folder (two simulators answering in two folders: the next reconcile is
// answered by the new one), the 接続テスト of a folder, the device report, and the 診断情報 zip read back with the
// terminal's zip reader and searched for patient names and 個人番号.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containsMyNumber, MY_NUMBER_MARKER } from '../../src/claims/mynumber.ts';
import { SimulatedCardReader } from '../../src/hardware/pcsc/index.ts';
import { SimulatedPowerPort } from '../../src/hardware/power/index.ts';
import { TerminalSimulator, type SimLogEntry } from '../../src/hardware/terminal/index.ts';
import { zipEntries, zipEntryData } from '../../src/hardware/terminal/zip.ts';
import { NAME_MARKER } from '../../src/main/core/diagnostics.ts';
import { runDoctor } from '../../src/main/core/doctor.ts';
import { TerminalLink } from '../../src/main/core/link.ts';
import type { Store } from '../../src/main/core/store/index.ts';
import { testCoreDeps, testDispatcher } from '../support/core.ts';
import { HANAKO, openTestStore, removeDir, tempDir, unwrap, visitWith } from '../reconcile/helpers.ts';

const STAFF = 'uketsuke-01';
const MY_NUMBER = '123456789018';

let dataDir: string;
let store: Store;
const sims: TerminalSimulator[] = [];
const dirs: string[] = [];
let link: TerminalLink | undefined;

beforeEach(async () => {
  dataDir = tempDir('shikaku-admin-data-');
  dirs.push(dataDir);
  store = await openTestStore(dataDir);
});

afterEach(async () => {
  await link?.close();
  link = undefined;
  for (const s of sims.splice(0)) await s.stop();
  store.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function share(name: string, log?: SimLogEntry[]): Promise<string> {
  const dir = tempDir(`shikaku-admin-${name}-`);
  dirs.push(dir);
  sims.push(
    await TerminalSimulator.start({
      dir,
      pollMs: 50,
      registry: [HANAKO, { ...HANAKO, number: '568' }],
      ...(log ? { onLog: (e) => log.push(e) } : {}),
    }),
  );
  return dir;
}

async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 20));
}

describe('settings take effect at once', () => {
  it('a new terminal folder: the link is re-opened and the next visit is reconciled through the new one', async () => {
    const logA: SimLogEntry[] = [];
    const logB: SimLogEntry[] = [];
    const dirA = await share('a', logA);
    const dirB = await share('b', logB);
    link = new TerminalLink({ env: {}, store, reconcile: true, reconciler: { idleMs: 30, probeIntervalMs: 100 } });
    await link.open();
    expect(link.client).toBeNull(); // no folder yet: no link, no reconciler
    const deps = testCoreDeps(store, dataDir, { settingsChanged: async () => link!.reopen() });
    // As runtime.ts does: the queue's state follows the link's current reconciler.
    Object.defineProperty(deps, 'reconciler', { get: () => link!.reconciler });
    const call = testDispatcher(deps);

    expect(await call('settings.set', { key: 'terminal.dir', value: dirA, staff: STAFF })).toMatchObject({
      ok: true,
      value: { saved: true },
    });
    expect(link.dir).toBe(dirA);
    const first = visitWith({ insurerNumber: HANAKO.insurerNumber, symbol: '1234', number: '567', branch: '01' });
    unwrap(store.saveVisit(first));
    await until(() => unwrap(store.latestReconciliation(first.id)) !== null);
    expect(unwrap(store.latestReconciliation(first.id))).toMatchObject({ decision: 'current' });
    expect(logA.length).toBeGreaterThan(0);
    expect(logB).toHaveLength(0);

    expect(await call('settings.set', { key: 'terminal.dir', value: dirB, staff: STAFF })).toMatchObject({
      ok: true,
      value: { saved: true, item: { restartRequired: false } },
    });
    expect(link.dir).toBe(dirB);
    const asked = logA.length;
    const second = visitWith({ insurerNumber: HANAKO.insurerNumber, symbol: '1234', number: '568', branch: '01' });
    unwrap(store.saveVisit(second));
    await until(() => unwrap(store.latestReconciliation(second.id)) !== null);
    expect(unwrap(store.latestReconciliation(second.id))).toMatchObject({ decision: 'current' });
    expect(logB.length).toBeGreaterThan(0);
    expect(logA).toHaveLength(asked);
    expect(await call('queue.status', {})).toMatchObject({ ok: true, value: { reconciler: 'running' } });
  });

  it('a re-open while a request waits gives its job back (not failed) and the new link answers it', async () => {
    const silent = tempDir('shikaku-admin-silent-');
    dirs.push(silent);
    for (const d of ['req', 'res', 'face']) mkdirSync(path.join(silent, d));
    unwrap(store.setSetting('terminal.dir', silent, STAFF));
    link = new TerminalLink({ env: {}, store, reconcile: true, reconciler: { idleMs: 30, probeIntervalMs: 100 } });
    await link.open();
    const visit = visitWith({ insurerNumber: HANAKO.insurerNumber, symbol: '1234', number: '567', branch: '01' });
    unwrap(store.saveVisit(visit));
    await until(() => unwrap(store.listOutbox({ limit: 10 })).counts.inflight === 1);

    const answering = await share('answering');
    unwrap(store.setSetting('terminal.dir', answering, STAFF));
    await link.reopen();
    const jobOf = () => unwrap(store.listOutbox({ limit: 10 })).jobs.find((j) => j.visitId === visit.id)!;
    await until(() => jobOf().status === 'done');
    expect(unwrap(store.latestReconciliation(visit.id))).toMatchObject({ decision: 'current' });
    expect(jobOf()).toMatchObject({ status: 'done', attempts: 1, lastErrorCode: null });
  });
});

describe('接続テスト (terminal.test)', () => {
  it('a share with the terminal answering, a share that does not answer, a missing folder', async () => {
    unwrap(store.setSetting('terminal.timeoutMs', 1000, STAFF));
    const call = testDispatcher(testCoreDeps(store, dataDir));
    const good = await share('good');
    const r = await call('terminal.test', { dir: good });
    expect(r).toMatchObject({
      ok: true,
      value: { ok: true, error: null, answered: true, folders: { req: { writable: true }, face: { exists: true } } },
    });

    const silent = tempDir('shikaku-admin-quiet-');
    dirs.push(silent);
    for (const d of ['req', 'res', 'face']) mkdirSync(path.join(silent, d));
    expect(await call('terminal.test', { dir: silent })).toMatchObject({
      ok: true,
      value: { ok: false, answered: false, answerProblem: 'TERMINAL_TIMEOUT' },
    });
    expect(await call('terminal.test', { dir: silent, ask: false })).toMatchObject({
      ok: true,
      value: { ok: true, answered: null },
    });

    const missing = path.join(silent, 'nothing-here');
    const m = await call('terminal.test', { dir: missing });
    expect(m).toMatchObject({ ok: true, value: { ok: false, answered: null } });
    expect((m as { value: { error: string } }).value.error).toContain(missing);
  });
});

describe('機器の点検 and 診断情報', () => {
  it('the report through the contract, and a zip with no patient name and no 個人番号', async () => {
    const good = await share('diag');
    unwrap(store.setSetting('terminal.dir', good, STAFF));
    const reader = new SimulatedCardReader({ readers: ['訓練用カードリーダー'] });
    await reader.start();
    const power = new SimulatedPowerPort();
    await power.start();
    const deps = testCoreDeps(store, dataDir, {
      doctor: () =>
        runDoctor({
          pcsc: async () => ({ snapshot: reader.snapshot(), diagnosis: null }),
          power: async () => power.snapshot(),
          terminalDir: good,
          wan: null,
          now: () => new Date('2026-12-07T00:00:00Z'),
        }),
    });
    const call = testDispatcher(deps);
    try {
      const doc = await call('devices.doctor', { card: false });
      expect(doc?.ok).toBe(true);
      const report = (doc as { value: { report: { devices: { key: string; status: string }[] }; text: string } }).value;
      expect(report.report.devices.map((d) => d.key)).toEqual(['reader', 'card', 'terminal', 'network', 'power']);
      expect(report.report.devices.find((d) => d.key === 'terminal')).toMatchObject({
        facts: { shareDir: good, req: true, res: true, face: true },
      });
      expect(report.text).toContain('■');

      // A visit of 山田 花子, and a log that names her and carries a 個人番号.
      const visit = visitWith({ insurerNumber: HANAKO.insurerNumber, symbol: '1234', number: '567', branch: '01' });
      unwrap(store.saveVisit(visit));
      expect(containsMyNumber(`個人番号 ${MY_NUMBER}`)).toBe(true);
      const logs = path.join(dataDir, 'logs');
      mkdirSync(logs, { recursive: true });
      writeFileSync(
        path.join(logs, 'core-2026-12-07.log'),
        `[info] start\n[warn] visit of ${visit.patient.name} (${visit.patient.name.replace(' ', '')}) card ${MY_NUMBER}\n`,
      );

      const r = await call('diagnostics.bundle', {});
      expect(r?.ok).toBe(true);
      const out = (r as { value: { fileName: string; base64: string; size: number; entries: string[] } }).value;
      expect(out.fileName).toMatch(/^shikaku-diagnostics-\d{8}-\d{6}\.zip$/);
      const bytes = Buffer.from(out.base64, 'base64');
      expect(bytes.length).toBe(out.size);
      const entries = zipEntries(bytes);
      expect(entries.map((e) => e.name)).toEqual(out.entries);
      expect(out.entries).toEqual(
        expect.arrayContaining([
          'doctor.txt',
          'doctor.json',
          'db-check.json',
          'versions.json',
          'settings.json',
          'health.json',
          'logs/core-2026-12-07.log',
        ]),
      );
      const text = new Map(entries.map((e) => [e.name, Buffer.from(zipEntryData(bytes, e, 1 << 24)).toString('utf8')]));
      for (const [name, body] of text) {
        expect(body, name).not.toContain('山田');
        expect(body, name).not.toContain('ヤマダ');
        expect(containsMyNumber(body), name).toBe(false);
      }
      const log = text.get('logs/core-2026-12-07.log')!;
      expect(log).toContain(NAME_MARKER);
      expect(log).toContain(MY_NUMBER_MARKER);
      expect(JSON.parse(text.get('db-check.json')!)).toMatchObject({ ok: true, integrity: 'ok' });
      expect(JSON.parse(text.get('settings.json')!)).toMatchObject({
        'terminal.dir': { value: good },
        staff: { count: 1 },
      });
      expect(text.get('doctor.txt')).toContain(good);
    } finally {
      await reader.stop();
      await power.stop();
    }
  });
});
