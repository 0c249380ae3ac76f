/**
 * A run's phases after the thaw, in order: let the hold hook go, the
 * post-thaw hook, then (for a trustworthy snapshot) verify, export and
 * retention; an untrustworthy snapshot of ours is thrown away. A failure
 * here fails the run but never makes a good snapshot untrustworthy.
 */
import { BackupError } from '../backup-error';
import type { BackupRun, BackupRunDeps } from './backup-run';
import { hookRecord } from './quiesce-phases';
import { applyRetention, discardSnapshot, exportSnapshot, verifySnapshot, type AfterThawContext } from './backup-from-snapshot';
import { describeOutcome, runCommand, succeeded } from '../commands/child-command';
import type { HoldHook } from '../commands/hold-hook';

export async function afterThaw(run: BackupRun, deps: BackupRunDeps, signal: AbortSignal, holdHook: HoldHook | undefined): Promise<void> {
  const { record, plan } = run;
  const ctx: AfterThawContext = {
    record,
    movers: deps.movers,
    signal,
    output: (source, stream, text, kind) => run.output(source, stream, text, kind),
    progress: (label, done, total) => run.setProgress(label, done, total),
  };
  const attempt = async (work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch {
      return false; // recorded by step()
    }
  };

  if (holdHook) {
    await attempt(() =>
      run.step('release-hold', async () => {
        const outcome = await holdHook.release();
        const letGo = outcome.exitCode === 0 || outcome.terminated;
        record.hooks.push(hookRecord('hold', plan.hooks.hold!.argv, outcome, letGo ? 'released' : 'failed'));
        return letGo ? `released (${describeOutcome(outcome)})` : `it ${describeOutcome(outcome)} when released`;
      }),
    );
  }

  const postThaw = plan.hooks.postThaw;
  const quiesceBegan = record.quiesceStartedAt !== undefined;
  if (postThaw && quiesceBegan) {
    await attempt(() =>
      run.step('post-thaw-hook', async () => {
        // It undoes what the pre-freeze hook did (unlock, resume): a cancel that came earlier does not
        // stop it (it still has its own timeout); only a cancel while it runs does.
        const stoppable = !signal.aborted;
        const outcome = await runCommand({ argv: postThaw.argv, shell: postThaw.shell, env: run.commandEnv, timeoutMs: postThaw.timeoutMs, ...(stoppable && { signal }), onLine: (s, t) => run.output('post-thaw', s, t) });
        record.hooks.push(hookRecord('post-thaw', postThaw.argv, outcome, succeeded(outcome) ? 'ok' : outcome.timedOut ? 'timed-out' : 'failed'));
        if (stoppable && signal.aborted) throw new BackupError('CANCELLED', 'Cancelled during the post-thaw hook.');
        if (!succeeded(outcome)) {
          const trust = record.trustworthy ? ' The snapshot itself was taken while frozen and stays trustworthy.' : '';
          throw new BackupError('HOOK_FAILED', `The post-thaw hook ${describeOutcome(outcome, postThaw.timeoutMs)}.${trust}`, outcome.tail);
        }
      }),
    );
  } else if (postThaw) run.skip('post-thaw-hook', 'the run stopped before the quiesce began');

  if (!record.trustworthy) {
    if (plan.method === 'image-clone' || plan.method === 'btrfs') await discardSnapshot(ctx).catch(() => undefined);
    run.skip('verify', 'no trustworthy snapshot');
    return;
  }
  if (record.cancelled) return run.skip('verify', 'cancelled');

  const ownSnapshot = plan.method === 'image-clone' || plan.method === 'btrfs';
  if (!ownSnapshot) {
    run.skip('verify', `the ${plan.method} method's snapshot lives in the storage: verify it there`);
    run.skip('export', record.operatorNotes ? 'the backup happens elsewhere; the operator notes are recorded' : 'the backup happens elsewhere');
  } else {
    const verified = plan.backup.verify ? await attempt(() => run.step('verify', () => verifySnapshot(ctx).then(() => `${record.verification.length} checked`))) : true;
    if (!plan.backup.verify) run.skip('verify', 'the plan turns verification off');
    if (!plan.backup.destination) run.skip('export', 'the plan has no destination');
    else if (!verified) run.skip('export', 'not exported: the snapshot did not verify');
    else if (!signal.aborted) await attempt(() => run.step('export', () => exportSnapshot(ctx, plan.backup.destination!).then(() => record.exports.map((e) => e.directory).join(', '))));
  }
  if (plan.retention && record.ok && !signal.aborted) {
    const keep = plan.retention.keep;
    const history = await deps.planHistory(plan.name).catch(() => ({ succeeded: new Set<string>(), subvolumeIds: new Map<string, number>() }));
    await attempt(() => run.step('retention', () => applyRetention(ctx, keep, history).then(() => `removed ${record.removed.length}${record.kept.length ? `, left ${record.kept.length} alone` : ''}`)));
  }
}
