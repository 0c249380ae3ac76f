/**
 * Phase 1's only coupling to the backup engine: a plan run through the
 * engine as it is today (main/core's backup service over the contract:
 * plans.save, backup.preflight, backup.start, with the real helper
 * freezing the lab's loop mounts), and the clones it left. Phase 2 replaces
 * this with the CLI and the per-host service.
 */
import type { BackupPlanInput, BackupReport } from '../../app/backup';
import type { CommandSpec, HoldHookSpec } from '../../app/backup';
import { startClient } from '../helper-harness';
import { startBackupCore, type BackupTestCore } from '../../main/core/backup/testing/backup-int-harness';
import type { CloneMember } from '../../main/core/backup/presets/scratch-mounts';

export { startBackupCore, type BackupTestCore };

export interface ImageClonePlan {
  name: string;
  mounts: string[];
  snapshotDir: string;
  hooks: { preFreeze?: CommandSpec; hold?: HoldHookSpec };
  holdWindowMs?: number;
}

export function imageClonePlan(p: ImageClonePlan): BackupPlanInput {
  return {
    version: 1,
    name: p.name,
    mounts: p.mounts,
    method: 'image-clone',
    holdWindowMs: p.holdWindowMs ?? 10_000,
    quiesceWindowMs: 60_000,
    imageClone: { snapshotDir: p.snapshotDir, reflink: 'auto' },
    hooks: p.hooks,
    // The restore check is the verification that matters here; the read-only fsck runs too.
    backup: { verify: true },
  };
}

/** The report's clones as the restore check takes them. */
export function clonesOf(report: BackupReport): CloneMember[] {
  return report.members.map((m) => {
    if (!m.snapshot?.path) throw new Error(`${m.mountpoint} has no clone: ${JSON.stringify(report.error)}`);
    return { image: m.snapshot.path, fsType: m.fsType, sourceMountpoint: m.mountpoint };
  });
}

/** The hold hook's output in the report (its last lines), one per element. */
export function holdOutput(report: BackupReport): string[] {
  return (report.hooks.find((h) => h.role === 'hold')?.outputTail ?? '').split('\n');
}

/** p99 and max of latencies (ms). */
export function stall(latencies: readonly number[]): { count: number; p99: number; max: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p99: Math.round(at(0.99)), max: Math.round(sorted[sorted.length - 1] ?? 0) };
}

/**
 * Hold `paths` frozen as a group through the helper client (the helper's
 * own deadline `deadlineMs` thaws them should the test hang) while
 * `during` runs, then thaw. For plumbing tests of what a hook does while
 * the group is frozen; a backup itself goes through the engine (above).
 */
export async function whileFrozen<T>(paths: string[], deadlineMs: number, during: () => Promise<T>): Promise<T> {
  const { client } = await startClient();
  try {
    await client.freezeGroup(paths, deadlineMs);
    try {
      return await during();
    } finally {
      for (const path of paths) await client.thaw({ path }).catch(() => undefined); // already thawed by its deadline
    }
  } finally {
    await client.close();
  }
}
