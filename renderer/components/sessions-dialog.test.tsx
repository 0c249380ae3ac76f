/**
 * The web mode's Sessions dialog (issue 12): listed from sessions.list,
 * this browser marked, Revoke ends one; the button exists in web mode only.
 */
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../app';
import { createAppStore, StoreContext } from '../store/store';
import { APP_INFO, createFakeApi } from '../testing/fake-api';
import { sizeScrollBoxesEachTest } from '../testing/render';

sizeScrollBoxesEachTest();
afterEach(cleanup);

const T = Date.UTC(2026, 0, 2, 10, 0, 0);

async function renderApp(frontDoor: 'web' | 'electron') {
  const api = createFakeApi();
  api.webSessions.push(
    { id: 'aaaaaaaaaaaa', createdAt: T, lastSeenAt: T + 60_000, userAgent: 'Chromium 140 (this one)', connections: 1, current: true },
    { id: 'bbbbbbbbbbbb', createdAt: T + 5_000, lastSeenAt: T + 6_000, userAgent: 'curl/8.5', connections: 0, current: false },
  );
  const store = createAppStore({ api });
  store.setState({ appInfo: { ...APP_INFO, frontDoor } });
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return { api, store };
}

describe('the Sessions dialog', () => {
  it('lists the sessions with this browser marked, and revokes another one', async () => {
    const { api } = await renderApp('web');
    await act(async () => screen.getByRole('button', { name: 'Sessions' }).click());
    const dialog = await screen.findByRole('dialog', { name: 'Browser sessions' });
    const table = await within(dialog).findByRole('table', { name: 'Browser sessions' });
    expect(within(table).getByRole('row', { name: 'This browser' }).textContent).toContain('Chromium 140 (this one)');
    const other = within(table).getByRole('row', { name: 'Session bbbbbbbbbbbb' });
    expect(other.textContent).toContain('curl/8.5');
    await act(async () => within(other).getByRole('button', { name: 'Revoke' }).click());
    expect(api.calls.some((c) => c.method === 'sessions.revoke' && (c.params as { id: string }).id === 'bbbbbbbbbbbb')).toBe(true);
    expect(within(table).queryByRole('row', { name: 'Session bbbbbbbbbbbb' })).toBeNull();
    expect(within(table).getByRole('button', { name: 'Sign out this browser' })).toBeTruthy();
  });

  it('is not offered outside the web mode', async () => {
    await renderApp('electron');
    expect(screen.queryByRole('button', { name: 'Sessions' })).toBeNull();
  });
});
