/**
 * The pre-flight's checks of what a run will write to and run: each folder
 * (snapshot folders, the export destination) safe as far as it exists and
 * creatable beyond, by the same tool and rules the run uses (folders.ts);
 * the destination's free space against what the export will write; and
 * each command's program, found and executable now. Each problem is a
 * blocker in words that name the path and the errno.
 */
import { statfs } from 'node:fs/promises';
import type { BackupPlan } from '../../../app/backup';
import type { MountBase } from '../mounts/mount-table';
import { findExecutable } from './commands/child-command';
import { commandsOf } from './commands/commands-digest';
import type { FolderCheck } from './movers/folders';
import { mountContaining, nearestExisting } from './mount-lookup';
import type { ResolvedMember } from './preflight';

export interface FolderChecks {
  rows(): readonly MountBase[];
  isFrozen(majorMinor: string): boolean;
  /** folders.ts checkFolder, or a test's fake. */
  checkFolder(path: string, opts: { probe: boolean }): Promise<FolderCheck>;
}

const ROLE_WORDS = { 'pre-freeze': 'pre-freeze hook', hold: 'hold hook', command: 'snapshot command', 'post-thaw': 'post-thaw hook' } as const;

/** A folder a run writes to: its check, or the blocker that says why it cannot be used (undefined then). */
export async function checkRunFolder(what: string, path: string, deps: FolderChecks, blockers: string[]): Promise<FolderCheck | undefined> {
  // The probe makes and removes a scratch folder: never on a filesystem that is frozen now.
  const mount = mountContaining(await nearestExisting(path), deps.rows());
  const probe = mount === undefined || !deps.isFrozen(mount.majorMinor);
  try {
    return await deps.checkFolder(path, { probe });
  } catch (error) {
    blockers.push(`${what} cannot be used: ${(error as Error).message}`);
    return undefined;
  }
}

/** The snapshot folders and the destination; the destination's space against the export's estimate. */
export async function checkPlanFolders(plan: BackupPlan, members: readonly ResolvedMember[], snapshotDirs: readonly string[], deps: FolderChecks, warnings: string[], blockers: string[]): Promise<void> {
  for (const dir of snapshotDirs) await checkRunFolder(`The snapshot folder ${dir}`, dir, deps, blockers);
  const dest = plan.backup.destination;
  const exports = plan.method === 'image-clone' || plan.method === 'btrfs';
  if (!dest || !exports) return;
  const check = await checkRunFolder(`The export destination ${dest}`, dest, deps, blockers);
  if (!check) return;
  // Image clones are exported sparsely: their allocated size is what the export writes.
  const images = members.filter((m) => m.imageClone && m.allocatedBytes !== undefined).reduce((sum, m) => sum + m.allocatedBytes!, 0);
  if (images > check.freeBytes) {
    blockers.push(`The export destination ${dest} has ${size(check.freeBytes)} free, and the export needs about ${size(images)} (the clones' allocated size): free space there, or choose another destination.`);
  }
  // A btrfs snapshot's size is not known up front: the used space of its filesystem bounds it.
  const trees = members.filter((m) => m.capture === 'atomic-snapshot');
  let treeBound = 0;
  for (const member of trees) treeBound += await usedBytes(member.mountpoint);
  if (trees.length > 0 && images + treeBound > check.freeBytes) {
    warnings.push(`The export destination ${dest} has ${size(check.freeBytes)} free; the btrfs snapshots may need up to ${size(treeBound)} (their filesystems' used space)${images ? ` besides ${size(images)} of clones` : ''}: the export may run out of space.`);
  }
}

async function usedBytes(path: string): Promise<number> {
  try {
    const s = await statfs(path);
    return (s.blocks - s.bfree) * s.bsize;
  } catch {
    return 0;
  }
}

/** Every command's program is there and executable by the user the run runs as. */
export function checkCommandPrograms(plan: BackupPlan, env: NodeJS.ProcessEnv, blockers: string[]): void {
  for (const command of commandsOf(plan)) {
    const program = command.shell ? '/bin/sh' : command.argv[0]!;
    if (findExecutable(program, env.PATH)) continue;
    const where = program.includes('/') ? `${program} does not exist or is not executable` : `"${program}" is not found in PATH (${env.PATH ?? 'unset'})`;
    blockers.push(`The ${ROLE_WORDS[command.role]}'s program cannot be run: ${where}. Give its full path, or install it.`);
  }
}

function size(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}
