/**
 * Desktop notifications for what happens while nobody is looking: a
 * filesystem that thawed by itself, or the helper going away.
 */
import { Notification } from 'electron';
import type { ContractEvents } from '../../app/contract';
import type { Core } from '../core/api';
import { AutoThawWatcher, type DesktopNotice } from './auto-thaw';

export function showDesktopNotice(notice: DesktopNotice): void {
  if (!Notification.isSupported()) return;
  new Notification({ title: notice.title, body: notice.body }).show();
}

export function notifyAutoThaws(core: Core, show: (notice: DesktopNotice) => void = showDesktopNotice): () => void {
  const watcher = new AutoThawWatcher();
  return core.subscribe((event, payload) => {
    if (event === 'history.changed') watcher.onHistory(payload as ContractEvents['history.changed']).forEach(show);
    else if (event === 'helper.changed') watcher.onHelper(payload as ContractEvents['helper.changed']).forEach(show);
  });
}
