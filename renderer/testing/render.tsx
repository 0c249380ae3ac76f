/** Rendering helpers for component tests: a store around a fake api, and a sized scroll box. */
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach, beforeEach } from 'vitest';
import type { MountRow } from '../../app/domain';
import { LazyBackupsView } from '../components/lazy-backups-view';
import { createAppStore, StoreContext } from '../store/store';
import type { AppStore } from '../store/types';
import { createFakeApi, type FakeApi } from './fake-api';

export interface TestApp extends RenderResult {
  store: AppStore;
  api: FakeApi;
}

/** A store already holding `rows` (as if mounts.list had answered), with a fake api. */
export function storeWith(rows: MountRow[], api: FakeApi = createFakeApi({ generation: 1, mounts: rows })): { store: AppStore; api: FakeApi } {
  const store = createAppStore({ api });
  store.getState().applySnapshot({ generation: 1, mounts: rows });
  store.getState().applyHelper({ state: 'running', maxTimeoutMs: 900_000 });
  return { store, api };
}

export function renderWithStore(ui: ReactElement, store: AppStore, api: FakeApi): TestApp {
  const result = render(<StoreContext.Provider value={store}>{ui}</StoreContext.Provider>);
  return { ...result, store, api };
}

/**
 * The Backups view is a lazy chunk (components/lazy-backups-view.tsx): its
 * first render in a test file suspends until the chunk is loaded, and the
 * wizard's first step forward waits for the plan schema's chunk. Tests of
 * the view itself run this once (beforeAll), so that their renders and
 * clicks settle as they do in the app once both chunks are in;
 * lazy-backups-view.test.tsx covers the loading itself.
 */
export async function loadBackupsView(): Promise<void> {
  const { store } = storeWith([]);
  store.setState({ view: 'backups' });
  const view = render(
    <StoreContext.Provider value={store}>
      <LazyBackupsView />
    </StoreContext.Provider>,
  );
  // A generous bound: on a loaded machine the chunk's first import takes seconds.
  await view.findByRole('button', { name: 'New plan' }, { timeout: 15_000 });
  view.unmount();
  await import('../store/plan-check');
}

/**
 * happy-dom does no layout: give the table's scroll box the size of a window
 * (the virtualizer reads clientHeight/clientWidth), and nothing else.
 */
export function sizeScrollBoxes(height = 720, width = 1280): () => void {
  const proto = HTMLElement.prototype;
  const sizes = { clientHeight: height, clientWidth: width };
  const restores = (Object.keys(sizes) as Array<keyof typeof sizes>).map((key) => {
    const own = Object.getOwnPropertyDescriptor(proto, key);
    const inherited = own ?? Object.getOwnPropertyDescriptor(Element.prototype, key);
    Object.defineProperty(proto, key, {
      configurable: true,
      get(this: HTMLElement) {
        return this.hasAttribute('data-mount-table') ? sizes[key] : ((inherited?.get?.call(this) as number | undefined) ?? 0);
      },
    });
    return () => {
      if (own) Object.defineProperty(proto, key, own);
      else delete (proto as unknown as Record<string, unknown>)[key];
    };
  });
  return () => restores.forEach((restore) => restore());
}

/** For a test file of the mount table: sized scroll boxes around each test, and the rendered tree cleaned up after it. */
export function sizeScrollBoxesEachTest(): void {
  let restoreSize: () => void = () => undefined;
  beforeEach(() => {
    restoreSize = sizeScrollBoxes();
  });
  afterEach(() => {
    cleanup();
    restoreSize();
  });
}
