/**
 * Sorting the mount table by a column: a button in each sortable heading,
 * aria-sort on the one that sorts, the rows in that order (values a row
 * lacks last), and a third press back to the table's own order.
 */
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { frozenInfo, makeRow } from '../testing/fake-api';
import { renderWithStore, sizeScrollBoxesEachTest, storeWith } from '../testing/render';
import { MountTable } from './mount-table';
import { pathFit } from './mount-path';

sizeScrollBoxesEachTest();

const GiB = 1 << 30;
const ROWS = [
  makeRow('m1', { path: '/srv/b', fsType: 'xfs', size: { state: 'ok', totalBytes: 4 * GiB, usedBytes: 0, availableBytes: 4 * GiB } }),
  makeRow('m2', { path: '/srv/a10', fsType: 'ext4', size: { state: 'pending' } }, frozenInfo(50_000)),
  makeRow('m3', { path: '/srv/a9', fsType: 'btrfs', size: { state: 'ok', totalBytes: GiB, usedBytes: 0, availableBytes: GiB } }, frozenInfo(10_000)),
];

const order = () => screen.getAllByRole('row').slice(1).map((row) => row.getAttribute('aria-label'));
const header = (name: string) => screen.getByRole('columnheader', { name });
const press = (name: string) => act(() => within(header(name)).getByRole('button', { name }).click());

describe('sorting the mount table', () => {
  it('sorts by a column, ascending then descending then the table’s order, and says so with aria-sort', () => {
    const { store, api } = storeWith(ROWS);
    renderWithStore(<MountTable />, store, api);
    expect(order()).toEqual(['/srv/b', '/srv/a10', '/srv/a9']);
    expect(header('Mountpoint').hasAttribute('aria-sort')).toBe(false);

    press('Mountpoint');
    expect(header('Mountpoint').getAttribute('aria-sort')).toBe('ascending');
    expect(order()).toEqual(['/srv/a9', '/srv/a10', '/srv/b']); // numbers in names compare as numbers
    expect(screen.getAllByRole('row').slice(1).map((row) => row.getAttribute('aria-rowindex'))).toEqual(['2', '3', '4']);

    press('Mountpoint');
    expect(header('Mountpoint').getAttribute('aria-sort')).toBe('descending');
    expect(order()).toEqual(['/srv/b', '/srv/a10', '/srv/a9']);

    press('Mountpoint');
    expect(header('Mountpoint').hasAttribute('aria-sort')).toBe(false);
    expect(order()).toEqual(['/srv/b', '/srv/a10', '/srv/a9']);
  });

  it('puts rows without a value last in either direction, and only one heading says it sorts', () => {
    const { store, api } = storeWith(ROWS);
    renderWithStore(<MountTable />, store, api);
    press('Size');
    expect(order()).toEqual(['/srv/a9', '/srv/b', '/srv/a10']);
    press('Size');
    expect(order()).toEqual(['/srv/b', '/srv/a9', '/srv/a10']);
    press('Auto-thaw in');
    expect(order()).toEqual(['/srv/a9', '/srv/a10', '/srv/b']);
    expect(document.querySelectorAll('[role="columnheader"][aria-sort]')).toHaveLength(1);
    // The full name of a shortened heading is the button's name.
    expect(within(header('Blocked writers')).getByRole('button', { name: 'Blocked writers' }).textContent).toBe('Writers');
    // Actions has nothing to compare.
    expect(within(header('Actions')).queryByRole('button')).toBeNull();
  });

  it('keeps the order as rows change: a row that thaws moves by its new value', () => {
    const { store, api } = storeWith(ROWS);
    renderWithStore(<MountTable />, store, api);
    press('State');
    expect(order()).toEqual(['/srv/a10', '/srv/a9', '/srv/b']);
    act(() => store.getState().applyRow({ ...ROWS[1]!, freeze: { state: 'thawed', writers: [] } }));
    expect(order()).toEqual(['/srv/a9', '/srv/b', '/srv/a10']);
  });
});

describe('how a mountpoint fits its cell', () => {
  it('is one line when it fits, two when twice the width (less a character) holds it, else cut', () => {
    expect(pathFit(150, 150)).toBe('one-line');
    expect(pathFit(151, 150)).toBe('two-lines');
    expect(pathFit(284, 150)).toBe('two-lines');
    expect(pathFit(285, 150)).toBe('cut');
  });
});
