import { act, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../app/domain';
import { App } from '../app';
import { createAppStore, StoreContext } from '../store/store';
import { wireStore } from '../store/wire';
import { APP_INFO, createFakeApi, ok } from '../testing/fake-api';
import { sizeScrollBoxesEachTest } from '../testing/render';

sizeScrollBoxesEachTest();

const PACKAGED: AppInfo = {
  ...APP_INFO,
  frontDoor: 'electron',
  development: false,
  electronVersion: '45.5.0',
  nodeVersion: '22.20.0',
  kernel: '6.1.0-18-amd64',
  helperPath: '/usr/lib/freezeframe/freezeframe-helper',
  helperSource: 'package',
};

async function openAbout(infos: AppInfo[]) {
  const api = createFakeApi();
  let answer = 0;
  // Each app.info call answers the next one: the dialog reads it again on open.
  api.handlers['app.info'] = () => ok(infos[Math.min(answer++, infos.length - 1)]!);
  const store = createAppStore({ api });
  wireStore(store, api);
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  const about = screen.getByRole('button', { name: 'About' });
  // A click focuses the button in a browser; happy-dom's click() does not.
  about.focus();
  await act(async () => about.click());
  const dialog = await screen.findByRole('dialog', { name: 'About Freezeframe' });
  return { api, dialog, about };
}

/** The dialog's facts as term -> description text. */
function facts(dialog: HTMLElement): Record<string, string> {
  const terms = within(dialog).getAllByRole('term');
  return Object.fromEntries(terms.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']));
}

describe('AboutDialog', () => {
  it('shows the app, helper, protocol, Electron, Node and kernel versions, read again on open', async () => {
    const { dialog, api } = await openAbout([PACKAGED, { ...PACKAGED, helperVersion: '0.1.0', protocolVersion: 1 }]);
    await act(async () => undefined);
    expect(facts(dialog)).toEqual({
      Freezeframe: '0.1.0',
      Helper: '/usr/lib/freezeframe/freezeframe-helper',
      'Helper source': 'Installed package',
      'Helper version': '0.1.0',
      Protocol: '1',
      Electron: '45.5.0',
      Node: '22.20.0',
      Kernel: '6.1.0-18-amd64',
    });
    expect(api.calls.filter((c) => c.method === 'app.info').length).toBeGreaterThanOrEqual(2);
    expect(within(dialog).queryByText(/development build/i)).toBeNull();
  });

  it('labels a development build visibly, and says web mode and that the helper has not run', async () => {
    const { dialog } = await openAbout([{ ...APP_INFO, helperPath: '/home/ada/freezeframe/native-helper/build/freezeframe-helper' }]);
    await act(async () => undefined);
    expect(within(dialog).getByRole('note').textContent).toMatch(/^Development build: the helper that runs as root comes from a source tree/);
    expect(facts(dialog)).toMatchObject({
      'Helper source': 'Source treedevelopment build',
      'Helper version': 'not running yet',
      Protocol: 'not running yet',
      Electron: 'web mode',
    });
  });

  it('names the AppImage-installed helper as such', async () => {
    const { dialog } = await openAbout([{ ...PACKAGED, helperSource: 'appimage', helperPath: '/usr/local/lib/freezeframe/freezeframe-helper' }]);
    await act(async () => undefined);
    expect(facts(dialog)['Helper source']).toBe('Installed by the AppImage');
  });

  it('makes the page behind it inert while open, and closes with Close or Escape, giving focus back', async () => {
    const { dialog, about } = await openAbout([PACKAGED]);
    expect(document.querySelector('.app')?.hasAttribute('inert')).toBe(true);
    await act(async () => within(dialog).getByRole('button', { name: 'Close' }).click());
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.querySelector('.app')?.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(about);
    await act(async () => about.click());
    await screen.findByRole('dialog', { name: 'About Freezeframe' });
    await act(async () => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' })));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
