/**
 * The folders a run writes to and removes from, through freezeframe-fsops
 * (fsops.ts): each reached by descriptor and refused (FOLDER_UNSAFE, naming
 * it) when a user other than root and the one the app runs as could change
 * it; what is removed is checked on its own descriptor first (a real folder
 * of ours, or the btrfs subvolume of the id this plan recorded).
 */
import type { ErrorCode } from '../../../../app/errors';
import { BackupError } from '../backup-error';
import { NOT_OURS, runFsops } from './fsops';

interface Bound {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The folder, made (0700) where missing; refused when unsafe. */
export async function ensureFolder(path: string, opts: Bound & { fallback?: ErrorCode } = {}): Promise<void> {
  await runFsops(['mkdir', path], { ...opts, what: `making ${path}`, fallback: opts.fallback ?? 'EXPORT_FAILED' });
}

export interface FolderCheck {
  /** The folder the path resolved to, or the nearest existing one. */
  path: string;
  exists: boolean;
  /** The first missing folder, when it does not exist yet. */
  missing?: string;
  /** Bytes free for this user where it is (or will be). */
  freeBytes: number;
}

/**
 * Pre-flight of a folder a run will write to: safe as far as it exists,
 * creatable beyond (a scratch folder made and removed there, with `probe`),
 * and its free space. Throws the BackupError the run itself would fail with.
 */
export async function checkFolder(path: string, opts: Bound & { probe?: boolean } = {}): Promise<FolderCheck> {
  const { ok } = await runFsops(['check', path, ...(opts.probe ? ['--probe'] : [])], { ...opts, timeoutMs: opts.timeoutMs ?? 10_000, what: `checking ${path}`, fallback: 'EXPORT_FAILED' });
  return {
    path: String(ok.path),
    exists: ok.exists === true,
    ...(typeof ok.missing === 'string' && { missing: ok.missing }),
    freeBytes: typeof ok.free === 'number' ? ok.free : 0,
  };
}

export interface FolderEntry {
  name: string;
  type: 'dir' | 'file' | 'symlink' | 'other';
  owner: number;
  subvolumeId?: number;
}

/** The entries of a folder named like a plan's runs ([A-Za-z0-9._-]); none when it does not exist. */
export async function listFolder(path: string, opts: Bound & { subvolumes?: boolean } = {}): Promise<FolderEntry[]> {
  const { lines } = await runFsops(['list', path, ...(opts.subvolumes ? ['--subvolumes'] : [])], { ...opts, what: `listing ${path}`, fallback: 'SNAPSHOT_FAILED' });
  return lines
    .filter((line) => typeof line.entry === 'string')
    .map((line) => ({
      name: line.entry as string,
      type: line.type as FolderEntry['type'],
      owner: Number(line.owner),
      ...(typeof line.subvolumeId === 'number' && { subvolumeId: line.subvolumeId }),
    }));
}

export type Removal = { outcome: 'removed' | 'missing' } | { outcome: 'kept'; why: string };

/**
 * Remove `name` in `dir`: with a subvolume id, the btrfs subvolume of that
 * id only; otherwise a real folder owned by this user, never a link. What
 * is not that is kept, and why is said; a failure to remove throws.
 */
export async function removeFromFolder(dir: string, name: string, opts: Bound & { subvolumeId?: number } = {}): Promise<Removal> {
  const args = ['remove', dir, name, ...(opts.subvolumeId !== undefined ? ['--subvolume-id', String(opts.subvolumeId)] : [])];
  try {
    const { ok } = await runFsops(args, { ...opts, timeoutMs: opts.timeoutMs ?? 10 * 60_000, what: `removing ${dir}/${name}`, fallback: 'SNAPSHOT_FAILED' });
    return { outcome: ok.missing === true ? 'missing' : 'removed' };
  } catch (error) {
    if (error instanceof BackupError && error.detail?.startsWith(NOT_OURS)) return { outcome: 'kept', why: error.detail.slice(NOT_OURS.length) };
    throw error;
  }
}

/** A read-only btrfs snapshot of `source` as `<dir>/<name>`; its subvolume id. */
export async function snapshotSubvolume(source: string, dir: string, name: string, opts: Bound): Promise<{ path: string; subvolumeId: number }> {
  const { ok } = await runFsops(['snapshot', source, dir, name], { ...opts, what: `the btrfs snapshot of ${source}`, fallback: 'SNAPSHOT_FAILED' });
  if (typeof ok.subvolumeId !== 'number') throw new BackupError('SNAPSHOT_FAILED', `The btrfs snapshot of ${source} was taken but its subvolume id is unknown.`);
  return { path: String(ok.path), subvolumeId: ok.subvolumeId };
}
