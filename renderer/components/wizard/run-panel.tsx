/**
 * Step 5, the run: status, both clocks, the phases, a progress bar for the
 * clone and the export, the operator's moment for the manual method, and
 * the live output. Cancel is always there while it runs.
 */
import type { BackupRunState } from '../../../app/backup';
import { formatBytes } from '../../format';
import { isActive } from '../../store/backup-run-slice';
import { useApp } from '../../store/store';
import { ErrorBox } from './error-box';
import { PHASE_LABELS, STATUS_LABELS } from './labels';
import { ManualSnapshot } from './manual-snapshot';
import { RunClocks } from './run-clocks';
import { RunOutput } from './run-output';
import { RunPhases } from './run-phases';

function Progress({ progress }: { progress: NonNullable<BackupRunState['progress']> }) {
  const pct = progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;
  const text = `${formatBytes(progress.done)} of ${formatBytes(progress.total)}`;
  return (
    <div className="progress">
      <p className="progress__label">
        {progress.label}: {text} ({pct}%)
      </p>
      <div className="progress__track" role="progressbar" aria-label={progress.label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={text}>
        <div className="progress__bar" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

function EndButtons({ runId }: { runId: string }) {
  const report = useApp((s) => (s.report?.runId === runId ? s.report : null));
  const awaiting = useApp((s) => s.awaitingReport === runId);
  const openReport = useApp((s) => s.openReport);
  const showHome = useApp((s) => s.showHome);
  return (
    <div className="wizard__buttons">
      {awaiting && !report ? <span className="muted">Writing the report…</span> : null}
      <button type="button" className="button button--primary" disabled={awaiting && !report} onClick={() => void openReport(runId)}>
        Open report
      </button>
      <button type="button" className="button" onClick={showHome}>
        Back to backups
      </button>
    </div>
  );
}

export function RunPanel() {
  const run = useApp((s) => s.run);
  const runError = useApp((s) => s.runError);
  const cancelRun = useApp((s) => s.cancelRun);
  const cancelling = useApp((s) => s.runAction === 'cancel');
  const showHome = useApp((s) => s.showHome);
  if (!run) {
    return (
      <section className="run" aria-label="Backup run">
        <p className="muted">No backup is running.</p>
        <button type="button" className="button" onClick={showHome}>
          Back to backups
        </button>
      </section>
    );
  }
  const active = isActive(run.status);
  return (
    <section className="run" aria-labelledby="run-title" data-status={run.status}>
      <div className="wizard__header">
        <h2 id="run-title" className="section-title">
          Backup {run.planName}
        </h2>
        {active ? (
          <button type="button" className="button button--danger" disabled={cancelling} onClick={() => void cancelRun()}>
            Cancel
          </button>
        ) : null}
      </div>
      <p className="run__status" role="status">
        {STATUS_LABELS[run.status]}
        {active ? ` — ${PHASE_LABELS[run.phase]}` : ''}
      </p>
      <RunClocks />
      <div className="run__body">
        <RunPhases />
        <div className="run__main">
          {run.progress ? <Progress progress={run.progress} /> : null}
          {run.status === 'waiting-for-operator' ? <ManualSnapshot /> : null}
          {run.error ? <ErrorBox error={run.error} title={run.status === 'cancelled' ? 'The backup was cancelled' : 'The backup failed'} /> : null}
          {runError ? <ErrorBox error={runError} title="That did not work" /> : null}
          <RunOutput />
        </div>
      </div>
      {active ? null : <EndButtons runId={run.runId} />}
    </section>
  );
}
