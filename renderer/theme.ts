/**
 * Light and dark follow the system (prefers-color-scheme, through CSS
 * light-dark()); the user may pin one. The choice is applied as a data
 * attribute on <html>, outside React, and remembered in localStorage.
 */
import type { AppStore, ThemeChoice } from './store/types';

const KEY = 'freezeframe.theme';

function isTheme(value: unknown): value is ThemeChoice {
  return value === 'system' || value === 'light' || value === 'dark';
}

export function bindTheme(store: AppStore, root: HTMLElement = document.documentElement): () => void {
  try {
    const saved = localStorage.getItem(KEY);
    if (isTheme(saved)) store.getState().setTheme(saved);
  } catch {
    // Storage may be unavailable (a sandboxed or private window): the system theme still applies.
  }
  const apply = (theme: ThemeChoice) => {
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  };
  apply(store.getState().theme);
  return store.subscribe((state, previous) => {
    if (state.theme === previous.theme) return;
    apply(state.theme);
    try {
      localStorage.setItem(KEY, state.theme);
    } catch {
      // Not remembered; still applied.
    }
  });
}
