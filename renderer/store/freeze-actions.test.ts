import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_MESSAGES } from '../../app/error-messages';
import { createFakeApi, fail, frozenInfo, makeRow, ok } from '../testing/fake-api';
import { selectRowError } from './selectors';
import { createAppStore } from './store';
import { wireStore } from './wire';

function setup(rows = [makeRow('m1'), makeRow('m2')]) {
  const api = createFakeApi({ generation: 1, mounts: rows });
  const store = createAppStore({ api });
  store.getState().applySnapshot({ generation: 1, mounts: rows });
  return { api, store };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('freeze actions', () => {
  it('sends the id, the timeout and the confirmation, and applies the reply to the row', async () => {
    const { api, store } = setup();
    expect(await store.getState().freeze('m1', 30_000, '/mnt/fs1')).toBe(true);
    expect(api.calls.at(-1)).toEqual({ method: 'freeze.start', params: { id: 'm1', timeoutMs: 30_000, confirm: '/mnt/fs1' } });
    expect(store.getState().mountsById.m1!.freeze.state).toBe('frozen');
    expect(store.getState().pending.m1).toBeUndefined();
  });

  it('puts a failure on its row, with the human message, until the next action there', async () => {
    const { api, store } = setup();
    api.handlers['freeze.start'] = () => fail('FROZEN_ELSEWHERE');
    expect(await store.getState().freeze('m1', 60_000)).toBe(false);
    const error = selectRowError('m1')(store.getState());
    expect(error?.code).toBe('FROZEN_ELSEWHERE');
    expect(store.getState().announcement).toContain(ERROR_MESSAGES.FROZEN_ELSEWHERE);
    expect(store.getState().notices).toHaveLength(0);

    api.handlers['freeze.start'] = (p) => ok(frozenInfo(p.timeoutMs));
    await store.getState().freeze('m1', 60_000);
    expect(store.getState().rowErrors.m1).toBeUndefined();
  });

  it('refuses a second action on a row while one is in flight', async () => {
    const { api, store } = setup();
    let release!: () => void;
    api.handlers['freeze.thaw'] = () => new Promise((resolve) => (release = () => resolve(ok({ state: 'thawed', writers: [] }))));
    const first = store.getState().thaw('m1');
    expect(store.getState().pending.m1).toBe('thaw');
    expect(await store.getState().thaw('m1')).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(api.calls.filter((c) => c.method === 'freeze.thaw')).toHaveLength(1);
  });

  it('turns a bridge that throws into an error on the row, not a stuck row', async () => {
    const { api, store } = setup();
    api.handlers['freeze.extend'] = () => Promise.reject(new Error('socket closed'));
    expect(await store.getState().extend('m1', 10_000)).toBe(false);
    expect(store.getState().pending.m1).toBeUndefined();
    expect(store.getState().rowErrors.m1?.code).toBe('INTERNAL');
  });

  it('sends force for a thaw of a filesystem frozen elsewhere', async () => {
    const { api, store } = setup();
    await store.getState().thaw('m2', true);
    expect(api.calls.at(-1)).toEqual({ method: 'freeze.thaw', params: { id: 'm2', force: true } });
  });

  it('tells what a probe found', async () => {
    const { api, store } = setup();
    api.handlers['freeze.probe'] = () => ok({ frozen: true, intrusive: false, freeze: { state: 'frozen-elsewhere', writers: [] } });
    await store.getState().probe('m1');
    expect(store.getState().mountsById.m1!.freeze.state).toBe('frozen-elsewhere');
    expect(store.getState().notices.at(-1)?.message).toBe('/mnt/fs1 is frozen by another program.');
  });

  it('reports Thaw all as a notice, success or failure', async () => {
    const { api, store } = setup();
    api.handlers['freeze.thawAll'] = () => ok({ thawed: ['/mnt/fs1', '/mnt/fs2'] });
    await store.getState().thawAll();
    expect(store.getState().notices.at(-1)?.message).toBe('Thawed 2 filesystems: /mnt/fs1, /mnt/fs2.');
    api.handlers['freeze.thawAll'] = () => fail('HELPER_NOT_RUNNING');
    await store.getState().thawAll();
    expect(store.getState().notices.at(-1)).toMatchObject({ level: 'error', message: `Thaw all failed: ${ERROR_MESSAGES.HELPER_NOT_RUNNING}` });
  });
});

describe('notices', () => {
  it('dismiss themselves after a while', () => {
    vi.useFakeTimers();
    const { store } = setup();
    store.getState().pushNotice({ level: 'info', message: '/mnt/fs1 thawed by itself at its deadline' });
    expect(store.getState().notices).toHaveLength(1);
    vi.advanceTimersByTime(6_001);
    expect(store.getState().notices).toHaveLength(0);
  });
});

describe('wire', () => {
  it('subscribes once, loads everything, and folds events into the store', async () => {
    const { api, store } = setup([]);
    const unwire = wireStore(store, api);
    expect(wireStore(store, api)).toBe(unwire);
    expect(api.listenerCount()).toBe(8);
    await vi.waitFor(() => expect(store.getState().appInfo).not.toBeNull());

    api.emit('mounts.changed', { generation: 7, mounts: [makeRow('m4')] });
    api.emit('mount.updated', makeRow('m4', {}, frozenInfo(5_000)));
    api.emit('helper.changed', { state: 'exited', exitSignal: 'SIGKILL' });
    api.emit('notice', { level: 'info', message: '/mnt/fs4 thawed by itself at its deadline', at: 1 });
    expect(store.getState().mountsById.m4!.freeze.state).toBe('frozen');
    expect(store.getState().helper?.state).toBe('exited');
    expect(store.getState().notices.at(-1)?.message).toContain('thawed by itself');

    unwire();
    expect(api.listenerCount()).toBe(0);
  });
});
