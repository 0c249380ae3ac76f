import { act, screen, within } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableRenderCount, renderCounts, resetRenderCounts } from '../perf/render-count';
import { frozenInfo, makeRow } from '../testing/fake-api';
import { renderWithStore, sizeScrollBoxesEachTest, storeWith } from '../testing/render';
import { MountTable } from './mount-table';

sizeScrollBoxesEachTest();
afterEach(() => {
  vi.useRealTimers();
  enableRenderCount(false);
  resetRenderCounts();
});

describe('MountTable', () => {
  it('labels each row with its mountpoint and shows its columns', () => {
    const rows = [
      makeRow('m1', { path: '/', fsType: 'ext4', danger: [{ kind: 'root', reason: 'The root filesystem: everything writes to it.' }] }),
      makeRow('m2', { path: '/srv/data', readOnly: true, size: { state: 'not-responding', sinceMs: 0 } }),
    ];
    const { store, api } = storeWith(rows);
    renderWithStore(<MountTable />, store, api);
    const table = screen.getByRole('table', { name: 'Mounted filesystems' });
    expect(table.getAttribute('aria-rowcount')).toBe('3');
    const root = screen.getByRole('row', { name: '/' });
    expect(within(root).getByText('root fs')).toBeTruthy();
    expect(within(root).getByText(/everything writes to it/)).toBeTruthy();
    expect(within(root).getByRole('button', { name: 'Freeze' })).toBeTruthy();
    expect(within(root).getByRole('button', { name: 'Probe' })).toBeTruthy();
    const data = screen.getByRole('row', { name: '/srv/data' });
    expect(within(data).getByText('not responding')).toBeTruthy();
    expect(within(data).getByText('ro')).toBeTruthy();
    expect(within(data).getByText('Thawed')).toBeTruthy();
  });

  it('disables Freeze on an unsupported filesystem and says why', () => {
    const { store, api } = storeWith([makeRow('m1', { path: '/run', fsType: 'tmpfs', freezable: false }, { state: 'unsupported' })]);
    renderWithStore(<MountTable />, store, api);
    const row = screen.getByRole('row', { name: '/run' });
    const freeze = within(row).getByRole('button', { name: 'Freeze' }) as HTMLButtonElement;
    expect(freeze.disabled).toBe(true);
    const reason = document.getElementById(freeze.getAttribute('aria-describedby')!);
    expect(reason?.textContent).toBe('tmpfs does not support freezing.');
    expect(within(row).getByText('Unsupported')).toBeTruthy();
  });

  it('shows each state with its own badge and buttons', () => {
    const { store, api } = storeWith([
      makeRow('m1', {}, frozenInfo(42_000, { writers: [{ pid: 4242, comm: 'dd', syscall: 'write', path: '/mnt/fs1/big' }] })),
      makeRow('m2', {}, { state: 'frozen-elsewhere', elsewhereSince: Date.UTC(2025, 0, 1) }),
      makeRow('m3', {}, { state: 'freezing' }),
      makeRow('m4', {}, { state: 'thawing', frozenAt: 0 }),
    ]);
    renderWithStore(<MountTable />, store, api);
    const frozen = screen.getByRole('row', { name: '/mnt/fs1' });
    expect(within(frozen).getByText('Frozen')).toBeTruthy();
    expect(within(frozen).getByRole('timer', { name: 'Auto-thaw countdown' }).textContent).toBe('0:42');
    expect(within(frozen).getByRole('button', { name: 'Thaw' })).toBeTruthy();
    expect(within(frozen).getByRole('button', { name: 'Extend' })).toBeTruthy();
    const elsewhere = screen.getByRole('row', { name: '/mnt/fs2' });
    expect(within(elsewhere).getByText('Frozen elsewhere')).toBeTruthy();
    expect(within(elsewhere).getByRole('button', { name: 'Thaw' })).toBeTruthy();
    expect(within(screen.getByRole('row', { name: '/mnt/fs3' })).getByText('Freezing')).toBeTruthy();
    expect((within(screen.getByRole('row', { name: '/mnt/fs4' })).getByRole('button', { name: 'Thaw' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('expands blocked writers to pid, command, system call and file', () => {
    const writers = [{ pid: 4242, comm: 'dd', syscall: 'write', path: '/mnt/fs1/big' }];
    const { store, api } = storeWith([makeRow('m1', {}, frozenInfo(42_000, { writers }))]);
    renderWithStore(<MountTable />, store, api);
    const toggle = screen.getByRole('button', { name: '1 blocked writer' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    act(() => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const list = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(within(list).getByText('4242')).toBeTruthy();
    expect(within(list).getByText('dd')).toBeTruthy();
    expect(within(list).getByText('/mnt/fs1/big')).toBeTruthy();
    // The row grew to hold the list.
    expect(screen.getByRole('row', { name: '/mnt/fs1' }).style.height).toBe(`${60 + 12 + 24 * 2}px`);
  });

  it('keeps many danger marks to one badge whose reasons stay reachable, and opens them in the row', () => {
    const danger = [
      { kind: 'home', reason: 'It holds your home directory.' },
      { kind: 'root', reason: 'The root filesystem: everything writes to it.' },
      { kind: 'var', reason: 'It holds /var: logging stalls.' },
    ] as const;
    const { store, api } = storeWith([makeRow('m1', { path: '/', danger: [...danger] })]);
    renderWithStore(<MountTable />, store, api);
    const row = screen.getByRole('row', { name: '/' });
    // The weightiest mark shows, and how many more there are; one button, not three tags.
    const badge = within(row).getByRole('button', { name: '3 dangers: root fs, /var, home' });
    expect(badge.textContent).toBe('⚠root fs+2');
    expect(badge.getAttribute('aria-expanded')).toBe('false');
    expect(badge.title).toBe('root fs: The root filesystem: everything writes to it.\n/var: It holds /var: logging stalls.\nhome: It holds your home directory.');
    // Every reason is the button's description while the list is closed.
    const description = document.getElementById(badge.getAttribute('aria-describedby')!)!;
    for (const mark of danger) expect(description.textContent).toContain(mark.reason);
    expect(row.style.height).toBe('60px');

    act(() => badge.click());
    expect(badge.getAttribute('aria-expanded')).toBe('true');
    const list = document.getElementById(badge.getAttribute('aria-controls')!)!;
    expect(badge.getAttribute('aria-describedby')).toBe(list.id);
    expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      '⚠ root fs: The root filesystem: everything writes to it.',
      '⚠ /var: It holds /var: logging stalls.',
      '⚠ home: It holds your home directory.',
    ]);
    expect(row.style.height).toBe(`${60 + 8 + 22 * 3}px`);

    act(() => badge.click());
    expect(document.getElementById(list.id)).toBeNull();
    expect(row.style.height).toBe('60px');
  });

  it('stacks the open danger list below the open writers list', () => {
    const writers = [{ pid: 4242, comm: 'dd', syscall: 'write', path: '/mnt/fs1/big' }];
    const danger = [{ kind: 'tmp', reason: 'It holds /tmp.' }] as const;
    const { store, api } = storeWith([makeRow('m1', { danger: [...danger] }, frozenInfo(42_000, { writers }))]);
    renderWithStore(<MountTable />, store, api);
    const row = screen.getByRole('row', { name: '/mnt/fs1' });
    act(() => within(row).getByRole('button', { name: '1 blocked writer' }).click());
    const badge = within(row).getByRole('button', { name: 'Danger: /tmp' });
    act(() => badge.click());
    const list = document.getElementById(badge.getAttribute('aria-controls')!)!;
    expect(list.style.top).toBe(`${60 + 12 + 24 * 2}px`);
    expect(row.style.height).toBe(`${60 + 12 + 24 * 2 + 8 + 22}px`);
  });

  it('keeps the end of a long mountpoint in view and the whole path in its title', () => {
    const path = '/tmp/freezeframe-fx-24502-15720813/data-ext4';
    const { store, api } = storeWith([makeRow('m1', { path })]);
    renderWithStore(<MountTable />, store, api);
    const cell = within(screen.getByRole('row', { name: path })).getAllByRole('cell')[0]!;
    expect(cell.title).toBe(path);
    expect(cell.querySelector('.path-text__head')?.textContent).toBe('/tmp/freezeframe-fx-24502-15720813');
    expect(cell.querySelector('.path-text__tail')?.textContent).toBe('/data-ext4');
    // Read out as one path, not two pieces.
    expect(within(cell).getByText(path).className).toBe('sr-only');
  });

  it('shows an action failure in place on its row, with the human message', async () => {
    const { store, api } = storeWith([makeRow('m1')]);
    api.handlers['freeze.start'] = () => ({ ok: false, error: { code: 'PERMISSION_DENIED', message: 'EPERM' } });
    renderWithStore(<MountTable />, store, api);
    await act(() => store.getState().freeze('m1', 60_000));
    const row = screen.getByRole('row', { name: '/mnt/fs1' });
    expect(within(row).getByText(/The kernel refused permission/)).toBeTruthy();
    expect(within(row).getByText('PERMISSION_DENIED')).toBeTruthy();
  });

  it('counts down on its own clock, and a tick re-renders that countdown only, no row', () => {
    vi.useFakeTimers();
    const rows = Array.from({ length: 12 }, (_, i) => makeRow(`m${i + 1}`));
    rows[3] = makeRow('m4', {}, frozenInfo(10_000));
    const { store, api } = storeWith(rows);
    const commits: string[] = [];
    renderWithStore(
      <Profiler id="table" onRender={(_id, phase) => commits.push(phase)}>
        <MountTable />
      </Profiler>,
      store,
      api,
    );
    const timer = screen.getByRole('timer', { name: 'Auto-thaw countdown' });
    expect(timer.textContent).toBe('0:10');

    enableRenderCount();
    resetRenderCounts();
    commits.length = 0;
    act(() => vi.advanceTimersByTime(1_010));

    expect(timer.textContent).toBe('0:09');
    const counts = renderCounts();
    const rowRenders = [...counts].filter(([key]) => key.startsWith('row:'));
    expect(rowRenders).toEqual([]);
    expect(counts.get('countdown:m4')).toBe(1);
    expect(commits).toEqual(['update']);

    act(() => vi.advanceTimersByTime(9_000));
    expect(timer.textContent).toBe('0:00');
  });

  it('renders 5,000 rows virtualized: only the visible ones are in the DOM', () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => makeRow(`m${i + 1}`));
    const { store, api } = storeWith(rows);
    const started = performance.now();
    renderWithStore(<MountTable />, store, api);
    const elapsed = performance.now() - started;
    const table = screen.getByRole('table');
    expect(table.getAttribute('aria-rowcount')).toBe('5001');
    const bodyRows = screen.getAllByRole('row').filter((row) => row.getAttribute('aria-rowindex') !== '1');
    // 720 px / 60 px = 12 rows in view, plus overscan.
    expect(bodyRows.length).toBeGreaterThanOrEqual(12);
    expect(bodyRows.length).toBeLessThan(30);
    expect(bodyRows[0]!.getAttribute('aria-label')).toBe('/mnt/fs1');
    console.info(`first render of 5,000 rows (happy-dom): ${elapsed.toFixed(0)} ms, ${bodyRows.length} rows in the DOM`);
    // happy-dom is far slower than Chromium; this bounds a regression to rendering every row.
    expect(elapsed).toBeLessThan(2_000);

    // Scrolling brings later rows in and takes the first ones out.
    act(() => {
      table.scrollTop = 60 * 2_500;
      table.dispatchEvent(new Event('scroll'));
    });
    expect(screen.queryByRole('row', { name: '/mnt/fs1' })).toBeNull();
    expect(screen.getByRole('row', { name: '/mnt/fs2500' })).toBeTruthy();
  });
});
