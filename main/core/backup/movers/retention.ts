/**
 * Retention: keep the newest N runs' snapshots and exports of a plan, remove
 * older ones, and say what was removed. Runs are found by their names on
 * disk (run ids sort by time), in each place this plan writes: the image
 * snapshot folder, each btrfs member's snapshot folder, the export folder.
 * Only successful runs count toward N, so a string of failures never pushes
 * the last good backup out; anything older than the Nth good one goes.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupPlan } from '../../../../app/backup';
import { deleteSubvolume } from './btrfs-subvolumes';
import { btrfsSnapshotDir } from '../preflight';
import { isRunId, RUN_ID_LENGTH } from '../run/run-id';

export interface RetentionEntry {
  runId: string;
  path: string;
  kind: 'image-dir' | 'subvolume' | 'export';
}

/** Entries to remove from one place: those older than the keep-th successful run. */
export function selectForRemoval(entries: readonly RetentionEntry[], keep: number, succeeded: ReadonlySet<string>, currentRunId: string): RetentionEntry[] {
  // Newest first; the current run is the newest even when an older one started in the same second.
  const runIds = [...new Set(entries.map((e) => e.runId))].sort((a, b) => (a === currentRunId ? -1 : b === currentRunId ? 1 : a < b ? 1 : -1));
  let good = 0;
  let cutoff: string | undefined; // the oldest run id still kept
  for (const runId of runIds) {
    if (succeeded.has(runId) || runId === currentRunId) good++;
    if (good >= keep) {
      cutoff = runId;
      break;
    }
  }
  if (cutoff === undefined) return [];
  const older = new Set(runIds.slice(runIds.indexOf(cutoff) + 1));
  return entries.filter((e) => older.has(e.runId));
}

/** Every snapshot and export of this plan on disk, grouped by place. */
export async function findEntries(plan: BackupPlan, btrfsMountpoints: readonly string[]): Promise<RetentionEntry[][]> {
  const places: RetentionEntry[][] = [];
  if (plan.imageClone) {
    const dir = join(plan.imageClone.snapshotDir, plan.name);
    places.push((await names(dir)).filter(isRunId).map((runId) => ({ runId, path: join(dir, runId), kind: 'image-dir' })));
  }
  // Several members may share one folder (an explicit btrfs.snapshotDir): each folder is one place.
  for (const dir of new Set(btrfsMountpoints.map((mountpoint) => btrfsSnapshotDir(plan, mountpoint)))) {
    places.push(runEntries(await names(dir), plan.name, dir, 'subvolume'));
  }
  if (plan.backup.destination) places.push(runEntries(await names(plan.backup.destination), plan.name, plan.backup.destination, 'export'));
  return places;
}

/** `<plan>-<runId>` and `<plan>-<runId>-<i>` (one export or snapshot per btrfs member); never a `.partial`. */
function runEntries(entries: readonly string[], planName: string, dir: string, kind: RetentionEntry['kind']): RetentionEntry[] {
  const prefix = `${planName}-`;
  const found: RetentionEntry[] = [];
  for (const name of entries) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const runId = rest.slice(0, RUN_ID_LENGTH);
    if (!isRunId(runId) || !(rest.length === RUN_ID_LENGTH || /^-[0-9]+$/.test(rest.slice(RUN_ID_LENGTH)))) continue;
    found.push({ runId, path: join(dir, name), kind });
  }
  return found;
}

export async function removeEntry(entry: RetentionEntry): Promise<void> {
  if (entry.kind === 'subvolume') await deleteSubvolume(entry.path);
  else await rm(entry.path, { recursive: true, force: true });
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
