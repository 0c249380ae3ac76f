/**
 * The IPC adapter with a fake ipcMain and fake IPC events: the sender check
 * decides what reaches the core, and events reach only the main window.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ContractEvents, EventName, Result } from '../../app/contract';
import { METHOD_NAMES } from '../../app/contract';
import type { Core, CoreEventListener } from '../core/api';

// The real module would try to download the Electron runtime; the adapter
// under test only needs the registry it is given.
vi.mock('electron', () => ({ ipcMain: {} }));
const { forwardCoreEvents, isTrustedSender, registerContractHandlers, senderFactsOf } = await import('./ipc-adapter');
const { eventChannel, methodChannel } = await import('./ipc-channels');

type Handler = (event: unknown, ...args: unknown[]) => Promise<Result<unknown>>;

class FakeCore implements Core {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  readonly listeners = new Set<CoreEventListener>();
  async dispatch(method: string, params: unknown): Promise<Result<unknown>> {
    this.calls.push({ method, params });
    return { ok: true, value: method };
  }
  subscribe(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void {
    for (const listener of this.listeners) listener(event, payload);
  }
  frozenCount(): number {
    return 0;
  }
  async shutdown(): Promise<void> {}
}

const APP_PAGE = 'app://freezeframe/index.html';
const WINDOW_ID = 7;

function frame(url: string, options: { parent?: object | null; routingId?: number } = {}) {
  return { url, parent: options.parent ?? null, processId: 3, routingId: options.routingId ?? 1 };
}

function ipcEvent(senderFrame: ReturnType<typeof frame> | null, senderId = WINDOW_ID) {
  return { sender: { id: senderId, mainFrame: frame(APP_PAGE) }, senderFrame };
}

function setup() {
  const handlers = new Map<string, Handler>();
  const registry = {
    handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  const core = new FakeCore();
  const sent: Array<[string, unknown]> = [];
  const contents = { id: WINDOW_ID, isDestroyed: () => false, send: (channel: string, payload: unknown) => void sent.push([channel, payload]) };
  const unregister = registerContractHandlers(registry as never, core, () => contents);
  return { handlers, core, sent, contents, unregister };
}

describe('sender check', () => {
  it('is a pure function of who sent the call', () => {
    const top = { senderId: WINDOW_ID, frame: { url: APP_PAGE, isTopFrame: true } };
    expect(isTrustedSender(top, WINDOW_ID)).toBe(true);
    expect(isTrustedSender(top, undefined)).toBe(false);
    expect(isTrustedSender({ ...top, senderId: 8 }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...top, frame: null }, WINDOW_ID)).toBe(false);
    expect(isTrustedSender({ ...top, frame: { url: APP_PAGE, isTopFrame: false } }, WINDOW_ID)).toBe(false);
    for (const url of ['https://evil.example/', 'file:///home/ada/index.html', 'app://freezeframe.evil/index.html', 'app://user@freezeframe/', 'about:blank', '']) {
      expect(isTrustedSender({ ...top, frame: { url, isTopFrame: true } }, WINDOW_ID), url).toBe(false);
    }
  });

  it('sees a subframe as one even when it shows our page', () => {
    const top = frame(APP_PAGE);
    expect(senderFactsOf(ipcEvent(top) as never).frame).toEqual({ url: APP_PAGE, isTopFrame: true });
    expect(senderFactsOf(ipcEvent(frame(APP_PAGE, { parent: top, routingId: 2 })) as never).frame?.isTopFrame).toBe(false);
    expect(senderFactsOf(ipcEvent(frame(APP_PAGE, { routingId: 5 })) as never).frame?.isTopFrame).toBe(false);
  });
});

describe('contract handlers', () => {
  it('register one channel per contract method', () => {
    const { handlers, unregister } = setup();
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map(methodChannel).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it('pass a trusted call to the core and return its Result', async () => {
    const { handlers, core } = setup();
    const reply = await handlers.get(methodChannel('freeze.start'))!(ipcEvent(frame(APP_PAGE)), { id: 'm1', timeoutMs: 60_000 }, 'ignored');
    expect(reply).toEqual({ ok: true, value: 'freeze.start' });
    expect(core.calls).toEqual([{ method: 'freeze.start', params: { id: 'm1', timeoutMs: 60_000 } }]);
  });

  it('refuse a foreign frame, a subframe, another window and a vanished frame, before the core sees them', async () => {
    const { handlers, core } = setup();
    const thawAll = handlers.get(methodChannel('freeze.thawAll'))!;
    const top = frame(APP_PAGE);
    for (const event of [
      ipcEvent(frame('https://evil.example/')),
      ipcEvent(frame(APP_PAGE, { parent: top, routingId: 2 })),
      ipcEvent(frame('app://freezeframe/index.html', { parent: top, routingId: 2 })),
      ipcEvent(frame(APP_PAGE), 99),
      ipcEvent(null),
    ]) {
      expect(await thawAll(event, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(core.calls).toEqual([]);
  });

  it('forward core events to the main window on their own channel', () => {
    const { core, sent, contents } = setup();
    forwardCoreEvents(core, () => contents);
    const notice = { level: 'warning' as const, message: 'auto-thawed', at: 1 };
    core.emit('notice', notice);
    expect(sent).toEqual([[eventChannel('notice'), notice]]);
  });
});
