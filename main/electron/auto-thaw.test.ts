import { describe, expect, it } from 'vitest';
import type { FreezeWindow } from '../../app/domain';
import { AutoThawWatcher } from './auto-thaw';

const open = (id: string, path: string): FreezeWindow => ({ id, path, fsType: 'ext4', majorMinor: '7:0', frozenAt: 1, timeoutMs: 60_000, deadlineAt: 60_001, thawedAt: null, heldMs: null, endedBy: null });
const ended = (window: FreezeWindow, endedBy: FreezeWindow['endedBy']): FreezeWindow => ({ ...window, thawedAt: 2, heldMs: 1, endedBy });

describe('AutoThawWatcher', () => {
  it('tells about a deadline thaw once, and not about a thaw the user asked for', () => {
    const watcher = new AutoThawWatcher();
    const a = open('w1', '/mnt/a');
    const b = open('w2', '/mnt/b');
    expect(watcher.onHistory([])).toEqual([]);
    expect(watcher.onHistory([a, b])).toEqual([]);
    expect(watcher.onHistory([ended(a, 'deadline'), ended(b, 'request')])).toEqual([
      { title: 'A filesystem thawed by itself', body: '/mnt/a thawed: its auto-thaw deadline was reached.' },
    ]);
    expect(watcher.onHistory([ended(a, 'deadline'), ended(b, 'request')])).toEqual([]);
  });

  it('groups several self-thaws into one notification', () => {
    const watcher = new AutoThawWatcher();
    const a = open('w1', '/mnt/a');
    const b = open('w2', '/mnt/b');
    watcher.onHistory([a, b]);
    const [notice] = watcher.onHistory([ended(a, 'lease-expired'), ended(b, 'helper-exited')]);
    expect(notice?.title).toBe('2 filesystems thawed by themselves');
    expect(notice?.body).toContain('/mnt/b thawed: the freeze helper stopped.');
  });

  it('does not replay windows that had ended before the app first looked', () => {
    const watcher = new AutoThawWatcher();
    expect(watcher.onHistory([ended(open('w1', '/mnt/a'), 'deadline')])).toEqual([]);
    expect(watcher.onHistory([ended(open('w1', '/mnt/a'), 'deadline'), ended(open('w2', '/mnt/b'), 'deadline')])).toHaveLength(1);
  });

  it('tells when a running helper exits', () => {
    const watcher = new AutoThawWatcher();
    expect(watcher.onHelper({ state: 'not-started' })).toEqual([]);
    expect(watcher.onHelper({ state: 'exited' })).toEqual([]);
    expect(watcher.onHelper({ state: 'running' })).toEqual([]);
    expect(watcher.onHelper({ state: 'exited', message: 'killed by SIGKILL' })).toEqual([{ title: 'The freeze helper stopped', body: 'killed by SIGKILL' }]);
  });
});
