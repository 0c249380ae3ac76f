/**
 * The tray icon: frozen or not at a glance, the count in the tooltip and at
 * the top of its menu (Linux trays often show no tooltip), and Show, Thaw
 * all, Quit.
 */
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import type { Core } from '../core/api';
import { TRAY_ICON_SIZE, trayIconBitmap, trayTooltip } from './tray-icon';

export interface TrayActions {
  showWindow(): void;
  thawAll(): void;
  quit(): void;
}

export function createTray(core: Core, actions: TrayActions): { destroy(): void } {
  const icons = new Map<boolean, NativeImage>();
  const iconFor = (frozen: boolean): NativeImage => {
    let icon = icons.get(frozen);
    if (!icon) {
      icon = nativeImage.createFromBitmap(trayIconBitmap(frozen), { width: TRAY_ICON_SIZE, height: TRAY_ICON_SIZE });
      icons.set(frozen, icon);
    }
    return icon;
  };

  const tray = new Tray(iconFor(false));
  let shown = -1;
  const update = (): void => {
    const count = core.frozenCount();
    if (count === shown || tray.isDestroyed()) return; // rows update often; the count rarely changes
    shown = count;
    tray.setImage(iconFor(count > 0));
    tray.setToolTip(trayTooltip(count));
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: trayTooltip(count), enabled: false },
        { type: 'separator' },
        { label: 'Show', click: () => actions.showWindow() },
        { label: 'Thaw all', enabled: count > 0, click: () => actions.thawAll() },
        { type: 'separator' },
        { label: 'Quit', click: () => actions.quit() },
      ]),
    );
  };
  tray.on('click', () => actions.showWindow());
  update();
  const unsubscribe = core.subscribe(() => update());
  return {
    destroy: () => {
      unsubscribe();
      tray.destroy();
    },
  };
}
