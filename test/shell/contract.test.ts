// The contract and the core's dispatcher: parity between schemas and handlers, and typed errors.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ContractError,
  events,
  isTestOnly,
  requests,
  type RequestName,
  type ResponseMessage,
} from '../../src/main/contract.ts';
import { HealthMonitor } from '../../src/hardware/health/index.ts';
import { openJournal } from '../../src/main/core/journal.ts';
import { SYSTEM_ACTOR } from '../../src/main/core/store/index.ts';
import { buildHandlers, createDispatcher, type CoreDeps, type Handlers } from '../../src/main/core/service.ts';
import { hasJapanese } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');

function fakeDeps(overrides: Partial<CoreDeps> = {}): CoreDeps {
  const health = new HealthMonitor({ debounce: { enterAfterFailures: 1, enterAfterMs: 0, exitAfterMs: 0 } });
  return {
    info: { version: '1.2.3', demo: false, dataDir: '/tmp/x', pid: 42, testHooks: true },
    emit: () => undefined,
    health,
    journal: { store: null, report: null, error: null },
    reconciler: null,
    acChanged: (onBattery) => health.ingest({ source: 'power', state: onBattery ? 'battery' : 'ac' }),
    crash: () => {
      throw new Error('crash called');
    },
    sleep: () => Promise.resolve(),
    ...overrides,
  };
}

function errorOf(response: ResponseMessage | null): { code: string; message: string } {
  if (response === null || response.ok) throw new Error(`expected an error response, got ${JSON.stringify(response)}`);
  return response.error;
}

describe('contract ↔ handler parity', () => {
  it('has exactly one handler per request schema, and no handler without a schema', () => {
    const handlers = buildHandlers(fakeDeps());
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(requests).sort());
    for (const name of Object.keys(handlers)) expect(typeof handlers[name as RequestName]).toBe('function');
  });

  it('makes a missing handler a compile error (checked by tsc)', () => {
    const complete = buildHandlers(fakeDeps());
    const { 'app.ping': _dropped, ...rest } = complete;
    // @ts-expect-error 'app.ping' is missing: the Handlers type requires every contract request.
    const incomplete: Handlers = rest;
    expect(Object.keys(incomplete)).not.toContain('app.ping');
  });

  it('makes an extra handler a compile error (checked by tsc)', () => {
    const extra: Handlers = {
      ...buildHandlers(fakeDeps()),
      // @ts-expect-error 'no.such' is not in the contract.
      'no.such': () => ({}),
    };
    expect(Object.keys(extra)).toContain('no.such');
  });

  it('gives every event a schema, including core.status and health.changed', () => {
    expect(Object.keys(events).sort()).toEqual([
      'claims.exportProgress',
      'core.status',
      'health.changed',
      'queue.progress',
      'store.reopened',
    ]);
    expect(events['core.status'].safeParse({ state: 'restarting', detail: '' }).success).toBe(true);
    expect(events['core.status'].safeParse({ state: 'sleeping', detail: '' }).success).toBe(false);
    expect(events['health.changed'].safeParse(new HealthMonitor().state()).success).toBe(true);
    expect(events['health.changed'].safeParse({ level: '通常', causes: [] }).success).toBe(false);
  });

  it('marks only the test hooks as test-only', () => {
    const testOnly = (Object.keys(requests) as RequestName[]).filter(isTestOnly);
    expect(testOnly.sort()).toEqual(['test.crash', 'test.sleep']);
  });
});

