/**
 * This session's freeze windows as a plot: one lane per mountpoint, a bar
 * from freeze to thaw coloured by how it ended. Times are main's epochs, for
 * display only. A window still open is drawn to its scheduled deadline
 * (moved by each Extend), hatched, so the plot needs no clock of its own.
 */
import type { FreezeWindow, ThawCause } from '../../app/domain';
import { assertNever } from '../../app/errors';
import { THAW_CAUSE_LABELS, formatClock, formatDuration } from '../format';
import { useApp } from '../store/store';

type Ending = 'request' | 'deadline' | 'fault' | 'external' | 'neutral' | 'open';

export function endingOf(cause: ThawCause | null): Ending {
  if (cause === null) return 'open';
  switch (cause) {
    case 'request':
      return 'request';
    case 'deadline':
    case 'backup-window':
      return 'deadline';
    case 'external':
      return 'external';
    case 'shutdown':
    case 'group-rollback':
      return 'neutral';
    case 'lease-expired':
    case 'client-gone':
    case 'signal':
    case 'protocol-abuse':
    case 'helper-exited':
      return 'fault';
    default:
      return assertNever(cause, 'thaw cause');
  }
}

const LEGEND: { ending: Ending; label: string }[] = [
  { ending: 'request', label: 'thawed on request' },
  { ending: 'deadline', label: 'thawed at its deadline' },
  { ending: 'fault', label: 'thawed by a safety net (lease, guardian, signal)' },
  { ending: 'external', label: 'thawed by another program' },
  { ending: 'neutral', label: 'thawed at shutdown or rollback' },
  { ending: 'open', label: 'still frozen (to its deadline)' },
];

const WIDTH = 1000;
const LABEL_WIDTH = 180;
const LANE_HEIGHT = 24;
const AXIS_HEIGHT = 24;
const MIN_SPAN_MS = 60_000;

function endOf(w: FreezeWindow): number {
  return w.thawedAt ?? w.deadlineAt;
}

export function describeWindow(w: FreezeWindow): string {
  const held = w.heldMs ?? (w.thawedAt !== null ? w.thawedAt - w.frozenAt : null);
  const start = `${w.path} frozen at ${formatClock(w.frozenAt)}`;
  if (w.endedBy === null || held === null) return `${start}, still frozen (auto-thaw at ${formatClock(w.deadlineAt)})`;
  return `${start} for ${formatDuration(held / 1000)}, ${THAW_CAUSE_LABELS[w.endedBy]}`;
}

function shortPath(path: string): string {
  return path.length > 24 ? `…${path.slice(-23)}` : path;
}

export function Timeline() {
  const history = useApp((s) => s.history);
  return (
    <section className="timeline" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="section-title">
        Freeze windows this session
      </h2>
      {history.length === 0 ? <p className="muted">No freezes yet in this session.</p> : <TimelinePlot windows={history} />}
    </section>
  );
}

function TimelinePlot({ windows }: { windows: readonly FreezeWindow[] }) {
  const lanes = [...new Set(windows.map((w) => w.path))];
  const t0 = Math.min(...windows.map((w) => w.frozenAt));
  const t1 = Math.max(t0 + MIN_SPAN_MS, ...windows.map(endOf));
  const plotWidth = WIDTH - LABEL_WIDTH - 10;
  const x = (t: number) => LABEL_WIDTH + ((t - t0) / (t1 - t0)) * plotWidth;
  const height = lanes.length * LANE_HEIGHT + AXIS_HEIGHT;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * (t1 - t0));
  const summary = windows.slice(-20).map(describeWindow).join('; ');

  return (
    <>
      <svg className="timeline__plot" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="timeline-title" aria-describedby="timeline-desc" preserveAspectRatio="xMinYMin meet">
        <title id="timeline-title">Freeze windows this session: {windows.length}</title>
        <desc id="timeline-desc">{summary}</desc>
        <defs>
          <pattern id="timeline-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="3" height="6" className="timeline__hatch" />
          </pattern>
        </defs>
        {lanes.map((path, i) => (
          <g key={path}>
            <line x1={LABEL_WIDTH} x2={WIDTH - 10} y1={(i + 1) * LANE_HEIGHT - 2} y2={(i + 1) * LANE_HEIGHT - 2} className="timeline__lane" />
            <text x={LABEL_WIDTH - 8} y={i * LANE_HEIGHT + 16} textAnchor="end" className="timeline__label">
              {shortPath(path)}
            </text>
          </g>
        ))}
        {windows.map((w) => {
          const lane = lanes.indexOf(w.path);
          const left = x(w.frozenAt);
          const ending = endingOf(w.endedBy);
          return (
            <rect
              key={w.id}
              x={left}
              y={lane * LANE_HEIGHT + 4}
              width={Math.max(3, x(endOf(w)) - left)}
              height={LANE_HEIGHT - 8}
              rx="3"
              className={`timeline__bar timeline__bar--${ending}`}
              fill={ending === 'open' ? 'url(#timeline-hatch)' : undefined}
            >
              <title>{describeWindow(w)}</title>
            </rect>
          );
        })}
        {ticks.map((t, i) => (
          <text key={t} x={x(t)} y={height - 6} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'} className="timeline__tick">
            {formatClock(t)}
          </text>
        ))}
      </svg>
      <ul className="timeline__legend" aria-label="Legend">
        {LEGEND.map(({ ending, label }) => (
          <li key={ending}>
            <span className={`swatch swatch--${ending}`} aria-hidden="true" />
            {label}
          </li>
        ))}
      </ul>
    </>
  );
}
