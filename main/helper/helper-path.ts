/**
 * Where the freeze helper is. Main never takes this path from the user or
 * the environment: it is one of a few fixed layouts, checked in order.
 *
 * - A source checkout (the app runs from a tree that has native-helper/):
 *   the helper `make` built there, flagged as a development build.
 * - An installed app: the path the polkit policy in build/ names.
 *
 * The checks are parameters so the choice is a pure function of the layout.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const INSTALLED_HELPER_PATH = '/usr/lib/freezeframe/freezeframe-helper';
const DEV_HELPER_RELATIVE = join('native-helper', 'build', 'freezeframe-helper');
/** A file only a source checkout has, to tell the repo root from any other ancestor. */
const SOURCE_TREE_MARKER = join('native-helper', 'Makefile');

export interface HelperLocation {
  helperPath: string;
  /** The helper comes from a source tree (CoreOptions.development). */
  development: boolean;
  /** false: no candidate exists; helperPath is where the app expected it (for the error). */
  found: boolean;
}

export interface FileChecks {
  isFile(path: string): boolean;
  isExecutable(path: string): boolean;
}

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
};

/** The source checkout that holds `startDir` (the bundle's or the module's directory), if any. */
export function findSourceRoot(startDir: string, checks: FileChecks = realFileChecks, maxLevels = 4): string | undefined {
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
 * Pick the helper: a source checkout's own build wins (a developer wants the
 * helper they just built), then the installed one. When none exists, the
 * answer names the path of the layout the app is in, so the error says
 * where it looked.
 */
export function locateHelper(startDir: string, checks: FileChecks = realFileChecks): HelperLocation {
  const sourceRoot = findSourceRoot(startDir, checks);
  const candidates: Array<Omit<HelperLocation, 'found'>> = [];
  if (sourceRoot !== undefined) candidates.push({ helperPath: join(sourceRoot, DEV_HELPER_RELATIVE), development: true });
  candidates.push({ helperPath: INSTALLED_HELPER_PATH, development: false });

  for (const candidate of candidates) {
    if (checks.isFile(candidate.helperPath) && checks.isExecutable(candidate.helperPath)) return { ...candidate, found: true };
  }
  return { ...candidates[0]!, found: false };
}
