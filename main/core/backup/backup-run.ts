/**
 * One run of a plan: quiesce hooks, pre-sync, the group freeze, the
 * snapshot, the thaw the moment it is done, then backing up from the
 * snapshot. Two clocks (quiesce, hold) bound the capture; when either runs
 * out, or the user cancels, or the freeze ends early, the capture is
 * aborted and the group thawed at once. Whatever happens, the group is
 * thawed before the run ends (and the helper's deadline is the backstop).
 * Nothing is written to disk here while frozen; the report is built in
 * memory and saved by the caller after the thaw.
 */
import type { BackupOutputLine, BackupPhase, BackupPlan, BackupReport, BackupRunState, HookRecord, RunStatus } from '../../../app/backup';
import type { FreezeService, GroupFreeze } from '../freeze-service';
import type { HelperConnection } from '../helper-supervisor';
import type * as p from '../../helper/protocol';
import { CoreError, toErrorShape } from '../core-error';
import { BackupError } from './backup-error';
import { capture, prepareCapture } from './capture';
import { describeOutcome, runCommand, succeeded, type OutputStream } from './child-command';
import type { DataMovers } from './data-movers';
import { HoldHook } from './hold-hook';
import { seconds, type ResolvedMember } from './preflight';
import { RunClocks, type WindowName } from './run-clocks';
import { ProgressEmitter } from './run-progress';
import { RunRecord } from './run-record';
import { afterThaw } from './run-after-thaw';
import { WritersTracker } from './writers-tracker';

export interface BackupRunDeps {
  freeze: Pick<FreezeService, 'freezeGroup' | 'thawGroup'>;
  helper: { onEvent(listener: (event: p.HelperEvent) => void): () => void; onExit(listener: () => void): () => void; running(): HelperConnection | undefined };
  movers: DataMovers;
  emitProgress(state: BackupRunState): void;
  emitOutput(line: BackupOutputLine): void;
  /** Run ids of this plan's earlier successful runs (retention counts only those). */
  succeededRunIds(planName: string): Promise<Set<string>>;
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
  private group: GroupFreeze | undefined;
  private thawing: Promise<void> | undefined;
  private holdHook: HoldHook | undefined;
  private writers: WritersTracker | undefined;
  private operator: { resolve(): void; reject(error: Error): void } | undefined;
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
      await this.thawNow();
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

  state(): BackupRunState {
    return {
      runId: this.runId,
      planName: this.plan.name,
      method: this.plan.method,
      status: this.status,
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
      writersBlocked: this.writers?.current ?? 0,
      error: this.record.error ?? null,
    };
  }

  /** Stop at any phase: thaw at once, stop whatever runs, keep a report. */
  cancel(): BackupRunState {
    if (this.status !== 'running' && this.status !== 'waiting-for-operator') return this.state();
    if (!this.record.cancelled) {
      this.record.cancelled = true;
      this.record.fail(new BackupError('CANCELLED', 'The run was cancelled.'));
      if (!this.record.captured) this.record.untrustworthy('The run was cancelled before the snapshot was done.');
      this.stopCapture.abort();
      this.cancelAll.abort();
      void this.thawNow();
    }
    return this.state();
  }

  /** Manual method: the operator took the snapshot. */
  confirmSnapshot(notes?: string): BackupRunState {
    if (this.status !== 'waiting-for-operator' || !this.operator) {
      throw new CoreError('RUN_NOT_FOUND', `Run ${this.runId} is not waiting for "Snapshot taken" (the window ran out, it was cancelled, or it is past the snapshot).`);
    }
    this.record.snapshotConfirmedAt = Date.now();
    if (notes !== undefined) this.record.operatorNotes = notes;
    this.operator.resolve();
    this.operator = undefined;
    return this.state();
  }

  // ---- for run-after-thaw.ts ----

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

