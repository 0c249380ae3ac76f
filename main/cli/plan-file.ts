/**
 * Reading a plan file for an unattended run. As root, the file is a
 * program's worth of trust (its commands run as root): it must be a
 * regular file owned by root, writable by no one else, in a directory no
 * one else may write to, nor to any directory above it. It is opened
 * without following a symlink and checked on the descriptor read, so it
 * cannot be swapped in between. The config dir, where the run re-reads the
 * plan from, must be root's alone too (checkRootConfigDir).
 */
import { constants } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BackupPlan } from '../../app/backup';
import { BackupError } from '../core/backup/backup-error';
import { parsePlan } from '../core/backup/store/plan-store';

const GROUP_OR_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

export async function readPlanFile(path: string, euid: number): Promise<BackupPlan> {
  const absolute = resolve(path);
  let text: string;
  try {
    const handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new BackupError('PLAN_INVALID', `${absolute} is not a regular file.`);
      if (euid === 0) await checkRootSafe(absolute, stats.uid, stats.mode);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new BackupError('PLAN_UNSAFE', `${absolute} is a symbolic link: name the plan file itself.`);
    throw new BackupError('PLAN_INVALID', `Cannot read the plan file ${absolute}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BackupError('PLAN_INVALID', `${absolute} is not JSON: ${(error as Error).message}`);
  }
  return parsePlan(json, absolute);
}

async function checkRootSafe(path: string, uid: number, mode: number): Promise<void> {
  if (uid !== 0) throw new BackupError('PLAN_UNSAFE', `${path} is owned by uid ${uid}, not root: as root, only a root-owned plan runs (chown root ${path}).`);
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw new BackupError('PLAN_UNSAFE', `${path} is writable by ${mode & 0o020 ? 'its group' : 'everyone'} (mode ${(mode & 0o777).toString(8)}): as root, only a plan no one else can change runs (chmod go-w ${path}).`);
  }
  // Whoever may write to the folder, or to any folder above it, may replace the file (unless a sticky bit stops them).
  const unsafe = await unsafeDirInChain(dirname(path), false);
  if (unsafe) throw new BackupError('PLAN_UNSAFE', `${unsafe} is not root's alone: whoever may write to it could replace the plan. Keep root's plans in a folder only root can write to.`);
}

/**
 * As root, the run re-reads the plan from `<configDir>/plans/` (and the
 * approvals beside it): a config dir someone else can write to, or that
 * sits below such a folder, would let them swap the plan between its check
 * and its run, and have their commands run as root.
 */
export async function checkRootConfigDir(configDir: string): Promise<void> {
  const unsafe = await unsafeDirInChain(resolve(configDir, 'plans'), true);
  if (unsafe) {
    throw new BackupError('PLAN_UNSAFE', `The config dir ${resolve(configDir)} is not root's alone (${unsafe} is not): as root, plans run from a config dir only root can change. Use --config-dir with a folder root owns (the default is root's ~/.config/freezeframe).`);
  }
}

/**
 * The first directory of `dir`'s chain (itself, or any above it, by name
 * and by real path) that a user other than root could change: not root's,
 * or writable by its group or others without the sticky bit. With
 * `mayNotExist`, missing trailing folders are allowed (root makes them),
 * but then the nearest existing one must not be writable by anyone else at
 * all: in a sticky /tmp, another user could make the missing one first.
 */
async function unsafeDirInChain(dir: string, mayNotExist: boolean): Promise<string | undefined> {
  let existing = resolve(dir);
  let missing = false;
  for (;;) {
    const stats = await lstat(existing).catch((error: NodeJS.ErrnoException) => {
      if (mayNotExist && error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (stats) break;
    missing = true;
    existing = dirname(existing);
  }
  if (missing && ((await stat(existing)).mode & GROUP_OR_OTHER_WRITE) !== 0) return existing;
  for (const chain of [existing, await realpath(existing)]) {
    for (let p = chain; ; p = dirname(p)) {
      const stats = await lstat(p);
      // A symlink is as safe as the folder holding it (checked next) and its target (the real path's chain).
      const writable = stats.isDirectory() && (stats.mode & GROUP_OR_OTHER_WRITE) !== 0 && (stats.mode & STICKY) === 0;
      if (stats.uid !== 0 || writable) return p;
      if (p === '/') break;
    }
  }
  return undefined;
}
