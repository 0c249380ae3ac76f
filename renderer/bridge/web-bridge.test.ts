/**
 * The browser bridge against a scripted socket: calls and replies pair up by
 * id, events reach subscribers, a dropped connection answers every call at
 * once and the bridge reconnects and resyncs by itself.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, type FreezeframeApi } from '../../app/contract';
import { installWebBridge, LOST_CONNECTION_MESSAGE, SESSION_REVOKED_CODE, SESSION_REVOKED_MESSAGE, type SocketLike } from './web-bridge';

class FakeSocket implements SocketLike {
  readonly sent: Array<{ id: number; method: string; params: unknown }> = [];
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { id: number; method: string; params: unknown });
  }
  close(): void {
    this.drop();
  }
  accept(): void {
    this.onopen?.(new Event('open'));
  }
  drop(code = 1006): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.(Object.assign(new Event('close'), { code }) as CloseEvent);
  }
  push(frame: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: typeof frame === 'string' ? frame : JSON.stringify(frame) }));
  }
  answer(result: unknown, index = this.sent.length - 1): void {
    this.push({ id: this.sent[index]!.id, result });
  }
}

let sockets: FakeSocket[];
let target: { freezeframe?: FreezeframeApi };

async function install(): Promise<FreezeframeApi> {
  const installed = installWebBridge({
    url: 'ws://127.0.0.1:7420/ws',
    target,
    connect: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    initialBackoffMs: 100,
    maxBackoffMs: 400,
  });
  sockets.at(-1)!.accept();
  await installed;
  return target.freezeframe!;
}

beforeEach(() => {
  vi.useFakeTimers();
  sockets = [];
  target = {};
});
afterEach(() => vi.useRealTimers());

describe('installWebBridge', () => {
  it('exposes one frozen function per contract method, and subscribe', async () => {
    const api = await install();
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    expect(() => Object.assign(target, { freezeframe: {} })).toThrow();
  });

  it('pairs replies with calls by id, in any order', async () => {
    const api = await install();
    const socket = sockets[0]!;
    const info = api['app.info']({});
    const list = api['mounts.list']({});
    expect(socket.sent.map((frame) => frame.method)).toEqual(['app.info', 'mounts.list']);
    socket.answer({ ok: true, value: { generation: 1, mounts: [] } }, 1);
    socket.answer({ ok: false, error: { code: 'HELPER_NOT_RUNNING', message: 'no helper' } }, 0);
    expect(await list).toEqual({ ok: true, value: { generation: 1, mounts: [] } });
    expect(await info).toEqual({ ok: false, error: { code: 'HELPER_NOT_RUNNING', message: 'no helper' } });
  });

  it('delivers pushed events to subscribers until they unsubscribe, and ignores garbage', async () => {
    const api = await install();
    const seen: unknown[] = [];
    const unsubscribe = api.subscribe('notice', (notice) => seen.push(notice));
    sockets[0]!.push({ event: 'notice', payload: { level: 'info', message: 'thawed', at: 1 } });
    sockets[0]!.push('not json');
    sockets[0]!.push({ event: 'no.such.event', payload: 1 });
    unsubscribe();
    sockets[0]!.push({ event: 'notice', payload: { level: 'info', message: 'again', at: 2 } });
    expect(seen).toEqual([{ level: 'info', message: 'thawed', at: 1 }]);
    expect(() => api.subscribe('bogus' as 'notice', () => undefined)).toThrow(TypeError);
  });

  it('answers pending and new calls with a lost-connection error, reconnects with backoff and resyncs', async () => {
    const api = await install();
    const notices: unknown[] = [];
    const mounts: unknown[] = [];
    api.subscribe('notice', (notice) => notices.push(notice));
    api.subscribe('mounts.changed', (snapshot) => mounts.push(snapshot));

    const pending = api['freeze.thawAll']({});
    sockets[0]!.drop();
    const lost = { ok: false, error: { code: 'DISCONNECTED', message: LOST_CONNECTION_MESSAGE } };
    expect(await pending).toEqual(lost);
    expect(await api['mounts.list']({})).toEqual(lost);
    expect(notices).toMatchObject([{ level: 'error', message: LOST_CONNECTION_MESSAGE }]);

    // The first retry fails too; the next one waits longer and succeeds.
    await vi.advanceTimersByTimeAsync(150);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    await vi.advanceTimersByTimeAsync(150);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(sockets).toHaveLength(3);
    expect(notices).toHaveLength(1);

    const socket = sockets[2]!;
    socket.accept();
    expect(socket.sent.map((frame) => frame.method).sort()).toEqual(['helper.status', 'history.list', 'mounts.list']);
    for (let i = 0; i < 3; i++) socket.answer({ ok: true, value: socket.sent[i]!.method === 'history.list' ? [] : { generation: 9, mounts: [] } }, i);
    await vi.advanceTimersByTimeAsync(0);
    expect(mounts).toContainEqual({ generation: 9, mounts: [] });
    expect(notices.at(-1)).toMatchObject({ level: 'info', message: expect.stringContaining('Reconnected') });

    const after = api['mounts.list']({});
    socket.answer({ ok: true, value: { generation: 10, mounts: [] } });
    expect(await after).toEqual({ ok: true, value: { generation: 10, mounts: [] } });
  });

  it('a revoked session (close 4401) says so once and stops reconnecting; calls are UNAUTHORIZED (issue 12)', async () => {
    const api = await install();
    const notices: Array<{ code?: string; message: string }> = [];
    api.subscribe('notice', (notice) => notices.push(notice));
    const pending = api['mounts.list']({});
    sockets[0]!.drop(SESSION_REVOKED_CODE);
    const refused = { ok: false, error: { code: 'UNAUTHORIZED', message: SESSION_REVOKED_MESSAGE } };
    expect(await pending).toEqual(refused);
    expect(await api['app.info']({})).toEqual(refused);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(notices).toEqual([expect.objectContaining({ level: 'error', code: 'UNAUTHORIZED', message: SESSION_REVOKED_MESSAGE })]);
  });

  it('queues calls made while the first connection is being set up', async () => {
    const installed = installWebBridge({ url: 'ws://x/ws', target, connect: (url) => (sockets.push(new FakeSocket(url)), sockets.at(-1)!) });
    const early = target.freezeframe!['app.info']({});
    sockets[0]!.accept();
    await installed;
    sockets[0]!.answer({ ok: true, value: { appVersion: '1' } });
    expect(await early).toMatchObject({ ok: true });
  });
});
