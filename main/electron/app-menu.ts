/**
 * The application menu: File > Quit, the standard Edit roles (clipboard
 * shortcuts in the search and timeout fields), and Help > About, which shows
 * the About facts in a native dialog (the toolbar's About button shows them
 * in the page).
 */
import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { AppInfo } from '../../app/domain';
import type { Core } from '../core/api';
import { aboutLines, aboutTitle } from './about-text';
import { showMessageBoxOn } from './message-box';

export interface AppMenuActions {
  window(): BrowserWindow | undefined;
  quit(): void;
}

async function showAboutDialog(core: Core, window: BrowserWindow | undefined): Promise<void> {
  const result = await core.dispatch('app.info', {});
  const options = result.ok
    ? { type: 'info' as const, title: 'About Freezeframe', message: aboutTitle(result.value as AppInfo), detail: aboutLines(result.value as AppInfo).join('\n'), buttons: ['OK'] }
    : { type: 'error' as const, title: 'About Freezeframe', message: 'Could not read the app info', detail: result.error.message, buttons: ['OK'] };
  await showMessageBoxOn(window, options);
}

export function installAppMenu(core: Core, actions: AppMenuActions): void {
  const template: MenuItemConstructorOptions[] = [
    { label: '&File', submenu: [{ label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() }] },
    {
      label: '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: '&Help', submenu: [{ label: 'About Freezeframe', click: () => void showAboutDialog(core, actions.window()) }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
