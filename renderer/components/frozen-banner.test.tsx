import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { frozenInfo, makeRow, ok } from '../testing/fake-api';
import { renderWithStore, storeWith } from '../testing/render';
import { FrozenBanner } from './frozen-banner';

afterEach(cleanup);

describe('FrozenBanner', () => {
  it('is absent while nothing is frozen', () => {
    const { store, api } = storeWith([makeRow('m1')]);
    renderWithStore(<FrozenBanner />, store, api);
    expect(screen.queryByRole('region', { name: 'Frozen filesystems' })).toBeNull();
  });

  it('counts frozen filesystems, shows the nearest deadline, and thaws all', async () => {
    const { store, api } = storeWith([
      makeRow('m1', { path: '/srv/a' }, frozenInfo(120_000)),
      makeRow('m2', { path: '/srv/b' }, frozenInfo(45_000)),
      makeRow('m3', { path: '/srv/c' }, { state: 'frozen-elsewhere' }),
      makeRow('m4'),
    ]);
    api.handlers['freeze.thawAll'] = () => ok({ thawed: ['/srv/a', '/srv/b'] });
    renderWithStore(<FrozenBanner />, store, api);
    const banner = screen.getByRole('region', { name: 'Frozen filesystems' });
    expect(within(banner).getByText(/2 filesystems frozen/)).toBeTruthy();
    expect(within(banner).getByText(/1 frozen elsewhere/)).toBeTruthy();
    expect(within(banner).getByText('/srv/b')).toBeTruthy();
    expect(within(banner).getByRole('timer', { name: 'Next auto-thaw' }).textContent).toBe('0:45');
    await act(async () => within(banner).getByRole('button', { name: 'Thaw all' }).click());
    expect(api.calls.some((c) => c.method === 'freeze.thawAll')).toBe(true);
    expect(store.getState().notices.at(-1)?.message).toBe('Thawed 2 filesystems: /srv/a, /srv/b.');
  });

  it('appears when a row freezes and goes when it thaws', () => {
    const { store, api } = storeWith([makeRow('m1')]);
    renderWithStore(<FrozenBanner />, store, api);
    act(() => store.getState().applyRow(makeRow('m1', {}, frozenInfo(60_000))));
    expect(screen.getByText('1 filesystem frozen')).toBeTruthy();
    act(() => store.getState().applyRow(makeRow('m1')));
    expect(screen.queryByRole('region', { name: 'Frozen filesystems' })).toBeNull();
  });
});
