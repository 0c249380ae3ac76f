// The one global the renderer relies on: the contract, installed by the
// Electron preload or by the web bridge before the app mounts (main.tsx).
import type { FreezeframeApi } from '../app/contract';

declare global {
  interface Window {
    freezeframe: FreezeframeApi;
  }
}

export {};
