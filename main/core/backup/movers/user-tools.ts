/**
 * Where the backup engine's own tools are (freezeframe-clone,
 * freezeframe-fsops): run as the user, never elevated, found like the
 * helper. A source checkout's build first (unless packaged: an AppImage
 * mounted under /tmp must never pick up a tree another local user made
 * there), then the installed copies, which count only when root owns them
 * and nobody else can write to them, then the packaged app's own copy.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPIMAGE_HELPER_DIR, findSourceRoot, firstUsable, realFileChecks, type FileChecks } from '../../../helper/helper-path';

export type UserToolName = 'freezeframe-clone' | 'freezeframe-fsops';

export interface ToolLocation {
  toolPath: string;
  development: boolean;
  found: boolean;
}

export const installedToolPath = (name: UserToolName): string => `/usr/lib/freezeframe/${name}`;
export const appImageToolPath = (name: UserToolName): string => `${APPIMAGE_HELPER_DIR}/${name}`;

export function locateUserTool(name: UserToolName, startDir: string, checks: FileChecks = realFileChecks, options: { packaged?: boolean; resourcesDir?: string } = {}): ToolLocation {
  const sourceRoot = options.packaged ? undefined : findSourceRoot(startDir, checks);
  const candidates: Array<Omit<ToolLocation, 'found'> & { userOwnedOk?: boolean }> = [];
  if (sourceRoot !== undefined) candidates.push({ toolPath: join(sourceRoot, 'native-helper', 'build', name), development: true });
  candidates.push({ toolPath: installedToolPath(name), development: false }, { toolPath: appImageToolPath(name), development: false });
  // The packaged app's own copy (an AppImage's resources): it runs as the
  // user, never elevated, so a user-writable copy escalates nothing.
  if (options.packaged && options.resourcesDir) candidates.push({ toolPath: join(options.resourcesDir, 'helper', name), development: false, userOwnedOk: true });
  const usable = firstUsable(candidates, checks, (c) => c.toolPath, (c) => c.development || c.userOwnedOk === true);
  const { userOwnedOk: _, ...location } = usable ?? candidates[0]!;
  return { ...location, found: usable !== undefined };
}

const found = new Map<UserToolName, ToolLocation>();

/** The tool for this process, looked up once: Electron sets resourcesPath, and defaultApp when it runs an unpackaged tree. */
export function defaultUserTool(name: UserToolName): ToolLocation {
  let location = found.get(name);
  if (!location) {
    const electron = process as NodeJS.Process & { resourcesPath?: string; defaultApp?: boolean };
    const packaged = typeof electron.resourcesPath === 'string' && !electron.defaultApp;
    location = locateUserTool(name, dirname(fileURLToPath(import.meta.url)), realFileChecks, { packaged, resourcesDir: electron.resourcesPath });
    found.set(name, location);
  }
  return location;
}
