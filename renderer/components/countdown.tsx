/**
 * The auto-thaw countdown of one frozen row. It subscribes to that row's
 * deadline only and ticks by itself, so a tick re-renders this element and
 * not its row, the table, or any other row.
 */
import { memo } from 'react';
import { formatDuration } from '../format';
import { countRender } from '../perf/render-count';
import { selectDeadline } from '../store/selectors';
import { useApp } from '../store/store';
import { useCountdown } from './use-countdown';

export const Countdown = memo(function Countdown({ id }: { id: string }) {
  countRender(`countdown:${id}`);
  const deadlineAt = useApp(selectDeadline(id));
  const seconds = useCountdown(deadlineAt);
  if (seconds === undefined) return null;
  return <CountdownText seconds={seconds} className="countdown" label="Auto-thaw countdown" />;
});

export function CountdownText({ seconds, className, label }: { seconds: number; className: string; label: string }) {
  return (
    <span role="timer" aria-label={label} className={seconds === 0 ? `${className} is-due` : className} data-remaining-s={seconds}>
      {formatDuration(seconds)}
    </span>
  );
}
