/**
 * One run of a plan: quiesce hooks, pre-sync, the group freeze, the
 * snapshot, the thaw the moment it is done, then backing up from the
 * snapshot. Two clocks (quiesce, hold) bound the capture; when either runs
 * out, or the user cancels, or the freeze ends early, the capture is
 * aborted and the group thawed at once. Whatever happens, the group is
 * thawed before the run ends (and the helper's deadline is the backstop).
 * Nothing is written to disk here while frozen; the report is built in
 * memory and saved by the caller after the thaw. The phases before the
 * freeze are in quiesce-phases.ts, the group's freeze and thaw in
 * group-hold.ts, those after the thaw in after-thaw-phases.ts.
 */
import type { BackupOutputLine, BackupPhase, BackupPlan, BackupReport, BackupRunState, RunStatus, OutputKind } from '../../../../app/backup';
import type { FreezeService } from '../../freeze/freeze-service';
import type { HelperConnection } from '../../freeze/helper-supervisor';
import type * as p from '../../../helper/protocol';
import { CoreError, toErrorShape } from '../../core-error';
import { BackupError } from '../backup-error';
import { capture, prepareCapture } from './capture';
import type { OutputStream } from '../commands/child-command';
import type { DataMovers } from '../movers/data-movers';
import type { HoldHook } from '../commands/hold-hook';
import { seconds, type ResolvedMember } from '../preflight';
import { RunClocks, type WindowName } from './clocks';
import { ProgressEmitter } from './progress-emitter';
import { commandEnv, preFreezeHook, preSync, startHoldHook, type QuiesceContext } from './quiesce-phases';
import { GroupHold } from './group-hold';
import { OperatorWait } from './operator-wait';
import { RunRecord } from './run-record';
import { afterThaw } from './after-thaw-phases';
import type { PlanHistory } from './backup-from-snapshot';

export interface BackupRunDeps {
  freeze: Pick<FreezeService, 'freezeGroup' | 'thawGroup'>;
  helper: { onEvent(listener: (event: p.HelperEvent) => void): () => void; onExit(listener: () => void): () => void; running(): HelperConnection | undefined };
  movers: DataMovers;
  emitProgress(state: BackupRunState): void;
  emitOutput(line: BackupOutputLine): void;
  /** This plan's earlier runs, from their reports: which succeeded (retention counts only those), and its snapshots' subvolume ids. */
  planHistory(planName: string): Promise<PlanHistory>;
  appVersion: string;
  writersIntervalMs?: number;
}

