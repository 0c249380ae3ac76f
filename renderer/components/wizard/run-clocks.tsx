/**
 * The run's two clocks, each counting down on this renderer's own clock from
 * the remaining time in the last backup.progress (no per-second traffic).
 * Each subscribes to its own deadline, so a tick re-renders that clock only.
 */
import { formatSpan } from '../../format';
import { selectHoldDeadline, selectQuiesceDeadline } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { CountdownText } from '../countdown';
import { useCountdown } from '../use-countdown';

function Clock({ label, deadlineAt, windowMs, idle, hint }: { label: string; deadlineAt: number | undefined; windowMs: number; idle: string; hint: string }) {
  const seconds = useCountdown(deadlineAt);
  return (
    <div className="run-clock">
      <p className="run-clock__label">{label}</p>
      {seconds === undefined ? <p className="run-clock__idle">{idle}</p> : <CountdownText seconds={seconds} className="run-clock__time" label={label} />}
      <p className="field__hint">
        {formatSpan(windowMs)} window. {hint}
      </p>
    </div>
  );
}

export function RunClocks() {
  const quiesceAt = useApp(selectQuiesceDeadline);
  const holdAt = useApp(selectHoldDeadline);
  const quiesceWindowMs = useApp((s) => s.run?.quiesceWindowMs ?? 0);
  const holdWindowMs = useApp((s) => s.run?.holdWindowMs ?? 0);
  const frozen = useApp((s) => s.run?.frozenAt !== null && s.run?.frozenAt !== undefined);
  const thawed = useApp((s) => s.run?.thawedAt !== null && s.run?.thawedAt !== undefined);
  const writers = useApp((s) => s.run?.writersBlocked ?? 0);
  return (
    <div className="run-clocks">
      <Clock label="Quiesce window" deadlineAt={quiesceAt} windowMs={quiesceWindowMs} idle={thawed ? 'ended' : 'not started'} hint="From the pre-freeze hook to the thaw." />
      <Clock
        label="Hold window"
        deadlineAt={holdAt}
        windowMs={holdWindowMs}
        idle={thawed ? 'thawed' : frozen ? 'frozen' : 'not frozen yet'}
        hint="Writes wait; the filesystems thaw by themselves at its end."
      />
      <p className="run-clocks__writers" aria-live="off">
        {frozen && !thawed ? `${writers} ${writers === 1 ? 'writer' : 'writers'} blocked now` : null}
      </p>
    </div>
  );
}