describe('dispatcher', () => {
  const dispatch = createDispatcher(buildHandlers(fakeDeps()), { testHooks: false });

  it('answers a valid request with the handler output', async () => {
    const res = await dispatch({ id: 1, name: 'app.info', input: {} });
    expect(res).toEqual({
      id: 1,
      ok: true,
      value: { version: '1.2.3', demo: false, dataDir: '/tmp/x', pid: 42, testHooks: true },
    });
  });

  it('refuses an input that does not match the schema with CONTRACT_INVALID_REQUEST in Japanese', async () => {
    for (const input of [{ echo: 5 }, { unexpected: true }, 'text', [1]]) {
      const err = errorOf(await dispatch({ id: 2, name: 'app.ping', input }));
      expect(err.code).toBe('CONTRACT_INVALID_REQUEST');
      expect(hasJapanese(err.message)).toBe(true);
    }
  });

  it('refuses an unknown request name with CONTRACT_UNKNOWN_REQUEST', async () => {
    for (const name of ['no.such', '__proto__', 'constructor', 'toString']) {
      const err = errorOf(await dispatch({ id: 3, name, input: {} }));
      expect(err.code).toBe('CONTRACT_UNKNOWN_REQUEST');
      expect(hasJapanese(err.message)).toBe(true);
    }
  });

  it('refuses a non-string name with CONTRACT_INVALID_REQUEST', async () => {
    expect(errorOf(await dispatch({ id: 4, name: 7, input: {} })).code).toBe('CONTRACT_INVALID_REQUEST');
  });

  it('treats test hooks as unknown unless test hooks are enabled', async () => {
    expect(errorOf(await dispatch({ id: 5, name: 'test.sleep', input: { ms: 1 } })).code).toBe(
      'CONTRACT_UNKNOWN_REQUEST',
    );
    const withHooks = createDispatcher(buildHandlers(fakeDeps()), { testHooks: true });
    expect(await withHooks({ id: 5, name: 'test.sleep', input: { ms: 1 } })).toEqual({
      id: 5,
      ok: true,
      value: { slept: 1 },
    });
  });

  it('cannot answer a message without a usable id', async () => {
    expect(await dispatch({ name: 'app.info', input: {} })).toBeNull();
    expect(await dispatch(null)).toBeNull();
    expect(await dispatch({ id: -1, name: 'app.info' })).toBeNull();
  });

  it('passes a handler ContractError through and hides other exceptions behind CORE_INTERNAL', async () => {
    const base = buildHandlers(fakeDeps());
    const throwing = createDispatcher(
      {
        ...base,
        'app.ping': () => {
          throw new ContractError('STORE_LOCKED', 'データを保存できません。');
        },
      },
      { testHooks: false },
    );
    expect(errorOf(await throwing({ id: 6, name: 'app.ping', input: {} }))).toEqual({
      code: 'STORE_LOCKED',
      message: 'データを保存できません。',
    });
    const buggy = createDispatcher(
      {
        ...base,
        'app.info': () => {
          throw new TypeError('x is undefined');
        },
      },
      { testHooks: false },
    );
    const err = errorOf(await buggy({ id: 7, name: 'app.info', input: {} }));
    expect(err.code).toBe('CORE_INTERNAL');
    expect(hasJapanese(err.message)).toBe(true);
  });

  it('refuses a handler output that breaks the contract', async () => {
    const base = buildHandlers(fakeDeps());
    const wrong = createDispatcher(
      { ...base, 'app.info': () => ({ version: 1 }) as unknown as ReturnType<Handlers['app.info']> },
      { testHooks: false },
    );
    expect(errorOf(await wrong({ id: 8, name: 'app.info', input: {} })).code).toBe('CONTRACT_INVALID_RESPONSE');
  });

  it('forwards power.acChanged into the health state, which health.get returns', async () => {
    const d = createDispatcher(buildHandlers(fakeDeps()), { testHooks: false });
    expect(await d({ id: 9, name: 'power.acChanged', input: { onBattery: true } })).toMatchObject({ ok: true });
    const got = await d({ id: 10, name: 'health.get', input: {} });
    expect(got).toMatchObject({ ok: true, value: { devices: { power: { status: 'warning' } } } });
    expect(
      (got as { value: { warnings: unknown[]; causes: { code: string }[] } }).value.causes.map((c) => c.code),
    ).toContain('power_on_battery');
  });
});

