// The core's services: the handler map, combined from the domains' handlers (src/main/core/handlers/), and the
// dispatcher that validates every incoming request against the contract before a handler sees it.
//
// Each domain file declares exactly its requests (`Handlers<K>`: a missing or extra one is a compile error, input
// and output are the contract's types); buildHandlers below combines them into the full map, which must cover
// every request of the contract, each in one domain only (checked by the compiler too). Dependency injection:
// `CoreDeps` (handlers/common.ts), built by process.ts / runtime.ts.
import { z } from 'zod';
import {
  contractError,
  isRequestName,
  isRequestId,
  isTestOnly,
  requests,
  type ResponseMessage,
  type WireError,
  ContractError,
} from '../contract.ts';
import { appHandlers, type AppRequest } from './handlers/app.ts';
import { dataHandlers, type DataRequest } from './handlers/data.ts';
import { claimsHandlers, type ClaimsRequest } from './handlers/claims.ts';
import type { CoreDeps, Handlers } from './handlers/common.ts';
import { devicesHandlers, type DevicesRequest } from './handlers/devices.ts';
import { incidentHandlers, type IncidentRequest } from './handlers/incidents.ts';
import { precheckHandlers, type PrecheckRequest } from './handlers/precheck.ts';
import { printHandlers, type PrintRequest } from './handlers/print.ts';
import { queueHandlers, type QueueRequest } from './handlers/queue.ts';
import { receptionHandlers, type ReceptionRequest } from './handlers/reception.ts';
import { serverHandlers, type ServerRequest } from './handlers/server.ts';
import { settingsHandlers, type SettingsRequest } from './handlers/settings.ts';
import { visitHandlers, type VisitRequest } from './handlers/visits.ts';

export type { AppInfo, CoreDeps, Handler, Handlers } from './handlers/common.ts';

/** Each domain's requests; no request may be in two (a domain's handler would silently replace another's). */
interface Domains {
  app: AppRequest;
  visits: VisitRequest;
  queue: QueueRequest;
  incidents: IncidentRequest;
  settings: SettingsRequest;
  server: ServerRequest;
  print: PrintRequest;
  reception: ReceptionRequest;
  precheck: PrecheckRequest;
  devices: DevicesRequest;
  data: DataRequest;
  claims: ClaimsRequest;
}
/** The requests found in more than one domain: must be never. */
type Overlapping = {
  [A in keyof Domains]: { [B in Exclude<keyof Domains, A>]: Extract<Domains[A], Domains[B]> }[Exclude<
    keyof Domains,
    A
  >];
}[keyof Domains];
const domainsAreDisjoint: [Overlapping] extends [never] ? true : Overlapping = true;
void domainsAreDisjoint;

export function buildHandlers(deps: CoreDeps): Handlers {
  return {
    ...appHandlers(deps),
    ...visitHandlers(deps),
    ...queueHandlers(deps),
    ...incidentHandlers(deps),
    ...settingsHandlers(deps),
    ...serverHandlers(deps),
    ...printHandlers(deps),
    ...receptionHandlers(deps),
    ...precheckHandlers(deps),
    ...devicesHandlers(deps),
    ...dataHandlers(deps),
    ...claimsHandlers(deps),
  };
}

export interface DispatcherOptions {
  /** Answer the contract's test-only requests (SHIKAKU_TEST_HOOKS=1). */
  testHooks: boolean;
  /** Check handler outputs against the contract too (cheap; on by default). */
  validateOutput?: boolean;
}

export type Dispatcher = (raw: unknown) => Promise<ResponseMessage | null>;

/**
 * Returns a function that turns one raw incoming message into its response. It never throws: a message
 * without a usable id yields null (nothing to answer), everything else yields an ok or error response.
 */
export function createDispatcher(handlers: Handlers, options: DispatcherOptions): Dispatcher {
  const validateOutput = options.validateOutput ?? true;
  return async (raw) => {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof raw !== 'object' || raw === null || !isRequestId(id)) return null;
    const fail = (error: WireError): ResponseMessage => ({ id, ok: false, error });
    const { name, input } = raw as { name?: unknown; input?: unknown };

    if (typeof name !== 'string') {
      return fail(contractError('CONTRACT_INVALID_REQUEST', 'name must be a string').toWire());
    }
    if (!isRequestName(name) || (isTestOnly(name) && !options.testHooks)) {
      return fail(contractError('CONTRACT_UNKNOWN_REQUEST', name.slice(0, 200)).toWire());
    }
    const parsed = requests[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      return fail(contractError('CONTRACT_INVALID_REQUEST', `${name}: ${z.prettifyError(parsed.error)}`).toWire());
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      if (validateOutput) {
        const out = requests[name].output.safeParse(value);
        if (!out.success) {
          return fail(contractError('CONTRACT_INVALID_RESPONSE', `${name}: ${z.prettifyError(out.error)}`).toWire());
        }
        return { id, ok: true, value: out.data };
      }
      return { id, ok: true, value };
    } catch (err) {
      return fail(toWireError(err));
    }
  };
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ContractError) return err.toWire();
  // Domain errors (e.g. the store's) that carry their own code and Japanese message.
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string' && !(err instanceof TypeError)) {
      return { code, message };
    }
  }
  return contractError('CORE_INTERNAL', err instanceof Error ? err.message : String(err)).toWire();
}
