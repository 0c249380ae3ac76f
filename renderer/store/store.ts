/**
 * The one store, built from slices. It is a vanilla zustand store handed to
 * React through a context, so each test builds its own around a fake
 * FreezeframeApi and nothing leaks between tests.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import { createBackupSlice } from './backup-slice';
import { createFreezeActionsSlice } from './freeze-actions-slice';
import { createHelperSlice } from './helper-slice';
import { createHistorySlice } from './history-slice';
import { createMountsSlice } from './mounts-slice';
import { createNoticesSlice } from './notices-slice';
import { createSessionsSlice } from './sessions-slice';
import type { AppState, AppStore, StoreDeps } from './types';
import { createUiSlice } from './ui-slice';

export function createAppStore(deps: Partial<StoreDeps> & Pick<StoreDeps, 'api'>): AppStore {
  const full: StoreDeps = {
    now: () => performance.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    // A dynamic import: the schema and zod are a chunk of their own, not in the first one.
    loadDraftCheck: () => import('./plan-check').then((m) => m.checkDraft),
    ...deps,
  };
  return createStore<AppState>()((set, get) => ({
    ...createMountsSlice(set, get, full),
    ...createFreezeActionsSlice(set, get, full),
    ...createHelperSlice(set, get, full),
    ...createHistorySlice(set, get, full),
    ...createNoticesSlice(set, get, full),
    ...createUiSlice(set, get, full),
    ...createBackupSlice(set, get, full),
    ...createSessionsSlice(set, get, full),
  }));
}

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return store;
}

/** Subscribe to one narrow slice of the state: a component re-renders only when it changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
