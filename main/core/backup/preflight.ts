/**
 * What a plan would do now, before anything runs: each member resolved
 * against the live mount table, how it will be captured, what could go
 * wrong (warnings) and what makes the run impossible (blockers), the steps
 * in order with the longest anything stays frozen, and the commands the
 * user must have seen. backup.start runs only a plan without blockers.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupPlan, Preflight, PreflightMember } from '../../../app/backup';
import { DANGEROUS_MAX_TIMEOUT_MS } from '../../../app/limits';
import type { MountBase } from '../mounts/mount-table';
import { changedFields, commandsOf, planDigest } from './commands/commands-digest';
import type { Approval } from './store/plan-store';
import { mountAt, mountContaining, nearestExisting } from './mount-lookup';
import type { FolderCheck } from './movers/folders';
import { checkCommandPrograms, checkPlanFolders } from './preflight-checks';

/** A member as the run uses it: the preflight view plus the table row it resolved to. */
export interface ResolvedMember extends PreflightMember {
  index: number;
  row: MountBase | undefined;
  /** Captured by cloning its backing file while frozen. */
  imageClone: boolean;
}

export interface PreflightDeps {
  rows(): readonly MountBase[];
  isFrozen(majorMinor: string): boolean;
  readDirtyBytes(): Promise<number>;
  backingFileOf(mount: { majorMinor: string; source: string }): Promise<string | undefined>;
  allocatedBytes(path: string): Promise<number>;
  probeReflink(source: string, targetDir: string): Promise<boolean>;
  estimateCopyMs(allocatedBytes: number, reflink: boolean): number;
  /** What this front door approved of the plan of this name (none for a plan file the command line runs). */
  approval(planName: string): Promise<Approval | undefined>;
  /** The running helper's limit, when one runs. */
  helperMaxTimeoutMs(): number | undefined;
  /** A folder the run writes to: safe, creatable, its free space (folders.ts). */
  checkFolder(path: string, opts: { probe: boolean }): Promise<FolderCheck>;
  euid: number;
  /** The environment the plan's commands get (their PATH). */
  env?: NodeJS.ProcessEnv;
}

export interface PreflightResult {
  preflight: Preflight;
  members: ResolvedMember[];
}

