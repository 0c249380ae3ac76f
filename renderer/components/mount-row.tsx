/**
 * One filesystem row, labelled with its mountpoint. It reads its own row
 * from the store by id (narrow selectors), so an update of another row, a
 * search keystroke that keeps it visible, or a countdown tick do not
 * re-render it.
 */
import { memo } from 'react';
import { describeError } from '../../app/error-messages';
import { countRender } from '../perf/render-count';
import { selectRow, selectRowError } from '../store/selectors';
import { useApp } from '../store/store';
import { Countdown } from './countdown';
import { MountPath } from './mount-path';
import { DangerMarks } from './danger-marks';
import { BindSiblings, FrozenSince, PathText, SizeCell, StateBadge } from './row-cells';
import { RowActions } from './row-actions';
import { dangerTop, messageTop } from './row-layout';
import { Writers } from './writers';

interface Props {
  id: string;
  /** 1-based position among all rows of the table, header included (aria-rowindex). */
  rowIndex: number;
  top: number;
  height: number;
}

export const MountRow = memo(function MountRow({ id, rowIndex, top, height }: Props) {
  countRender(`row:${id}`);
  const row = useApp(selectRow(id));
  const pending = useApp((s) => s.pending[id]);
  const error = useApp(selectRowError(id));
  const selected = useApp((s) => s.selectedId === id);
  const expanded = useApp((s) => s.expanded[id] === true);
  const dangerExpanded = useApp((s) => s.dangerExpanded[id] === true);
  const select = useApp((s) => s.select);
  if (!row) return null;
  const state = row.freeze.state;
  const classes = ['mount-row', selected ? 'is-selected' : '', row.danger.length ? 'is-dangerous' : ''].filter(Boolean).join(' ');

  return (
    <div
      role="row"
      aria-label={row.path}
      aria-rowindex={rowIndex}
      aria-busy={pending ? true : undefined}
      aria-current={selected ? 'true' : undefined}
      className={classes}
      data-state={state}
      data-id={id}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => select(id)}
      // Keyboard users get the same highlight as a click: it follows focus into the row.
      onFocus={() => select(id)}
    >
      <div role="cell" className="cell cell--path" title={row.path}>
        <MountPath path={row.path} />
      </div>
      <div role="cell" className="cell cell--source" title={row.source}>
        <PathText path={row.source} />
      </div>
      <div role="cell" className="cell" title={row.fsType}>
        {row.fsType}
      </div>
      <div role="cell" className="cell">
        <SizeCell size={row.size} />
      </div>
      <div role="cell" className="cell">
        {row.readOnly ? <abbr title="read-only">ro</abbr> : <span className="muted">rw</span>}
      </div>
      <div role="cell" className="cell">
        <StateBadge state={state} />
        {error ? (
          <p className="row-extra row-error" role="note" style={{ top: messageTop() }} title={`${error.code}: ${error.message}`}>
            <span aria-hidden="true">✖ </span>
            {describeError(error)} <code className="row-error__code">{error.code}</code>
          </p>
        ) : null}
      </div>
      <div role="cell" className="cell">
        <FrozenSince freeze={row.freeze} />
      </div>
      <div role="cell" className="cell cell--countdown">
        {state === 'frozen' ? <Countdown id={id} /> : null}
      </div>
      <div role="cell" className="cell">
        <Writers id={id} writers={row.freeze.writers} state={state} expanded={expanded} hasMessage={error !== undefined} />
      </div>
      <div role="cell" className="cell">
        <BindSiblings id={id} />
      </div>
      <div role="cell" className="cell cell--danger">
        <DangerMarks id={id} marks={row.danger} expanded={dangerExpanded} listTop={dangerTop(row, expanded, error !== undefined)} />
      </div>
      <div role="cell" className="cell cell--actions">
        <RowActions row={row} pending={pending} />
      </div>
    </div>
  );
});
