/**
 * Entry point. In Electron the preload has set window.freezeframe before any
 * script runs; in a browser the web bridge installs it (over the local web
 * socket) and must be awaited first. Then the store is built, wired to the
 * contract events once, and the app mounts.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { prefetchBackupsViewWhenIdle } from './components/lazy-backups-view';
import { enableRenderCount, renderCounts, resetRenderCounts } from './perf/render-count';
import { createAppStore, StoreContext } from './store/store';
import { wireStore } from './store/wire';
import { bindTheme } from './theme';
import './styles.css';

async function ensureBridge(): Promise<void> {
  if (window.freezeframe) return;
  // Loaded only in a browser, as its own chunk: the Electron window never runs it.
  const { installWebBridge } = await import('./bridge/web-bridge');
  await installWebBridge();
}

/** The bench page asks for render counts (figure: rows re-rendered per countdown tick). */
function exposeRenderCounts(): void {
  if (!new URLSearchParams(location.search).has('renderStats')) return;
  enableRenderCount();
  Object.assign(window, { __freezeframeRenderStats: { counts: renderCounts, reset: resetRenderCounts } });
}

function showFatal(root: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  root.textContent = '';
  const box = document.createElement('div');
  box.className = 'fatal';
  box.setAttribute('role', 'alert');
  const title = document.createElement('h1');
  title.textContent = 'Freezeframe could not connect to its service';
  const detail = document.createElement('p');
  detail.textContent = message;
  box.append(title, detail);
  root.append(box);
}

async function start(): Promise<void> {
  const root = document.getElementById('root')!;
  try {
    await ensureBridge();
  } catch (error) {
    showFatal(root, error);
    return;
  }
  exposeRenderCounts();
  const store = createAppStore({ api: window.freezeframe });
  bindTheme(store);
  wireStore(store, window.freezeframe);
  prefetchBackupsViewWhenIdle(store);
  createRoot(root).render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}

void start();