export async function runPreflight(plan: BackupPlan, deps: PreflightDeps): Promise<PreflightResult> {
  const rows = deps.rows();
  const warnings: string[] = [];
  const blockers: string[] = [];
  const members: ResolvedMember[] = [];

  for (const [index, mountpoint] of plan.mounts.entries()) {
    const row = mountAt(mountpoint, rows);
    const isBtrfs = row?.fsType === 'btrfs';
    const capture = plan.method === 'btrfs' && isBtrfs ? 'atomic-snapshot' : 'frozen';
    const imageClone = capture === 'frozen' && (plan.method === 'image-clone' || (plan.method === 'btrfs' && plan.imageClone !== undefined));
    const member: ResolvedMember = {
      index,
      row,
      imageClone,
      mountpoint,
      fsType: row?.fsType ?? 'unknown',
      device: row?.source ?? '',
      mounted: row !== undefined,
      freezable: row?.freezable ?? false,
      danger: row ? row.danger.map((d) => d.reason) : [],
      capture,
    };
    members.push(member);
    if (!row) {
      blockers.push(`${mountpoint} is not a mountpoint now: mount it, or remove it from the plan.`);
      continue;
    }
    if (capture === 'frozen' && !row.freezable) blockers.push(`${mountpoint} is ${row.fsType}, which the kernel cannot freeze.`);
    if (capture === 'frozen' && row.danger.length > 0 && !plan.confirmDangerous.includes(mountpoint)) {
      blockers.push(`${mountpoint} is marked dangerous (${member.danger.join(' ')}); confirm it by typing its mountpoint.`);
    }
    if (deps.isFrozen(row.majorMinor)) blockers.push(`${mountpoint} is frozen already: thaw it first.`);
    if (plan.method === 'btrfs' && !isBtrfs && !imageClone) {
      blockers.push(`${mountpoint} is ${row.fsType}, not btrfs: the btrfs method would freeze it but capture nothing. Add imageClone.snapshotDir to clone it (when loop-backed), or use another method.`);
    }
    if (capture === 'atomic-snapshot') await checkBtrfsMember(plan, member, row, rows, deps, blockers);
    if (imageClone) await checkImageMember(plan, member, row, deps, warnings, blockers);
  }

  const frozen = members.filter((m) => m.capture === 'frozen');
  const frozenKeys = new Set(frozen.flatMap((m) => (m.row ? [m.row.majorMinor] : [])));
  if (plan.imageClone && members.some((m) => m.imageClone)) {
    const dirMount = mountContaining(await nearestExisting(plan.imageClone.snapshotDir), rows);
    if (dirMount && frozenKeys.has(dirMount.majorMinor)) {
      blockers.push(`The snapshot folder ${plan.imageClone.snapshotDir} is on ${dirMount.path}, which this plan freezes: the clone could never be written. Choose a folder on another filesystem.`);
    }
    const estimate = members.reduce((sum, m) => sum + (m.estimatedCopyMs ?? 0), 0);
    if (estimate > plan.holdWindowMs) {
      warnings.push(`Cloning is estimated to take ${seconds(estimate)} while frozen, longer than the ${seconds(plan.holdWindowMs)} hold window: the run would likely thaw before the clone is done. Use a snapshot folder on a filesystem that supports reflinks, or a longer hold window.`);
    }
  }
  if (frozen.length > 0) {
    const helperMax = deps.helperMaxTimeoutMs();
    if (helperMax !== undefined && plan.holdWindowMs > helperMax) blockers.push(`The hold window (${seconds(plan.holdWindowMs)}) is longer than the helper allows (${seconds(helperMax)}).`);
    if (frozen.some((m) => m.danger.length > 0) && plan.holdWindowMs > DANGEROUS_MAX_TIMEOUT_MS) {
      blockers.push(`A dangerous filesystem may be frozen for at most ${seconds(DANGEROUS_MAX_TIMEOUT_MS)}: shorten the hold window.`);
    }
  }
  if (plan.method === 'manual' && !plan.manual?.checklist.length) warnings.push('The manual method has no checklist: the operator sees only the countdown.');
  const snapshotDirs = [
    ...(plan.imageClone && members.some((m) => m.imageClone) ? [plan.imageClone.snapshotDir] : []),
    ...new Set(members.filter((m) => m.capture === 'atomic-snapshot' && m.row).map((m) => btrfsSnapshotDir(plan, m.mountpoint))),
  ];
  await checkPlanFolders(plan, members, snapshotDirs, deps, warnings, blockers);
  checkCommandPrograms(plan, deps.env ?? process.env, blockers);

  const dirtyBytes = await deps.readDirtyBytes().catch(() => 0);
  if (dirtyBytes > 64 * 1024 * 1024 && !plan.preSync) {
    warnings.push(`${mib(dirtyBytes)} of data is waiting to be written: without the pre-sync, the freeze itself writes it out and takes longer.`);
  }
  const commands = commandsOf(plan);
  const digest = planDigest(plan);
  const approved = commands.length === 0 ? undefined : await deps.approval(plan.name);
  const approval: Preflight['approval'] = commands.length === 0 ? 'not-needed' : !approved ? 'new' : approved.digest === digest ? 'approved' : 'changed';

  return {
    members,
    preflight: {
      members: members.map(toPublic),
      dirtyBytes,
      steps: describeSteps(plan, members),
      maxFrozenMs: frozen.length > 0 ? plan.holdWindowMs : 0,
      warnings,
      blockers,
      commands,
      commandsDigest: digest,
      commandsConfirmed: approval === 'not-needed' || approval === 'approved',
      approval,
      ...(approval === 'changed' && { changedSinceApproval: changedFields(approved!.plan, plan) }),
    },
  };
}

async function checkImageMember(plan: BackupPlan, member: ResolvedMember, row: MountBase, deps: PreflightDeps, warnings: string[], blockers: string[]): Promise<void> {
  const backing = await deps.backingFileOf(row).catch(() => undefined);
  if (!backing) {
    blockers.push(`${member.mountpoint} is not on a loop device (${row.source}): the image-clone method can only clone a backing file. Use the command method with your storage's snapshot tool.`);
    return;
  }
  member.backingFile = backing;
  try {
    await access(backing, constants.R_OK);
  } catch {
    blockers.push(`You may not read ${backing}, the backing file of ${member.mountpoint}, so it cannot be cloned as ${deps.euid === 0 ? 'root' : 'your user'}. Use the command method (which may use sudo itself), or make the file readable.`);
    return;
  }
  member.allocatedBytes = await deps.allocatedBytes(backing).catch(() => undefined);
  const targetDir = await nearestExisting(plan.imageClone!.snapshotDir);
  const dirMount = mountContaining(targetDir, deps.rows());
  const dirFrozen = dirMount !== undefined && deps.isFrozen(dirMount.majorMinor);
  // A probe writes a scratch file: never into a filesystem that is frozen now.
  member.reflink = dirFrozen ? false : await deps.probeReflink(backing, targetDir).catch(() => false);
  if (plan.imageClone!.reflink === 'always' && !member.reflink) {
    blockers.push(`The snapshot folder cannot reflink ${backing} (the plan says reflink "always"): choose a folder on the same reflink-capable filesystem (xfs, btrfs), or allow copying.`);
  }
  if (member.allocatedBytes !== undefined) member.estimatedCopyMs = deps.estimateCopyMs(member.allocatedBytes, member.reflink === true && plan.imageClone!.reflink !== 'never');
  if (!member.reflink && plan.imageClone!.reflink !== 'never') warnings.push(`${backing} cannot be reflinked into the snapshot folder: it is copied while frozen (about ${seconds(member.estimatedCopyMs ?? 0)}).`);
}

