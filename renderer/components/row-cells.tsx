/** The read-only cells of a mount row: small pieces, each showing one column. */
import { useShallow } from 'zustand/react/shallow';
import type { DangerMark, FreezeInfo, FreezeState, MountSize } from '../../app/domain';
import { DANGER_LABELS, STATE_LABELS, formatBytes, formatClock, formatDateTime } from '../format';
import { siblingPaths } from '../store/selectors';
import { useApp } from '../store/store';

export function SizeCell({ size }: { size: MountSize }) {
  switch (size.state) {
    case 'pending':
      return <span className="muted">measuring…</span>;
    case 'not-responding':
      return (
        <span className="warn" title={`No answer since ${formatClock(size.sinceMs)}`}>
          not responding
        </span>
      );
    case 'unavailable':
      return (
        <span className="muted" title={size.message}>
          —
        </span>
      );
    case 'ok': {
      const percent = size.totalBytes > 0 ? Math.round((size.usedBytes / size.totalBytes) * 100) : 0;
      return (
        <span className="size" title={`${formatBytes(size.availableBytes)} available`}>
          <span>
            {formatBytes(size.usedBytes)} / {formatBytes(size.totalBytes)}
          </span>
          <span className="usage-bar" aria-hidden="true">
            <span className="usage-bar__fill" style={{ width: `${percent}%` }} />
          </span>
          <span className="sr-only">{percent}% used</span>
        </span>
      );
    }
  }
}

export function StateBadge({ state }: { state: FreezeState }) {
  return (
    <span className="badge" data-state={state}>
      {STATE_LABELS[state]}
    </span>
  );
}

export function FrozenSince({ freeze }: { freeze: FreezeInfo }) {
  const held = freeze.state === 'frozen' || freeze.state === 'thawing' || freeze.state === 'freezing';
  if (held && freeze.frozenAt !== undefined) {
    return (
      <time dateTime={new Date(freeze.frozenAt).toISOString()} title={`Frozen by Freezeframe at ${formatDateTime(freeze.frozenAt)}`}>
        {formatClock(freeze.frozenAt)}
      </time>
    );
  }
  if (freeze.state === 'frozen-elsewhere' && freeze.elsewhereSince !== undefined) {
    return (
      <time dateTime={new Date(freeze.elsewhereSince).toISOString()} title={`Found frozen by another program at ${formatDateTime(freeze.elsewhereSince)}`}>
        {formatClock(freeze.elsewhereSince)}
      </time>
    );
  }
  return <span className="muted">—</span>;
}

export function BindSiblings({ id }: { id: string }) {
  const paths = useApp(useShallow((s) => siblingPaths(s, id)));
  if (paths.length === 0) return <span className="muted">—</span>;
  const [first] = paths;
  return (
    <span className="siblings" title={`Same filesystem also mounted at: ${paths.join(', ')}`}>
      {first}
      {paths.length > 1 ? <span className="muted"> +{paths.length - 1}</span> : null}
    </span>
  );
}

export function DangerMarks({ marks }: { marks: readonly DangerMark[] }) {
  if (marks.length === 0) return null;
  return (
    <ul className="danger-marks">
      {marks.map((mark) => (
        <li key={mark.kind} className="danger-mark" title={mark.reason}>
          <span aria-hidden="true" className="danger-mark__icon">
            ⚠
          </span>
          {DANGER_LABELS[mark.kind]}
          <span className="sr-only">: {mark.reason}</span>
        </li>
      ))}
    </ul>
  );
}
