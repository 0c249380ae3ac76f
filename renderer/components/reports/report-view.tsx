/**
 * Step 6, and a report opened from the history: the outcome, whether the
 * snapshot can be trusted (and why not), the timeline, the figures; export
 * as JSON or Markdown; Retry when it failed or cannot be trusted.
 */
import { useState } from 'react';
import { noHoldSentence, type BackupReport } from '../../../app/backup';
import { humanMessage } from '../../../app/error-messages';
import { formatDateTime, formatSeconds } from '../../format';
import { selectRunActive } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { ErrorBox } from '../wizard/error-box';
import { METHOD_LABELS, OUTCOME_LABELS } from '../wizard/labels';
import { downloadText } from './download';
import { ExportSection, HooksSection, MembersSection, RetentionSection, VerificationSection, WindowsSection } from './report-sections';
import { PhaseTable, ReportTimeline } from './report-timeline';

export function trustText(report: BackupReport): string {
  if (report.trustworthy) {
    return report.hold
      ? `Captured within its windows: held frozen ${formatSeconds(report.hold.heldMs)} of a ${formatSeconds(report.hold.windowMs)} hold window.`
      : 'Captured atomically (nothing needed to be frozen).';
  }
  const why = report.untrustworthyReason ?? (report.error ? humanMessage(report.error) : report.outcome === 'cancelled' ? 'The run was cancelled.' : 'The snapshot was not completed.');
  return `${why} Do not back up from this snapshot.`;
}

function TrustBox({ report }: { report: BackupReport }) {
  return (
    <section className={report.trustworthy ? 'trust trust--ok' : 'trust trust--bad'} aria-label="Trust" data-trustworthy={report.trustworthy}>
      <p className="trust__title">{report.trustworthy ? '✓ Snapshot trustworthy' : '✗ Snapshot NOT trustworthy'}</p>
      <p>{trustText(report)}</p>
      {report.hold === null ? <p className="trust__nothing">{noHoldSentence(report)}</p> : null}
    </section>
  );
}

function ReportButtons({ report }: { report: BackupReport }) {
  const exportReport = useApp((s) => s.exportReport);
  const reviewPlanAgain = useApp((s) => s.reviewPlanAgain);
  const running = useApp(selectRunActive);
  const [saved, setSaved] = useState('');
  const save = async (format: 'json' | 'markdown') => {
    const file = await exportReport(report.runId, format);
    if (!file) return;
    downloadText(file.filename, file.mime, file.text);
    setSaved(`Saved ${file.filename}.`);
  };
  const retry = report.outcome !== 'succeeded' || !report.trustworthy;
  return (
    <div className="wizard__buttons report__buttons">
      <span role="status" className="muted">
        {saved}
      </span>
      <button type="button" className="button" onClick={() => void save('json')}>
        Export JSON
      </button>
      <button type="button" className="button" onClick={() => void save('markdown')}>
        Export Markdown
      </button>
      {retry ? (
        <button type="button" className="button button--primary" disabled={running} onClick={() => reviewPlanAgain(report.plan)}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export function ReportView() {
  const report = useApp((s) => s.report);
  const reportError = useApp((s) => s.reportError);
  const showHome = useApp((s) => s.showHome);
  if (!report) {
    return (
      <p className="muted">
        No report is open.{' '}
        <button type="button" className="link-button" onClick={showHome}>
          Back to backups
        </button>
      </p>
    );
  }
  return (
    <article className="report" aria-labelledby="report-title" data-outcome={report.outcome}>
      <div className="wizard__header">
        <h2 id="report-title" className="section-title">
          Report: {report.plan.name}, {formatDateTime(report.startedAt)}
        </h2>
        <button type="button" className="button" onClick={showHome}>
          Back to backups
        </button>
      </div>
      <p className="report__outcome">
        <strong>{OUTCOME_LABELS[report.outcome]}</strong>
        <span className="muted">
          {' '}
          · {METHOD_LABELS[report.plan.method]} · {report.plan.mounts.join(', ')} · took {formatSeconds(report.endedAt - report.startedAt)}
        </span>
      </p>
      <TrustBox report={report} />
      {report.error ? <ErrorBox error={report.error} title="What went wrong" /> : null}
      {reportError ? <ErrorBox error={reportError} title="The report could not be exported" /> : null}
      <ReportButtons report={report} />
      <ReportTimeline report={report} />
      <WindowsSection report={report} />
      <MembersSection report={report} />
      <PhaseTable report={report} />
      <h3 className="wizard__subtitle">Hooks</h3>
      <HooksSection report={report} />
      <h3 className="wizard__subtitle">Verification</h3>
      <VerificationSection report={report} />
      <h3 className="wizard__subtitle">Export</h3>
      <ExportSection report={report} />
      <h3 className="wizard__subtitle">Retention</h3>
      <RetentionSection report={report} />
      <p className="muted">
        Run {report.runId} · kernel {report.host.kernel} · Freezeframe {report.host.appVersion}
      </p>
    </article>
  );
}
