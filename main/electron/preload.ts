/**
 * The sandboxed preload: window.freezeframe, one function per contract
 * method, each bound to its own channel, and `subscribe` for the contract's
 * events only. The page never sees ipcRenderer, an IpcRendererEvent, or a
 * way to name a channel. Bundled to CommonJS (dist/main/preload.cjs): a
 * sandboxed preload can require nothing but 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, type EventName, type FreezeframeApi, type Result } from '../../app/contract';
import { eventChannel, methodChannel } from './ipc-channels';

const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

function callMethod(channel: string, params: unknown): Promise<Result<unknown>> {
  return ipcRenderer.invoke(channel, params === undefined ? {} : params).catch(
    (error: unknown): Result<never> => ({
      ok: false,
      // invoke only rejects when params cannot be sent at all (not cloneable).
      error: { code: 'INVALID_ARGUMENT', message: `The call could not be sent: ${String(error)}` },
    }),
  ) as Promise<Result<unknown>>;
}

function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
  if (!eventNames.has(event)) throw new TypeError(`There is no event named ${JSON.stringify(event)}.`);
  if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
  const channel = eventChannel(event);
  // Only the payload crosses: the IPC event object would expose the sender.
  const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => void ipcRenderer.removeListener(channel, forward);
}

const api: Record<string, unknown> = { subscribe };
for (const method of METHOD_NAMES) {
  const channel = methodChannel(method);
  api[method] = (params: unknown) => callMethod(channel, params);
}

contextBridge.exposeInMainWorld('freezeframe', api as FreezeframeApi);
