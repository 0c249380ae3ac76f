/**
 * At the start of the core: the runs an earlier main did not live to end.
 * Finding them only reads (a frozen filesystem never blocks a read), so it
 * is done at once and their reports are listed from memory straight away;
 * settling them writes (partial files removed, the report saved, the
 * marker removed), so it waits until nothing is frozen: the config dir,
 * the snapshot folder or the destination may be on a frozen filesystem.
 */
import type { BackupReport } from '../../../../app/backup';
import { interruptedReport, partialPathsOf, removePartials, type RunMarker, type RunMarkers } from '../store/run-marker';

export interface RecoveryDeps {
  markers: RunMarkers;
  anythingFrozen(): boolean;
  save(report: BackupReport): Promise<void>;
  /** Keep the report in memory, for the list (before and after it is saved). */
  remember(report: BackupReport): void;
  reportsChanged(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  appVersion: string;
}

export class InterruptedRuns {
  private pending: RunMarker[] = [];
  /** Run ids of markers too damaged to report: removed with the rest. */
  private readonly damaged: string[] = [];
  private settling: Promise<void> | undefined;

  constructor(private readonly deps: RecoveryDeps) {}

  /** Read the leftover markers; each becomes a report in memory now. */
  async find(): Promise<void> {
    const { markers, damaged } = await this.deps.markers.orphans();
    for (const { runId, why } of damaged) {
      this.deps.log('warn', `backup: the marker of run ${runId} is damaged (${why}): it names no plan to report; removed when nothing is frozen`);
    }
    this.damaged.push(...damaged.map((d) => d.runId));
    for (const marker of markers) {
      this.deps.log('warn', `backup: run ${marker.runId} of plan "${marker.plan.name}" was interrupted: main (pid ${marker.mainPid}) stopped during it`);
      this.deps.remember(interruptedReport(marker, [], this.deps.appVersion));
    }
    this.pending.push(...markers);
  }

  /**
   * Remove what those runs left, save their reports, remove their markers;
   * not while anything is frozen (call again once nothing is). Resolves
   * when done or deferred.
   */
  settle(): Promise<void> {
    if (this.settling) return this.settling;
    if ((!this.pending.length && !this.damaged.length) || this.deps.anythingFrozen()) return Promise.resolve();
    this.settling = this.settleNow().finally(() => (this.settling = undefined));
    return this.settling;
  }

  private async settleNow(): Promise<void> {
    const log = (message: string): void => this.deps.log('warn', message);
    for (const runId of this.damaged.splice(0)) await this.deps.markers.remove(runId).catch((error: Error) => log(`backup: could not remove the marker of run ${runId}: ${error.message}`));
    let changed = false;
    while (this.pending.length) {
      if (this.deps.anythingFrozen()) return; // a freeze meanwhile: the rest waits for its thaw
      const marker = this.pending.shift()!;
      const removed = await removePartials(partialPathsOf(marker), log);
      const report = interruptedReport(marker, removed, this.deps.appVersion);
      this.deps.remember(report);
      changed = true;
      try {
        await this.deps.save(report);
        await this.deps.markers.remove(marker.runId);
        this.deps.log('info', `backup: saved the report of interrupted run ${marker.runId}${removed.length ? `; removed ${removed.join(', ')}` : ''}`);
      } catch (error) {
        // The marker stays: the next start tries again; this session lists the report from memory.
        this.deps.log('error', `backup: could not save the report of interrupted run ${marker.runId}: ${(error as Error).message}`);
      }
    }
    if (changed) this.deps.reportsChanged();
  }
}
