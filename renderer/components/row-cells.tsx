/** The read-only cells of a mount row: small pieces, each showing one column. */
import { useShallow } from 'zustand/react/shallow';
import type { FreezeInfo, FreezeState, MountSize } from '../../app/domain';
import { STATE_LABELS, formatBytes, formatClock, formatDateTime } from '../format';
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
      <PathText path={first!} />
      {paths.length > 1 ? <span className="siblings__more muted"> +{paths.length - 1}</span> : null}
    </span>
  );
}

/** Where a long path is cut: before its last component, which is what tells mounts apart. */
export function splitPath(path: string): [head: string, tail: string] {
  const cut = path.lastIndexOf('/', path.length - 2);
  if (cut <= 0) return ['', path];
  return [path.slice(0, cut), path.slice(cut)];
}

/**
 * A path that, when too long for its box, loses the middle rather than the
 * end: "/tmp/freezeframe-fx-…/data-ext4". Its two visible pieces are flex
 * items, which screen readers could read as two words: they hear the whole
 * path as one piece of hidden text instead. Callers put the path in a title.
 */
export function PathText({ path }: { path: string }) {
  const [head, tail] = splitPath(path);
  return (
    <>
      <span className="path-text" aria-hidden="true">
        {head ? <span className="path-text__head">{head}</span> : null}
        <span className="path-text__tail">{tail}</span>
      </span>
      <span className="sr-only">{path}</span>
    </>
  );
}
