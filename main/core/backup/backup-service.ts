/**
 * The backup wizard's contract methods: plans, pre-flight, one run at a
 * time, reports. The commands of a plan run only once the user confirmed
 * exactly those commands (their digest, and main's own dialog where there
 * is one); a run's report is saved after its thaw, and only then is the
 * run over. A marker on disk says a run is going on, so that a run whose
 * main died (kill -9) is reported at the next start (run-marker.ts).
 */
import { summarize, type BackupPlan, type BackupPlanInput, type BackupReport, type BackupRunState, type Preflight, type ReportSummary } from '../../../app/backup';
import type { ContractEvents } from '../../../app/contract';
import type { CoreOptions } from '../api';
import { CoreError } from '../core-error';
import type { FreezeService } from '../freeze/freeze-service';
import type { MountBase } from '../mounts/mount-table';
import { BackupError } from './backup-error';
import { BackupRun, type BackupRunDeps } from './run/backup-run';
import type { PlanHistory } from './run/backup-from-snapshot';
import { parentDeathSignalAvailable, SETPRIV_PATH } from './commands/child-command';
import type { DataMovers } from './movers/data-movers';
import { parsePlan, PlanStore, type FrontDoor } from './store/plan-store';
import { runPreflight, seconds, type PreflightResult } from './preflight';
import { reportFilename, reportToMarkdown } from './store/report-markdown';
import { ReportStore } from './store/report-store';
import { newRunId } from './run/run-id';
import { RunMarkers, selfIdentity } from './store/run-marker';
import { InterruptedRuns } from './run/interrupted-runs';

export interface BackupServiceDeps {
  configDir: string;
  rows(): readonly MountBase[];
  /** Re-read the mount table now (a plan names mountpoints that may have just appeared). */
  refreshTable(): Promise<void>;
  isFrozen(majorMinor: string): boolean;
  /** Anything frozen by this app (by hand, outside a run). */
  anythingFrozen(): boolean;
  freeze: Pick<FreezeService, 'freezeGroup' | 'thawGroup'>;
  helper: BackupRunDeps['helper'];
  helperMaxTimeoutMs(): number | undefined;
  movers: DataMovers;
  emit<E extends 'backup.progress' | 'backup.output' | 'reports.changed'>(event: E, payload: ContractEvents[E]): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  appVersion: string;
  writersIntervalMs?: number;
  /** Main's own confirmation of new or changed commands (Electron); without it the caller's digest confirms. */
  confirmCommands?: CoreOptions['confirmCommands'];
  /** Whose approvals these are: each front door keeps its own. */
  frontDoor: FrontDoor;
}

/** Reports kept in memory too, so a run's report is there even if saving it failed. */
const RECENT_REPORTS = 20;

export class BackupService {
  readonly plans: PlanStore;
  readonly reports: ReportStore;
  private run: BackupRun | undefined;
  /** The plan whose commands main's dialog is asking about now (one dialog at a time). */
  private confirming: string | undefined;
  private readonly recent = new Map<string, BackupReport>();
  private readonly markers: RunMarkers;
  private readonly interrupted: InterruptedRuns;

  constructor(private readonly deps: BackupServiceDeps) {
    this.plans = new PlanStore(deps.configDir);
    this.reports = new ReportStore(deps.configDir);
    this.markers = new RunMarkers(deps.configDir);
    this.interrupted = new InterruptedRuns({
      markers: this.markers,
      anythingFrozen: () => deps.anythingFrozen(),
      save: (report) => this.reports.save(report),
      remember: (report) => this.remember(report),
      reportsChanged: () => void this.listReports().then((list) => deps.emit('reports.changed', list), () => undefined),
      log: (level, message) => deps.log(level, message),
      appVersion: deps.appVersion,
    });
  }

  /**
   * At the core's start: runs an earlier main did not live to end are listed at once (reads only); their
   * reports are saved in the background once nothing is frozen. A failure must not keep the app from starting.
   */
  async init(): Promise<void> {
    if (!parentDeathSignalAvailable()) this.deps.log('warn', `backup: ${SETPRIV_PATH} (util-linux) is missing: a plan's commands will not be stopped should the app die during a run`);
    await this.interrupted.find().catch((error: Error) => this.deps.log('error', `backup: could not look for interrupted runs in ${this.markers.dir}: ${error.message}`));
    void this.settleInterrupted();
  }

