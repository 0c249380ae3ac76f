/**
 * Read-only btrfs snapshots, taken and removed with btrfs-progs as the
 * user main runs as. A snapshot needs a transaction, so it is taken while
 * that filesystem is not frozen; it is atomic by itself.
 */
import { BackupError } from '../backup-error';
import { runCommand, type OutputStream } from '../commands/child-command';

const DENIED = /operation not permitted|permission denied/i;

export async function snapshotReadOnly(
  mountpoint: string,
  target: string,
  opts: { timeoutMs: number; signal?: AbortSignal; onLine?(stream: OutputStream, text: string): void },
): Promise<void> {
  const outcome = await runCommand({ argv: ['btrfs', 'subvolume', 'snapshot', '-r', mountpoint, target], timeoutMs: opts.timeoutMs, signal: opts.signal, onLine: opts.onLine });
  if (outcome.exitCode === 0) return;
  if (outcome.terminated) throw new BackupError('CANCELLED', `The btrfs snapshot of ${mountpoint} was stopped.`);
  if (outcome.timedOut) throw new BackupError('WINDOW_EXCEEDED', `The btrfs snapshot of ${mountpoint} did not finish within the window.`);
  if (outcome.spawnError) throw new BackupError('SNAPSHOT_FAILED', `Could not run btrfs (${outcome.spawnError}): install btrfs-progs.`);
  if (DENIED.test(outcome.tail)) {
    throw new BackupError('ACCESS_DENIED', `You may not snapshot ${mountpoint} as this user (btrfs said: ${lastLine(outcome.tail)}). Use the command method, which may run \`sudo btrfs subvolume snapshot -r\` itself.`);
  }
  throw new BackupError('SNAPSHOT_FAILED', `btrfs subvolume snapshot of ${mountpoint} failed: ${lastLine(outcome.tail)}`);
}

export async function deleteSubvolume(path: string): Promise<void> {
  const outcome = await runCommand({ argv: ['btrfs', 'subvolume', 'delete', path], timeoutMs: 60_000 });
  if (outcome.exitCode !== 0) throw new BackupError(DENIED.test(outcome.tail) ? 'ACCESS_DENIED' : 'SNAPSHOT_FAILED', `btrfs subvolume delete ${path} failed: ${lastLine(outcome.tail)}`);
}

function lastLine(tail: string): string {
  return tail.trim().split('\n').pop()?.replace(/^! /, '') ?? '';
}
