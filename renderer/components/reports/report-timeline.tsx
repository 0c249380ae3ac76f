/**
 * A run on one time axis: a lane each for quiesce, freeze, snapshot, thaw and
 * backup, the phases as bars coloured by outcome, the hold drawn against its
 * window (dashed) and the quiesce window likewise. Times are main's epochs,
 * relative to the run's start. A table below gives the same figures in words.
 */
import { noHoldSentence, type BackupPhase, type BackupReport, type PhaseRecord } from '../../../app/backup';
import { formatSeconds } from '../../format';
import { PHASE_LABELS } from '../wizard/labels';

const LANES = ['Quiesce', 'Freeze', 'Snapshot', 'Thaw', 'Backup'] as const;
type Lane = (typeof LANES)[number];

export const LANE_OF: Record<BackupPhase, Lane | null> = {
  preflight: null,
  'pre-freeze-hook': 'Quiesce',
  'hold-hook': 'Quiesce',
  sync: 'Quiesce',
  freeze: 'Freeze',
  snapshot: 'Snapshot',
  thaw: 'Thaw',
  'release-hold': 'Thaw',
  'post-thaw-hook': 'Thaw',
  verify: 'Backup',
  export: 'Backup',
  retention: 'Backup',
};

const WIDTH = 1000;
const LABEL_WIDTH = 90;
const LANE = 26;
const AXIS = 22;

const LEGEND = [
  ['held', 'held frozen'],
  ['window', 'window (dashed)'],
  ['ok', 'phase ok'],
  ['failed', 'failed or cancelled'],
] as const;

function describePhase(p: PhaseRecord, t0: number): string {
  return `${PHASE_LABELS[p.phase]}: from +${formatSeconds(p.startedAt - t0)}, took ${formatSeconds(p.endedAt - p.startedAt)}, ${p.outcome}${p.detail ? ` (${p.detail})` : ''}`;
}

export function ReportTimeline({ report }: { report: BackupReport }) {
  const t0 = Math.min(report.startedAt, ...report.timeline.map((p) => p.startedAt));
  const holdWindowEnd = report.hold ? report.hold.frozenAt + report.hold.windowMs : 0;
  const t1 = Math.max(t0 + 1000, report.endedAt, holdWindowEnd, ...report.timeline.map((p) => p.endedAt));
  const plotWidth = WIDTH - LABEL_WIDTH - 12;
  const x = (t: number) => LABEL_WIDTH + ((Math.min(t, t1) - t0) / (t1 - t0)) * plotWidth;
  const laneY = (lane: Lane) => LANES.indexOf(lane) * LANE;
  const height = LANES.length * LANE + AXIS;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => t0 + f * (t1 - t0));
  const q = report.quiesce;
  const h = report.hold;
  const summary = [
    h ? `Held ${formatSeconds(h.heldMs)} of a ${formatSeconds(h.windowMs)} hold window (${h.withinWindow ? 'within' : 'exceeded'}).` : noHoldSentence(report),
    `Quiesce took ${formatSeconds(q.ms)} of ${formatSeconds(q.windowMs)} (${q.withinWindow ? 'within' : 'exceeded'}).`,
    ...report.timeline.map((p) => describePhase(p, t0)),
  ].join(' ');

  return (
    <figure className="report-plot">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="report-plot-title" aria-describedby="report-plot-desc" preserveAspectRatio="xMinYMin meet">
        <title id="report-plot-title">Backup timeline</title>
        <desc id="report-plot-desc">{summary}</desc>
        {LANES.map((lane) => (
          <g key={lane}>
            <line x1={LABEL_WIDTH} x2={WIDTH - 12} y1={laneY(lane) + LANE - 1} y2={laneY(lane) + LANE - 1} className="timeline__lane" />
            <text x={LABEL_WIDTH - 8} y={laneY(lane) + 17} textAnchor="end" className="timeline__label">
              {lane}
            </text>
          </g>
        ))}
        <rect x={x(q.startedAt)} y={laneY('Quiesce') + 2} width={Math.max(2, x(q.startedAt + q.windowMs) - x(q.startedAt))} height={LANE - 5} className="report-plot__window">
          <title>Quiesce window: {formatSeconds(q.windowMs)}</title>
        </rect>
        {h ? (
          <rect x={x(h.frozenAt)} y={laneY('Freeze') + 2} width={Math.max(2, x(holdWindowEnd) - x(h.frozenAt))} height={LANE - 5} className="report-plot__window" data-kind="hold-window">
            <title>Hold window: {formatSeconds(h.windowMs)}</title>
          </rect>
        ) : null}
        {report.timeline.map((p, i) => {
          const lane = LANE_OF[p.phase];
          if (!lane) return null;
          return (
            <rect key={i} x={x(p.startedAt)} y={laneY(lane) + 5} width={Math.max(2, x(p.endedAt) - x(p.startedAt))} height={LANE - 11} rx="2" className={`report-plot__phase is-${p.outcome}`}>
              <title>{describePhase(p, t0)}</title>
            </rect>
          );
        })}
        {/* The hold on top of the phases: it is the figure that matters. */}
        {h ? (
          <rect
            x={x(h.frozenAt)}
            y={laneY('Freeze') + 7}
            width={Math.max(2, x(h.thawedAt) - x(h.frozenAt))}
            height={LANE - 15}
            className={h.withinWindow ? 'report-plot__held' : 'report-plot__held is-exceeded'}
            data-kind="held"
          >
            <title>Held: {formatSeconds(h.heldMs)}</title>
          </rect>
        ) : null}
        {ticks.map((t, i) => (
          <text key={i} x={x(t)} y={height - 6} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'} className="timeline__tick">
            +{formatSeconds(t - t0)}
          </text>
        ))}
      </svg>
      <figcaption className="timeline__legend">
        {LEGEND.map(([swatch, text]) => (
          <span key={swatch}>
            <span className={`swatch swatch--${swatch}`} aria-hidden="true" />
            {text}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function PhaseTable({ report }: { report: BackupReport }) {
  const t0 = Math.min(report.startedAt, ...report.timeline.map((p) => p.startedAt));
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Phases</caption>
        <thead>
          <tr>
            <th scope="col">Phase</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Outcome</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {report.timeline.map((p, i) => (
            <tr key={i} aria-label={PHASE_LABELS[p.phase]} data-outcome={p.outcome}>
              <th scope="row">{PHASE_LABELS[p.phase]}</th>
              <td>+{formatSeconds(p.startedAt - t0)}</td>
              <td>{formatSeconds(p.endedAt - p.startedAt)}</td>
              <td className={p.outcome === 'ok' || p.outcome === 'skipped' ? undefined : 'field__problem'}>{p.outcome}</td>
              <td>{p.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