  /** Settle the interrupted runs once nothing is frozen (called again on each thaw). */
  settleInterrupted(): Promise<void> {
    return this.interrupted.settle().catch((error: unknown) => this.deps.log('error', `backup: settling interrupted runs failed: ${(error as Error)?.message ?? String(error)}`));
  }

  listPlans(): Promise<BackupPlan[]> {
    return this.plans.list();
  }

  savePlan(plan: BackupPlanInput): Promise<BackupPlan> {
    this.refuseWhileFrozen('save a plan');
    return this.plans.save(plan);
  }

  async deletePlan(name: string): Promise<{ deleted: boolean }> {
    if (this.run?.plan.name === name) throw new BackupError('BACKUP_RUNNING', `The plan "${name}" is running: cancel it first.`);
    this.refuseWhileFrozen('delete a plan');
    return { deleted: await this.plans.delete(name) };
  }

  async preflight(name: string): Promise<Preflight> {
    return (await this.check(await this.plans.get(name))).preflight;
  }

  /** The command line's plan file, pre-flighted as it is: never written into the plan store. */
  async preflightFile(input: BackupPlanInput): Promise<Preflight> {
    return (await this.check(this.planFile(input), { saved: false })).preflight;
  }

  /** Run a saved plan. */
  start(name: string, confirmCommands?: string): Promise<BackupRunState> {
    return this.startPlan(() => this.plans.get(name), confirmCommands, { saved: true });
  }

  /**
   * Run the command line's plan file as it is, without saving it (a GUI
   * plan of the same name stays as it was) and without remembering an
   * approval: the file, which the caller checked, is its own confirmation.
   */
  startFile(input: BackupPlanInput, confirmCommands: string): Promise<BackupRunState> {
    const plan = this.planFile(input);
    return this.startPlan(async () => plan, confirmCommands, { saved: false });
  }

  private planFile(input: BackupPlanInput): BackupPlan {
    if (this.deps.frontDoor !== 'cli') throw new BackupError('PLAN_INVALID', 'Only the command line runs a plan file; save the plan and run it by name.');
    return parsePlan(input, 'the plan file');
  }

  private async startPlan(load: () => Promise<BackupPlan>, confirmCommands: string | undefined, where: { saved: boolean }): Promise<BackupRunState> {
    if (this.run) throw new BackupError('BACKUP_RUNNING', `The plan "${this.run.plan.name}" is running (run ${this.run.runId}): wait for it or cancel it.`);
    this.refuseWhileFrozen('start a backup');
    const plan = await load();
    const name = plan.name;
    const { preflight, members } = await this.check(plan, where);
    // Again, after the awaits: a freeze by hand meanwhile would leave the approval below waiting on a frozen disk.
    this.refuseWhileFrozen('start a backup');
    // Before any confirmation: nobody is asked to approve commands of a plan that cannot run.
    if (preflight.blockers.length) throw new BackupError('PLAN_INVALID', `The plan "${name}" cannot run now: ${preflight.blockers.join(' ')}`);
    if (!preflight.commandsConfirmed) {
      await this.confirm(name, preflight, confirmCommands);
      this.refuseWhileFrozen('start a backup'); // the dialog may have stayed open a while
      // Remembered for this front door only, and for this plan exactly.
      if (where.saved) await this.plans.approve(this.deps.frontDoor, plan);
    }
    // Its writes (an interrupted run's report, partial files removed) end before this run can freeze anything.
    await this.settleInterrupted();
    if (this.run) throw new BackupError('BACKUP_RUNNING', 'Another run started meanwhile.');

    const run = new BackupRun(newRunId(), plan, members, {
      freeze: this.deps.freeze,
      helper: this.deps.helper,
      movers: this.deps.movers,
      emitProgress: (state) => this.deps.emit('backup.progress', state),
      emitOutput: (line) => this.deps.emit('backup.output', line),
      planHistory: (planName) => this.planHistory(planName),
      appVersion: this.deps.appVersion,
      writersIntervalMs: this.deps.writersIntervalMs,
    });
    this.run = run;
    this.deps.log('info', `backup: run ${run.runId} of plan "${name}" started (${plan.method}, ${plan.mounts.join(', ')})`);
    void this.finish(run);
    return run.state();
  }

