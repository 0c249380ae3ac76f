/**
 * Pure selectors. Those that build arrays or objects remember their last
 * inputs and result, so a component subscribed to them re-renders only when
 * the answer really changes (zustand compares results with Object.is).
 */
import type { MountRow, FreezeWindow } from '../../app/domain';
import { DEFAULT_MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../../app/limits';
import { deadlineFrom } from '../format';
import { sortIds } from './sort-rows';
import type { AppState } from './types';

/** Remembers the last call: same arguments (by identity) give the same result object. */
function rememberLast<A extends readonly unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | null = null;
  let lastResult: R;
  return (...args: A) => {
    if (lastArgs && lastArgs.length === args.length && lastArgs.every((a, i) => Object.is(a, args[i]))) return lastResult;
    lastResult = compute(...args);
    lastArgs = args;
    return lastResult;
  };
}

export function matchesSearch(row: MountRow, needle: string): boolean {
  if (!needle) return true;
  return (
    row.path.toLowerCase().includes(needle) ||
    row.source.toLowerCase().includes(needle) ||
    row.fsType.toLowerCase().includes(needle)
  );
}

const visibleIds = rememberLast(
  (byId: AppState['mountsById'], order: AppState['mountOrder'], search: string, showPseudo: boolean): readonly string[] => {
    const needle = search.trim().toLowerCase();
    if (!needle && showPseudo) return order;
    return order.filter((id) => {
      const row = byId[id];
      return row !== undefined && (showPseudo || !row.pseudo) && matchesSearch(row, needle);
    });
  },
);

const sortedIds = rememberLast(sortIds);

/** Ids of the rows to show, after the search box and the pseudo toggle, in the chosen column's order (else the table's). */
export function selectVisibleIds(s: AppState): readonly string[] {
  const ids = visibleIds(s.mountsById, s.mountOrder, s.search, s.showPseudo);
  // Only the countdown column reads receivedAt: other sorts keep their result while a row's countdown is refreshed.
  return sortedIds(ids, s.sort, s.mountsById, s.sort?.column === 'Auto-thaw in' ? s.receivedAt : NO_TIMES);
}

const NO_TIMES: Readonly<Record<string, number>> = {};

export const selectRow =
  (id: string) =>
  (s: AppState): MountRow | undefined =>
    s.mountsById[id];

/** The auto-thaw moment of a frozen row on this renderer's monotonic clock, or undefined. */
export function deadlineOf(s: Pick<AppState, 'mountsById' | 'receivedAt'>, id: string): number | undefined {
  const row = s.mountsById[id];
  const at = s.receivedAt[id];
  if (!row || at === undefined || row.freeze.state !== 'frozen' || row.freeze.remainingMs === undefined) return undefined;
  return deadlineFrom(at, row.freeze.remainingMs);
}

export const selectDeadline =
  (id: string) =>
  (s: AppState): number | undefined =>
    deadlineOf(s, id);

export interface FrozenCounts {
  /** Filesystems this app holds frozen (or is freezing or thawing). */
  held: number;
  /** Filesystems found frozen by another program. */
  elsewhere: number;
}

const HELD_STATES: ReadonlySet<string> = new Set(['freezing', 'frozen', 'thawing']);

/**
 * A filesystem is a superblock: bind mounts of one frozen filesystem count
 * once. One pass over the table for both figures, redone only when the rows
 * change (not on every store update: the banner asks on each one).
 */
const frozenCounts = rememberLast((byId: AppState['mountsById'], order: AppState['mountOrder']): FrozenCounts => {
  const held = new Set<string>();
  const elsewhere = new Set<string>();
  for (const id of order) {
    const row = byId[id];
    if (!row) continue;
    if (HELD_STATES.has(row.freeze.state)) held.add(row.majorMinor);
    else if (row.freeze.state === 'frozen-elsewhere') elsewhere.add(row.majorMinor);
  }
  return { held: held.size, elsewhere: elsewhere.size };
});

/** Both counts; the same object while the rows are the same. */
export function selectFrozenCounts(s: AppState): FrozenCounts {
  return frozenCounts(s.mountsById, s.mountOrder);
}

export function selectFrozenCount(s: AppState): number {
  return selectFrozenCounts(s).held;
}

export function selectFrozenElsewhereCount(s: AppState): number {
  return selectFrozenCounts(s).elsewhere;
}

export interface NearestDeadline {
  id: string;
  path: string;
  deadlineAt: number;
}

const nearestDeadline = rememberLast(
  (byId: AppState['mountsById'], order: AppState['mountOrder'], receivedAt: AppState['receivedAt']): NearestDeadline | null => {
    let best: NearestDeadline | null = null;
    for (const id of order) {
      // Most rows are not frozen: look at the row's state before its deadline.
      if (byId[id]?.freeze.state !== 'frozen') continue;
      const deadlineAt = deadlineOf({ mountsById: byId, receivedAt }, id);
      if (deadlineAt !== undefined && (!best || deadlineAt < best.deadlineAt)) best = { id, path: byId[id]!.path, deadlineAt };
    }
    return best;
  },
);

/** The frozen row that thaws first, for the banner. */
export function selectNearestDeadline(s: AppState): NearestDeadline | null {
  return nearestDeadline(s.mountsById, s.mountOrder, s.receivedAt);
}

/** The error to show on a row: the renderer's last failed action, else main's. */
export const selectRowError = (id: string) => (s: AppState) => s.rowErrors[id] ?? s.mountsById[id]?.freeze.lastError;

/** The Freeze dialog's limits: the helper's, once it runs; the app's defaults before. */
export function selectTimeoutLimits(s: AppState): { defaultMs: number; maxMs: number } {
  const maxMs = s.helper?.maxTimeoutMs ?? s.appInfo?.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS;
  const defaultMs = Math.min(s.appInfo?.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, maxMs);
  return { defaultMs, maxMs };
}

/** Paths of a row's bind siblings (a new array each call: use with useShallow). */
export function siblingPaths(s: AppState, id: string): string[] {
  const row = s.mountsById[id];
  if (!row) return [];
  return row.bindSiblings.map((sib) => s.mountsById[sib]?.path ?? sib);
}

/** The last freeze window of a filesystem (by superblock) this session, or undefined. */
export const selectLastWindow =
  (majorMinor: string) =>
  (s: AppState): FreezeWindow | undefined =>
    s.history.findLast((w) => w.majorMinor === majorMinor);
