/**
 * The mount table, virtualized: only the rows in view (plus a few) are in
 * the DOM, so 5,000 mounts paint as fast as 50. ARIA table semantics carry
 * the full row count (aria-rowcount / aria-rowindex) for assistive tech.
 * The scroll box is focusable so the keyboard can scroll it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useLayoutEffect, useRef, type Ref } from 'react';
import { selectVisibleIds } from '../store/selectors';
import { SORTABLE_COLUMNS, type SortColumn } from '../store/sort-rows';
import { useApp } from '../store/store';
import { PathColumnContext, usePathColumn } from './mount-path';
import { MountRow } from './mount-row';
import { HEADER_HEIGHT, LINE_HEIGHT, selectRowHeights } from './row-layout';

export const COLUMNS = [
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
  'Actions',
] as const;

/** Headings shown shorter than their names, to stay on one line; the full name stays the accessible one. */
const SHORT_HEADINGS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  'Blocked writers': 'Writers',
};

function isSortable(name: (typeof COLUMNS)[number]): name is SortColumn {
  return (SORTABLE_COLUMNS as readonly string[]).includes(name);
}

/**
 * A column's heading; a sortable one is a button (Enter or Space, like any
 * button) that cycles ascending, descending, and the table's own order, and
 * the heading says which with aria-sort.
 */
function ColumnHeader({ name, cellRef }: { name: (typeof COLUMNS)[number]; cellRef?: Ref<HTMLDivElement> }) {
  const sort = useApp((s) => (s.sort?.column === name ? s.sort.direction : null));
  const toggleSort = useApp((s) => s.toggleSort);
  const short = SHORT_HEADINGS[name];
  const label = short ?? name;
  if (!isSortable(name)) {
    return (
      <div role="columnheader" className={name === 'Actions' ? 'cell cell--actions' : 'cell'} aria-label={short ? name : undefined} title={short ? name : undefined} ref={cellRef}>
        {label}
      </div>
    );
  }
  return (
    <div role="columnheader" className="cell" aria-sort={sort ?? undefined} aria-label={short ? name : undefined} ref={cellRef}>
      <button type="button" className="sort-button" onClick={() => toggleSort(name)} aria-label={name} title={`Sort by ${name.toLowerCase()}`}>
        {label}
        <span className="sort-button__mark" aria-hidden="true">
          {sort === 'ascending' ? '▲' : sort === 'descending' ? '▼' : ''}
        </span>
      </button>
    </div>
  );
}

export function MountTable() {
  const scrollRef = useRef<HTMLDivElement>(null);
  const pathHeaderRef = useRef<HTMLDivElement>(null);
  const pathProbeRef = useRef<HTMLSpanElement>(null);
  const pathColumn = usePathColumn(pathHeaderRef, pathProbeRef);
  const ids = useApp(selectVisibleIds);
  const heights = useApp((s) => selectRowHeights(s, selectVisibleIds(s)));
  const loaded = useApp((s) => s.mountsLoaded);
  const search = useApp((s) => s.search);

  // Stable while the rows are the same: a new getItemKey makes the virtualizer
  // recompute the position of every row (5,000 of them), so it follows the ids.
  const getItemKey = useCallback((index: number) => ids[index] ?? index, [ids]);
  const estimateSize = useCallback((index: number) => heights[index] ?? LINE_HEIGHT, [heights]);

  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    scrollMargin: HEADER_HEIGHT,
    overscan: 6,
    // Until the box is measured, assume a typical window rather than nothing.
    initialRect: { width: 1280, height: 720 },
  });

  // Heights come from data (see row-layout.ts); re-lay out before paint when one
  // changes. The first layout already used them: no second pass on mount.
  const laidOut = useRef(heights);
  useLayoutEffect(() => {
    if (laidOut.current === heights) return;
    laidOut.current = heights;
    virtualizer.measure();
  }, [heights, virtualizer]);

  const items = virtualizer.getVirtualItems();

  return (
    <div className="mount-table-wrap">
      <div
        ref={scrollRef}
        className="mount-table"
        role="table"
        aria-label="Mounted filesystems"
        aria-rowcount={ids.length + 1}
        tabIndex={0}
        data-mount-table=""
      >
        <div role="rowgroup" className="mount-table__head">
          <div role="row" aria-rowindex={1} className="mount-row mount-row--head">
            {COLUMNS.map((name) => (
              <ColumnHeader key={name} name={name} cellRef={name === 'Mountpoint' ? pathHeaderRef : undefined} />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="mount-table__body" style={{ height: virtualizer.getTotalSize() }}>
          <PathColumnContext.Provider value={pathColumn}>
            {items.map((item) => {
              const id = ids[item.index];
              if (id === undefined) return null;
              return <MountRow key={id} id={id} rowIndex={item.index + 2} top={item.start - HEADER_HEIGHT} height={item.size} />;
            })}
          </PathColumnContext.Provider>
        </div>
        {/* In the mountpoint cells' font: what MountPath's measurements are taken in. */}
        <span ref={pathProbeRef} className="cell cell--path path-probe" aria-hidden="true" />
      </div>
      {!loaded ? (
        <p className="table-empty" role="status">
          Reading the mount table…
        </p>
      ) : ids.length === 0 ? (
        <p className="table-empty" role="status">
          {search.trim() ? `No mounts match “${search.trim()}”.` : 'No mounts to show.'}
        </p>
      ) : null}
    </div>
  );
}