  /**
   * freeze.extend of a filesystem the run holds frozen: refused, so the
   * helper's deadline stays the run's hold window. (A Thaw stays allowed:
   * the run then reports that the freeze ended early, untrustworthy.)
   */
  refuseExtend(row: MountBase | undefined): void {
    const run = this.run;
    if (!row || !run?.holds(row.majorMinor)) return;
    throw new BackupError(
      'BACKUP_RUNNING',
      `${row.path} is held frozen by the backup run of "${run.plan.name}": its hold window (${seconds(run.plan.holdWindowMs)}) is enforced, so its deadline cannot be extended. Thaw it to end the freeze now (the run then fails, its snapshot untrustworthy), or cancel the run.`,
    );
  }

  confirmSnapshot(runId: string, notes?: string): BackupRunState {
    return this.runById(runId).confirmSnapshot(notes);
  }

  cancel(runId: string): BackupRunState {
    return this.runById(runId).cancel();
  }

  current(): BackupRunState | null {
    return this.run?.state() ?? null;
  }

  /** Cancel whatever runs (quit): resolves once its report is saved. */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.cancel();
    await this.finished;
  }

  async listReports(): Promise<ReportSummary[]> {
    const saved = await this.reports.list();
    const ids = new Set(saved.map((s) => s.runId));
    const unsaved = [...this.recent.values()].filter((r) => !ids.has(r.runId)).map(summarize);
    return [...saved, ...unsaved].sort((a, b) => (a.runId < b.runId ? 1 : -1));
  }

  async getReport(runId: string): Promise<BackupReport> {
    return this.recent.get(runId) ?? this.reports.get(runId);
  }

  async exportReport(runId: string, format: 'json' | 'markdown'): Promise<{ filename: string; mime: string; text: string }> {
    const report = await this.getReport(runId);
    if (format === 'json') return { filename: reportFilename(report, 'json'), mime: 'application/json', text: `${JSON.stringify(report, null, 2)}\n` };
    return { filename: reportFilename(report, 'md'), mime: 'text/markdown', text: reportToMarkdown(report) };
  }

  private finished: Promise<void> = Promise.resolve();

  /**
   * Runs to the end, saves the report, then says so: reports.changed, and
   * a last backup.progress in a final state, which the wizard and the CLI
   * wait for. Also when execute() rejects (a bug): the run is then ended
   * as failed (INTERNAL), thawed, and its report kept and saved.
   */
  private async finish(run: BackupRun): Promise<void> {
    let release: () => void = () => undefined;
    this.finished = new Promise((resolve) => (release = resolve));
    try {
      // Before execute(), so before anything is frozen (the config dir may be on a member).
      const marked = await this.mark(run);
      let report: BackupReport;
      try {
        report = await run.execute();
      } catch (error) {
        this.deps.log('error', `backup: run ${run.runId} failed unexpectedly: ${(error as Error)?.stack ?? String(error)}`);
        report = await run.abandon(error);
      }
      this.remember(report);
      // Only now, after the thaw: the config dir may be on a member of the group.
      try {
        await this.reports.save(report);
      } catch (error) {
        this.deps.log('error', `backup: could not save the report of run ${run.runId}: ${(error as Error).message}`);
      }
      // Removed even when the save failed: the marker would otherwise report a run that ended as killed.
      if (marked) await this.markers.remove(run.runId).catch((error: Error) => this.deps.log('error', `backup: could not remove the marker of run ${run.runId}: ${error.message}`));
      this.deps.log('info', `backup: run ${run.runId} ${report.outcome}${report.error ? ` (${report.error.code}: ${report.error.message})` : ''}, ${report.trustworthy ? 'trustworthy' : 'untrustworthy'}`);
    } catch (error) {
      this.deps.log('error', `backup: run ${run.runId} could not be ended cleanly: ${(error as Error)?.stack ?? String(error)}`);
    } finally {
      this.run = undefined;
      this.deps.emit('reports.changed', await this.listReports().catch(() => []));
      this.deps.emit('backup.progress', run.state());
      release();
    }
  }

  /** Write the run's marker; a failure is logged and the run goes on, only without a trace should main die. */
  private mark({ runId, plan, record }: BackupRun): Promise<boolean> {
    const marker = selfIdentity().then((self) => this.markers.write({ version: 1, runId, plan, members: record.members, startedAt: record.startedAt, ...self }));
    return marker.then(
      () => true,
      (error: Error) => (this.deps.log('warn', `backup: could not write the marker of run ${runId} (${error.message}): should the app die during it, the next start will not know of it`), false),
    );
  }

  /** The caller's digest must match; where main has its own dialog, the user must approve there too. */
  private async confirm(name: string, preflight: Preflight, digest: string | undefined): Promise<void> {
    const count = `${preflight.commands.length} command(s)`;
    if (digest !== preflight.commandsDigest) {
      const changed = preflight.changedSinceApproval?.length ? ` It changed since it was approved here (${preflight.changedSinceApproval.join(', ')}).` : '';
      throw new BackupError('COMMANDS_NOT_CONFIRMED', `The plan "${name}" runs ${count} you have not confirmed for it as it is now.${changed} Review it and confirm.`);
    }
    const ask = this.deps.confirmCommands;
    if (!ask) return; // web mode, CLI: the digest the caller saw is the confirmation
    if (this.confirming !== undefined) throw new BackupError('BACKUP_RUNNING', `The commands of the plan "${this.confirming}" are waiting for your answer: answer that dialog first.`);
    this.confirming = name;
    let approved = false;
    try {
      approved = (await ask({ planName: name, commands: preflight.commands.map((c) => ({ ...c, argv: [...c.argv] })) })) === true;
    } catch (error) {
      this.deps.log('error', `backup: the confirmation of the commands of "${name}" failed: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      this.confirming = undefined;
    }
    if (!approved) throw new BackupError('COMMANDS_NOT_CONFIRMED', `The ${count} of the plan "${name}" were not approved in Freezeframe's confirmation dialog: nothing ran.`);
  }

  private remember(report: BackupReport): void {
    this.recent.set(report.runId, report);
    for (const key of this.recent.keys()) {
      if (this.recent.size <= RECENT_REPORTS) break;
      this.recent.delete(key);
    }
  }

  private async check(plan: BackupPlan, where: { saved: boolean } = { saved: true }): Promise<PreflightResult> {
    await this.deps.refreshTable();
    return runPreflight(plan, {
      rows: () => this.deps.rows(),
      isFrozen: (key) => this.deps.isFrozen(key),
      readDirtyBytes: () => this.deps.movers.readDirtyBytes(),
      backingFileOf: (mount) => this.deps.movers.backingFileOf(mount),
      allocatedBytes: (path) => this.deps.movers.allocatedBytes(path),
      probeReflink: (source, dir) => this.deps.movers.probeReflink(source, dir),
      estimateCopyMs: (bytes, reflink) => this.deps.movers.estimateCopyMs(bytes, reflink),
      approval: async (name) => (where.saved ? this.plans.approval(this.deps.frontDoor, name) : undefined),
      helperMaxTimeoutMs: () => this.deps.helperMaxTimeoutMs(),
      checkFolder: (path, opts) => this.deps.movers.checkFolder(path, opts),
      euid: process.geteuid?.() ?? -1,
    });
  }

  private async planHistory(planName: string): Promise<PlanHistory> {
    const reports = (await this.reports.all()).filter((r) => r.plan.name === planName);
    const subvolumeIds = new Map<string, number>();
    for (const report of reports) {
      for (const member of report.members) {
        const snapshot = member.snapshot;
        if (snapshot?.kind === 'subvolume' && snapshot.path && Number.isSafeInteger(snapshot.subvolumeId)) subvolumeIds.set(snapshot.path, snapshot.subvolumeId!);
      }
    }
    return { succeeded: new Set(reports.filter((r) => r.outcome === 'succeeded' && r.trustworthy).map((r) => r.runId)), subvolumeIds };
  }

  private runById(runId: string): BackupRun {
    if (this.run?.runId !== runId) throw new CoreError('RUN_NOT_FOUND', `Run ${runId} is not running (it finished, or the app restarted).`);
    return this.run;
  }

  /** The config dir may be on a frozen filesystem: write nothing while anything is. */
  private refuseWhileFrozen(what: string): void {
    if (this.run) throw new BackupError('BACKUP_RUNNING', `A backup is running: ${what} after it ends.`);
    if (this.deps.anythingFrozen()) throw new CoreError('BUSY', `A filesystem is frozen: thaw it first, then ${what} (its files may live there).`);
  }
}
