import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import { makeRow } from '../testing/fake-api';
import { renderWithStore, storeWith } from '../testing/render';
import { prefetchBackupsViewWhenIdle } from './lazy-backups-view';

// Counts the loads of the view's chunk (the module the lazy component imports).
const chunk = vi.hoisted(() => ({ loads: 0 }));
vi.mock('./wizard/backups-view', async (importOriginal) => {
  chunk.loads++;
  return importOriginal();
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the lazy Backups view', () => {
  it('is fetched in an idle moment after the mount table has its rows, not before', async () => {
    const idle: Array<() => void> = [];
    vi.stubGlobal('requestIdleCallback', (fn: () => void) => idle.push(fn));
    const { store } = storeWith([]);
    store.setState({ mountsLoaded: false });
    prefetchBackupsViewWhenIdle(store);
    expect(idle).toHaveLength(0);
    store.getState().applySnapshot({ generation: 2, mounts: [makeRow('m1', { path: '/srv/a' })] });
    expect(idle).toHaveLength(1);
    expect(chunk.loads).toBe(0);
    idle[0]!();
    await vi.waitFor(() => expect(chunk.loads).toBe(1));
    // Later snapshots schedule nothing more.
    store.getState().applySnapshot({ generation: 3, mounts: [] });
    expect(idle).toHaveLength(1);
  });

  it('says it is loading (a status in the Backups panel), then shows the view', async () => {
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/a' })]);
    renderWithStore(<App />, store, api);
    act(() => screen.getByRole('tab', { name: 'Backups' }).click());
    const panel = screen.getByRole('main', { name: 'Backups' });
    expect(within(panel).getByRole('status').textContent).toBe('Loading the Backups view…');
    expect(panel.querySelector('[aria-busy="true"]')).not.toBeNull();
    expect(await within(panel).findByRole('button', { name: 'New plan' })).toBeTruthy();
    expect(within(panel).queryByRole('status')).toBeNull();
  });
});
