import { describe, expect, it } from 'vitest';
import { createFakeApi, frozenInfo, makeRow } from '../testing/fake-api';
import {
  selectFrozenCount,
  selectFrozenCounts,
  selectFrozenElsewhereCount,
  selectNearestDeadline,
  selectRow,
  selectTimeoutLimits,
  selectVisibleIds,
} from './selectors';
import { createAppStore } from './store';

function storeWith(rows = [makeRow('m1'), makeRow('m2', { path: '/home', source: '/dev/nvme0n1p3', fsType: 'btrfs' }), makeRow('m3', { path: '/proc', fsType: 'proc', pseudo: true, freezable: false })]) {
  const clock = { now: 0 };
  const store = createAppStore({ api: createFakeApi(), now: () => clock.now, setTimer: () => 0 });
  store.getState().applySnapshot({ generation: 1, mounts: rows });
  return { store, clock };
}

describe('selectors', () => {
  it('hides pseudo filesystems unless asked, and filters by search on path, source and type', () => {
    const { store } = storeWith();
    expect(selectVisibleIds(store.getState())).toEqual(['m1', 'm2']);
    store.getState().setShowPseudo(true);
    expect(selectVisibleIds(store.getState())).toEqual(['m1', 'm2', 'm3']);
    store.getState().setSearch('  BTRFS ');
    expect(selectVisibleIds(store.getState())).toEqual(['m2']);
    store.getState().setSearch('nvme0');
    expect(selectVisibleIds(store.getState())).toEqual(['m2']);
    store.getState().setSearch('/proc');
    expect(selectVisibleIds(store.getState())).toEqual(['m3']);
  });

  it('returns the same array while its inputs are the same (no re-render of the table)', () => {
    const { store } = storeWith();
    const first = selectVisibleIds(store.getState());
    store.getState().select('m1');
    store.getState().pushNotice({ level: 'info', message: 'unrelated' });
    expect(selectVisibleIds(store.getState())).toBe(first);
  });

  it('looks a row up by id', () => {
    const { store } = storeWith();
    expect(selectRow('m2')(store.getState())?.path).toBe('/home');
    expect(selectRow('nope')(store.getState())).toBeUndefined();
  });

  it('counts frozen filesystems once per superblock, bind mounts included', () => {
    const { store } = storeWith([
      makeRow('m1', { majorMinor: '7:1', bindSiblings: ['m2'] }, frozenInfo(30_000)),
      makeRow('m2', { majorMinor: '7:1', bindSiblings: ['m1'] }, frozenInfo(30_000)),
      makeRow('m3', { majorMinor: '7:3' }, frozenInfo(10_000)),
      makeRow('m4', { majorMinor: '7:4' }, { state: 'frozen-elsewhere' }),
      makeRow('m5', { majorMinor: '7:5' }),
    ]);
    expect(selectFrozenCount(store.getState())).toBe(2);
    expect(selectFrozenElsewhereCount(store.getState())).toBe(1);
    // Counted once per change of the rows, not on every store update.
    const counts = selectFrozenCounts(store.getState());
    store.getState().select('m3');
    expect(selectFrozenCounts(store.getState())).toBe(counts);
    store.getState().applyRow(makeRow('m5', { majorMinor: '7:5' }, frozenInfo(5_000)));
    expect(selectFrozenCounts(store.getState())).toEqual({ held: 3, elsewhere: 1 });
  });

  it('finds the nearest deadline on the renderer clock', () => {
    const { store, clock } = storeWith([makeRow('m1', {}, frozenInfo(30_000)), makeRow('m2')]);
    clock.now = 5_000;
    store.getState().applyRow(makeRow('m2', {}, frozenInfo(20_000)));
    expect(selectNearestDeadline(store.getState())).toEqual({ id: 'm2', path: '/mnt/fs2', deadlineAt: 25_000 });
    const same = selectNearestDeadline(store.getState());
    store.getState().select('m1');
    expect(selectNearestDeadline(store.getState())).toBe(same);
    store.getState().applyRow(makeRow('m2'));
    expect(selectNearestDeadline(store.getState())?.id).toBe('m1');
    store.getState().applyRow(makeRow('m1'));
    expect(selectNearestDeadline(store.getState())).toBeNull();
  });

  it('takes the timeout limits from the helper once it runs, from the app before', () => {
    const { store } = storeWith();
    expect(selectTimeoutLimits(store.getState())).toEqual({ defaultMs: 60_000, maxMs: 900_000 });
    store.getState().applyHelper({ state: 'running', maxTimeoutMs: 30_000 });
    expect(selectTimeoutLimits(store.getState())).toEqual({ defaultMs: 30_000, maxMs: 30_000 });
  });
});
