/**
 * Row heights, computed from the data rather than measured from the DOM: the
 * virtualizer then knows every row's size before it renders (no layout
 * thrash on 5,000 rows, and the same numbers in a test DOM without layout).
 */
import type { MountRow } from '../../app/domain';
import type { AppState } from '../store/types';

export const HEADER_HEIGHT = 40;
export const LINE_HEIGHT = 60;
export const MESSAGE_HEIGHT = 28;
export const WRITER_LINE_HEIGHT = 24;
const WRITERS_PADDING = 12;
export const DANGER_LINE_HEIGHT = 22;
const DANGER_PADDING = 8;

export function messageTop(): number {
  return LINE_HEIGHT;
}

export function writersTop(hasMessage: boolean): number {
  return LINE_HEIGHT + (hasMessage ? MESSAGE_HEIGHT : 0);
}

function writersHeight(row: MountRow, expanded: boolean): number {
  return expanded && row.freeze.writers.length > 0 ? WRITERS_PADDING + WRITER_LINE_HEIGHT * (row.freeze.writers.length + 1) : 0;
}

function dangerHeight(row: MountRow, dangerExpanded: boolean): number {
  return dangerExpanded && row.danger.length > 0 ? DANGER_PADDING + DANGER_LINE_HEIGHT * row.danger.length : 0;
}

/** The list of danger reasons sits below the message and the writers list. */
export function dangerTop(row: MountRow, expanded: boolean, hasMessage: boolean): number {
  return writersTop(hasMessage) + writersHeight(row, expanded);
}

export function rowHeight(row: MountRow | undefined, expanded: boolean, hasMessage: boolean, dangerExpanded = false): number {
  if (!row) return LINE_HEIGHT;
  return LINE_HEIGHT + (hasMessage ? MESSAGE_HEIGHT : 0) + writersHeight(row, expanded) + dangerHeight(row, dangerExpanded);
}

let last: {
  ids: readonly string[];
  byId: AppState['mountsById'];
  expanded: AppState['expanded'];
  dangerExpanded: AppState['dangerExpanded'];
  errors: AppState['rowErrors'];
  heights: readonly number[];
} | null = null;

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}

/** Heights of the visible rows; the same array while no height changed. */
export function selectRowHeights(s: AppState, ids: readonly string[]): readonly number[] {
  if (last && last.ids === ids && last.byId === s.mountsById && last.expanded === s.expanded && last.dangerExpanded === s.dangerExpanded && last.errors === s.rowErrors) {
    return last.heights;
  }
  // Nearly every row is one line: look up the open lists and the renderer's
  // errors only when there are any (5,000 rows, 3 look-ups each, otherwise).
  const byId = s.mountsById;
  const expanded = isEmpty(s.expanded) ? null : s.expanded;
  const dangerExpanded = isEmpty(s.dangerExpanded) ? null : s.dangerExpanded;
  const errors = isEmpty(s.rowErrors) ? null : s.rowErrors;
  const heights = new Array<number>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const row = byId[id];
    const hasMessage = row?.freeze.lastError !== undefined || (errors !== null && errors[id] !== undefined);
    const open = expanded !== null && expanded[id] === true;
    const dangerOpen = dangerExpanded !== null && dangerExpanded[id] === true;
    heights[i] = row && (hasMessage || open || dangerOpen) ? rowHeight(row, open, hasMessage, dangerOpen) : LINE_HEIGHT;
  }
  const same = last !== null && last.heights.length === heights.length && last.heights.every((h, i) => h === heights[i]);
  last = { ids, byId: s.mountsById, expanded: s.expanded, dangerExpanded: s.dangerExpanded, errors: s.rowErrors, heights: same && last ? last.heights : heights };
  return last.heights;
}
