/**
 * Contract events flow into the store here, once, outside React: a component
 * that mounts and unmounts (a virtualized row) never subscribes to the bridge.
 * Subscribing happens before the first loads, so nothing sent in between is lost;
 * the snapshot generation discards a stale mounts.list reply.
 */
import type { FreezeframeApi } from '../../app/contract';
import type { AppStore } from './types';

const wired = new WeakMap<AppStore, () => void>();

export function wireStore(store: AppStore, api: FreezeframeApi): () => void {
  const existing = wired.get(store);
  if (existing) return existing;
  const state = store.getState;
  const unsubscribers = [
    api.subscribe('mounts.changed', (snapshot) => state().applySnapshot(snapshot)),
    api.subscribe('mount.updated', (row) => state().applyRow(row)),
    api.subscribe('helper.changed', (status) => state().applyHelper(status)),
    api.subscribe('history.changed', (windows) => state().applyHistory(windows)),
    api.subscribe('notice', (notice) => state().pushNotice(notice)),
    api.subscribe('backup.progress', (run) => state().applyProgress(run)),
    api.subscribe('backup.output', (line) => state().applyOutput(line)),
    api.subscribe('reports.changed', (reports) => state().applyReports(reports)),
  ];
  void Promise.all([state().loadAppInfo(), state().loadHelper(), state().loadMounts(), state().loadHistory()]);
  void Promise.all([state().loadPlans(), state().loadReports(), state().loadCurrentRun()]);
  const unwire = () => {
    for (const off of unsubscribers) off();
    wired.delete(store);
  };
  wired.set(store, unwire);
  return unwire;
}
