/**
 * The Electron app: one instance, one window, a tray, desktop notifications,
 * and a quit that asks and thaws first. Bundled to dist/main/electron-main.cjs.
 * The GUI never runs as root; the helper is started through pkexec when the
 * first action needs it (main/core's supervisor).
 */
import { app, dialog, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { createCore } from '../core/index';
import type { Core } from '../core/api';
import { locateHelper } from '../helper/helper-path';
import { loadStaticFiles } from '../web/static-files';
import { installIpcAdapter } from './ipc-adapter';
import { notifyAutoThaws, showDesktopNotice } from './notifications';
import { createQuitGuard } from './quit-guard';
import { createTray } from './tray';
import { createMainWindow, hardenAllWebContents, hardenSession, registerAppScheme, serveAppProtocol } from './window';

let mainWindow: BrowserWindow | undefined;

function liveWindow(): BrowserWindow | undefined {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
}

async function start(): Promise<void> {
  const appPath = app.getAppPath();
  const helper = locateHelper(appPath);
  hardenSession(session.defaultSession, helper.development);
  serveAppProtocol(await loadStaticFiles(join(appPath, 'dist', 'renderer')));

  const core = await createCore({
    frontDoor: 'electron',
    appVersion: app.getVersion(),
    helperPath: helper.helperPath,
    development: helper.development,
    appDataDirs: [app.getPath('userData'), app.getPath('logs')],
    logFile: join(app.getPath('logs'), 'freezeframe.log'),
    electronVersion: process.versions.electron,
  });

  const showWindow = (): void => {
    let window = liveWindow();
    if (!window) {
      window = createMainWindow({ preloadPath: join(appPath, 'dist', 'main', 'preload.cjs'), development: helper.development });
      mainWindow = window;
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  installIpcAdapter(core, () => liveWindow()?.webContents);
  notifyAutoThaws(core);
  createTray(core, {
    showWindow,
    thawAll: () => void thawAllFromTray(core),
    quit: () => app.quit(),
  });
  installQuitGuard(core);
  app.on('second-instance', showWindow);
  // The quit guard asks first if anything is frozen; after a Cancel the tray can bring the window back.
  app.on('window-all-closed', () => app.quit());
  showWindow();
}

async function thawAllFromTray(core: Core): Promise<void> {
  const result = await core.dispatch('freeze.thawAll', {});
  if (!result.ok) showDesktopNotice({ title: 'Thaw all failed', body: result.error.message });
}

function installQuitGuard(core: Core): void {
  const guard = createQuitGuard({
    frozenCount: () => core.frozenCount(),
    confirmThaw: async (count) => {
      const options = {
        type: 'warning' as const,
        title: 'Quit Freezeframe',
        message: `Thaw ${count} filesystem${count === 1 ? '' : 's'} and quit?`,
        detail: 'Freezeframe thaws everything it froze before it exits; programs waiting to write there continue.',
        buttons: ['Thaw and Quit', 'Cancel'],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      };
      const window = liveWindow();
      const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      return response === 0;
    },
    shutdown: () => core.shutdown(),
    quit: () => app.quit(),
    report: (message) => process.stderr.write(`freezeframe: ${message}\n`),
  });
  app.on('before-quit', (event) => guard.onBeforeQuit(event));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => guard.thawAndQuit());
}

if (!app.requestSingleInstanceLock()) {
  // Another Freezeframe runs: it gets 'second-instance' and shows its window.
  app.quit();
} else {
  registerAppScheme();
  app.enableSandbox();
  hardenAllWebContents(app);
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('Freezeframe could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
