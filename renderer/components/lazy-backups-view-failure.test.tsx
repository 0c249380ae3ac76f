import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import { makeRow } from '../testing/fake-api';
import { renderWithStore, storeWith } from '../testing/render';

// The view's chunk fails to load while `chunk.fail` is set (a server gone, a stale build).
const chunk = vi.hoisted(() => ({ fail: true }));
vi.mock('./wizard/backups-view', async (importOriginal) => {
  if (chunk.fail) throw new Error('Failed to fetch dynamically imported module');
  return importOriginal();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('a Backups view that cannot load', () => {
  it('says so inside its panel, keeps the rest of the app working, and loads on Try again', async () => {
    // React reports the error the boundary caught; that is expected here.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { store, api } = storeWith([makeRow('m1', { path: '/srv/a' })]);
    renderWithStore(<App />, store, api);
    act(() => screen.getByRole('tab', { name: 'Backups' }).click());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The Backups view could not be shown');
    // The cause, as the loader gave it (vitest words a throwing mock its own way).
    expect(alert.querySelector('.error-box__detail')?.textContent).toMatch(/^Details: \S/);
    expect(screen.getByRole('heading', { name: /Freezeframe/ })).toBeTruthy();

    act(() => screen.getByRole('tab', { name: 'Filesystems' }).click());
    expect(screen.getByRole('main', { name: 'Filesystems' })).toBeTruthy();

    chunk.fail = false;
    act(() => screen.getByRole('tab', { name: 'Backups' }).click());
    await act(async () => within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }).click());
    expect(await screen.findByRole('button', { name: 'New plan' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
