/**
 * The mountpoint, in its cell: on one line when it fits; over the row's two
 * lines, broken anywhere, when it fits there; else cut in the middle, the
 * start on the first line and the last component (what tells mounts apart)
 * whole on the second. Whether it fits is measured (the canvas's text
 * metrics in the cell's own font, against the column's width), so a path is
 * never cut while its row has room for it. Unmeasured (no canvas, or
 * before the first layout), it is one line cut in the middle, as PathText.
 */
import { createContext, useContext, useLayoutEffect, useState, type RefObject } from 'react';
import { PathText, splitPath } from './row-cells';

export interface PathColumn {
  /** The column's content width, in CSS pixels. */
  width: number;
  /** The rendered width of a text in the mountpoint cell's font. */
  measure(text: string): number;
}

export const PathColumnContext = createContext<PathColumn | null>(null);

export type PathFit = 'one-line' | 'two-lines' | 'cut';

/** Breaking anywhere, the first line may end up to one character short of full. */
const WRAP_SLACK_PX = 16;

export function pathFit(textWidth: number, columnWidth: number): PathFit {
  if (textWidth <= columnWidth) return 'one-line';
  return textWidth <= 2 * columnWidth - WRAP_SLACK_PX ? 'two-lines' : 'cut';
}

export function MountPath({ path }: { path: string }) {
  const column = useContext(PathColumnContext);
  const fit = column ? pathFit(column.measure(path), column.width) : 'one-line';
  if (fit === 'one-line') return <PathText path={path} />;
  if (fit === 'two-lines') {
    return (
      <>
        <span className="path-wrap" aria-hidden="true">
          {path}
        </span>
        <span className="sr-only">{path}</span>
      </>
    );
  }
  const [head, tail] = splitPath(path);
  return (
    <>
      <span className="path-text path-text--two-lines" aria-hidden="true">
        {head ? <span className="path-text__head">{head}</span> : null}
        <span className="path-text__tail">{tail}</span>
      </span>
      <span className="sr-only">{path}</span>
    </>
  );
}

/**
 * The mountpoint column as MountPath needs it: `headerCell` is the column's
 * heading (same width as its cells), `probe` an element in the cells' font.
 * Remeasured when the column's width changes.
 */
export function usePathColumn(headerCell: RefObject<HTMLElement | null>, probe: RefObject<HTMLElement | null>): PathColumn | null {
  const [column, setColumn] = useState<PathColumn | null>(null);
  useLayoutEffect(() => {
    const cell = headerCell.current;
    const fontOf = probe.current;
    const context = canvasContext();
    if (!cell || !fontOf || !context || typeof ResizeObserver === 'undefined') return;
    const widths = new Map<string, number>();
    const measure = (text: string): number => {
      let w = widths.get(text);
      if (w === undefined) {
        w = context.measureText(text).width;
        if (widths.size > 10_000) widths.clear();
        widths.set(text, w);
      }
      return w;
    };
    let font = '';
    const update = () => {
      const style = getComputedStyle(cell);
      const width = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const probeStyle = getComputedStyle(fontOf);
      const nextFont = `${probeStyle.fontStyle} ${probeStyle.fontWeight} ${probeStyle.fontSize} ${probeStyle.fontFamily}`;
      const fontChanged = nextFont !== font;
      if (fontChanged) {
        font = nextFont;
        context.font = font;
        widths.clear();
      }
      if (width > 0) setColumn((prev) => (prev && prev.width === width && !fontChanged ? prev : { width, measure }));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(cell);
    return () => observer.disconnect();
  }, [headerCell, probe]);
  return column;
}

/** A 2D canvas to measure text with; null where there is none (a test DOM). */
function canvasContext(): CanvasRenderingContext2D | null {
  try {
    return document.createElement('canvas').getContext('2d');
  } catch {
    return null;
  }
}
