// The app itself and its process: version and mode, ping, device health, the journal's state, power events from
// the Electron main process, 訓練モード's device faults, and the test hooks.
import { ContractError } from '../../contract.ts';
import type { CoreDeps, Handlers } from './common.ts';

export type AppRequest =
  | 'app.info'
  | 'app.ping'
  | 'health.get'
  | 'store.status'
  | 'power.acChanged'
  | 'drill.fault'
  | 'drill.state'
  | 'test.crash'
  | 'test.sleep';

export function appHandlers(deps: CoreDeps): Handlers<AppRequest> {
  return {
    'app.info': () => ({ ...deps.info }),
    'app.ping': (input) => ({
      pong: true,
      ...(input.echo === undefined ? {} : { echo: input.echo }),
      at: new Date().toISOString(),
    }),
    'health.get': () => {
      deps.screenUp?.();
      return deps.health.state();
    },
    'store.status': () => {
      const { store, report, error } = deps.journal;
      return {
        available: store !== null,
        outcome: report?.outcome ?? null,
        notices: report?.notices ?? [],
        mode: store ? store.health().mode : 'unavailable',
        error: error ? { code: error.code, message: error.message } : null,
      };
    },
    'power.acChanged': (input) => {
      deps.acChanged(input.onBattery);
      return { onBattery: input.onBattery };
    },
    'drill.fault': async (input) => {
      if (!deps.drill) throw new ContractError('DRILL_UNAVAILABLE', '訓練モード（模擬の機器）でだけ使えます。');
      const at = new Date().toISOString(); // the simulated device reports the change within apply()
      await deps.drill.apply(input.fault);
      return { fault: input.fault, at, broken: deps.drill.broken() };
    },
    'drill.state': () => ({ available: Boolean(deps.drill), broken: deps.drill?.broken() ?? [] }),
    'test.crash': () => deps.crash(),
    'test.sleep': async (input) => {
      await deps.sleep(input.ms);
      return { slept: input.ms };
    },
  };
}
