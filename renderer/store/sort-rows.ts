/**
 * Sorting the mount table by a column: one key per sortable column, and a
 * comparator over row ids. Rows without a value for the column (not frozen,
 * size unknown) go last in either direction; ties keep the mount table's
 * own order, so a sort is stable and predictable.
 */
import type { MountRow } from '../../app/domain';
import { deadlineFrom } from '../format';

export const SORTABLE_COLUMNS = [
  'Mountpoint',
  'Source',
  'Type',
  'Size',
  'Mode',
  'State',
  'Frozen since',
  'Auto-thaw in',
  'Blocked writers',
  'Bind mounts',
  'Danger',
] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];
export type SortDirection = 'ascending' | 'descending';
export interface SortOrder {
  column: SortColumn;
  direction: SortDirection;
}

/** Click after click: ascending, descending, then the table's own order again. */
export function nextSort(current: SortOrder | null, column: SortColumn): SortOrder | null {
  if (current?.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}

const STATE_ORDER: Record<MountRow['freeze']['state'], number> = { frozen: 0, freezing: 1, thawing: 2, 'frozen-elsewhere': 3, thawed: 4, unsupported: 5 };
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Key = string | number | undefined;

/** The value a column sorts by; undefined when the row has none. `receivedAt` dates a frozen row's remainingMs. */
function keyOf(column: SortColumn, row: MountRow, receivedAt: number | undefined): Key {
  const freeze = row.freeze;
  switch (column) {
    case 'Mountpoint':
      return row.path;
    case 'Source':
      return row.source;
    case 'Type':
      return row.fsType;
    case 'Size':
      return row.size.state === 'ok' ? row.size.totalBytes : undefined;
    case 'Mode':
      return row.readOnly ? 'ro' : 'rw';
    case 'State':
      return STATE_ORDER[freeze.state];
    case 'Frozen since':
      return freeze.state === 'frozen-elsewhere' ? freeze.elsewhereSince : freeze.state === 'thawed' || freeze.state === 'unsupported' ? undefined : freeze.frozenAt;
    case 'Auto-thaw in':
      return freeze.state === 'frozen' && freeze.remainingMs !== undefined && receivedAt !== undefined ? deadlineFrom(receivedAt, freeze.remainingMs) : undefined;
    case 'Blocked writers':
      return freeze.writers.length;
    case 'Bind mounts':
      return row.bindSiblings.length;
    case 'Danger':
      return row.danger.length;
  }
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  return (a as number) - (b as number);
}

/** `ids` (in table order) sorted by `order`; the same array when there is nothing to sort by. */
export function sortIds(
  ids: readonly string[],
  order: SortOrder | null,
  byId: Readonly<Record<string, MountRow>>,
  receivedAt: Readonly<Record<string, number>>,
): readonly string[] {
  if (!order) return ids;
  const sign = order.direction === 'ascending' ? 1 : -1;
  const keyed = ids.map((id, index) => ({ id, index, key: byId[id] ? keyOf(order.column, byId[id], receivedAt[id]) : undefined }));
  keyed.sort((x, y) => {
    if (x.key === undefined || y.key === undefined) return x.key === y.key ? x.index - y.index : x.key === undefined ? 1 : -1;
    return sign * compareKeys(x.key, y.key) || x.index - y.index;
  });
  return keyed.map((k) => k.id);
}
