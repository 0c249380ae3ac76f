/**
 * The Backups view: the saved plans and the report history; the wizard; the
 * run in progress; or one report. A run in progress stays one click away
 * whatever else is open.
 */
import { assertNever } from '../../../app/errors';
import { selectRunActive } from '../../store/backup-selectors';
import { useApp } from '../../store/store';
import { ReportHistory } from '../reports/report-history';
import { ReportView } from '../reports/report-view';
import { ErrorBox } from './error-box';
import { PlanList } from './plan-list';
import { RunPanel } from './run-panel';
import { Wizard } from './wizard';

function RunningBanner() {
  const active = useApp(selectRunActive);
  const planName = useApp((s) => s.run?.planName);
  const screen = useApp((s) => s.backupScreen);
  const showRun = useApp((s) => s.showRun);
  if (!active || screen === 'run') return null;
  return (
    <div className="run-banner" role="region" aria-label="Backup running">
      <span>Backup “{planName}” is running.</span>
      <button type="button" className="button button--primary" onClick={showRun}>
        Show the run
      </button>
    </div>
  );
}

function Home() {
  const listError = useApp((s) => s.listError);
  const reportError = useApp((s) => s.reportError);
  return (
    <>
      {listError ? <ErrorBox error={listError} title="Backup plans and reports" /> : null}
      {reportError ? <ErrorBox error={reportError} title="The report could not be opened" /> : null}
      <PlanList />
      <ReportHistory />
    </>
  );
}

export function BackupsView() {
  const screen = useApp((s) => s.backupScreen);
  let body;
  switch (screen) {
    case 'home':
      body = <Home />;
      break;
    case 'wizard':
      body = <Wizard />;
      break;
    case 'run':
      body = <RunPanel />;
      break;
    case 'report':
      body = <ReportView />;
      break;
    default:
      body = assertNever(screen, 'backup screen');
  }
  return (
    <div className="backups">
      <RunningBanner />
      {body}
    </div>
  );
}
