/**
 * Backing up from the snapshot, after the thaw: verify it read-only, export
 * it with a SHA-256 manifest, apply retention; and, when the snapshot
 * cannot be trusted, throw away what this run captured (as VSS does).
 */
import { basename, dirname, join } from 'node:path';
import type { BackupOutputLine, MemberReport, OutputKind } from '../../../../app/backup';
import { BackupError } from '../backup-error';
import type { DataMovers } from '../movers/data-movers';
import { removeFromFolder } from '../movers/folders';
import { findEntries, removeEntry, selectForRemoval } from '../movers/retention';
import type { RunRecord } from './run-record';

export interface AfterThawContext {
  record: RunRecord;
  movers: DataMovers;
  signal: AbortSignal;
  output(source: BackupOutputLine['source'], stream: 'stdout' | 'stderr', text: string, kind?: OutputKind): void;
  progress(label: string, done: number, total: number): void;
}

/** fsck can take a while on a large image; it is read-only, so a generous bound. */
const VERIFY_TIMEOUT_MS = 30 * 60_000;

export async function verifySnapshot(ctx: AfterThawContext): Promise<void> {
  const failures: string[] = [];
  for (const member of ctx.record.members) {
    const snapshot = member.snapshot;
    if (!snapshot?.path) continue;
    const result =
      snapshot.kind === 'subvolume'
        ? await ctx.movers.verifyBtrfsSnapshot(snapshot.path)
        : await ctx.movers.verifyImage(snapshot.path, member.fsType, {
            signal: ctx.signal,
            timeoutMs: VERIFY_TIMEOUT_MS,
            onOutput: (stream, text, kind) => ctx.output('verify', stream, text, kind),
          });
    ctx.record.verification.push({ ...result, mountpoint: member.mountpoint });
    if (ctx.signal.aborted) throw new BackupError('CANCELLED', 'Cancelled while verifying.');
    if (!result.ok) failures.push(`${member.mountpoint} (${result.tool}, exit ${result.exitCode ?? 'none'})`);
  }
  if (failures.length) throw new BackupError('VERIFY_FAILED', `The snapshot of ${failures.join(', ')} did not verify clean: do not back up from it.`);
}

export async function exportSnapshot(ctx: AfterThawContext, destinationDir: string): Promise<void> {
  const { record } = ctx;
  const base = `${record.plan.name}-${record.runId}`;
  const images = record.members.filter((m): m is MemberReport & { snapshot: { path: string } } => m.snapshot?.kind === 'image' && m.snapshot.path !== undefined);
  const subvolumes = record.members.filter((m) => m.snapshot?.kind === 'subvolume' && m.snapshot.path !== undefined);
  const onProgress = (label: string) => (done: number, total: number) => ctx.progress(label, done, total);
  if (images.length) {
    const files = images.map((m) => ({ source: m.snapshot.path, name: basename(m.snapshot.path) }));
    record.exports.push(await ctx.movers.exportFiles({ files, destinationDir, label: base, signal: ctx.signal, onProgress: onProgress(`Exporting ${base}`) }));
  }
  for (const member of subvolumes) {
    const index = record.members.indexOf(member);
    const label = images.length || subvolumes.length > 1 ? `${base}-${index}` : base;
    record.exports.push(await ctx.movers.exportTree({ sourceDir: member.snapshot!.path!, destinationDir, label, signal: ctx.signal, onProgress: onProgress(`Exporting ${label}`) }));
  }
}

/** What retention needs to know of this plan's earlier runs (from their reports). */
export interface PlanHistory {
  /** Run ids of its successful, trustworthy runs: only those count toward `keep`. */
  succeeded: ReadonlySet<string>;
  /** The subvolume id each of its btrfs snapshots had, by path. */
  subvolumeIds: ReadonlyMap<string, number>;
}

/** Keep the newest `keep` good runs' snapshots and exports of this plan. */
export async function applyRetention(ctx: AfterThawContext, keep: number, history: PlanHistory): Promise<void> {
  const { record } = ctx;
  const btrfsMembers = record.members.filter((m) => m.capture === 'atomic-snapshot').map((m) => m.mountpoint);
  const failures: string[] = [];
  for (const place of await findEntries(record.plan, btrfsMembers, ctx.signal)) {
    for (const entry of selectForRemoval(place, keep, history.succeeded, record.runId)) {
      try {
        const removal = await removeEntry(entry, history.subvolumeIds, ctx.signal);
        if (removal.outcome === 'kept') {
          record.kept.push({ path: entry.path, why: removal.why });
          ctx.output('snapshot', 'stderr', `retention: left ${entry.path} alone: ${removal.why}`);
        } else if (removal.outcome === 'removed') {
          record.removed.push(entry.path);
          const id = entry.kind === 'subvolume' ? ` (subvolume ${history.subvolumeIds.get(entry.path)})` : '';
          ctx.output('snapshot', 'stdout', `retention: removed ${entry.path}${id}`);
        }
      } catch (error) {
        failures.push(`${entry.path}: ${(error as Error).message}`);
      }
    }
  }
  if (failures.length) ctx.output('snapshot', 'stderr', `retention: could not remove ${failures.join('; ')}`);
}

/** An untrustworthy snapshot is not kept to be backed up from by mistake. */
export async function discardSnapshot(ctx: AfterThawContext): Promise<void> {
  const { record } = ctx;
  const note = (path: string, error: unknown): void => ctx.output('snapshot', 'stderr', `could not remove the untrustworthy snapshot ${path}: ${(error as Error).message}`);
  for (const member of record.members) {
    const snapshot = member.snapshot;
    if (snapshot?.kind !== 'subvolume' || !snapshot.path) continue;
    if (snapshot.subvolumeId === undefined) continue; // not made by this run
    try {
      const removal = await removeFromFolder(dirname(snapshot.path), basename(snapshot.path), { subvolumeId: snapshot.subvolumeId });
      if (removal.outcome === 'kept') note(snapshot.path, new Error(removal.why));
      else record.discarded.push(snapshot.path);
    } catch (error) {
      note(snapshot.path, error);
    }
    delete member.snapshot;
  }
  if (record.plan.imageClone && record.members.some((m) => m.capture !== 'not-captured')) {
    const parent = join(record.plan.imageClone.snapshotDir, record.plan.name);
    const hadImages = record.members.some((m) => m.snapshot?.kind === 'image');
    try {
      const removal = await removeFromFolder(parent, record.runId);
      if (removal.outcome === 'removed' && hadImages) record.discarded.push(join(parent, record.runId));
      if (removal.outcome === 'kept') note(join(parent, record.runId), new Error(removal.why));
    } catch (error) {
      note(join(parent, record.runId), error);
    }
    for (const member of record.members) if (member.snapshot?.kind === 'image') delete member.snapshot;
  }
}
