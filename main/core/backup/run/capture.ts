/**
 * The snapshot step, by method, while the group is frozen (or, for btrfs
 * alone, inside the quiesce window): what the operator, the command, the
 * clone or btrfs did, recorded on each member. Every step stops when the
 * run's signal aborts (a window ran out, or a cancel).
 */
import { basename, dirname, join } from 'node:path';
import type { BackupOutputLine, BackupPlan, HookRecord, MemberReport } from '../../../../app/backup';
import { assertNever } from '../../../../app/errors';
import { BackupError } from '../backup-error';
import { snapshotReadOnly } from '../movers/btrfs-subvolumes';
import { ensureFolder } from '../movers/folders';
import { describeOutcome, runCommand, succeeded } from '../commands/child-command';
import type { DataMovers } from '../movers/data-movers';
import { btrfsSnapshotDir, type ResolvedMember } from '../preflight';

export interface CaptureContext {
  plan: BackupPlan;
  runId: string;
  members: readonly ResolvedMember[];
  reports: MemberReport[];
  signal: AbortSignal;
  /** Time left before a window runs out. */
  remainingMs(): number;
  movers: DataMovers;
  env: Readonly<Record<string, string>>;
  output(source: BackupOutputLine['source'], stream: 'stdout' | 'stderr', text: string): void;
  progress(label: string, done: number, total: number): void;
  hook(record: HookRecord): void;
  /** Manual method: resolves when the operator pressed "Snapshot taken". */
  waitForOperator(): Promise<void>;
}

/**
 * Folders the snapshot step writes into, made before the freeze so the
 * hold stays short: by descriptor, and refused (FOLDER_UNSAFE) when another
 * user could change one, since the clone and the snapshot then write there
 * by name.
 */
export async function prepareCapture(plan: BackupPlan, runId: string, members: readonly ResolvedMember[], signal?: AbortSignal): Promise<void> {
  if (members.some((m) => m.imageClone)) await ensureFolder(imageRunDir(plan, runId), { signal, fallback: 'SNAPSHOT_FAILED' });
  for (const dir of new Set(members.filter((m) => m.capture === 'atomic-snapshot').map((m) => btrfsSnapshotDir(plan, m.mountpoint)))) {
    await ensureFolder(dir, { signal, fallback: 'SNAPSHOT_FAILED' });
  }
}

export function imageRunDir(plan: BackupPlan, runId: string): string {
  return join(plan.imageClone!.snapshotDir, plan.name, runId);
}

/**
 * `<dir>/<plan>-<runId>`, or `<dir>/<plan>-<runId>-<i>` (i: the member's
 * index in the plan) when the plan has several btrfs members: they may share
 * one snapshot folder (an explicit btrfs.snapshotDir, subvolumes of one
 * filesystem). Retention knows both forms.
 */
export function btrfsSnapshotPath(plan: BackupPlan, runId: string, members: readonly Pick<ResolvedMember, 'capture'>[], member: Pick<ResolvedMember, 'index' | 'mountpoint'>): string {
  const several = members.filter((m) => m.capture === 'atomic-snapshot').length > 1;
  return join(btrfsSnapshotDir(plan, member.mountpoint), `${plan.name}-${runId}${several ? `-${member.index}` : ''}`);
}

export async function capture(ctx: CaptureContext): Promise<void> {
  const { plan } = ctx;
  switch (plan.method) {
    case 'manual':
      await ctx.waitForOperator();
      for (const report of ctx.reports) report.snapshot = { kind: 'external' };
      return;
    case 'command':
      await runSnapshotCommand(ctx);
      for (const report of ctx.reports) report.snapshot = { kind: 'external' };
      return;
    case 'image-clone':
      await cloneImages(ctx);
      return;
    case 'btrfs':
      // The btrfs snapshots first (instant), then any clones of the frozen members, inside the same window.
      await snapshotBtrfsMembers(ctx);
      await cloneImages(ctx);
      return;
    default:
      assertNever(plan.method, 'snapshot method');
  }
}

async function runSnapshotCommand(ctx: CaptureContext): Promise<void> {
  const spec = ctx.plan.command!;
  const timeoutMs = Math.max(1, Math.min(spec.timeoutMs, ctx.remainingMs()));
  const outcome = await runCommand({
    argv: spec.argv,
    shell: spec.shell,
    env: ctx.env,
    timeoutMs,
    signal: ctx.signal,
    onLine: (stream, text) => ctx.output('command', stream, text),
  });
  const ok = succeeded(outcome);
  ctx.hook({
    role: 'command',
    argv: spec.argv,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    ms: outcome.ms,
    outcome: ok ? 'ok' : outcome.timedOut ? 'timed-out' : 'failed',
    outputTail: outcome.tail,
  });
  if (ok) return;
  if (outcome.terminated) throw new BackupError('CANCELLED', 'The snapshot command was stopped.');
  if (outcome.timedOut && spec.timeoutMs > timeoutMs) throw new BackupError('WINDOW_EXCEEDED', 'The snapshot command was still running when the window ran out.');
  throw new BackupError('SNAPSHOT_FAILED', `The snapshot command ${describeOutcome(outcome, timeoutMs)}.`, outcome.tail);
}

async function cloneImages(ctx: CaptureContext): Promise<void> {
  const { plan } = ctx;
  for (const member of ctx.members) {
    if (!member.imageClone) continue;
    const source = member.backingFile!;
    const target = join(imageRunDir(plan, ctx.runId), `${member.index}-${basename(source)}`);
    const label = `Cloning ${basename(source)}`;
    ctx.progress(label, 0, member.allocatedBytes ?? 0);
    const result = await ctx.movers.cloneFile({
      source,
      target,
      reflink: plan.imageClone!.reflink,
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(label, done, total),
    });
    ctx.reports[member.index]!.snapshot = { kind: 'image', path: target, bytes: result.bytes, reflinked: result.reflinked };
    ctx.output('snapshot', 'stdout', `${member.mountpoint}: cloned ${source} to ${target} (${result.reflinked ? 'reflink' : 'copy'}, ${result.bytes} bytes, ${result.ms} ms)`);
  }
}

async function snapshotBtrfsMembers(ctx: CaptureContext): Promise<void> {
  for (const member of ctx.members) {
    if (member.capture !== 'atomic-snapshot') continue;
    const target = btrfsSnapshotPath(ctx.plan, ctx.runId, ctx.members, member);
    const taken = await snapshotReadOnly(member.mountpoint, dirname(target), basename(target), { timeoutMs: Math.max(1, ctx.remainingMs()), signal: ctx.signal });
    ctx.reports[member.index]!.snapshot = { kind: 'subvolume', path: target, subvolumeId: taken.subvolumeId };
    ctx.output('snapshot', 'stdout', `${member.mountpoint}: read-only snapshot ${target} (subvolume ${taken.subvolumeId})`);
  }
}
