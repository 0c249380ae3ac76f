import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FreezeWindow } from '../../app/domain';
import { renderWithStore, storeWith } from '../testing/render';
import { formatClock } from '../format';
import { Timeline } from './timeline';

afterEach(cleanup);

const t0 = Date.UTC(2025, 0, 1, 12);
const windows: FreezeWindow[] = [
  { id: 'w1', path: '/srv/a', fsType: 'ext4', majorMinor: '7:1', frozenAt: t0, timeoutMs: 60_000, deadlineAt: t0 + 60_000, thawedAt: t0 + 60_000, heldMs: 60_000, endedBy: 'deadline' },
  { id: 'w2', path: '/srv/b', fsType: 'xfs', majorMinor: '7:2', frozenAt: t0 + 10_000, timeoutMs: 60_000, deadlineAt: t0 + 70_000, thawedAt: t0 + 25_000, heldMs: 15_000, endedBy: 'request' },
  { id: 'w3', path: '/srv/a', fsType: 'ext4', majorMinor: '7:1', frozenAt: t0 + 90_000, timeoutMs: 30_000, deadlineAt: t0 + 120_000, thawedAt: null, heldMs: null, endedBy: null },
];

describe('Timeline', () => {
  it('says so when nothing was frozen yet', () => {
    const { store, api } = storeWith([]);
    renderWithStore(<Timeline />, store, api);
    expect(screen.getByText('No freezes yet in this session.')).toBeTruthy();
  });

  it('plots each window, coloured by how it ended, with an accessible title', () => {
    const { store, api } = storeWith([]);
    store.getState().applyHistory(windows);
    const { container } = renderWithStore(<Timeline />, store, api);
    expect(screen.getByRole('img', { name: 'Freeze windows this session: 3' })).toBeTruthy();
    const bars = container.querySelectorAll('rect.timeline__bar');
    expect([...bars].map((bar) => bar.getAttribute('class'))).toEqual([
      'timeline__bar timeline__bar--deadline',
      'timeline__bar timeline__bar--request',
      'timeline__bar timeline__bar--open',
    ]);
    expect(bars[0]!.querySelector('title')!.textContent).toMatch(/\/srv\/a frozen at .* for 1:00, thawed by itself at its deadline/);
    expect(bars[2]!.querySelector('title')!.textContent).toMatch(/still frozen/);
    // Two lanes: one per mountpoint.
    expect(container.querySelectorAll('text.timeline__label')).toHaveLength(2);
  });

  it('draws a window still open to the deadline its last Extend set', () => {
    const { store, api } = storeWith([]);
    const extended: FreezeWindow = { ...windows[2]!, deadlineAt: t0 + 90_000 + 600_000 };
    store.getState().applyHistory([windows[0]!, extended]);
    const { container } = renderWithStore(<Timeline />, store, api);
    const [done, open] = [...container.querySelectorAll('rect.timeline__bar')];
    // From 0 to 690 s: the open bar spans 600 of the 690 s on the axis, ten times the first one.
    expect(Number(open!.getAttribute('width')) / Number(done!.getAttribute('width'))).toBeCloseTo(10, 5);
    expect(open!.querySelector('title')!.textContent).toBe(`/srv/a frozen at ${formatClock(t0 + 90_000)}, still frozen (auto-thaw at ${formatClock(t0 + 690_000)})`);
  });

  it('calls a backup run’s window running out its deadline, not a thaw on request', () => {
    const { store, api } = storeWith([]);
    store.getState().applyHistory([{ ...windows[1]!, endedBy: 'backup-window' }]);
    const { container } = renderWithStore(<Timeline />, store, api);
    const bar = container.querySelector('rect.timeline__bar')!;
    expect(bar.getAttribute('class')).toBe('timeline__bar timeline__bar--deadline');
    expect(bar.querySelector('title')!.textContent).toMatch(/thawed by its backup run at the run’s deadline \(a window ran out\)$/);
    expect(bar.querySelector('title')!.textContent).not.toMatch(/on request/);
  });
});