async function checkBtrfsMember(plan: BackupPlan, member: ResolvedMember, row: MountBase, rows: readonly MountBase[], deps: PreflightDeps, blockers: string[]): Promise<void> {
  const dir = btrfsSnapshotDir(plan, member.mountpoint);
  const dirMount = mountContaining(await nearestExisting(dir), rows);
  if (!dirMount || dirMount.majorMinor !== row.majorMinor) {
    blockers.push(`The btrfs snapshot folder ${dir} is not on ${member.mountpoint}'s filesystem: a btrfs snapshot stays on its own filesystem.`);
  }
  if (deps.euid !== 0) {
    const owner = await stat(member.mountpoint).then((s) => s.uid).catch(() => -1);
    if (owner !== deps.euid) {
      blockers.push(`As your user, btrfs lets you snapshot only subvolumes you own, and ${member.mountpoint} is not yours. Use the command method (which may run \`sudo btrfs subvolume snapshot -r\` itself).`);
    }
  }
}

export function btrfsSnapshotDir(plan: BackupPlan, mountpoint: string): string {
  return plan.btrfs?.snapshotDir ?? join(mountpoint, '.freezeframe-snapshots');
}

function describeSteps(plan: BackupPlan, members: readonly ResolvedMember[]): string[] {
  const frozen = members.filter((m) => m.capture === 'frozen');
  const atomic = members.filter((m) => m.capture === 'atomic-snapshot');
  const steps: string[] = [];
  const { preFreeze, hold, postThaw } = plan.hooks;
  if (preFreeze) steps.push(`Run the pre-freeze hook (at most ${seconds(preFreeze.timeoutMs)}); if it fails, nothing is frozen.`);
  if (hold) steps.push(`Start the hold hook and wait for it to print "${hold.readyLine}" (at most ${seconds(hold.readyTimeoutMs)}).`);
  if (plan.preSync && frozen.length > 0) steps.push(`Flush pending writes (sync) of ${list(frozen)} so the freeze itself is short.`);
  if (frozen.length > 0) {
    steps.push(`Freeze ${list(frozen)} together (all or nothing) for at most ${seconds(plan.holdWindowMs)}; writes to ${frozen.length === 1 ? 'it' : 'them'} wait until the thaw.`);
  } else {
    steps.push('Nothing is frozen: btrfs snapshots are atomic by themselves.');
  }
  switch (plan.method) {
    case 'manual':
      steps.push('Wait for you to take the storage snapshot and press "Snapshot taken".');
      break;
    case 'command':
      steps.push(`Run the snapshot command: ${plan.command?.argv.join(' ')}; its exit status decides.`);
      break;
    case 'image-clone':
      steps.push(`Clone the backing file${frozen.length === 1 ? '' : 's'} into ${plan.imageClone?.snapshotDir} while frozen (reflink where possible, else a sparse copy).`);
      break;
    case 'btrfs':
      steps.push(`Take a read-only btrfs snapshot of ${list(atomic)} (not frozen: a btrfs snapshot needs a transaction, and is atomic anyway).`);
      if (frozen.length > 0) steps.push(`Clone the backing file${frozen.length === 1 ? '' : 's'} of ${list(frozen)} while frozen, inside the same window.`);
      break;
  }
  if (frozen.length > 0) steps.push(`Thaw the moment the snapshot is done; if either window runs out first (hold ${seconds(plan.holdWindowMs)}, quiesce ${seconds(plan.quiesceWindowMs)}), thaw and mark the snapshot untrustworthy.`);
  if (hold) steps.push('Tell the hold hook to let go (close its stdin, then SIGTERM).');
  if (postThaw) steps.push(`Run the post-thaw hook (at most ${seconds(postThaw.timeoutMs)}).`);
  if (plan.method === 'image-clone' || plan.method === 'btrfs') {
    if (plan.backup.verify) steps.push('Verify the snapshot read-only (fsck of each image, read-only flag of each btrfs snapshot).');
    if (plan.backup.destination) steps.push(`Export it to ${plan.backup.destination} with a SHA-256 manifest.`);
  } else {
    steps.push('The backup itself happens elsewhere: the report records it.');
  }
  if (plan.retention) steps.push(`Keep the newest ${plan.retention.keep} snapshot(s) and export(s) of this plan; remove older ones.`);
  return steps;
}

function toPublic(member: ResolvedMember): PreflightMember {
  const { index: _index, row: _row, imageClone: _imageClone, ...rest } = member;
  return rest;
}

function list(members: readonly ResolvedMember[]): string {
  return members.map((m) => m.mountpoint).join(', ');
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
