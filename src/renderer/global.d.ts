// window.shikaku, provided by the Electron preload or by the web host's shim (bridge.ts).
import type { ShikakuApi } from '../main/contract.ts';

declare global {
  interface Window {
    shikaku?: ShikakuApi;
  }
}

export {};
