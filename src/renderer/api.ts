// Renderer-side access to the contract: typed calls through window.shikaku, failures as ShikakuError.
import type { EventName, EventPayload, RequestInput, RequestName, RequestOutput, WireError } from '../main/contract.ts';
import { installBridge } from './bridge.ts';

export class ShikakuError extends Error {
  override readonly name = 'ShikakuError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
  try {
    return await installBridge().invoke(name, input);
  } catch (err) {
    const e = err as Partial<WireError> | undefined;
    throw new ShikakuError(e?.code ?? 'CORE_INTERNAL', e?.message ?? String(err));
  }
}

export function subscribe<E extends EventName>(name: E, callback: (payload: EventPayload<E>) => void): () => void {
  return installBridge().on(name, callback);
}
