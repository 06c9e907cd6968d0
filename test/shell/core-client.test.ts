// The core client against a REAL forked core process (tsx), and its supervision logic against fake children.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../src/main/contract.ts';
import { CoreClient, type CoreChild, type CoreExit } from '../../src/main/host/core-client.ts';
import { hasJapanese, isAlive, realCoreClient, recordStatuses, tempDir, until } from './helpers.ts';

const dir = tempDir();
const clients: CoreClient[] = [];
const pids = new Set<number>();

function track(client: CoreClient): CoreClient {
  clients.push(client);
  client.on('core.status', () => {
    const pid = client.pid();
    if (pid !== undefined) pids.add(pid);
  });
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const pid of pids) expect(isAlive(pid), `core pid ${pid} still running`).toBe(false);
  dir.remove();
});

/** Asks app.info until it fits (the core is restarting meanwhile: CORE_RESTARTING answers are skipped). */
async function untilInfo(client: CoreClient, fits: (info: { demo: boolean }) => boolean): Promise<void> {
  for (;;) {
    const info = await client.request('app.info', {}).catch(() => null);
    if (info && fits(info)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejection(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('core client with a real core process', () => {
  it('starts the core, answers app.info from the child, and stops it without leaving a process', async () => {
    const client = track(realCoreClient(join(dir.path, 'a')));
    const seen = recordStatuses(client);
    await client.start();
    const info = await client.request('app.info', {});
    expect(info.pid).toBe(client.pid());
    expect(info.pid).not.toBe(process.pid);
    expect(info.dataDir).toBe(join(dir.path, 'a'));
    expect(info.testHooks).toBe(true);
    expect(seen.map((s) => s.state)).toEqual(['starting', 'ready']);
    const pid = client.pid();
    await client.stop();
    expect(isAlive(pid)).toBe(false);
    expect((await rejection(client.request('app.ping', {}))).code).toBe('CORE_UNAVAILABLE');
  });

  it('「訓練モードで試す」: the core restarts itself in 訓練モード and the client says so (the window title follows)', async () => {
    const client = track(realCoreClient(join(dir.path, 'd')));
    await client.start();
    expect(client.demoMode(false)).toBe(false);
    expect(await client.request('app.restart', { demo: true })).toMatchObject({ restarting: true, demo: true });
    await untilInfo(client, (i) => i.demo);
    expect(client.demoMode(false)).toBe(true);
    await client.request('app.restart', { demo: false });
    await untilInfo(client, (i) => !i.demo);
    expect(client.demoMode(true)).toBe(false);
    await client.stop();
  });

  it('rejects a request in flight with CORE_RESTARTING when the core crashes, restarts it, and the next request succeeds', async () => {
    const client = track(realCoreClient(join(dir.path, 'b')));
    const seen = recordStatuses(client);
    await client.start();
    const firstPid = (await client.request('app.info', {})).pid;

    const inFlight = client.request('test.sleep', { ms: 60_000 });
    const alsoInFlight = client.request('test.sleep', { ms: 60_000 });
    const crash = client.request('test.crash', {});
    const [a, b, c] = await Promise.all([rejection(inFlight), rejection(alsoInFlight), rejection(crash)]);
    for (const err of [a, b, c]) {
      expect(err.code).toBe('CORE_RESTARTING');
      expect(hasJapanese(err.message)).toBe(true);
    }
    expect(isAlive(firstPid)).toBe(false);
    expect(seen.map((s) => s.state)).toContain('restarting');
    expect(hasJapanese(seen.find((s) => s.state === 'restarting')?.detail ?? '')).toBe(true);

    await until(() => client.status().state === 'ready');
    const info = await client.request('app.info', {});
    expect(info.pid).not.toBe(firstPid);
    expect(seen.map((s) => s.state)).toEqual(['starting', 'ready', 'restarting', 'ready']);
  });

  it('rejects new requests immediately while restarting', async () => {
    const client = track(
      realCoreClient(join(dir.path, 'c'), { backoff: { initialMs: 600_000, maxMs: 600_000, factor: 2 } }),
    );
    await client.start();
    await rejection(client.request('test.crash', {}));
    expect(client.status().state).toBe('restarting');
    const err = await rejection(client.request('app.ping', {}));
    expect(err.code).toBe('CORE_RESTARTING');
    await client.stop();
  });

  it('gives up after repeated crashes within the window and reports failed', async () => {
    const client = track(realCoreClient(join(dir.path, 'd'), { giveUp: { maxCrashes: 3, windowMs: 600_000 } }));
    const seen = recordStatuses(client);
    await client.start();
    for (let i = 0; i < 3; i++) {
      await until(() => client.status().state === 'ready');
      expect((await rejection(client.request('test.crash', {}))).code).toBe('CORE_RESTARTING');
    }
    expect(client.status().state).toBe('failed');
    expect(seen.at(-1)?.state).toBe('failed');
    expect(hasJapanese(client.status().detail)).toBe(true);
    expect(seen.filter((s) => s.state === 'restarting')).toHaveLength(2);
    expect(client.pid()).toBeUndefined();
    expect((await rejection(client.request('app.ping', {}))).code).toBe('CORE_UNAVAILABLE');

    // An operator's retry starts it again.
    await client.retry();
    expect((await client.request('app.ping', { echo: 'again' })).echo).toBe('again');
  });

  it('queues requests made while the core is starting and sends them once it is ready', async () => {
    const client = track(realCoreClient(join(dir.path, 'e')));
    const started = client.start();
    const early = client.request('app.ping', { echo: 'early' });
    expect(client.status().state).toBe('starting');
    await started;
    expect((await early).echo).toBe('early');
  });

  it('the core exits on its own when its host dies (no orphan)', async () => {
    const host = fork(join(import.meta.dirname, 'fixtures', 'dying-host.ts'), [join(dir.path, 'f')], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const corePid = await new Promise<number>((resolve) =>
      host.once('message', (m) => resolve((m as { corePid: number }).corePid)),
    );
    expect(isAlive(corePid)).toBe(true);
    host.kill('SIGKILL');
    await until(() => !isAlive(corePid));
    expect(isAlive(corePid)).toBe(false);
  });
});

// -------------------------------------------------------------------------------------------------------
// Supervision logic with fake children and fake timers (deterministic backoff).

class FakeChild implements CoreChild {
  readonly pid: number;
  sent: unknown[] = [];
  private messageListeners: Array<(m: unknown) => void> = [];
  private exitListeners: Array<(e: CoreExit) => void> = [];
  constructor(pid: number) {
    this.pid = pid;
  }
  send(message: unknown): void {
    this.sent.push(message);
  }
  kill(): void {
    this.exit({ code: null, signal: 'SIGKILL' });
  }
  onMessage(l: (m: unknown) => void): void {
    this.messageListeners.push(l);
  }
  onExit(l: (e: CoreExit) => void): void {
    this.exitListeners.push(l);
  }
  ready(): void {
    this.deliver({ control: 'ready', pid: this.pid });
  }
  deliver(message: unknown): void {
    for (const l of this.messageListeners) l(message);
  }
  exit(e: CoreExit): void {
    for (const l of this.exitListeners.splice(0)) l(e);
  }
}

describe('core client supervision (fake children)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeClient(readyOnSpawn = true) {
    const children: FakeChild[] = [];
    const client = new CoreClient({
      spawn: () => {
        const child = new FakeChild(1000 + children.length);
        children.push(child);
        if (readyOnSpawn) queueMicrotask(() => child.ready());
        return child;
      },
      backoff: { initialMs: 100, maxMs: 350, factor: 2 },
      giveUp: { maxCrashes: 10, windowMs: 60_000 },
      readyTimeoutMs: 5_000,
      requestTimeoutMs: 0,
      log: () => undefined,
    });
    return { client, children };
  }

  it('waits an exponentially growing, capped delay before each restart', async () => {
    vi.useFakeTimers();
    const { client, children } = fakeClient();
    await client.start();
    const delays = [100, 200, 350, 350];
    for (const [i, delay] of delays.entries()) {
      children.at(-1)?.exit({ code: 1, signal: null });
      expect(children).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(children).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(children).toHaveLength(i + 2);
    }
  });

  it('kills a core that never says ready and counts it as a crash', async () => {
    vi.useFakeTimers();
    const { client, children } = fakeClient(false);
    void client.start().catch(() => undefined);
    const seen = recordStatuses(client);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.map((s) => s.state)).toEqual(['restarting']);
    await vi.advanceTimersByTimeAsync(100);
    expect(children).toHaveLength(2);
  });

  it('answers CORE_TIMEOUT for a request past its deadline and ignores the late answer', async () => {
    vi.useFakeTimers();
    const children: FakeChild[] = [];
    const client = new CoreClient({
      spawn: () => {
        const child = new FakeChild(2000 + children.length);
        children.push(child);
        queueMicrotask(() => child.ready());
        return child;
      },
      requestTimeoutMs: 1_000,
      log: () => undefined,
    });
    await client.start();
    const child = children[0];
    if (child === undefined) throw new Error('no child');
    const slow = client.call('app.ping', {});
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await slow).toMatchObject({ ok: false, error: { code: 'CORE_TIMEOUT' } });
    const lateId = (child.sent[0] as { id: number }).id;
    const next = client.call('app.ping', { echo: 'next' });
    const nextId = (child.sent[1] as { id: number }).id;
    // The late answer to the first request must not resolve the second one.
    child.deliver({ id: lateId, ok: true, value: { pong: true, echo: 'late', at: 'x' } });
    child.deliver({ id: nextId, ok: true, value: { pong: true, echo: 'next', at: 'x' } });
    expect(await next).toEqual({ ok: true, value: { pong: true, echo: 'next', at: 'x' } });
    expect(children).toHaveLength(1);
    vi.useRealTimers();
    const stopping = client.stop();
    child.exit({ code: 0, signal: null });
    await stopping;
  });
});
