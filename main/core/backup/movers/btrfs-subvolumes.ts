/**
 * Read-only btrfs snapshots, taken as the user main runs as through
 * freezeframe-fsops: into a snapshot folder reached by descriptor (refused
 * when another user could change it), with the new subvolume's id, which
 * the report records so that retention removes exactly that subvolume. A
 * snapshot needs a transaction, so it is taken while that filesystem is
 * not frozen; it is atomic by itself.
 */
import { BackupError } from '../backup-error';
import { snapshotSubvolume } from './folders';

export async function snapshotReadOnly(mountpoint: string, dir: string, name: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<{ path: string; subvolumeId: number }> {
  try {
    return await snapshotSubvolume(mountpoint, dir, name, opts);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    if (error.code === 'CANCELLED') throw new BackupError('CANCELLED', `The btrfs snapshot of ${mountpoint} was stopped.`);
    if (error.code === 'ACCESS_DENIED') {
      throw new BackupError('ACCESS_DENIED', `You may not snapshot ${mountpoint} as this user (${error.message}). Use the command method, which may run \`sudo btrfs subvolume snapshot -r\` itself.`, error.detail);
    }
    if (/did not finish within/.test(error.message)) throw new BackupError('WINDOW_EXCEEDED', `The btrfs snapshot of ${mountpoint} did not finish within the window.`);
    throw error;
  }
}
