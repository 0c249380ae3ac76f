import { describe, expect, it } from 'vitest';
import { selectVisibleIds } from '../store/selectors';
import { createAppStore } from '../store/store';
import { createFakeApi, frozenInfo, makeRow } from '../testing/fake-api';
import { DANGER_LINE_HEIGHT, LINE_HEIGHT, MESSAGE_HEIGHT, WRITER_LINE_HEIGHT, selectRowHeights } from './row-layout';

function storeWith(rows = [makeRow('m1'), makeRow('m2'), makeRow('m3')]) {
  const store = createAppStore({ api: createFakeApi(), setTimer: () => 0 });
  store.getState().applySnapshot({ generation: 1, mounts: rows });
  return store;
}

const heightsOf = (store: ReturnType<typeof storeWith>) => selectRowHeights(store.getState(), selectVisibleIds(store.getState()));

describe('selectRowHeights', () => {
  it('gives every plain row one line, and keeps the same array while nothing that sizes a row changes', () => {
    const store = storeWith();
    const first = heightsOf(store);
    expect(first).toEqual([LINE_HEIGHT, LINE_HEIGHT, LINE_HEIGHT]);
    store.getState().select('m2');
    store.getState().toggleExpanded('m1'); // m1 has no writers: no list, no extra height
    expect(heightsOf(store)).toBe(first);
  });

  it('adds the message line for main’s error and for the renderer’s own, and the open lists', () => {
    const writers = [
      { pid: 1, comm: 'dd', syscall: 'write', path: '/mnt/fs2/a' },
      { pid: 2, comm: 'cp', syscall: 'write', path: null },
    ];
    const store = storeWith([
      makeRow('m1', {}, { lastError: { code: 'INTERNAL', message: 'boom' } }),
      makeRow('m2', { danger: [{ kind: 'tmp', reason: 'It holds /tmp.' }] }, frozenInfo(10_000, { writers })),
      makeRow('m3'),
    ]);
    store.setState({ rowErrors: { m3: { code: 'PERMISSION_DENIED', message: 'EPERM', action: 'freeze' } } });
    expect(heightsOf(store)).toEqual([LINE_HEIGHT + MESSAGE_HEIGHT, LINE_HEIGHT, LINE_HEIGHT + MESSAGE_HEIGHT]);

    store.getState().toggleExpanded('m2');
    store.getState().toggleDangerExpanded('m2');
    expect(heightsOf(store)[1]).toBe(LINE_HEIGHT + 12 + WRITER_LINE_HEIGHT * 3 + 8 + DANGER_LINE_HEIGHT);
  });
});
