/**
 * The Backups view, loaded when it is first shown: it, the wizard and the
 * reports are a chunk of their own (and the plan schema with zod another,
 * loaded when the wizard opens), so the first screen, the mount table,
 * downloads and paints without them. Once the table has its rows, an idle
 * moment fetches the view ahead of the click.
 *
 * A view that cannot load (or throws) stays inside its panel: the header,
 * the frozen banner and the Filesystems tab keep working, so a thaw is
 * never more than a click away.
 */
import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { AppStore } from '../store/types';

const loadView = () => import('./wizard/backups-view').then((m) => ({ default: m.BackupsView }));

// React.lazy keeps a failed load for good; "Try again" puts a fresh one here.
let LazyView = lazy(loadView);

/** Read at render time, so a retry renders the fresh lazy component. */
function View() {
  return <LazyView />;
}

function Loading() {
  return (
    <div className="backups" aria-busy="true">
      <p className="backups__loading" role="status">
        Loading the Backups view…
      </p>
    </div>
  );
}

interface BoundaryState {
  error: Error | null;
}

class ViewBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { error: null };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  private readonly retry = (): void => {
    LazyView = lazy(loadView);
    this.setState({ error: null });
  };

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="backups">
        <div className="error-box" role="alert">
          <p className="error-box__title">The Backups view could not be shown</p>
          <p className="error-box__text">Try again; if it fails again, reload the window.</p>
          <p className="error-box__detail">Details: {error.message}</p>
          <button type="button" className="button" onClick={this.retry}>
            Try again
          </button>
        </div>
      </div>
    );
  }
}

export function LazyBackupsView() {
  return (
    <ViewBoundary>
      <Suspense fallback={<Loading />}>
        <View />
      </Suspense>
    </ViewBoundary>
  );
}

/**
 * Fetch the view's chunk once the mount table has its first rows and the
 * page is idle: later than that, a click on Backups would wait for the
 * download; earlier, the download and its compile would compete with the
 * table's first paint. A failure is ignored here: the click loads it again.
 */
export function prefetchBackupsViewWhenIdle(store: AppStore): void {
  const prefetch = () => {
    requestIdleCallback(() => void loadView().catch(() => undefined), { timeout: 10_000 });
  };
  if (store.getState().mountsLoaded) return prefetch();
  const unsubscribe = store.subscribe((state) => {
    if (!state.mountsLoaded) return;
    unsubscribe();
    prefetch();
  });
}
