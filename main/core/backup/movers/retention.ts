/**
 * Retention: keep the newest N runs' snapshots and exports of a plan, remove
 * older ones, and say what was removed and what was left alone. Runs are
 * found by their names on disk (run ids sort by time), in each place this
 * plan writes: the image snapshot folder, each btrfs member's snapshot
 * folder, the export folder. Only successful runs count toward N, so a
 * string of failures never pushes the last good backup out; anything older
 * than the Nth good one goes.
 *
 * Each place is listed and worked through by descriptor (folders.ts): a
 * place another user can change is refused (FOLDER_UNSAFE). What goes is
 * checked on its own descriptor first: a real folder of this user (never a
 * link), or, for a btrfs snapshot, the subvolume whose id this plan's
 * report recorded for that path. Anything else is left, and listed as kept.
 */
import { join } from 'node:path';
import type { BackupPlan } from '../../../../app/backup';
import { btrfsSnapshotDir } from '../preflight';
import { isRunId, RUN_ID_LENGTH } from '../run/run-id';
import { listFolder, removeFromFolder, type FolderEntry, type Removal } from './folders';

export interface RetentionEntry {
  runId: string;
  /** The folder it is in, and its name there. */
  dir: string;
  name: string;
  path: string;
  kind: 'image-dir' | 'subvolume' | 'export';
  type: FolderEntry['type'];
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
  // Never this run's own output, whatever its name.
  return entries.filter((e) => older.has(e.runId) && e.runId !== currentRunId);
}

/** Every snapshot and export of this plan on disk, grouped by place. */
export async function findEntries(plan: BackupPlan, btrfsMountpoints: readonly string[], signal?: AbortSignal): Promise<RetentionEntry[][]> {
  const places: RetentionEntry[][] = [];
  if (plan.imageClone) {
    const dir = join(plan.imageClone.snapshotDir, plan.name);
    const entries = await listFolder(dir, { signal });
    places.push(entries.filter((e) => isRunId(e.name)).map((e) => ({ runId: e.name, dir, name: e.name, path: join(dir, e.name), kind: 'image-dir', type: e.type })));
  }
  // Several members may share one folder (an explicit btrfs.snapshotDir): each folder is one place.
  for (const dir of new Set(btrfsMountpoints.map((mountpoint) => btrfsSnapshotDir(plan, mountpoint)))) {
    places.push(runEntries(await listFolder(dir, { signal }), plan.name, dir, 'subvolume'));
  }
  const dest = plan.backup.destination;
  if (dest) places.push(runEntries(await listFolder(dest, { signal }), plan.name, dest, 'export'));
  return places;
}

/** `<plan>-<runId>` and `<plan>-<runId>-<i>` (one export or snapshot per btrfs member); never a `.partial`. */
function runEntries(entries: readonly FolderEntry[], planName: string, dir: string, kind: RetentionEntry['kind']): RetentionEntry[] {
  const prefix = `${planName}-`;
  const found: RetentionEntry[] = [];
  for (const entry of entries) {
    if (!entry.name.startsWith(prefix)) continue;
    const rest = entry.name.slice(prefix.length);
    const runId = rest.slice(0, RUN_ID_LENGTH);
    if (!isRunId(runId) || !(rest.length === RUN_ID_LENGTH || /^-[0-9]+$/.test(rest.slice(RUN_ID_LENGTH)))) continue;
    found.push({ runId, dir, name: entry.name, path: join(dir, entry.name), kind, type: entry.type });
  }
  return found;
}

/**
 * Remove one entry, after checking it on its own descriptor. `subvolumeIds`:
 * the id this plan's reports recorded for each snapshot path.
 */
export async function removeEntry(entry: RetentionEntry, subvolumeIds: ReadonlyMap<string, number>, signal?: AbortSignal): Promise<Removal> {
  if (entry.type === 'symlink') return { outcome: 'kept', why: 'a symbolic link, not a folder this plan made' };
  if (entry.type !== 'dir') return { outcome: 'kept', why: `a ${entry.type === 'file' ? 'file' : 'special file'}, not a folder this plan made` };
  if (entry.kind !== 'subvolume') return removeFromFolder(entry.dir, entry.name, { signal });
  const subvolumeId = subvolumeIds.get(entry.path);
  if (subvolumeId === undefined) return { outcome: 'kept', why: 'no report of this plan recorded a subvolume id for it (made by an older version, or not by this plan)' };
  return removeFromFolder(entry.dir, entry.name, { subvolumeId, signal });
}
