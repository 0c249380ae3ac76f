/**
 * Where the freeze helper is. Main never takes this path from the user or
 * the environment: it is one of a few fixed layouts, checked in order.
 *
 * - A development build (the app is not packaged and runs from a tree that
 *   has native-helper/): the helper `make` built there, labelled as such.
 *   It comes first there, so a developer runs the helper they just built.
 * - The deb/rpm install: the path build/polkit/org.freezeframe.helper.policy names.
 * - The AppImage's one-time install (appimage-install.ts): the path
 *   build/polkit/org.freezeframe.helper-local.policy names.
 *
 * A packaged app never looks for a source tree: an AppImage mounted at
 * /tmp/.mount_x would otherwise take /tmp/native-helper/, which any local
 * user can create, and pkexec it as root. An installed helper counts only
 * when root owns it and its directories and nobody else can write to them.
 *
 * The checks are parameters so the choice is a pure function of the layout.
 */
import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const INSTALLED_HELPER_PATH = '/usr/lib/freezeframe/freezeframe-helper';
export const APPIMAGE_HELPER_DIR = '/usr/local/lib/freezeframe';
export const APPIMAGE_HELPER_PATH = `${APPIMAGE_HELPER_DIR}/freezeframe-helper`;
const DEV_HELPER_RELATIVE = join('native-helper', 'build', 'freezeframe-helper');
/** A file only a source checkout has, to tell the repo root from any other ancestor. */
const SOURCE_TREE_MARKER = join('native-helper', 'Makefile');

export type HelperSource = 'package' | 'appimage' | 'development';

export interface HelperLocation {
  helperPath: string;
  source: HelperSource;
  /** The helper comes from a source tree (CoreOptions.development). */
  development: boolean;
  /** false: no candidate exists; helperPath is where the app expected it (for the error). */
  found: boolean;
}

export interface LocateOptions {
  /** A packaged app (Electron's app.isPackaged): the source tree is never a candidate. */
  packaged?: boolean;
  /** Running from an AppImage (APPIMAGE is set): a missing helper is expected at the AppImage path. */
  appImage?: boolean;
}

export interface FileChecks {
  isFile(path: string): boolean;
  isExecutable(path: string): boolean;
  /** Root owns the file and every directory above it, and none is writable by group or others. */
  isRootOwnedChain(path: string): boolean;
}

/** Neither group nor others may write (the sticky bit does not help: a file in /tmp is not root's to vouch for). */
const GROUP_OR_OTHER_WRITE = 0o022;

export const realFileChecks: FileChecks = {
  isFile(path) {
    try {
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  isRootOwnedChain(path) {
    try {
      // lstat: a symlink at any level could be repointed by whoever owns it.
      const file = lstatSync(path);
      if (!file.isFile() || file.uid !== 0 || (file.mode & GROUP_OR_OTHER_WRITE) !== 0) return false;
      for (let dir = dirname(path); ; dir = dirname(dir)) {
        const stats = lstatSync(dir);
        if (!stats.isDirectory() || stats.uid !== 0 || (stats.mode & GROUP_OR_OTHER_WRITE) !== 0) return false;
        if (dir === '/') return true;
      }
    } catch {
      return false;
    }
  },
};

/** The source checkout that holds `startDir` (the bundle's or the module's directory), if any. */
export function findSourceRoot(startDir: string, checks: Pick<FileChecks, 'isFile'> = realFileChecks, maxLevels = 4): string | undefined {
  let dir = startDir;
  for (let level = 0; level <= maxLevels; level++) {
    if (checks.isFile(join(dir, SOURCE_TREE_MARKER))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * The first candidate that is an executable file and, unless `trustedAsIs`
 * says otherwise (a source tree's build, a copy that never runs elevated),
 * is root's alone (isRootOwnedChain). Shared by every installed binary.
 */
export function firstUsable<C>(candidates: readonly C[], checks: FileChecks, pathOf: (c: C) => string, trustedAsIs: (c: C) => boolean): C | undefined {
  return candidates.find((c) => {
    const path = pathOf(c);
    return checks.isFile(path) && checks.isExecutable(path) && (trustedAsIs(c) || checks.isRootOwnedChain(path));
  });
}

/**
 * Pick the helper. When none exists, the answer names the path of the
 * layout the app is in, so the error says where it looked (and the AppImage
 * knows where to install it).
 */
export function locateHelper(startDir: string, checks: FileChecks = realFileChecks, options: LocateOptions = {}): HelperLocation {
  const sourceRoot = options.packaged ? undefined : findSourceRoot(startDir, checks);
  const candidates: Array<Omit<HelperLocation, 'found'>> = [];
  if (sourceRoot !== undefined) candidates.push({ helperPath: join(sourceRoot, DEV_HELPER_RELATIVE), source: 'development', development: true });
  candidates.push({ helperPath: INSTALLED_HELPER_PATH, source: 'package', development: false });
  candidates.push({ helperPath: APPIMAGE_HELPER_PATH, source: 'appimage', development: false });

  // A source tree is the developer's own; an installed helper must be root's alone.
  const usable = firstUsable(candidates, checks, (c) => c.helperPath, (c) => c.source === 'development');
  if (usable) return { ...usable, found: true };
  const expected = sourceRoot !== undefined ? candidates[0]! : options.appImage ? candidates[candidates.length - 1]! : candidates.find((c) => c.source === 'package')!;
  return { ...expected, found: false };
}
