// The core's request dispatcher over a real journal, for tests that drive handlers without a core process:
// the dependencies a test does not exercise (events, AC power, crash, sleep) are inert.
import { HealthMonitor } from '../../src/hardware/health/index.ts';
import { buildHandlers, createDispatcher, type CoreDeps } from '../../src/main/core/service.ts';
import type { Store } from '../../src/main/core/store/index.ts';

/** CoreDeps for `journal` (or a bare store), with `over` replacing any field. */
export function testCoreDeps(
  journal: CoreDeps['journal'] | Store,
  dataDir: string,
  over: Partial<CoreDeps> = {},
): CoreDeps {
  return {
    info: { version: 't', demo: false, dataDir, pid: 1, testHooks: false },
    emit: () => undefined,
    health: new HealthMonitor({}),
    journal: 'store' in journal ? journal : { store: journal, report: null, error: null },
    reconciler: null,
    acChanged: () => undefined,
    crash: () => {
      throw new Error('crash');
    },
    sleep: () => Promise.resolve(),
    ...over,
  };
}

/** A call through the real dispatcher (request checked against the contract), answering the wire response. */
export function testDispatcher(deps: CoreDeps) {
  const d = createDispatcher(buildHandlers(deps), { testHooks: false });
  return (name: string, input: unknown) => d({ id: 1, name, input });
}