describe('journal requests', () => {
  it('saves a visit once (idempotent) and lists it, through the dispatcher and a real store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shikaku-contract-'));
    const journal = await openJournal(dir, 'test');
    try {
      expect(journal.store).not.toBeNull();
      journal.store!.setStaff([{ id: 'uketsuke-01', name: '受付 一郎', active: true }], SYSTEM_ACTOR);
      const d = createDispatcher(buildHandlers(fakeDeps({ journal })), { testHooks: false });
      const visit = JSON.parse(readFileSync(join(root, 'docs/examples/verbal.json'), 'utf8')) as unknown;
      expect(await d({ id: 1, name: 'visits.save', input: visit })).toMatchObject({
        ok: true,
        value: { created: true },
      });
      expect(await d({ id: 2, name: 'visits.save', input: visit })).toMatchObject({
        ok: true,
        value: { created: false },
      });
      const list = await d({ id: 3, name: 'visits.list', input: { status: 'pending' } });
      expect(list).toMatchObject({ ok: true, value: { total: 1, items: [{ evidenceKind: 'verbal' }] } });
      expect(await d({ id: 4, name: 'store.status', input: {} })).toMatchObject({
        ok: true,
        value: { available: true, outcome: 'created', mode: 'ok', error: null },
      });
      const bad = errorOf(await d({ id: 5, name: 'visits.save', input: { id: 'x' } }));
      expect(bad.code).toBe('CONTRACT_INVALID_REQUEST');
    } finally {
      journal.store?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a typed Japanese error when the journal could not be opened', async () => {
    const error = {
      code: 'STORE_NEWER_VERSION' as const,
      message: 'このデータファイルは新しい版のアプリで作られています。',
    };
    const d = createDispatcher(buildHandlers(fakeDeps({ journal: { store: null, report: null, error } })), {
      testHooks: false,
    });
    const visit = JSON.parse(readFileSync(join(root, 'docs/examples/verbal.json'), 'utf8')) as unknown;
    expect(errorOf(await d({ id: 1, name: 'visits.save', input: visit }))).toEqual(error);
    expect(await d({ id: 2, name: 'store.status', input: {} })).toMatchObject({
      ok: true,
      value: { available: false, mode: 'unavailable', error },
    });
  });
});

describe('layering rules', () => {
  const filesUnder = (dir: string): string[] =>
    readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));

  it('the renderer imports only types from the contract', () => {
    const offenders: string[] = [];
    for (const file of filesUnder('src/renderer')) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gms)) {
        if (m[2]?.endsWith('contract.ts') && m[1] === undefined) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('nothing under src/main/core imports electron', () => {
    const offenders = filesUnder('src/main/core').filter((f) =>
      /from\s+['"]electron['"]|require\(['"]electron['"]\)/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});

describe('drill.fault (訓練モード)', () => {
  it('drives the simulated devices, and is refused in Japanese with real devices', async () => {
    const faults: string[] = [];
    const control = {
      apply: (f: string) => {
        faults.push(f);
        return Promise.resolve();
      },
      broken: () => ['reader' as const],
    };
    const drill = createDispatcher(buildHandlers(fakeDeps({ drill: control })), { testHooks: false });
    const r = await drill({ id: 1, name: 'drill.fault', input: { fault: 'reader_lost' } });
    expect(r).toMatchObject({ ok: true, value: { fault: 'reader_lost', broken: ['reader'] } });
    expect(await drill({ id: 4, name: 'drill.state', input: {} })).toMatchObject({
      ok: true,
      value: { available: true, broken: ['reader'] },
    });
    expect(faults).toEqual(['reader_lost']);
    expect(errorOf(await drill({ id: 2, name: 'drill.fault', input: { fault: 'fire' } })).code).toBe(
      'CONTRACT_INVALID_REQUEST',
    );
    expect(faults).toEqual(['reader_lost']);

    const real = createDispatcher(buildHandlers(fakeDeps({ drill: null })), { testHooks: false });
    const refused = errorOf(await real({ id: 3, name: 'drill.fault', input: { fault: 'mains_lost' } }));
    expect(refused.code).toBe('DRILL_UNAVAILABLE');
    expect(hasJapanese(refused.message)).toBe(true);
    expect(await real({ id: 5, name: 'drill.state', input: {} })).toMatchObject({
      ok: true,
      value: { available: false, broken: [] },
    });
  });
});
