/**
 * The Electron front door: one ipcMain.handle per contract method, each
 * checking who sent it (Electron security checklist #17) before handing the
 * untouched params to core.dispatch, which validates them. Core events go
 * to the window with webContents.send, one channel per event.
 */
import { ipcMain, type IpcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { METHOD_NAMES, type Result } from '../../app/contract';
import type { Core } from '../core/api';
import { isAppUrl } from './app-url';
import { eventChannel, methodChannel } from './ipc-channels';

/** What the sender check looks at, taken out of an IPC event. */
export interface SenderFacts {
  senderId: number;
  frame: { url: string; isTopFrame: boolean } | null;
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;
type WindowContents = Pick<WebContents, 'id' | 'send' | 'isDestroyed'>;

export function senderFactsOf(event: SenderEvent): SenderFacts {
  const frame = event.senderFrame;
  if (frame === null) return { senderId: event.sender.id, frame: null };
  let isTopFrame = frame.parent === null;
  try {
    const main = event.sender.mainFrame;
    isTopFrame &&= frame.processId === main.processId && frame.routingId === main.routingId;
  } catch {
    isTopFrame = false; // the contents are going away: not a caller to trust
  }
  return { senderId: event.sender.id, frame: { url: frame.url, isTopFrame } };
}

/**
 * Only the main window's own top frame, showing our own page, may call.
 * A subframe, another window, a navigated-away page or a frame already gone
 * (senderFrame null) is refused.
 */
export function isTrustedSender(facts: SenderFacts, mainWindowContentsId: number | undefined): boolean {
  return (
    mainWindowContentsId !== undefined &&
    facts.senderId === mainWindowContentsId &&
    facts.frame !== null &&
    facts.frame.isTopFrame &&
    isAppUrl(facts.frame.url)
  );
}

const refused: Result<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'This call did not come from the Freezeframe window.' },
};

export type IpcHandlerRegistry = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Registers every contract method; returns a function that removes them. */
export function registerContractHandlers(ipc: IpcHandlerRegistry, core: Core, mainWindowContents: () => WindowContents | undefined): () => void {
  for (const method of METHOD_NAMES) {
    // Extra arguments after params are ignored: the contract has one.
    ipc.handle(methodChannel(method), async (event: IpcMainInvokeEvent, params: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(senderFactsOf(event), mainWindowContents()?.id)) return refused;
      try {
        return await core.dispatch(method, params === undefined ? {} : params);
      } catch (error) {
        return { ok: false, error: { code: 'INTERNAL', message: `Freezeframe failed unexpectedly: ${String(error)}` } };
      }
    });
  }
  return () => {
    for (const method of METHOD_NAMES) ipc.removeHandler(methodChannel(method));
  };
}

/** Sends every core event to the main window, if there is one. */
export function forwardCoreEvents(core: Core, mainWindowContents: () => WindowContents | undefined): () => void {
  return core.subscribe((event, payload) => {
    const contents = mainWindowContents();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}

export function installIpcAdapter(core: Core, mainWindowContents: () => WindowContents | undefined): () => void {
  const unregister = registerContractHandlers(ipcMain, core, mainWindowContents);
  const unsubscribe = forwardCoreEvents(core, mainWindowContents);
  return () => {
    unregister();
    unsubscribe();
  };
}
