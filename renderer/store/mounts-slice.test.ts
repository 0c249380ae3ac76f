import { describe, expect, it } from 'vitest';
import { createFakeApi, frozenInfo, makeRow } from '../testing/fake-api';
import { deadlineOf } from './selectors';
import { createAppStore } from './store';

function storeAt(clock: { now: number }) {
  const api = createFakeApi();
  return { api, store: createAppStore({ api, now: () => clock.now, setTimer: () => 0 }) };
}

describe('mounts slice', () => {
  it('keeps the identity of unchanged rows when a snapshot arrives', () => {
    const clock = { now: 1000 };
    const { store } = storeAt(clock);
    const rows = [makeRow('m1'), makeRow('m2'), makeRow('m3')];
    store.getState().applySnapshot({ generation: 1, mounts: rows });
    const before = store.getState();

    // The same table again, as fresh objects (they came over IPC), with one row changed.
    const again = [makeRow('m1'), makeRow('m2', { readOnly: true }), makeRow('m3')];
    clock.now = 2000;
    store.getState().applySnapshot({ generation: 2, mounts: again });
    const after = store.getState();

    expect(after.mountsById.m1).toBe(before.mountsById.m1);
    expect(after.mountsById.m3).toBe(before.mountsById.m3);
    expect(after.mountsById.m2).not.toBe(before.mountsById.m2);
    expect(after.mountsById.m2!.readOnly).toBe(true);
    expect(after.mountOrder).toBe(before.mountOrder);
    expect(after.receivedAt.m1).toBe(1000);
    expect(after.receivedAt.m2).toBe(2000);
  });

  it('keeps everything when nothing changed, and a new order only when the order changed', () => {
    const clock = { now: 0 };
    const { store } = storeAt(clock);
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m1'), makeRow('m2')] });
    const before = store.getState();
    store.getState().applySnapshot({ generation: 2, mounts: [makeRow('m1'), makeRow('m2')] });
    expect(store.getState().mountsById).toBe(before.mountsById);
    expect(store.getState().receivedAt).toBe(before.receivedAt);
    store.getState().applySnapshot({ generation: 3, mounts: [makeRow('m2'), makeRow('m1')] });
    expect(store.getState().mountOrder).toEqual(['m2', 'm1']);
    expect(store.getState().mountsById.m1).toBe(before.mountsById.m1);
  });

  it('drops removed rows and adds new ones', () => {
    const { store } = storeAt({ now: 0 });
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m1'), makeRow('m2')] });
    store.getState().applySnapshot({ generation: 2, mounts: [makeRow('m2'), makeRow('m3')] });
    expect(store.getState().mountOrder).toEqual(['m2', 'm3']);
    expect(store.getState().mountsById.m1).toBeUndefined();
  });

  it('ignores a mounts.list reply older than an event it already applied', async () => {
    const api = createFakeApi({ generation: 4, mounts: [makeRow('m9')] });
    const store = createAppStore({ api });
    store.getState().applySnapshot({ generation: 5, mounts: [makeRow('m1')] });
    await store.getState().loadMounts();
    expect(store.getState().mountOrder).toEqual(['m1']);
    expect(store.getState().generation).toBe(5);
    // An event is never stale: a lower generation there means main restarted.
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m2')] });
    expect(store.getState().mountOrder).toEqual(['m2']);
  });

  it('treats a re-sent frozen row with the same deadline as unchanged', () => {
    const clock = { now: 10_000 };
    const { store } = storeAt(clock);
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m1', {}, frozenInfo(60_000))] });
    const row = store.getState().mountsById.m1;
    // 3 s later main re-sends it: 57 s left, so the deadline did not move.
    clock.now = 13_000;
    store.getState().applySnapshot({ generation: 2, mounts: [makeRow('m1', {}, frozenInfo(57_020))] });
    expect(store.getState().mountsById.m1).toBe(row);
    expect(deadlineOf(store.getState(), 'm1')).toBe(70_000);
  });

  it('takes a moved deadline (an Extend) with the moment it arrived', () => {
    const clock = { now: 10_000 };
    const { store } = storeAt(clock);
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m1', {}, frozenInfo(60_000))] });
    clock.now = 40_000;
    store.getState().applyRow(makeRow('m1', {}, frozenInfo(120_000, { timeoutMs: 120_000 })));
    expect(store.getState().receivedAt.m1).toBe(40_000);
    expect(deadlineOf(store.getState(), 'm1')).toBe(160_000);
  });

  it('applies mount.updated to one row only, and ignores rows it does not list', () => {
    const { store } = storeAt({ now: 0 });
    store.getState().applySnapshot({ generation: 1, mounts: [makeRow('m1'), makeRow('m2')] });
    const before = store.getState();
    store.getState().applyRow(makeRow('m2', {}, { state: 'frozen-elsewhere', elsewhereSince: 5 }));
    expect(store.getState().mountsById.m1).toBe(before.mountsById.m1);
    expect(store.getState().mountsById.m2!.freeze.state).toBe('frozen-elsewhere');
    store.getState().applyRow(makeRow('m7'));
    expect(store.getState().mountsById.m7).toBeUndefined();
  });

  it('loads the table through mounts.list', async () => {
    const api = createFakeApi({ generation: 3, mounts: [makeRow('m1')] });
    const store = createAppStore({ api });
    await store.getState().loadMounts();
    expect(store.getState().mountsLoaded).toBe(true);
    expect(store.getState().mountOrder).toEqual(['m1']);
  });
});
