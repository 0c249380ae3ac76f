/**
 * The main screen. While a dialog is open, everything behind it is inert:
 * no focus, no clicks, hidden from assistive tech. Notices stay outside, so
 * they are still announced.
 */
import { DialogHost } from './components/dialogs/dialog-host';
import { FrozenBanner } from './components/frozen-banner';
import { HelperPanel, HelperStatusChip } from './components/helper-panel';
import { MountTable } from './components/mount-table';
import { Notices } from './components/notices';
import { Timeline } from './components/timeline';
import { Toolbar } from './components/toolbar';
import { useApp } from './store/store';

export function App() {
  const dialogOpen = useApp((s) => s.dialog !== null);
  return (
    <>
      <div className="app" inert={dialogOpen}>
        <header className="app-header">
          <h1 className="app-header__title">
            <span aria-hidden="true">❄ </span>Freezeframe
          </h1>
          <HelperStatusChip />
          <Toolbar />
        </header>
        <FrozenBanner />
        <HelperPanel />
        <main className="app-main">
          <MountTable />
        </main>
        <Timeline />
      </div>
      <Notices />
      <DialogHost />
    </>
  );
}
