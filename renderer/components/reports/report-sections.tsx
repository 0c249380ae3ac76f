/** The report's detail: windows, members, hooks, verification, export, retention, the operator's notes. */
import { noHoldSentence, type BackupReport } from '../../../app/backup';
import { formatBytes, formatDateTime, formatSeconds } from '../../format';
import { CAPTURE_LABELS, commandLine, ROLE_LABELS } from '../wizard/labels';

function windowFigure(ms: number, windowMs: number, within: boolean): string {
  return `${formatSeconds(ms)} of a ${formatSeconds(windowMs)} window — ${within ? 'within the window' : 'the window was exceeded'}`;
}

export function WindowsSection({ report }: { report: BackupReport }) {
  const { hold, quiesce } = report;
  return (
    <dl className="report-facts">
      <dt>Hold</dt>
      <dd data-testid="hold-figure" className={hold && !hold.withinWindow ? 'field__problem' : undefined}>
        {hold ? windowFigure(hold.heldMs, hold.windowMs, hold.withinWindow) : noHoldSentence(report)}
      </dd>
      <dt>Quiesce</dt>
      <dd className={quiesce.withinWindow ? undefined : 'field__problem'}>
        {windowFigure(quiesce.ms, quiesce.windowMs, quiesce.withinWindow)}
      </dd>
      <dt>Most writers blocked at once</dt>
      <dd>{report.maxWritersBlocked}</dd>
      {report.snapshotConfirmedAt !== undefined ? (
        <>
          <dt>Snapshot confirmed by the operator</dt>
          <dd>{formatDateTime(report.snapshotConfirmedAt)}</dd>
        </>
      ) : null}
      {report.operatorNotes ? (
        <>
          <dt>Operator’s notes</dt>
          <dd className="report-notes">{report.operatorNotes}</dd>
        </>
      ) : null}
    </dl>
  );
}

export function MembersSection({ report }: { report: BackupReport }) {
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Members and how each was captured</caption>
        <thead>
          <tr>
            <th scope="col">Mountpoint</th>
            <th scope="col">Type</th>
            <th scope="col">Captured</th>
            <th scope="col">Snapshot</th>
          </tr>
        </thead>
        <tbody>
          {report.members.map((m) => (
            <tr key={m.mountpoint} aria-label={m.mountpoint}>
              <th scope="row">{m.mountpoint}</th>
              <td>
                {m.fsType} <span className="muted">· {m.device}</span>
              </td>
              <td className={m.capture === 'not-captured' ? 'field__problem' : undefined}>{CAPTURE_LABELS[m.capture]}</td>
              <td className="mono">
                {m.snapshot
                  ? [m.snapshot.kind, m.snapshot.path, m.snapshot.bytes === undefined ? null : formatBytes(m.snapshot.bytes), m.snapshot.reflinked === undefined ? null : m.snapshot.reflinked ? 'reflinked' : 'copied']
                      .filter(Boolean)
                      .join(' · ')
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function HooksSection({ report }: { report: BackupReport }) {
  if (report.hooks.length === 0) return <p className="muted">No hooks or commands ran.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Hooks and commands</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Command</th>
            <th scope="col">Outcome</th>
            <th scope="col">Exit</th>
            <th scope="col">Took</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {report.hooks.map((h, i) => (
            <tr key={i} aria-label={ROLE_LABELS[h.role]} data-outcome={h.outcome}>
              <th scope="row">{ROLE_LABELS[h.role]}</th>
              <td className="mono">{commandLine(h.argv, false)}</td>
              <td className={h.outcome === 'ok' || h.outcome === 'released' ? undefined : 'field__problem'}>{h.outcome}</td>
              <td>{h.exitCode ?? h.signal ?? '—'}</td>
              <td>{formatSeconds(h.ms)}</td>
              <td>
                {h.outputTail ? (
                  <details>
                    <summary>last lines</summary>
                    <pre className="report-pre">{h.outputTail}</pre>
                  </details>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function VerificationSection({ report }: { report: BackupReport }) {
  if (report.verification.length === 0) return <p className="muted">The snapshot was not verified.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Verification</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {report.verification.map((v) => (
            <tr key={v.mountpoint} aria-label={`Verification of ${v.mountpoint}`} data-ok={v.ok}>
              <th scope="row">{v.mountpoint}</th>
              <td className="mono">{v.argv.join(' ')}</td>
              <td className={v.ok ? undefined : 'field__problem'}>
                {v.ok ? 'clean' : `NOT clean (exit ${v.exitCode ?? 'none'})`}
                {v.note ? <p className="report-note">{v.note}</p> : null}
              </td>
              <td>
                <details>
                  <summary>{v.tool} output</summary>
                  <pre className="report-pre">{v.output || '(none)'}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type ExportRecord = NonNullable<BackupReport['export']>;

/** Every export of the run (a btrfs snapshot per member, plus images), or the one. */
export function exportsOf(report: BackupReport): ExportRecord[] {
  return report.exports ?? (report.export ? [report.export] : []);
}

function ExportTable({ exp }: { exp: ExportRecord }) {
  return (
    <>
      <p>
        Exported {formatBytes(exp.bytes)} in {formatSeconds(exp.ms)} to <code>{exp.directory}</code>, manifest <code>{exp.manifest}</code>.
      </p>
      <div className="table-scroll">
        <table className="data-table" aria-label={`Exported files in ${exp.directory}`}>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {exp.files.map((f) => (
              <tr key={f.path} aria-label={f.path}>
                <th scope="row" className="mono">
                  {f.path}
                </th>
                <td>{formatBytes(f.bytes)}</td>
                <td className="mono report-sha">{f.sha256}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function ExportSection({ report }: { report: BackupReport }) {
  const all = exportsOf(report);
  if (all.length === 0) return <p className="muted">Nothing was exported.</p>;
  return (
    <>
      {all.map((exp) => (
        <ExportTable key={exp.directory} exp={exp} />
      ))}
    </>
  );
}

/** What retention removed of older runs, what it left alone and why, and (apart) what this run removed of its own. */
export function RetentionSection({ report }: { report: BackupReport }) {
  const { removed, kept = [] } = report.retention;
  const discarded = report.discarded ?? [];
  return (
    <>
      {removed.length === 0 ? (
        <p className="muted">Retention removed nothing.</p>
      ) : (
        <>
          <p>Retention removed {removed.length === 1 ? 'one older backup' : `${removed.length} older backups`}:</p>
          <ul className="mono">
            {removed.map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
        </>
      )}
      {kept.length > 0 ? (
        <>
          <p>Retention left alone, though named like an older backup of this plan:</p>
          <ul>
            {kept.map((k) => (
              <li key={k.path}>
                <span className="mono">{k.path}</span>: {k.why}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {discarded.length > 0 ? (
        <>
          <p>This run removed what it had made itself (not a backup to keep):</p>
          <ul className="mono">
            {discarded.map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
