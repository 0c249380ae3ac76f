/**
 * Reading a plan file for an unattended run. As root, the file is a
 * program's worth of trust (its commands run as root): it must be a
 * regular file owned by root, writable by no one else, in a directory no
 * one else may write to. It is opened without following a symlink and
 * checked on the descriptor read, so it cannot be swapped in between.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { BackupPlan } from '../../app/backup';
import { BackupError } from '../core/backup/backup-error';
import { parsePlan } from '../core/backup/plan-store';

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
  const dir = dirname(path);
  const dirStats = await stat(dir);
  // Whoever may write to the folder may replace the file (unless the sticky bit stops them).
  if (dirStats.uid !== 0 || ((dirStats.mode & GROUP_OR_OTHER_WRITE) !== 0 && (dirStats.mode & STICKY) === 0)) {
    throw new BackupError('PLAN_UNSAFE', `${dir} is not root's alone: whoever may write to it could replace the plan. Keep root's plans in a folder only root can write to.`);
  }
}
