/**
 * Always visible while anything is frozen: how many filesystems, which one
 * thaws next and when, and Thaw all. It is not a live region: a ticking
 * countdown must not be read aloud every second.
 */
import { useShallow } from 'zustand/react/shallow';
import { selectFrozenCounts, selectNearestDeadline } from '../store/selectors';
import { useApp } from '../store/store';
import { CountdownText } from './countdown';
import { useCountdown } from './use-countdown';

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function FrozenBanner() {
  const { held, elsewhere } = useApp(useShallow(selectFrozenCounts));
  const nearest = useApp(selectNearestDeadline);
  const thawAll = useApp((s) => s.thawAll);
  const thawAllPending = useApp((s) => s.thawAllPending);
  const seconds = useCountdown(nearest?.deadlineAt);
  if (held === 0 && elsewhere === 0) return null;

  return (
    <section className="frozen-banner" role="region" aria-label="Frozen filesystems">
      <p className="frozen-banner__count">
        <span aria-hidden="true">❄ </span>
        {held > 0 ? plural(held, 'filesystem frozen', 'filesystems frozen') : 'Nothing frozen by Freezeframe'}
        {elsewhere > 0 ? <span className="frozen-banner__elsewhere"> · {plural(elsewhere, 'frozen elsewhere', 'frozen elsewhere')}</span> : null}
      </p>
      {nearest && seconds !== undefined ? (
        <p className="frozen-banner__next">
          Next auto-thaw: <strong className="frozen-banner__path">{nearest.path}</strong> in{' '}
          <CountdownText seconds={seconds} className="frozen-banner__countdown" label="Next auto-thaw" />
        </p>
      ) : null}
      {held > 0 ? (
        <button type="button" className="button button--danger" onClick={() => void thawAll()} aria-disabled={thawAllPending || undefined}>
          Thaw all
        </button>
      ) : null}
    </section>
  );
}