export class BackupRun {
  readonly record: RunRecord;
  /** Aborts the capture: a window ran out, the freeze ended early, a cancel. */
  private readonly stopCapture = new AbortController();
  /** Aborts everything, after the thaw too: a cancel only. */
  private readonly cancelAll = new AbortController();
  private readonly clocks: RunClocks;
  private readonly progress: ProgressEmitter;
  private status: RunStatus = 'running';
  private currentPhase: BackupPhase = 'preflight';
  private progressValue: BackupRunState['progress'] = null;
  private readonly hold: GroupHold;
  private holdHook: HoldHook | undefined;
  private readonly operator = new OperatorWait();
  private readonly frozenMembers: ResolvedMember[];
  private readonly env: Record<string, string>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    readonly runId: string,
    readonly plan: BackupPlan,
    private readonly members: readonly ResolvedMember[],
    private readonly deps: BackupRunDeps,
  ) {
    this.record = new RunRecord(
      runId,
      plan,
      Date.now(),
      members.map((m) => ({ mountpoint: m.mountpoint, fsType: m.fsType, device: m.device, capture: m.capture })),
    );
    this.frozenMembers = members.filter((m) => m.capture === 'frozen');
    this.clocks = new RunClocks({ quiesceWindowMs: plan.quiesceWindowMs, holdWindowMs: plan.holdWindowMs, onExpired: (w) => this.windowRanOut(w) });
    this.progress = new ProgressEmitter(() => this.state(), deps.emitProgress);
    this.hold = new GroupHold({ ...deps, record: this.record, clocks: this.clocks, progress: this.progress, setPhase: (phase) => this.setPhase(phase) });
    this.env = commandEnv(runId, plan, members);
  }

  /** Runs to the end; never rejects: every failure is in the report. */
  async execute(): Promise<BackupReport> {
    this.unsubscribe.push(this.deps.helper.onEvent((event) => this.onHelperEvent(event)));
    this.unsubscribe.push(this.deps.helper.onExit(() => this.freezeEnded('the freeze helper exited (its guardian thawed everything)')));
    try {
      await this.capturePhases();
    } catch {
      // Recorded by step(); the thaw below comes first, whatever it was.
    } finally {
      await this.hold.thaw();
      this.clocks.stop();
      this.record.quiesceEndedAt ??= Date.now();
    }
    for (const off of this.unsubscribe.splice(0)) off();
    await afterThaw(this, this.deps, this.cancelAll.signal, this.holdHook);
    this.status = this.record.cancelled ? 'cancelled' : this.record.ok ? 'succeeded' : 'failed';
    this.progressValue = null;
    this.progress.stop();
    return this.record.toReport(this.deps.appVersion);
  }

  /**
   * execute() rejected (a bug): stop whatever still runs, thaw, and end
   * failed (INTERNAL) with what the record knows, so the run has a report.
   */
  async abandon(error: unknown): Promise<BackupReport> {
    const earlier = this.record.error ? ` (before that: ${this.record.error.code}: ${this.record.error.message})` : '';
    this.record.error = toErrorShape(new BackupError('INTERNAL', `The run stopped unexpectedly: ${(error as Error)?.message ?? String(error)}${earlier}. What it froze was thawed (or is, by the helper's deadline).`)).shape;
    if (!this.record.captured) this.record.untrustworthy('The run stopped unexpectedly before the snapshot was done.');
    this.stopCapture.abort();
    this.cancelAll.abort();
    try {
      await this.hold.thaw();
      await this.holdHook?.kill();
    } finally {
      for (const off of this.unsubscribe.splice(0)) off();
      this.clocks.stop();
      this.status = 'failed';
      this.progressValue = null;
      this.progress.stop();
    }
    return this.record.toReport(this.deps.appVersion);
  }

  /** It holds this filesystem frozen now (from its group freeze until its thaw). */
  holds(majorMinor: string): boolean {
    return this.hold.holds(majorMinor);
  }

  state(): BackupRunState {
    return {
      runId: this.runId,
      planName: this.plan.name,
      method: this.plan.method,
      status: this.status === 'running' && this.operator.waiting ? 'waiting-for-operator' : this.status,
      phase: this.currentPhase,
      startedAt: this.record.startedAt,
      quiesceRemainingMs: this.clocks.quiesceRemainingMs(),
      holdRemainingMs: this.clocks.holdRemainingMs(),
      quiesceWindowMs: this.plan.quiesceWindowMs,
      holdWindowMs: this.plan.holdWindowMs,
      frozenAt: this.record.frozenAt ?? null,
      thawedAt: this.record.thawedAt ?? null,
      progress: this.progressValue,
      checklist: this.plan.method === 'manual' ? (this.plan.manual?.checklist ?? []) : [],
      writersBlocked: this.hold.writersBlocked,
      error: this.record.error ?? null,
    };
  }

  /** Stop at any phase: thaw at once, stop whatever runs, keep a report. */
  cancel(): BackupRunState {
    if (this.status !== 'running') return this.state();
    if (!this.record.cancelled) {
      this.record.cancelled = true;
      this.record.fail(new BackupError('CANCELLED', 'The run was cancelled.'));
      if (!this.record.captured) this.record.untrustworthy('The run was cancelled before the snapshot was done.');
      this.stopCapture.abort();
      this.cancelAll.abort();
      void this.hold.thaw();
    }
    return this.state();
  }

  /** Manual method: the operator took the snapshot. */
  confirmSnapshot(notes?: string): BackupRunState {
    if (this.status !== 'running' || !this.operator.waiting) {
      throw new CoreError('RUN_NOT_FOUND', `Run ${this.runId} is not waiting for "Snapshot taken" (the window ran out, it was cancelled, or it is past the snapshot).`);
    }
    this.record.snapshotConfirmedAt = Date.now();
    if (notes !== undefined) this.record.operatorNotes = notes;
    this.operator.confirm();
    return this.state();
  }

  // ---- for after-thaw-phases.ts ----

  async step(phase: BackupPhase, work: () => Promise<string | void>): Promise<void> {
    this.setPhase(phase);
    const startedAt = Date.now();
    try {
      const detail = await work();
      this.record.phase(phase, startedAt, 'ok', detail ?? undefined);
    } catch (error) {
      const shape = this.record.fail(error);
      const cancelled = this.record.cancelled && shape.code === 'CANCELLED';
      this.record.phase(phase, startedAt, cancelled ? 'cancelled' : 'failed', toErrorShape(error).shape.message);
      throw error;
    }
  }

  skip(phase: BackupPhase, why: string): void {
    this.record.phase(phase, Date.now(), 'skipped', why);
  }

  output(source: BackupOutputLine['source'], stream: OutputStream, text: string, kind?: OutputKind): void {
    this.deps.emitOutput({ runId: this.runId, source, stream, text, ...(kind && { kind }), at: Date.now() });
  }

  setProgress(label: string, done: number, total: number): void {
    this.progressValue = { label, done, total };
    this.progress.soon();
  }

  get commandEnv(): Readonly<Record<string, string>> {
    return this.env;
  }

  // ---- the capture ----

  private async capturePhases(): Promise<void> {
    const { plan } = this;
    await this.step('preflight', async () => {
      await prepareCapture(plan, this.runId, this.members, this.stopCapture.signal);
      return `${this.frozenMembers.length} to freeze, ${this.members.length - this.frozenMembers.length} btrfs snapshot(s)`;
    });
    this.clocks.startQuiesce();
    this.record.quiesceStartedAt = Date.now();
    const quiesce = this.quiesceContext();
    await preFreezeHook(quiesce);
    await startHoldHook(quiesce);
    await preSync(quiesce);
    await this.freezeGroup();
    await this.step('snapshot', async () => {
      await capture({
        plan,
        runId: this.runId,
        members: this.members,
        reports: this.record.members,
        signal: this.stopCapture.signal,
        remainingMs: () => this.windowLeftMs(),
        movers: this.deps.movers,
        env: this.env,
        output: (source, stream, text) => this.output(source, stream, text),
        progress: (label, done, total) => this.setProgress(label, done, total),
        hook: (record) => this.record.hooks.push(record),
        waitForOperator: () => this.operator.wait(this.stopCapture.signal, () => this.stopReason(), () => this.progress.now()),
      });
      this.throwIfStopped();
      this.record.captured = true;
      this.progressValue = null;
    });
    await this.hold.thaw();
  }

  private quiesceContext(): QuiesceContext {
    return {
      run: this,
      members: this.members,
      movers: this.deps.movers,
      signal: this.stopCapture.signal,
      windowLeftMs: () => this.windowLeftMs(),
      throwIfStopped: () => this.throwIfStopped(),
      stillCapturing: () => !this.hold.thawStarted && this.stillCapturing(),
      stop: (reason, untrustworthy) => this.stop(reason, untrustworthy),
      setHoldHook: (hook) => (this.holdHook = hook),
    };
  }

  private async freezeGroup(): Promise<void> {
    if (this.frozenMembers.length === 0) return this.skip('freeze', 'nothing to freeze: btrfs snapshots are atomic by themselves');
    await this.step('freeze', async () => {
      this.throwIfStopped();
      const timeoutMs = this.clocks.freezeTimeoutMs();
      if (timeoutMs === null) throw new BackupError('WINDOW_EXCEEDED', 'Too little of the quiesce window was left to freeze. Nothing was frozen.');
      const rows = this.frozenMembers.map((m) => m.row!);
      const group = await this.hold.freeze(rows, timeoutMs);
      this.throwIfStopped(); // a cancel while the freeze was in flight: the finally thaws
      return `${rows.length} filesystem(s), helper deadline ${seconds(group.remainingMs)}`;
    });
  }

  private onHelperEvent(event: p.HelperEvent): void {
    if (event.event !== 'thawed' || !this.hold.includes(event.mount.majorMinor)) return;
    if (event.heldMs !== null && event.heldMs >= 0) this.record.heldMs = Math.max(this.record.heldMs ?? 0, event.heldMs);
    if (this.hold.thawStarted) return; // our own thaw
    if (event.reason === 'deadline') this.clocks.markExpired('hold');
    else this.freezeEnded(`${event.mount.path} was thawed (${event.reason}) before the snapshot was done`);
  }

  private freezeEnded(why: string): void {
    if (!this.hold.frozen || this.hold.thawStarted || !this.stillCapturing()) return;
    this.stop(new BackupError('SNAPSHOT_FAILED', `${why}.`), `${why}: the snapshot may not be consistent. Retry the run.`);
  }

  private windowRanOut(window: WindowName): void {
    if (!this.stillCapturing()) return;
    this.record.expiredWindow ??= window;
    const ms = window === 'hold' ? this.plan.holdWindowMs : this.plan.quiesceWindowMs;
    const message = `The ${window} window (${seconds(ms)}) ran out before the snapshot was done${this.hold.frozen ? '; the filesystems were thawed' : '; nothing was frozen'}.`;
    this.stop(new BackupError('WINDOW_EXCEEDED', message), `${message} Retry the run.`);
  }

  private stop(reason: BackupError, untrustworthy: string): void {
    this.record.fail(reason);
    this.record.untrustworthy(untrustworthy);
    this.stopCapture.abort();
    void this.hold.thaw();
  }

  private stillCapturing(): boolean {
    return !this.record.captured && !this.stopCapture.signal.aborted;
  }

  private stopReason(): Error {
    const error = this.record.error;
    return error ? new BackupError(error.code, error.message) : new BackupError('CANCELLED', 'Stopped.');
  }

  private throwIfStopped(): void {
    if (this.stopCapture.signal.aborted) throw this.stopReason();
  }

  /** Time left before the first window to run out. */
  private windowLeftMs(): number {
    const left = [this.clocks.quiesceRemainingMs(), this.clocks.holdRemainingMs()].filter((v): v is number => v !== null);
    return Math.max(1, Math.min(...left, this.plan.quiesceWindowMs));
  }

  setPhase(phase: BackupPhase): void {
    this.currentPhase = phase;
    this.progress.now();
  }
}
