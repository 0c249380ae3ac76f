/**
 * A run's marker, `<configDir>/runs/<runId>.json`: written when the run
 * starts (before anything is frozen: the config dir may be on a member) and
 * removed once its report is saved. A report is built in memory and saved
 * only after the thaw, so when main dies mid-run (kill -9, power loss) the
 * marker is the only trace of that run. At the next start each marker
 * whose main is gone becomes a report (failed, untrustworthy,
 * RUN_INTERRUPTED), and the partial files that run left are removed.
 */
import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { BackupPlan, BackupReport, MemberReport } from '../../../../app/backup';
import { BackupError } from '../backup-error';
import { jsonFileStems, readIfExists, writeFileAtomic } from './config-files';
import { PARTIAL_SUFFIX } from '../movers/export';
import { removeFromFolder } from '../movers/folders';
import { RunRecord } from '../run/run-record';
import { isRunId } from '../run/run-id';

export interface RunMarker {
  version: 1;
  runId: string;
  /** The whole plan, so the report of an interrupted run names what it ran. */
  plan: BackupPlan;
  members: MemberReport[];
  startedAt: number;
  /** Main, and when it started (/proc/PID/stat field 22, clock ticks since boot), so a reused pid is not taken for it. */
  mainPid: number;
  mainStartTime: string | null;
  bootId: string | null;
}

/** Who this process is, as a marker records it. */
export async function selfIdentity(): Promise<Pick<RunMarker, 'mainPid' | 'mainStartTime' | 'bootId'>> {
  return { mainPid: process.pid, mainStartTime: await processStartTime(process.pid), bootId: await currentBootId() };
}

async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may hold spaces and parentheses: count from the last ')'; starttime is field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

async function currentBootId(): Promise<string | null> {
  return (await readIfExists('/proc/sys/kernel/random/boot_id').catch(() => undefined))?.trim() ?? null;
}

/** The marker's main still runs: same boot, same pid, same start time (a reused pid has another). */
export async function markerOwnerAlive(marker: Pick<RunMarker, 'mainPid' | 'mainStartTime' | 'bootId'>): Promise<boolean> {
  if (marker.bootId !== null && marker.bootId !== (await currentBootId())) return false;
  const startTime = await processStartTime(marker.mainPid);
  return startTime !== null && startTime === marker.mainStartTime;
}

export class RunMarkers {
  readonly dir: string;

  constructor(configDir: string) {
    this.dir = join(configDir, 'runs');
  }

  async write(marker: RunMarker): Promise<void> {
    await writeFileAtomic(this.pathOf(marker.runId), `${JSON.stringify(marker, null, 2)}\n`);
  }

  async remove(runId: string): Promise<void> {
    await rm(this.pathOf(runId), { force: true });
  }

  /**
   * Markers whose main is gone. Reads only: nothing here blocks on a frozen
   * filesystem. A damaged marker names no plan to report: its run id is
   * returned apart, for the log (and removal), rather than left forever.
   */
  async orphans(): Promise<{ markers: RunMarker[]; damaged: Array<{ runId: string; why: string }> }> {
    const markers: RunMarker[] = [];
    const damaged: Array<{ runId: string; why: string }> = [];
    for (const runId of await jsonFileStems(this.dir)) {
      if (!isRunId(runId)) continue;
      const text = await readIfExists(this.pathOf(runId));
      if (text === undefined) continue; // its run ended meanwhile
      let marker: RunMarker;
      try {
        marker = JSON.parse(text) as RunMarker;
        if (marker.runId !== runId || typeof marker.mainPid !== 'number' || typeof marker.plan?.name !== 'string') throw new Error('not a run marker');
      } catch (error) {
        damaged.push({ runId, why: (error as Error).message });
        continue;
      }
      if (!(await markerOwnerAlive(marker))) markers.push(marker);
    }
    return { markers, damaged };
  }

  private pathOf(runId: string): string {
    if (!isRunId(runId)) throw new BackupError('RUN_NOT_FOUND', `"${runId}" is not a run id.`);
    return join(this.dir, `${runId}.json`);
  }
}

/**
 * What a run left on disk before its snapshot and export were complete: its
 * image snapshot folder and its `.partial` exports. Only these exact
 * run-id paths; a finished export or a btrfs snapshot is left to retention.
 */
export function partialPathsOf(marker: RunMarker): string[] {
  const { plan, runId } = marker;
  const paths: string[] = [];
  if (plan.imageClone) paths.push(join(plan.imageClone.snapshotDir, plan.name, runId));
  const dest = plan.backup.destination;
  if (dest) {
    const base = `${plan.name}-${runId}`;
    paths.push(join(dest, `${base}${PARTIAL_SUFFIX}`));
    for (const index of plan.mounts.keys()) paths.push(join(dest, `${base}-${index}${PARTIAL_SUFFIX}`));
  }
  return paths;
}

/**
 * Remove what the run left, by descriptor (a folder another user can change
 * is refused, a link is never followed); returns what was there and is
 * gone now.
 */
export async function removePartials(paths: readonly string[], log: (message: string) => void): Promise<string[]> {
  const removed: string[] = [];
  for (const path of paths) {
    try {
      const removal = await removeFromFolder(dirname(path), basename(path));
      if (removal.outcome === 'removed') removed.push(path);
      if (removal.outcome === 'kept') log(`backup: left ${path} alone (${removal.why}), though its name is that of an interrupted run's partial files`);
    } catch (error) {
      if ((error as BackupError).detail === 'ENOENT') continue; // its folder is gone too
      log(`backup: could not remove ${path}, left by an interrupted run: ${(error as Error).message}`);
    }
  }
  return removed;
}

const INTERRUPTED_WHY =
  "Freezeframe stopped during this run (it was killed or the machine went down). The helper's deadline and guardian thawed the filesystems; the snapshot, if any, was never checked.";

/** The report of a run whose main died: what the marker knows (its start), failed, untrustworthy. */
export function interruptedReport(marker: RunMarker, removed: readonly string[], appVersion: string, foundAt = Date.now()): BackupReport {
  const record = new RunRecord(marker.runId, marker.plan, marker.startedAt, marker.members);
  const message = `Freezeframe (pid ${marker.mainPid}) stopped during this run: it was killed or the machine went down. Found at the next start (${new Date(foundAt).toISOString()}). The helper's deadline and guardian thawed the filesystems; the snapshot, if any, is untrustworthy.`;
  record.fail(new BackupError('RUN_INTERRUPTED', message));
  record.untrustworthy(INTERRUPTED_WHY);
  record.phase('preflight', marker.startedAt, 'ok', `run started by pid ${marker.mainPid}; nothing after that is known`);
  // Its own partial files, not older backups: never listed as retention's.
  record.discarded.push(...removed);
  record.freezeUnknown = record.members.some((m) => m.capture === 'frozen');
  // When it died is unknown: the report ends where the record does, at its start.
  record.quiesceEndedAt = marker.startedAt;
  const report = record.toReport(appVersion);
  report.timeline[0]!.endedAt = marker.startedAt;
  return { ...report, endedAt: marker.startedAt, quiesce: { ...report.quiesce, withinWindow: false } };
}
