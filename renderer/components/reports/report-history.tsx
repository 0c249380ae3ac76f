/** Past runs, newest first: outcome, trust, hold against its window; each opens its report. */
import type { ReportSummary } from '../../../app/backup';
import { formatDateTime, formatSeconds, formatSpan } from '../../format';
import { useApp } from '../../store/store';
import { METHOD_LABELS, OUTCOME_LABELS } from '../wizard/labels';

export function summaryName(r: ReportSummary): string {
  return `${r.planName} at ${formatDateTime(r.startedAt)}`;
}

function held(r: ReportSummary): string {
  return r.heldMs === null ? 'nothing frozen' : `${formatSeconds(r.heldMs)} of ${formatSpan(r.holdWindowMs)}`;
}

export function ReportHistory() {
  const reports = useApp((s) => s.reports);
  const openReport = useApp((s) => s.openReport);
  const sorted = [...reports].sort((a, b) => b.startedAt - a.startedAt);
  return (
    <section className="backups__section" aria-labelledby="reports-heading">
      <h2 id="reports-heading" className="section-title">
        Backup reports
      </h2>
      {sorted.length === 0 ? (
        <p className="muted">No backups have run yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-labelledby="reports-heading">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Plan</th>
                <th scope="col">Method</th>
                <th scope="col">Outcome</th>
                <th scope="col">Snapshot</th>
                <th scope="col">Held</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.runId} aria-label={summaryName(r)} data-outcome={r.outcome}>
                  <td>{formatDateTime(r.startedAt)}</td>
                  <th scope="row">{r.planName}</th>
                  <td>{METHOD_LABELS[r.method]}</td>
                  <td className={r.outcome === 'succeeded' ? undefined : 'field__problem'}>{OUTCOME_LABELS[r.outcome]}</td>
                  <td className={r.trustworthy ? undefined : 'field__problem'}>{r.trustworthy ? 'trustworthy' : 'NOT trustworthy'}</td>
                  <td>{held(r)}</td>
                  <td>
                    <button type="button" className="button" onClick={() => void openReport(r.runId)}>
                      Open report
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
