import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { HELPER_STATES, type HelperStateName } from '../../app/domain';
import { HELPER_STATE_GUIDANCE, HELPER_STATE_TITLES } from '../../app/error-messages';
import { renderWithStore, storeWith } from '../testing/render';
import { HelperPanel } from './helper-panel';

afterEach(cleanup);

function renderIn(state: HelperStateName, extra = {}) {
  const { store, api } = storeWith([]);
  store.getState().applyHelper({ state, ...extra });
  return { ...renderWithStore(<HelperPanel />, store, api), store, api };
}

describe('HelperPanel', () => {
  it('gives every state other than running its own title and guidance', () => {
    const guidance = new Set<string>();
    for (const state of HELPER_STATES.filter((s) => s !== 'running')) {
      renderIn(state);
      const panel = screen.getByRole('region', { name: HELPER_STATE_TITLES[state] });
      expect(within(panel).getByText(HELPER_STATE_GUIDANCE[state])).toBeTruthy();
      guidance.add(HELPER_STATE_GUIDANCE[state]);
      cleanup();
    }
    expect(guidance.size).toBe(HELPER_STATES.length - 1);
  });

  it('is hidden while the helper runs', () => {
    renderIn('running');
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('offers Try again after a dismissed authentication, which starts the helper', async () => {
    const { api, store } = renderIn('dismissed');
    await act(async () => screen.getByRole('button', { name: 'Try again' }).click());
    expect(api.calls.some((c) => c.method === 'helper.start')).toBe(true);
    expect(store.getState().helper?.state).toBe('running');
  });

  it('says the guardian thawed everything when the helper exited, and how it ended', () => {
    renderIn('exited', { exitSignal: 'SIGKILL', message: 'The helper was killed.' });
    expect(screen.getByText(/guardian thawed every filesystem/)).toBeTruthy();
    expect(screen.getByText(/killed by SIGKILL/)).toBeTruthy();
    expect(screen.getByText('The helper was killed.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start helper' })).toBeTruthy();
  });

  it('offers no button where only the administrator can help', () => {
    renderIn('pkexec-missing');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
