/**
 * The Electron app: one instance, one window, a tray, desktop notifications,
 * and a quit that asks and thaws first. Bundled to dist/main/electron-main.cjs.
 * The GUI never runs as root; the helper is started through pkexec when the
 * first action needs it (main/core's supervisor).
 */
import { app, dialog, session, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { createCore, type CoreSeams } from '../core/index';
import type { Core } from '../core/api';
import { builtGuardianSha256, builtHelperSha256 } from '../helper/appimage-install';
import { locateHelper, realFileChecks, type HelperLocation } from '../helper/helper-path';
import { loadStaticFiles } from '../adapters-shared/static-files';
import { installAppMenu } from './app-menu';
import { appImageHelperStarter } from './appimage-helper';
import { confirmCommandsWith } from './confirm-commands';
import { installIpcAdapter } from './ipc-adapter';
import { notifyAutoThaws, showDesktopNotice } from './notifications';
import { showMessageBoxOn } from './message-box';
import { createQuitGuard } from './quit-guard';
import { backupCliArgs, runCliMode } from './cli-mode';
import { createTray } from './tray';
import { createMainWindow, hardenAllWebContents, hardenSession, registerAppScheme, serveAppProtocol } from './window';

let mainWindow: BrowserWindow | undefined;

function liveWindow(): BrowserWindow | undefined {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
}

async function start(): Promise<void> {
  const appPath = app.getAppPath();
  // A packaged app never takes a helper from a source tree (helper-path.ts).
  const appImage = app.isPackaged && process.env.APPIMAGE !== undefined;
  const helper = locateHelper(appPath, realFileChecks, { packaged: app.isPackaged, appImage });
  hardenSession(session.defaultSession, helper.development);
  serveAppProtocol(await loadStaticFiles(join(appPath, 'dist', 'renderer')));

  const core = await createCore({
    frontDoor: 'electron',
    appVersion: app.getVersion(),
    helperPath: helper.helperPath,
    development: helper.development,
    helperSource: helper.source,
    appDataDirs: [app.getPath('userData'), app.getPath('logs')],
    configDir: app.getPath('userData'),
    logFile: join(app.getPath('logs'), 'freezeframe.log'),
    electronVersion: process.versions.electron,
    // A plan's new or changed commands are approved here, in main's own dialog, not by the renderer alone.
    confirmCommands: confirmCommandsWith((options) => showMessageBoxOn(liveWindow(), options)),
  }, appImageSeams(helper));

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
  installAppMenu(core, { window: liveWindow, quit: () => app.quit() });
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

/** An AppImage with no package-installed helper installs its own, root-owned, on first use. */
function appImageSeams(helper: HelperLocation): CoreSeams {
  if (helper.source !== 'appimage') return {};
  return {
    startHelper: appImageHelperStarter({
      resourcesPath: process.resourcesPath,
      expectedSha256: () => builtHelperSha256(undefined),
      expectedGuardianSha256: () => builtGuardianSha256(undefined),
      confirmInstall: async (reason) => {
        const options = {
          type: 'question' as const,
          title: 'Install the Freezeframe helper',
          message: reason === 'missing' ? 'Install the freeze helper for this AppImage?' : 'Replace the installed freeze helper with this AppImage\'s?',
          detail:
            'Freezing needs a small service that runs as root. The AppImage installs it once, with its guardian, to /usr/local/lib/freezeframe/, and its polkit policy, so that the program run as root is one only root can change. The system asks for an administrator password to install it; after that, polkit decides for each freeze and thaw whether to ask again.',
          buttons: ['Install', 'Not now'],
          defaultId: 0,
          cancelId: 1,
          noLink: true,
        };
        return (await showMessageBoxOn(liveWindow(), options)).response === 0;
      },
    }),
  };
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
      return (await showMessageBoxOn(liveWindow(), options)).response === 0;
    },
    shutdown: () => core.shutdown(),
    quit: () => app.quit(),
    report: (message) => process.stderr.write(`freezeframe: ${message}\n`),
  });
  app.on('before-quit', (event) => guard.onBeforeQuit(event));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => guard.thawAndQuit());
}

const cliArgs = backupCliArgs(process.argv, app.isPackaged);
if (cliArgs) {
  // `freezeframe backup --plan plan.json`: headless, no window (cli-mode.ts).
  // cron has no display: ask Chromium for its headless platform, no GPU.
  app.commandLine.appendSwitch('ozone-platform', 'headless');
  app.disableHardwareAcceleration();
  runCliMode(cliArgs);
} else if (!app.requestSingleInstanceLock()) {
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
