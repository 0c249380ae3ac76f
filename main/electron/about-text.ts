/**
 * The About box's facts as lines, for the app menu's native About dialog
 * (the renderer's About dialog shows the same, from the same app.info).
 */
import type { AppInfo } from '../../app/domain';

const SOURCE_LABELS: Record<AppInfo['helperSource'], string> = {
  package: 'installed package',
  appimage: 'installed by the AppImage',
  development: 'DEVELOPMENT BUILD (source tree)',
};

export function aboutLines(info: AppInfo): string[] {
  return [
    `Helper: ${info.helperPath}`,
    `Helper source: ${SOURCE_LABELS[info.helperSource]}`,
    `Helper version: ${info.helperVersion ?? 'not running yet'}`,
    `Protocol: ${info.protocolVersion ?? 'not running yet'}`,
    `Electron: ${info.frontDoor === 'web' ? 'web mode' : (info.electronVersion ?? 'unknown')}`,
    `Node: ${info.nodeVersion}`,
    `Kernel: ${info.kernel}`,
  ];
}

export function aboutTitle(info: AppInfo): string {
  return `Freezeframe ${info.appVersion}${info.development ? ' (development build)' : ''}`;
}
