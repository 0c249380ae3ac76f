/**
 * The main screen. While a dialog is open, everything behind it is inert:
 * no focus, no clicks, hidden from assistive tech. Notices stay outside, so
 * they are still announced.
 */
import { useState } from 'react';
import { AboutDialog } from './components/about-dialog';
import { DialogHost } from './components/dialogs/dialog-host';
import { FrozenBanner } from './components/frozen-banner';
import { HelperPanel, HelperStatusChip } from './components/helper-panel';
import { LazyBackupsView } from './components/lazy-backups-view';
import { MountTable } from './components/mount-table';
import { Notices } from './components/notices';
import { SessionsDialog } from './components/sessions-dialog';
import { Timeline } from './components/timeline';
import { Toolbar } from './components/toolbar';
import { ViewSwitch } from './components/wizard/view-switch';
import { useApp } from './store/store';

export function App() {
  const dialogOpen = useApp((s) => s.dialog !== null);
  const [aboutOpen, setAboutOpen] = useState(false);
  const [sessionsOpen, setSessionsOpen] = useState(false);
  const view = useApp((s) => s.view);
  return (
    <>
      <div className="app" inert={dialogOpen || aboutOpen || sessionsOpen}>
        <header className="app-header">
          <h1 className="app-header__title">
            <span aria-hidden="true">❄ </span>Freezeframe
          </h1>
          <HelperStatusChip />
          <ViewSwitch />
          <Toolbar onAbout={() => setAboutOpen(true)} onSessions={() => setSessionsOpen(true)} />
        </header>
        <FrozenBanner />
        <HelperPanel />
        {view === 'filesystems' ? (
          <>
            <main className="app-main" id="view-panel" aria-label="Filesystems">
              <MountTable />
            </main>
            <Timeline />
          </>
        ) : (
          <main className="app-main app-main--backups" id="view-panel" aria-label="Backups">
            <LazyBackupsView />
          </main>
        )}
      </div>
      <Notices />
      <DialogHost />
      {aboutOpen && <AboutDialog onClose={() => setAboutOpen(false)} />}
      {sessionsOpen && <SessionsDialog onClose={() => setSessionsOpen(false)} />}
    </>
  );
}
