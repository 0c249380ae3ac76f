import { act, render, screen, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './app';
import { createAppStore, StoreContext } from './store/store';
import { wireStore } from './store/wire';
import { createFakeApi, frozenInfo, makeRow } from './testing/fake-api';
import { sizeScrollBoxesEachTest } from './testing/render';

sizeScrollBoxesEachTest();
afterEach(() => {
  vi.restoreAllMocks();
});

describe('App', () => {
  it('starts from the contract alone, follows its events, and logs no React warning (StrictMode)', async () => {
    const errors = vi.spyOn(console, 'error');
    const api = createFakeApi({ generation: 1, mounts: [makeRow('m1', { path: '/srv/a' }), makeRow('m2', { path: '/proc', pseudo: true, fsType: 'proc' })] });
    const store = createAppStore({ api });
    wireStore(store, api);
    render(
      <StrictMode>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </StrictMode>,
    );
    expect(await screen.findByRole('row', { name: '/srv/a' })).toBeTruthy();
    expect(screen.queryByRole('row', { name: '/proc' })).toBeNull();
    act(() => screen.getByRole('checkbox', { name: 'Show pseudo filesystems' }).click());
    expect(screen.getByRole('row', { name: '/proc' })).toBeTruthy();

    // An auto-thaw, as main reports it: the row, the banner and a notice change without a reload.
    act(() => api.emit('mount.updated', makeRow('m1', { path: '/srv/a' }, frozenInfo(30_000))));
    expect(screen.getByRole('region', { name: 'Frozen filesystems' })).toBeTruthy();
    act(() => {
      api.emit('mount.updated', makeRow('m1', { path: '/srv/a' }));
      api.emit('notice', { level: 'info', message: '/srv/a thawed by itself at its deadline.', at: Date.now() });
    });
    expect(screen.queryByRole('region', { name: 'Frozen filesystems' })).toBeNull();
    expect(within(screen.getByRole('region', { name: 'Notices' })).getByText('/srv/a thawed by itself at its deadline.')).toBeTruthy();
    expect(within(screen.getByRole('row', { name: '/srv/a' })).getByText('Thawed')).toBeTruthy();

    // A new mount appears, an unmounted one goes.
    act(() => api.emit('mounts.changed', { generation: 2, mounts: [makeRow('m3', { path: '/mnt/new' })] }));
    expect(screen.getByRole('row', { name: '/mnt/new' })).toBeTruthy();
    expect(screen.queryByRole('row', { name: '/srv/a' })).toBeNull();
    expect(errors).not.toHaveBeenCalled();
  });
});
