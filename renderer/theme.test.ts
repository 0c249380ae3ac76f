import { afterEach, describe, expect, it } from 'vitest';
import { createAppStore } from './store/store';
import { createFakeApi } from './testing/fake-api';
import { bindTheme } from './theme';

afterEach(() => localStorage.clear());

describe('theme', () => {
  it('follows the system until the user pins one, and remembers the choice', () => {
    const root = document.createElement('html');
    const store = createAppStore({ api: createFakeApi() });
    const unbind = bindTheme(store, root);
    expect(root.dataset.theme).toBeUndefined();
    store.getState().setTheme('dark');
    expect(root.dataset.theme).toBe('dark');
    expect(localStorage.getItem('freezeframe.theme')).toBe('dark');
    store.getState().setTheme('system');
    expect(root.dataset.theme).toBeUndefined();
    unbind();

    localStorage.setItem('freezeframe.theme', 'light');
    const again = createAppStore({ api: createFakeApi() });
    bindTheme(again, root);
    expect(again.getState().theme).toBe('light');
    expect(root.dataset.theme).toBe('light');
  });
});
