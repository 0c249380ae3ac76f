/**
 * A run's quiesce phases before the freeze, in order: the pre-freeze hook,
 * the hold hook (started, then waited for until its ready line), the
 * pre-sync. Each is bounded by the time left in the run's windows and stops
 * when the capture is stopped (a window ran out, a cancel). If one fails,
 * nothing is frozen.
 */
import type { BackupOutputLine, BackupPhase, BackupPlan, HookRecord } from '../../../../app/backup';
import { BackupError } from '../backup-error';
import { describeOutcome, runCommand, succeeded, type OutputStream } from '../commands/child-command';
import type { DataMovers } from '../movers/data-movers';
import { HoldHook } from '../commands/hold-hook';
import type { ResolvedMember } from '../preflight';
import type { RunRecord } from './run-record';

/** What the phases use of their run (BackupRun). */
export interface QuiesceRun {
  readonly plan: BackupPlan;
  readonly record: RunRecord;
  readonly commandEnv: Readonly<Record<string, string>>;
  step(phase: BackupPhase, work: () => Promise<string | void>): Promise<void>;
  skip(phase: BackupPhase, why: string): void;
  output(source: BackupOutputLine['source'], stream: OutputStream, text: string): void;
}

export interface QuiesceContext {
  run: QuiesceRun;
  members: readonly ResolvedMember[];
  movers: DataMovers;
  /** The capture's signal: a window ran out, or a cancel. */
  signal: AbortSignal;
  /** Time left before the first window to run out. */
  windowLeftMs(): number;
  throwIfStopped(): void;
  /** Not thawing, not captured, not stopped. */
  stillCapturing(): boolean;
  /** Stop the capture and thaw: the run fails, its snapshot untrustworthy. */
  stop(reason: BackupError, untrustworthy: string): void;
  /** The hold hook the run must release after the thaw (undefined: there is none to release). */
  setHoldHook(hook: HoldHook | undefined): void;
}

export async function preFreezeHook(ctx: QuiesceContext): Promise<void> {
  const { run } = ctx;
  const spec = run.plan.hooks.preFreeze;
  if (!spec) return run.skip('pre-freeze-hook', 'no pre-freeze hook');
  await run.step('pre-freeze-hook', async () => {
    const timeoutMs = Math.min(spec.timeoutMs, ctx.windowLeftMs());
    const outcome = await runCommand({ argv: spec.argv, shell: spec.shell, env: run.commandEnv, timeoutMs, signal: ctx.signal, onLine: (s, t) => run.output('pre-freeze', s, t) });
    run.record.hooks.push(hookRecord('pre-freeze', spec.argv, outcome, succeeded(outcome) ? 'ok' : outcome.timedOut ? 'timed-out' : 'failed'));
    ctx.throwIfStopped();
    if (!succeeded(outcome)) throw new BackupError('HOOK_FAILED', `The pre-freeze hook ${describeOutcome(outcome, timeoutMs)}. Nothing was frozen.`, outcome.tail);
    return `exit 0 in ${outcome.ms} ms`;
  });
}

export async function startHoldHook(ctx: QuiesceContext): Promise<void> {
  const { run } = ctx;
  const spec = run.plan.hooks.hold;
  if (!spec) return run.skip('hold-hook', 'no hold hook');
  await run.step('hold-hook', async () => {
    const hook = new HoldHook(spec, run.commandEnv, (s, t) => run.output('hold', s, t));
    ctx.setHoldHook(hook);
    const ready = await hook.waitReady(Math.min(spec.readyTimeoutMs, ctx.windowLeftMs()), ctx.signal);
    ctx.throwIfStopped();
    if (!ready.ready) {
      const outcome = await hook.outcome;
      run.record.hooks.push(hookRecord('hold', spec.argv, outcome, 'failed'));
      ctx.setHoldHook(undefined);
      throw new BackupError('HOOK_FAILED', `The hold hook was not ready: ${ready.why}. Nothing was frozen.`, outcome.tail);
    }
    // Its lock lives as long as it does: if it ends before the thaw, the snapshot loses what it stood for.
    void hook.outcome.then((outcome) => {
      if (!ctx.stillCapturing()) return;
      run.record.hooks.push(hookRecord('hold', spec.argv, outcome, 'failed'));
      ctx.setHoldHook(undefined);
      const why = `The hold hook ended (${describeOutcome(outcome)}) before the snapshot was done: the lock it held was released.`;
      ctx.stop(new BackupError('HOOK_FAILED', why), `${why} Retry the run.`);
    });
    return `ready: "${spec.readyLine}"`;
  });
}

export async function preSync(ctx: QuiesceContext): Promise<void> {
  const { run } = ctx;
  if (!run.plan.preSync) return run.skip('sync', 'the plan turns the pre-sync off');
  await run.step('sync', async () => {
    const took: string[] = [];
    for (const member of ctx.members) {
      const startedAt = Date.now();
      await ctx.movers.syncFilesystem(member.mountpoint, ctx.windowLeftMs(), ctx.signal);
      took.push(`${member.mountpoint} ${Date.now() - startedAt} ms`);
    }
    ctx.throwIfStopped();
    return `sync -f: ${took.join(', ')}`;
  });
}

export function hookRecord(role: HookRecord['role'], argv: string[], outcome: { exitCode: number | null; signal: string | null; ms: number; tail: string }, result: HookRecord['outcome']): HookRecord {
  return { role, argv, exitCode: outcome.exitCode, signal: outcome.signal, ms: outcome.ms, outcome: result, outputTail: outcome.tail };
}

/** What every command of the plan finds in its environment. */
export function commandEnv(runId: string, plan: BackupPlan, members: readonly ResolvedMember[]): Record<string, string> {
  const env: Record<string, string> = { FREEZEFRAME_RUN_ID: runId, FREEZEFRAME_PLAN: plan.name, FREEZEFRAME_MOUNTS: members.map((m) => m.mountpoint).join('\n') };
  for (const member of members) {
    env[`FREEZEFRAME_MOUNT_${member.index}`] = member.mountpoint;
    env[`FREEZEFRAME_DEVICE_${member.index}`] = member.device;
  }
  return env;
}