  output(source: BackupOutputLine['source'], stream: OutputStream, text: string): void {
    this.deps.emitOutput({ runId: this.runId, source, stream, text, at: Date.now() });
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
      await prepareCapture(plan, this.runId, this.members);
      return `${this.frozenMembers.length} to freeze, ${this.members.length - this.frozenMembers.length} btrfs snapshot(s)`;
    });
    this.clocks.startQuiesce();
    this.record.quiesceStartedAt = Date.now();
    await this.preFreezeHook();
    await this.startHoldHook();
    if (plan.preSync) {
      await this.step('sync', async () => {
        const took: string[] = [];
        for (const member of this.members) {
          const startedAt = Date.now();
          await this.deps.movers.syncFilesystem(member.mountpoint, this.windowLeftMs(), this.stopCapture.signal);
          took.push(`${member.mountpoint} ${Date.now() - startedAt} ms`);
        }
        this.throwIfStopped();
        return `sync -f: ${took.join(', ')}`;
      });
    } else this.skip('sync', 'the plan turns the pre-sync off');
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
        waitForOperator: () => this.waitForOperator(),
      });
      this.throwIfStopped();
      this.record.captured = true;
      this.progressValue = null;
    });
    await this.thawNow();
  }

  private async preFreezeHook(): Promise<void> {
    const spec = this.plan.hooks.preFreeze;
    if (!spec) return this.skip('pre-freeze-hook', 'no pre-freeze hook');
    await this.step('pre-freeze-hook', async () => {
      const timeoutMs = Math.min(spec.timeoutMs, this.windowLeftMs());
      const outcome = await runCommand({ argv: spec.argv, shell: spec.shell, env: this.env, timeoutMs, signal: this.stopCapture.signal, onLine: (s, t) => this.output('pre-freeze', s, t) });
      this.record.hooks.push(hookRecord('pre-freeze', spec.argv, outcome, succeeded(outcome) ? 'ok' : outcome.timedOut ? 'timed-out' : 'failed'));
      this.throwIfStopped();
      if (!succeeded(outcome)) throw new BackupError('HOOK_FAILED', `The pre-freeze hook ${describeOutcome(outcome, timeoutMs)}. Nothing was frozen.`, outcome.tail);
      return `exit 0 in ${outcome.ms} ms`;
    });
  }

  private async startHoldHook(): Promise<void> {
    const spec = this.plan.hooks.hold;
    if (!spec) return this.skip('hold-hook', 'no hold hook');
    await this.step('hold-hook', async () => {
      const hook = new HoldHook(spec, this.env, (s, t) => this.output('hold', s, t));
      this.holdHook = hook;
      const ready = await hook.waitReady(Math.min(spec.readyTimeoutMs, this.windowLeftMs()), this.stopCapture.signal);
      this.throwIfStopped();
      if (!ready.ready) {
        const outcome = await hook.outcome;
        this.record.hooks.push(hookRecord('hold', spec.argv, outcome, 'failed'));
        this.holdHook = undefined;
        throw new BackupError('HOOK_FAILED', `The hold hook was not ready: ${ready.why}. Nothing was frozen.`, outcome.tail);
      }
      // Its lock lives as long as it does: if it ends before the thaw, the snapshot loses what it stood for.
      void hook.outcome.then((outcome) => {
        if (this.thawing || this.record.captured || !this.stillCapturing()) return;
        this.record.hooks.push(hookRecord('hold', spec.argv, outcome, 'failed'));
        this.holdHook = undefined;
        const why = `The hold hook ended (${describeOutcome(outcome)}) before the snapshot was done: the lock it held was released.`;
        this.stop(new BackupError('HOOK_FAILED', why), `${why} Retry the run.`);
      });
      return `ready: "${spec.readyLine}"`;
    });
  }

  private async freezeGroup(): Promise<void> {
    if (this.frozenMembers.length === 0) return this.skip('freeze', 'nothing to freeze: btrfs snapshots are atomic by themselves');
    await this.step('freeze', async () => {
      this.throwIfStopped();
      const timeoutMs = this.clocks.freezeTimeoutMs();
      if (timeoutMs === null) throw new BackupError('WINDOW_EXCEEDED', 'Too little of the quiesce window was left to freeze. Nothing was frozen.');
      const rows = this.frozenMembers.map((m) => m.row!);
      const group = await this.deps.freeze.freezeGroup(rows, timeoutMs, { allowUnsafe: rows.some((r) => r.danger.length > 0) });
      this.group = group;
      this.record.frozenAt = group.frozenAt;
      this.clocks.startHold(group.remainingMs);
      this.writers = new WritersTracker(() => this.deps.helper.running(), group.mounts.map((m) => m.path), () => this.progress.soon(), this.deps.writersIntervalMs);
      this.writers.start();
      this.throwIfStopped(); // a cancel while the freeze was in flight: the finally thaws
      return `${rows.length} filesystem(s), helper deadline ${seconds(group.remainingMs)}`;
    });
  }

  private waitForOperator(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.stopCapture.signal.aborted) return reject(this.stopReason());
      this.operator = { resolve, reject };
      this.status = 'waiting-for-operator';
      this.progress.now();
      this.stopCapture.signal.addEventListener('abort', () => reject(this.stopReason()), { once: true });
    }).finally(() => {
      this.operator = undefined;
      if (this.status === 'waiting-for-operator') this.status = 'running';
    });
  }

  /** Thaw the group now (once); every caller waits for the same thaw. */
  private thawNow(): Promise<void> {
    const group = this.group;
    if (!group) return Promise.resolve();
    this.thawing ??= (async () => {
      await this.writers?.finish();
      this.setPhase('thaw');
      const startedAt = Date.now();
      try {
        await this.deps.freeze.thawGroup(group);
        this.record.phase('thaw', startedAt, 'ok');
      } catch (error) {
        // The helper's deadline still thaws it; say so rather than hide it.
        this.record.fail(error);
        this.record.phase('thaw', startedAt, 'failed', `${toErrorShape(error).shape.message} (the helper's deadline thaws it)`);
      } finally {
        this.record.thawedAt = Date.now();
        this.record.quiesceEndedAt = this.record.thawedAt;
        this.record.maxWritersBlocked = this.writers?.max ?? 0;
        this.clocks.stop();
        this.progress.now();
      }
    })();
    return this.thawing;
  }

  private onHelperEvent(event: p.HelperEvent): void {
    if (event.event !== 'thawed' || !this.group?.mounts.some((m) => m.majorMinor === event.mount.majorMinor)) return;
    if (event.heldMs !== null && event.heldMs >= 0) this.record.heldMs = Math.max(this.record.heldMs ?? 0, event.heldMs);
    if (this.thawing) return; // our own thaw
    if (event.reason === 'deadline') this.clocks.markExpired('hold');
    else this.freezeEnded(`${event.mount.path} was thawed (${event.reason}) before the snapshot was done`);
  }

  private freezeEnded(why: string): void {
    if (!this.group || this.thawing || !this.stillCapturing()) return;
    this.stop(new BackupError('SNAPSHOT_FAILED', `${why}.`), `${why}: the snapshot may not be consistent. Retry the run.`);
  }

  private windowRanOut(window: WindowName): void {
    if (!this.stillCapturing()) return;
    this.record.expiredWindow ??= window;
    const ms = window === 'hold' ? this.plan.holdWindowMs : this.plan.quiesceWindowMs;
    const message = `The ${window} window (${seconds(ms)}) ran out before the snapshot was done${this.group ? '; the filesystems were thawed' : '; nothing was frozen'}.`;
    this.stop(new BackupError('WINDOW_EXCEEDED', message), `${message} Retry the run.`);
  }

  private stop(reason: BackupError, untrustworthy: string): void {
    this.record.fail(reason);
    this.record.untrustworthy(untrustworthy);
    this.stopCapture.abort();
    void this.thawNow();
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

export function hookRecord(role: HookRecord['role'], argv: string[], outcome: { exitCode: number | null; signal: string | null; ms: number; tail: string }, result: HookRecord['outcome']): HookRecord {
  return { role, argv, exitCode: outcome.exitCode, signal: outcome.signal, ms: outcome.ms, outcome: result, outputTail: outcome.tail };
}

/** What every command of the plan finds in its environment. */
function commandEnv(runId: string, plan: BackupPlan, members: readonly ResolvedMember[]): Record<string, string> {
  const env: Record<string, string> = { FREEZEFRAME_RUN_ID: runId, FREEZEFRAME_PLAN: plan.name, FREEZEFRAME_MOUNTS: members.map((m) => m.mountpoint).join('\n') };
  for (const member of members) {
    env[`FREEZEFRAME_MOUNT_${member.index}`] = member.mountpoint;
    env[`FREEZEFRAME_DEVICE_${member.index}`] = member.device;
  }
  return env;
}
